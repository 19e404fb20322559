//! Embeds every `models/*.toml` into the binary, so `brief` knows its model configs from any
//! directory and adding a model is adding a file (no code edit).
use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=models");
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets this")).join("models");
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .expect("models/ folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    entries.sort();
    let mut out = String::from("/// (file name, contents) of every built-in config.\npub const BUILTIN: &[(&str, &str)] = &[\n");
    for p in entries {
        println!("cargo:rerun-if-changed={}", p.display());
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 file name");
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            p.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets this")).join("builtin_models.rs");
    fs::write(dest, out).expect("write builtin_models.rs");
}

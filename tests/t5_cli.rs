//! The T5 backend through the real CLI: a fixture config (random weights, files pinned by
//! sha256, `local` source) is pulled into a fresh cache, loaded and run like any model —
//! summarize (the sample article is longer than the fixture's context, so map-reduce runs),
//! beam search from config and from flags, the GGUF variant, `eval`, and bad files.

mod common;
use common::*;
use std::path::PathBuf;

fn fixture(rel: &str) -> String {
    root()
        .join("tests/fixtures/tiny")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

/// A `brief` command whose model cache is a fresh temporary folder.
fn isolated(home: &tempfile::TempDir) -> std::process::Command {
    let mut c = brief();
    c.env("HF_HOME", home.path()).env_remove("HF_HUB_CACHE");
    c
}

fn json(out: &(i32, String, String)) -> serde_json::Value {
    assert_eq!(out.0, 0, "brief failed: {}", out.2);
    serde_json::from_str(&out.1).unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.1))
}

#[test]
fn t5_fixture_summarizes_through_the_cli() {
    let home = tempfile::tempdir().unwrap();
    let a = article_path();
    let cfg = fixture("t5-gated/brief.toml");
    let args = [
        "summarize",
        a.to_str().unwrap(),
        "--summarizer",
        &cfg,
        "--format",
        "json",
        // Random weights write nonsense the check would replace with article sentences; this
        // test is about generation.
        "--faithfulness",
        "off",
    ];
    let first = json(&run(isolated(&home).args(args)));
    assert_eq!(first["summarizer"], "tiny-t5-gated");
    assert!(
        first["parts"].as_u64().unwrap() > 1,
        "map-reduce over a 256-token context"
    );
    assert!(first["tokens_in"].as_u64().unwrap() > 500);
    assert!(!first["summary"].as_str().unwrap().is_empty());
    // Installed in the fresh cache, deterministic, and offline afterwards.
    let again = json(&run(isolated(&home).args(args).arg("--offline")));
    assert_eq!(first["summary"], again["summary"]);
    // Greedy (flags override the config's beams) gives another output than 3 beams.
    let greedy = json(&run(isolated(&home).args(args).args([
        "--num-beams",
        "1",
        "--offline",
    ])));
    assert_ne!(first["summary"], greedy["summary"]);
}

#[test]
fn t5_gguf_fixtures_load_and_run() {
    let home = tempfile::tempdir().unwrap();
    let a = article_path();
    for (config, name) in [
        ("t5-gated/brief-gguf.toml", "tiny-t5-gated-gguf"),
        ("t5-gated/brief-q8_0.toml", "tiny-t5-gated-q8_0"),
    ] {
        let out = run(isolated(&home).args([
            "summarize",
            a.to_str().unwrap(),
            "--summarizer",
            &fixture(config),
            "--format",
            "json",
        ]));
        let v = json(&out);
        assert_eq!(v["summarizer"], name);
        assert!(!v["summary"].as_str().unwrap().is_empty());
    }
}

#[test]
fn eval_accepts_a_t5_summarizer() {
    let home = tempfile::tempdir().unwrap();
    let out = run(isolated(&home).args([
        "eval",
        root().join("evals/articles.jsonl").to_str().unwrap(),
        "--limit",
        "2",
        "--summarizer",
        &fixture("t5-tied/brief.toml"),
        "--classifier",
        &fixture("deberta-v2/brief.toml"),
        "--format",
        "json",
    ]));
    let v = json(&out);
    let text = v.to_string();
    assert!(text.contains("tiny-t5-tied"), "{text}");
    assert!(text.contains("rouge"), "{text}");
}

#[test]
fn beam_settings_are_checked_before_loading() {
    let home = tempfile::tempdir().unwrap();
    let a = article_path();
    let out = run(isolated(&home).args([
        "summarize",
        a.to_str().unwrap(),
        "--summarizer",
        &fixture("t5-tied/brief.toml"),
        "--temperature",
        "0.7",
    ]));
    assert_clear_error(&out, "deterministic beam search; set temperature = 0");
}

#[test]
fn damaged_t5_weights_give_one_clear_error() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let src = PathBuf::from(fixture("t5-tied"));
    for f in ["config.json", "tokenizer.json", "brief.toml"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    // Same length, different bytes: the pinned sha256 catches it.
    let mut bytes = std::fs::read(src.join("model.safetensors")).unwrap();
    let n = bytes.len();
    bytes[n - 1] ^= 0xff;
    std::fs::write(dir.path().join("model.safetensors"), &bytes).unwrap();
    let a = article_path();
    let cfg = dir.path().join("brief.toml");
    let out = run(isolated(&home).args([
        "summarize",
        a.to_str().unwrap(),
        "--summarizer",
        cfg.to_str().unwrap(),
    ]));
    assert_clear_error(&out, "checksum mismatch for model.safetensors");

    // A config that pins no checksum gets past fetching; the loader then rejects the file.
    let text = std::fs::read_to_string(&cfg).unwrap();
    let unpinned: String = text
        .lines()
        .map(|l| {
            if l.contains("model.safetensors") {
                "    { name = \"model.safetensors\", local = \"model.safetensors\" },".to_string()
            } else {
                l.replace("verified = true", "verified = false")
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&cfg, unpinned).unwrap();
    std::fs::write(
        dir.path().join("model.safetensors"),
        b"not a safetensors file",
    )
    .unwrap();
    let out = run(isolated(&home).args([
        "summarize",
        a.to_str().unwrap(),
        "--summarizer",
        cfg.to_str().unwrap(),
    ]));
    assert_clear_error(&out, "is not usable");
}

#[test]
fn run_with_a_t5_summarizer_and_an_nli_classifier() {
    let home = tempfile::tempdir().unwrap();
    let a = article_path();
    let out = run(isolated(&home).args([
        "run",
        a.to_str().unwrap(),
        "--summarizer",
        &fixture("t5-tied/brief.toml"),
        "--classifier",
        &fixture("xlm-roberta/brief.toml"),
        "--target",
        "security ties",
        "--format",
        "json",
    ]));
    let v = json(&out);
    assert_eq!(v["summarizer"], "tiny-t5-tied");
    assert_eq!(v["classifier"], "tiny-xlm-roberta");
    assert!(!v["summary"].as_str().unwrap().is_empty());
    let actors = v["actors"].as_array().unwrap();
    // The deterministic finder supplies the actors when the classifier cannot propose any.
    assert!(actors.iter().any(|x| x["name"] == "Niger"), "{actors:?}");
    for x in actors {
        assert!(["favor", "against", "neutral"].contains(&x["stance"].as_str().unwrap()));
    }
}

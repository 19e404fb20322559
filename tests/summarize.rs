//! End-to-end summaries with real models pulled through brief's mirror path.

mod common;
use common::*;

fn summary_json(args: &[&str]) -> serde_json::Value {
    ensure_test_models();
    let out = run(brief().args(args).args(["--format", "json"]));
    assert_eq!(out.0, 0, "brief failed: {}", out.2);
    serde_json::from_str(&out.1).unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.1))
}

#[test]
fn qwen_summary_is_real_short_deterministic_and_json() {
    let article = article_path();
    let a = article.to_str().unwrap();
    let args = [
        "summarize",
        a,
        "--summarizer",
        "qwen2.5-coder-0.5b-instruct",
    ];
    let first = summary_json(&args);
    let summary = first["summary"].as_str().unwrap();
    let text = std::fs::read_to_string(&article).unwrap();
    assert!(!summary.trim().is_empty());
    assert!(
        summary.len() < text.len() / 2,
        "summary is not short: {summary}"
    );
    assert!(summary.contains("Niger"), "{summary}");
    assert_eq!(first["summarizer"], "qwen2.5-coder-0.5b-instruct");
    assert_eq!(
        first["title"],
        "US Says It Plans to Resume Security Partnership With Niger"
    );
    assert!(first["tokens_in"].as_u64().unwrap() > 400);
    assert!(first["tokens_out"].as_u64().unwrap() > 10);
    for k in [
        "load_s",
        "prefill_s",
        "decode_s",
        "total_s",
        "prefill_tokens_per_s",
        "decode_tokens_per_s",
    ] {
        assert!(first["timings"][k].as_f64().unwrap() > 0.0, "timing {k}");
    }
    // Greedy decoding is deterministic, and a cached model needs no network at all.
    let second = summary_json(&[&args[..], &["--offline"]].concat());
    assert_eq!(first["summary"], second["summary"]);
}

#[test]
fn run_reads_stdin_and_prints_text() {
    ensure_test_models();
    let text = std::fs::read(article_path()).unwrap();
    let mut child = brief()
        .args([
            "run",
            "-",
            "--summarizer",
            "smollm2-135m-instruct",
            "--max-new-tokens",
            "40",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.split_whitespace().count() >= 5, "{s}");
    assert!(!s.trim_start().starts_with('{'), "text format by default");
}

#[test]
fn long_article_is_split_not_truncated() {
    ensure_test_models();
    let d = tempfile::tempdir().unwrap();
    // The SmolLM2 config with a budget far smaller than the article forces map-reduce.
    let cfg = std::fs::read_to_string(root().join("models/smollm2-135m-instruct.toml"))
        .unwrap()
        .replace("context_budget = 2048", "context_budget = 400");
    let cfg_path = write(d.path(), "small-budget.toml", &cfg);
    let v = summary_json(&[
        "summarize",
        article_path().to_str().unwrap(),
        "--summarizer",
        cfg_path.to_str().unwrap(),
        "--max-new-tokens",
        "40",
    ]);
    let parts = v["parts"].as_u64().unwrap();
    assert!(
        parts >= 2,
        "expected the article to be split, got {parts} part(s)"
    );
    assert!(!v["summary"].as_str().unwrap().trim().is_empty());
}

#[test]
fn models_list_shows_configs_and_cache_state() {
    ensure_test_models();
    let out = run(brief().args(["models", "list"]));
    assert_eq!(out.0, 0, "{}", out.2);
    for f in std::fs::read_dir(root().join("models")).unwrap() {
        let p = f.unwrap().path();
        let name = p.file_stem().unwrap().to_str().unwrap().to_string();
        // Folders (a trained classifier with its files) are not built-in configs.
        if name != "default" && p.extension().is_some_and(|x| x == "toml") {
            assert!(
                out.1.contains(&name),
                "{name} missing from list:\n{}",
                out.1
            );
        }
    }
    let line = |n: &str| {
        out.1
            .lines()
            .find(|l| l.starts_with(n))
            .unwrap()
            .to_string()
    };
    assert!(
        line("smollm2-135m-instruct ").contains(" yes "),
        "cached: {}",
        line("smollm2-135m-instruct ")
    );
    assert!(
        line("qwen3-1.7b ").contains(" no "),
        "hub-only config is unverified and not cached"
    );
    // Every row's TASKS column starts under its header, "encoder-classifier" rows included.
    let header = out.1.lines().next().unwrap();
    let tasks_at = header.find("TASKS").unwrap();
    for n in [
        "minilm-dsa-stance ",
        "smollm2-135m-instruct ",
        "flan-t5-small ",
    ] {
        let l = line(n);
        assert!(
            l[..tasks_at].ends_with(' ') && !l[tasks_at..].starts_with(' '),
            "columns misaligned:\n{header}\n{l}"
        );
    }
    assert!(
        line("minilm-dsa-stance ").ends_with("stance (entity targets)"),
        "{}",
        line("minilm-dsa-stance ")
    );
    let json = run(brief().args(["models", "list", "--format", "json"]));
    let rows: serde_json::Value = serde_json::from_str(&json.1).unwrap();
    let rows = rows.as_array().unwrap();
    assert!(rows.iter().any(|r| r["default_summarizer"] == true));
    let entity: Vec<_> = rows
        .iter()
        .filter(|r| r["default_entity_classifier"] == true)
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(entity, ["minilm-dsa-stance"]);
}

#[test]
fn models_verify_and_show() {
    ensure_test_models();
    let out = run(brief().args(["models", "verify", "smollm2-135m-instruct"]));
    assert_eq!(out.0, 0, "{}", out.2);
    assert!(
        out.1.contains("smollm2-135m-instruct") && out.1.contains("ok"),
        "{}",
        out.1
    );
    let out = run(brief().args(["models", "show", "smollm2-135m-instruct"]));
    assert!(
        out.1.contains("# cached: yes") && out.1.contains("sha256 = \"b179c95"),
        "{}",
        out.1
    );
}

/// Beam search on the GGUF decoder keeps one KV cache per beam; if a beam ever continued the
/// wrong cache, its score would not be what a fresh pass over its tokens gives.
#[test]
fn gguf_beam_scores_equal_a_fresh_rescoring() {
    use brief::backends::gguf_llm::GgufLlm;
    use brief::config::{resolve_model, GenerationConfig};
    use brief::runtime::chat::ChatMessage;
    ensure_test_models();
    let cfg = resolve_model("smollm2-135m-instruct").unwrap();
    let files = brief::fetch::ensure_model(
        &cfg,
        &brief::fetch::FetchOptions { offline: true },
        &mut |_| {},
    )
    .unwrap();
    let mut m = GgufLlm::load(&cfg, &files, &candle_core::Device::Cpu).unwrap();
    let messages = [ChatMessage::user(
        "Name three rivers of West Africa in one sentence.".to_string(),
    )];
    let settings = GenerationConfig {
        num_beams: 3,
        max_new_tokens: 24,
        length_penalty: 1.0,
        ..Default::default()
    };
    let (tokens, score) = m.beam_search_ids(&messages, &settings).unwrap();
    assert!(!tokens.is_empty());
    let rescored = m
        .score_ids(&messages, std::slice::from_ref(&tokens))
        .unwrap()[0];
    let expect = rescored / tokens.len() as f32;
    assert!(
        (score - expect).abs() < 2e-3,
        "beam score {score} vs rescored {expect}"
    );
    // Deterministic, and the prompt cache survives the search.
    assert_eq!(m.beam_search_ids(&messages, &settings).unwrap().0, tokens);
}

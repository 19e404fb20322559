//! NLI cross-encoders against transformers: tiny random models of every supported
//! architecture (tests/fixtures/tiny/<model_type>/, made by scripts/gen_model_fixtures.py with
//! transformers) are loaded through brief's real path (config → fetch from `local` into a fresh
//! HF cache → load_pair_classifier) and must give transformers' token ids, logits and
//! zero-shot-classification pipeline scores. Plus the `brief stance` CLI on one of them.

mod common;
use common::*;

use brief::backends::load_pair_classifier;
use brief::backends::nli::NliModel;
use brief::config::{resolve_model, ModelConfig};
use brief::fetch::{ensure_model, FetchOptions, LocalModel};
use brief::tasks::nli_stance::zero_shot_scores;
use candle_core::Device;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

const MODEL_TYPES: &[&str] = &[
    "deberta-v2",
    "xlm-roberta",
    "bert",
    "distilbert",
    "modernbert",
];
const TOLERANCE: f32 = 1e-4;

fn fixture_dir(model_type: &str) -> PathBuf {
    root().join("tests/fixtures/tiny").join(model_type)
}

/// Every test in this binary uses one fresh HF cache, set before any of them reads the
/// environment.
fn fresh_cache() {
    static HOME: OnceLock<tempfile::TempDir> = OnceLock::new();
    HOME.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        // SAFETY (edition 2021: not `unsafe`, but still process-wide): done once, inside the
        // OnceLock every test goes through before touching the cache.
        std::env::set_var("HF_HOME", dir.path());
        std::env::remove_var("HF_HUB_CACHE");
        std::env::remove_var("HF_HUB_OFFLINE");
        dir
    });
}

fn present() -> Vec<&'static str> {
    let found: Vec<&str> = MODEL_TYPES
        .iter()
        .copied()
        .filter(|m| fixture_dir(m).join("reference.json").is_file())
        .collect();
    assert!(
        found.contains(&"deberta-v2"),
        "the deberta-v2 fixture is missing"
    );
    found
}

fn reference(model_type: &str) -> Value {
    let text = std::fs::read_to_string(fixture_dir(model_type).join("reference.json"))
        .expect("reference.json");
    serde_json::from_str(&text).expect("reference.json is JSON")
}

fn fetched(model_type: &str) -> (ModelConfig, LocalModel) {
    fresh_cache();
    let toml = fixture_dir(model_type).join("brief.toml");
    let cfg = resolve_model(toml.to_str().expect("utf-8 path")).expect("fixture config");
    let files = ensure_model(&cfg, &FetchOptions::default(), &mut |_| {}).expect("fetched");
    (cfg, files)
}

fn pairs_of(r: &Value) -> Vec<(String, String)> {
    r["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| {
            (
                p["premise"].as_str().expect("premise").to_string(),
                p["hypothesis"].as_str().expect("hypothesis").to_string(),
            )
        })
        .collect()
}

#[test]
fn nli_token_ids_match_transformers() {
    for m in present() {
        let r = reference(m);
        let (cfg, files) = fetched(m);
        let model = NliModel::load(&cfg, &files, &Device::Cpu).expect("loads");
        assert_eq!(
            model.max_length() as u64,
            r["max_length"].as_u64().expect("max_length"),
            "{m}: brief.toml's nli.max_length must be the reference's"
        );
        let encoded = model.encode(&pairs_of(&r)).expect("encodes");
        let mut truncated = 0;
        for (e, p) in encoded.iter().zip(r["pairs"].as_array().expect("pairs")) {
            assert_eq!(
                e.ids,
                json_u32s(&p["input_ids"]),
                "{m}: ids of {:?}",
                p["premise"]
            );
            if let Some(t) = p.get("token_type_ids") {
                assert_eq!(
                    e.type_ids,
                    json_u32s(t),
                    "{m}: type ids of {:?}",
                    p["premise"]
                );
            }
            truncated += usize::from(e.ids.len() == model.max_length());
        }
        assert!(truncated > 0, "{m}: no pair exercises truncation");
    }
}

#[test]
fn nli_logits_match_transformers_in_one_padded_batch() {
    for m in present() {
        let r = reference(m);
        let (cfg, files) = fetched(m);
        let mut model = load_pair_classifier(&cfg, &files, &Device::Cpu).expect("loads");
        let id2label = r["id2label"].as_object().expect("id2label");
        let want_labels: Vec<&str> = (0..id2label.len())
            .map(|i| id2label[&i.to_string()].as_str().expect("label"))
            .collect();
        assert_eq!(model.labels(), want_labels, "{m}: labels");
        let pairs = pairs_of(&r);
        let lens: Vec<usize> = r["pairs"]
            .as_array()
            .expect("pairs")
            .iter()
            .map(|p| p["input_ids"].as_array().map_or(0, Vec::len))
            .collect();
        assert!(
            lens.iter().min() < lens.iter().max(),
            "{m}: pairs of one length do not exercise padding"
        );
        let got = model.logits(&pairs).expect("logits");
        let mut worst = 0f32;
        for (row, p) in got.iter().zip(r["pairs"].as_array().expect("pairs")) {
            let want = json_f32s(&p["logits"]);
            assert_eq!(row.len(), want.len(), "{m}: labels per row");
            for (a, b) in row.iter().zip(&want) {
                worst = worst.max((a - b).abs());
            }
        }
        eprintln!("{m}: max |logit diff| = {worst:.2e}");
        assert!(
            worst <= TOLERANCE,
            "{m}: logits differ from transformers by {worst:e}\n got {got:?}"
        );
    }
}

#[test]
fn nli_zero_shot_scores_match_the_pipeline() {
    for m in present() {
        let r = reference(m);
        let (cfg, files) = fetched(m);
        let mut model = load_pair_classifier(&cfg, &files, &Device::Cpu).expect("loads");
        let cases = r["zero_shot"].as_array().expect("zero_shot");
        for multi in [true, false] {
            assert!(
                cases
                    .iter()
                    .any(|c| c["multi_label"].as_bool() == Some(multi)),
                "{m}: no zero-shot case with multi_label = {multi}"
            );
        }
        for c in cases {
            let hyps: Vec<String> = c["hypotheses"]
                .as_array()
                .expect("hypotheses")
                .iter()
                .map(|h| h.as_str().expect("hypothesis").to_string())
                .collect();
            let multi = c["multi_label"].as_bool().expect("multi_label");
            let got = zero_shot_scores(
                model.as_mut(),
                c["premise"].as_str().expect("premise"),
                &hyps,
                multi,
            )
            .expect("scores");
            let want = json_f32s(&c["scores"]);
            for (a, b) in got.iter().zip(&want) {
                assert!(
                    (a - b).abs() <= TOLERANCE,
                    "{m}: multi_label={multi} {hyps:?}: got {got:?}, pipeline {want:?}"
                );
            }
        }
    }
}

fn cli_home() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn nli_stance_cli_labels_every_actor() {
    let home = cli_home();
    let toml = fixture_dir("deberta-v2").join("brief.toml");
    let out = run(brief()
        .env("HF_HOME", home.path())
        .env_remove("HF_HUB_CACHE")
        .args([
            "stance",
            article_path().to_str().expect("utf-8"),
            "--classifier",
            toml.to_str().expect("utf-8"),
            "--target",
            "security cooperation with Niger",
            "--format",
            "json",
        ]));
    assert_eq!(out.0, 0, "brief failed: {}", out.2);
    let report: Value = serde_json::from_str(&out.1).expect("JSON report");
    assert_eq!(report["classifier"], "tiny-deberta-v2");
    let actors = report["actors"].as_array().expect("actors");
    assert!(!actors.is_empty(), "no actors: {}", out.1);
    for a in actors {
        let stance = a["stance"].as_str().expect("stance");
        assert!(
            ["favor", "against", "neutral"].contains(&stance),
            "{stance}"
        );
        let s = &a["scores"];
        let sum: f64 = ["favor", "against", "neutral"]
            .iter()
            .map(|k| s[k].as_f64().expect("score"))
            .sum();
        assert!((sum - 1.0).abs() < 1e-4, "scores sum to {sum}: {s}");
    }
    validate(&report);
}

#[test]
fn nli_wrong_checksum_is_one_line_error() {
    let home = cli_home();
    let dir = tempfile::tempdir().expect("temp dir");
    let src = fixture_dir("deberta-v2");
    let text = std::fs::read_to_string(src.join("brief.toml")).expect("brief.toml");
    // The same fixture, its model.safetensors pinned to a wrong checksum and the local paths
    // pointing back at the fixture folder.
    let cfg: ModelConfig = ModelConfig::parse(&text, "fixture").expect("parses");
    let real = cfg.weights.files[1]
        .sha256
        .clone()
        .expect("pinned checksum");
    let wrong = format!("{}0", &real[..63]);
    let wrong = if wrong == real {
        format!("{}1", &real[..63])
    } else {
        wrong
    };
    let abs = |name: &str| src.join(name).display().to_string();
    let text = text
        .replace(&real, &wrong)
        .replace(
            "local = \"config.json\"",
            &format!("local = {:?}", abs("config.json")),
        )
        .replace(
            "local = \"model.safetensors\"",
            &format!("local = {:?}", abs("model.safetensors")),
        )
        .replace(
            "local = \"tokenizer.json\"",
            &format!("local = {:?}", abs("tokenizer.json")),
        );
    let toml = write(dir.path(), "bad.toml", &text);
    let out = stance_with(&home, &toml);
    assert_clear_error(&out, "model.safetensors");
}

/// `brief stance` on the sample article with `classifier`, in the cache under `home`.
fn stance_with(home: &tempfile::TempDir, classifier: &std::path::Path) -> (i32, String, String) {
    run(brief()
        .env("HF_HOME", home.path())
        .env_remove("HF_HUB_CACHE")
        .args([
            "stance",
            article_path().to_str().expect("utf-8"),
            "--classifier",
            classifier.to_str().expect("utf-8"),
            "--target",
            "security cooperation with Niger",
        ]))
}

#[test]
fn nli_unsupported_model_type_is_one_line_error() {
    let home = cli_home();
    let dir = tempfile::tempdir().expect("temp dir");
    let src = fixture_dir("bert");
    for f in ["model.safetensors", "tokenizer.json", "brief.toml"] {
        std::fs::copy(src.join(f), dir.path().join(f)).expect("copy");
    }
    let config = std::fs::read_to_string(src.join("config.json")).expect("config.json");
    let config = config.replace("\"model_type\": \"bert\"", "\"model_type\": \"gpt2\"");
    write(dir.path(), "config.json", &config);
    let toml = std::fs::read_to_string(src.join("brief.toml")).expect("brief.toml");
    let cfg = ModelConfig::parse(&toml, "fixture").expect("parses");
    let old = cfg.weights.files[0].sha256.clone().expect("pinned");
    let new = brief::fetch::sha256_file(&dir.path().join("config.json")).expect("hash");
    let toml = write(dir.path(), "brief.toml", &toml.replace(&old, &new));
    let out = stance_with(&home, &toml);
    assert_clear_error(&out, "model_type 'gpt2' is not supported");
    assert!(out.2.contains("deberta-v2, xlm-roberta"), "{}", out.2);
}

//! The trainable encoder classifier: brief's own BERT forward against transformers (tiny random
//! BERT fixture), training on a small separable synthetic set, save → load, determinism, the
//! CLI (`brief train stance`, `--classifier DIR/brief.toml`) and the eval overlap check.

mod common;
use common::*;

use brief::backends::encoder::bert::Bert;
use brief::backends::encoder::load_classifier;
use brief::config::resolve_model;
use brief::fetch::{ensure_model, FetchOptions};
use brief::train::distill::Distill;
use brief::train::{train_stance, FitSettings, TrainOptions};
use candle_core::{DType, Device, IndexOp, Module, Tensor};
use candle_nn::VarBuilder;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn tiny() -> PathBuf {
    root().join("tests/fixtures/tiny/bert")
}

/// One fresh HF cache for the whole binary (set before any test reads the environment).
fn fresh_cache() -> &'static Path {
    static HOME: OnceLock<tempfile::TempDir> = OnceLock::new();
    HOME.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        std::env::set_var("HF_HOME", dir.path());
        std::env::remove_var("HF_HUB_CACHE");
        std::env::remove_var("HF_HUB_OFFLINE");
        dir
    })
    .path()
}

#[test]
fn encoder_bert_forward_matches_transformers() {
    let dir = tiny();
    let config: candle_transformers::models::bert::Config =
        serde_json::from_str(&std::fs::read_to_string(dir.join("config.json")).unwrap()).unwrap();
    let vb = unsafe {
        VarBuilder::from_mmaped_safetensors(
            &[dir.join("model.safetensors")],
            DType::F32,
            &Device::Cpu,
        )
    }
    .unwrap();
    let bert = Bert::load(config.clone(), vb.clone()).unwrap();
    let pooler = candle_nn::linear(32, 32, vb.pp("bert.pooler.dense")).unwrap();
    let classifier = candle_nn::linear(32, 3, vb.pp("classifier")).unwrap();
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("reference.json")).unwrap())
            .unwrap();
    let pairs = r["pairs"].as_array().unwrap();
    let width = pairs
        .iter()
        .map(|p| p["input_ids"].as_array().unwrap().len())
        .max()
        .unwrap();
    let (mut ids, mut types, mut mask) = (Vec::new(), Vec::new(), Vec::new());
    for p in pairs {
        let i = json_u32s(&p["input_ids"]);
        let t = json_u32s(&p["token_type_ids"]);
        let pad = width - i.len();
        mask.extend(std::iter::repeat_n(1u32, i.len()).chain(std::iter::repeat_n(0, pad)));
        ids.extend(i.into_iter().chain(std::iter::repeat_n(0, pad)));
        types.extend(t.into_iter().chain(std::iter::repeat_n(0, pad)));
    }
    assert!(mask.contains(&0), "the batch must exercise padding");
    let t = |v: Vec<u32>| Tensor::from_vec(v, (pairs.len(), width), &Device::Cpu).unwrap();
    let hidden = bert.forward(&t(ids), &t(types), &t(mask)).unwrap();
    let pooled = pooler
        .forward(&hidden.i((.., 0)).unwrap())
        .unwrap()
        .tanh()
        .unwrap();
    let logits: Vec<Vec<f32>> = classifier.forward(&pooled).unwrap().to_vec2().unwrap();
    let mut worst = 0f32;
    for (row, p) in logits.iter().zip(pairs) {
        for (a, b) in row.iter().zip(json_f32s(&p["logits"])) {
            worst = worst.max((a - b).abs());
        }
    }
    assert!(
        worst <= 1e-4,
        "brief's BERT differs from transformers by {worst:e}"
    );
}

/// A backbone config over the tiny fixture's files (fetched from `local`).
fn tiny_backbone(dir: &Path) -> PathBuf {
    let fixture = std::fs::read_to_string(tiny().join("brief.toml")).unwrap();
    let sha = |name: &str| -> String {
        let line = fixture
            .lines()
            .find(|l| l.contains(&format!("\"{name}\"")))
            .unwrap();
        let at = line.find("sha256 = \"").unwrap() + 10;
        line[at..at + 64].to_string()
    };
    let t = tiny();
    let text = format!(
        r#"name = "tiny-bert-backbone"
tasks = ["stance"]
architecture = "encoder-classifier"
[weights]
repo = "brief-fixtures/tiny-bert"
sources = ["local"]
files = [
  {{ name = "config.json", local = "{c}", sha256 = "{cs}" }},
  {{ name = "model.safetensors", local = "{m}", sha256 = "{ms}" }},
]
[tokenizer]
file = {{ name = "tokenizer.json", local = "{k}", sha256 = "{ks}" }}
"#,
        c = t.join("config.json").display(),
        cs = sha("config.json"),
        m = t.join("model.safetensors").display(),
        ms = sha("model.safetensors"),
        k = t.join("tokenizer.json").display(),
        ks = sha("tokenizer.json"),
    );
    let p = dir.join("backbone.toml");
    std::fs::write(&p, text).unwrap();
    p
}

const NAMES: &[&str] = &[
    "anna", "boris", "carla", "dmitri", "elena", "farid", "greta", "hugo", "ines", "jonas",
];
const VERBS: &[(&str, &str)] = &[("likes", "favor"), ("hates", "against"), ("met", "neutral")];

/// Every "A likes B today." (favor), "A hates B today." (against), "A met B today." (neutral)
/// for distinct names A, B; every fifth goes to the dev file, so the two share no text (and no
/// word the other lacks).
fn synthetic(train: &Path, dev: &Path) {
    let (mut tr, mut dv) = (String::new(), String::new());
    let mut i = 0;
    for a in NAMES {
        for b in NAMES.iter().filter(|b| *b != a) {
            for (verb, stance) in VERBS {
                let line = serde_json::json!({
                    "id": format!("syn-{i}"), "text": format!("{a} {verb} {b} today."),
                    "target": b, "actors": [{"name": a, "stance": stance}],
                    "source": "synthetic", "license": "CC0"
                })
                .to_string();
                let out = if i % 5 == 4 { &mut dv } else { &mut tr };
                out.push_str(&line);
                out.push('\n');
                i += 1;
            }
        }
    }
    std::fs::write(train, tr).unwrap();
    std::fs::write(dev, dv).unwrap();
}

fn options(dir: &Path, out: &str, seed: u64) -> TrainOptions {
    TrainOptions {
        data: vec![dir.join("train.jsonl")],
        dev: vec![dir.join("dev.jsonl")],
        backbone: dir.join("backbone.toml").display().to_string(),
        out: dir.join(out),
        name: None,
        trained_layers: 2,
        lora_rank: None,
        hidden: 16,
        max_length: 32,
        fit: FitSettings {
            seed,
            epochs: 20,
            batch_size: 16,
            lr: 3e-3,
            head_lr: 1e-2,
            class_weight_power: 0.5,
            target_dropout: 0.0,
            patience: 20,
        },
        device: "cpu".into(),
        offline: false,
        command: "test".into(),
        probe: brief::train::probe::ProbeOptions::default(),
        distill: None,
    }
}

fn setup() -> tempfile::TempDir {
    fresh_cache();
    let dir = tempfile::tempdir().unwrap();
    tiny_backbone(dir.path());
    synthetic(
        &dir.path().join("train.jsonl"),
        &dir.path().join("dev.jsonl"),
    );
    dir
}

#[test]
fn encoder_learns_a_separable_rule_and_saves_exactly() {
    let dir = setup();
    let outcome = train_stance(&options(dir.path(), "m", 5), &mut |_| {}, &mut |_| {}).unwrap();
    let r = &outcome.report;
    let (first, last) = (&r.epochs[0], r.epochs.last().unwrap());
    assert!(
        last.train_loss < 0.5 * first.train_loss,
        "loss must fall: {:?}",
        r.epochs
    );
    let best = r.epochs.iter().find(|e| e.epoch == r.best_epoch).unwrap();
    assert!(
        best.dev_accuracy > 0.9,
        "dev accuracy {}: {:?}",
        best.dev_accuracy,
        r.epochs
    );

    // save → load: the classifier read back from brief.toml gives the same logits.
    let cfg = resolve_model(dir.path().join("m/brief.toml").to_str().unwrap()).unwrap();
    let files = ensure_model(&cfg, &FetchOptions::default(), &mut |_| {}).unwrap();
    let loaded = load_classifier(&cfg, &files, &Device::Cpu).unwrap();
    let q = vec![
        (
            "anna hates boris today.".to_string(),
            vec!["anna".to_string()],
            "boris".to_string(),
        ),
        (
            "carla met hugo.".to_string(),
            vec!["carla".to_string()],
            "hugo".to_string(),
        ),
    ];
    assert_eq!(
        outcome.model.logits(&q).unwrap(),
        loaded.logits(&q).unwrap()
    );
    // Queries sharing a target (an actor's sentences) embed it once; each row is still the
    // query's own target's embedding.
    let rows = loaded
        .target_embeddings(&["boris", "hugo", "boris"])
        .unwrap()
        .to_vec2::<f32>()
        .unwrap();
    let alone = |t: &str| {
        loaded
            .text_embeddings(&[t.to_string()])
            .unwrap()
            .to_vec2::<f32>()
            .unwrap()
            .remove(0)
    };
    let (boris, hugo) = (alone("boris"), alone("hugo"));
    let gap = |a: &[f32], b: &[f32]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0f32, f32::max)
    };
    assert!(
        gap(&boris, &hugo) > 1e-2,
        "the two targets' embeddings differ"
    );
    for (row, want) in rows.iter().zip([&boris, &hugo, &boris]) {
        assert!(gap(row, want) < 1e-5, "{rows:?}");
    }

    // The same seed gives the same file.
    train_stance(&options(dir.path(), "m2", 5), &mut |_| {}, &mut |_| {}).unwrap();
    let h = |d: &str| std::fs::read(dir.path().join(d).join("head.safetensors")).unwrap();
    assert_eq!(
        h("m"),
        h("m2"),
        "training is not deterministic for one seed"
    );
}

#[test]
fn lora_adapters_learn_the_rule_in_a_small_file_and_load_back_exactly() {
    let dir = setup();
    let mut opts = options(dir.path(), "lora", 5);
    opts.lora_rank = Some(4);
    let outcome = train_stance(&opts, &mut |_| {}, &mut |_| {}).unwrap();
    let r = &outcome.report;
    let best = r.epochs.iter().find(|e| e.epoch == r.best_epoch).unwrap();
    assert!(best.dev_accuracy > 0.9, "{:?}", r.epochs);
    // Only adapters and the head are stored: no whole layer.
    let head = dir.path().join("lora/head.safetensors");
    let stored = candle_core::safetensors::load(&head, &Device::Cpu).unwrap();
    assert!(
        stored.keys().any(|k| k.contains(".lora.query.a")),
        "{:?}",
        stored.keys()
    );
    assert!(
        !stored.keys().any(|k| k.ends_with("query.weight")),
        "{:?}",
        stored.keys()
    );
    let cfg = resolve_model(dir.path().join("lora/brief.toml").to_str().unwrap()).unwrap();
    assert_eq!(cfg.encoder_settings().lora_rank, Some(4));
    let files = ensure_model(&cfg, &FetchOptions::default(), &mut |_| {}).unwrap();
    let loaded = load_classifier(&cfg, &files, &Device::Cpu).unwrap();
    let q = vec![(
        "anna hates boris today.".to_string(),
        vec!["anna".to_string()],
        "boris".to_string(),
    )];
    assert_eq!(
        outcome.model.logits(&q).unwrap(),
        loaded.logits(&q).unwrap()
    );
}

/// `train.jsonl` with every gold label replaced by neutral, as `blank.jsonl`.
fn blank_labels(dir: &Path) -> PathBuf {
    let blank = dir.join("blank.jsonl");
    let text = std::fs::read_to_string(dir.join("train.jsonl")).unwrap();
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            l.replace("\"favor\"", "\"neutral\"")
                .replace("\"against\"", "\"neutral\"")
        })
        .collect();
    std::fs::write(&blank, lines.join("\n") + "\n").unwrap();
    blank
}

#[test]
fn a_student_learns_the_rule_from_its_teacher_when_the_gold_labels_say_nothing() {
    let dir = setup();
    let d = dir.path();
    train_stance(&options(d, "teacher", 5), &mut |_| {}, &mut |_| {}).unwrap();
    let best_dev_accuracy = |r: &brief::train::TrainingReport| {
        r.epochs
            .iter()
            .find(|e| e.epoch == r.best_epoch)
            .unwrap()
            .dev_accuracy
    };
    // Every gold label neutral: alone they teach nothing but "neutral" (a third of dev).
    let mut alone = options(d, "alone", 7);
    alone.data = vec![blank_labels(d)];
    let r = train_stance(&alone, &mut |_| {}, &mut |_| {})
        .unwrap()
        .report;
    assert!(best_dev_accuracy(&r) < 0.5, "{:?}", r.epochs);
    // The same labels with the whole loss on the teacher's probabilities: the rule is learnt.
    let mut student = options(d, "student", 7);
    student.data = vec![blank_labels(d)];
    student.distill = Some(Distill {
        teacher: d.join("teacher/brief.toml").display().to_string(),
        weight: 1.0,
        temperature: 2.0,
    });
    let r = train_stance(&student, &mut |_| {}, &mut |_| {})
        .unwrap()
        .report;
    assert!(best_dev_accuracy(&r) > 0.9, "{:?}", r.epochs);
    assert_eq!(r.distill, student.distill);
    let toml = std::fs::read_to_string(d.join("student/brief.toml")).unwrap();
    assert!(toml.contains("distilled from"), "{toml}");
    // Settings out of range are refused before anything loads.
    student.distill = Some(Distill {
        teacher: "mpnet-dsa-stance".into(),
        weight: 1.5,
        temperature: 2.0,
    });
    let err = train_stance(&student, &mut |_| {}, &mut |_| {})
        .err()
        .expect("refused");
    assert!(err.to_string().contains("--distill-weight"), "{err}");
}

#[test]
fn encoder_cli_trains_classifies_and_refuses_overlap() {
    let dir = setup();
    let d = dir.path();
    let home = fresh_cache();
    let out = run(brief()
        .env("HF_HOME", home)
        .args([
            "train",
            "stance",
            "--quiet",
            "--epochs",
            "12",
            "--lr",
            "3e-3",
            "--head-lr",
            "1e-2",
        ])
        .args([
            "--hidden",
            "16",
            "--max-length",
            "32",
            "--batch-size",
            "16",
            "--target-dropout",
            "0",
        ])
        .arg("--data")
        .arg(d.join("train.jsonl"))
        .arg("--dev")
        .arg(d.join("dev.jsonl"))
        .arg("--backbone")
        .arg(d.join("backbone.toml"))
        .arg("--out")
        .arg(d.join("cli")));
    assert_eq!(out.0, 0, "train failed: {}", out.2);
    assert!(out.1.contains("(kept)"), "{}", out.1);
    let cfg = d.join("cli/brief.toml");

    let article = d.join("a.txt");
    std::fs::write(&article, "greta hates jonas today.\n").unwrap();
    let out = run(brief()
        .env("HF_HOME", home)
        .args([
            "stance", "--quiet", "--format", "json", "--target", "jonas", "--actor", "greta",
        ])
        .arg(&article)
        .arg("--classifier")
        .arg(&cfg));
    assert_eq!(out.0, 0, "stance failed: {}", out.2);
    let v: serde_json::Value = serde_json::from_str(&out.1).unwrap();
    assert_eq!(v["actors"][0]["stance"], "against", "{}", out.1);

    // The dev file is fine to evaluate on; the training file is refused.
    let ok = run(brief()
        .env("HF_HOME", home)
        .args(["eval", "--quiet"])
        .arg(d.join("dev.jsonl"))
        .arg("--classifier")
        .arg(&cfg));
    assert_eq!(ok.0, 0, "{}", ok.2);
    let mixed = d.join("mixed.jsonl");
    let train = std::fs::read_to_string(d.join("train.jsonl")).unwrap();
    let dev = std::fs::read_to_string(d.join("dev.jsonl")).unwrap();
    std::fs::write(&mixed, format!("{dev}{}", train.lines().nth(7).unwrap())).unwrap();
    let refused = run(brief()
        .env("HF_HOME", home)
        .args(["eval", "--quiet"])
        .arg(&mixed)
        .arg("--classifier")
        .arg(&cfg));
    assert_clear_error(&refused, "overlap the training data");
    assert!(refused.2.contains("syn-8"), "{}", refused.2);
}

#[test]
fn a_teacher_is_refused_for_a_probe_on_a_chat_model() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(brief()
        .args(["train", "stance", "--data", "x.jsonl", "--dev", "y.jsonl"])
        .args([
            "--backbone",
            "smollm2-135m-instruct",
            "--teacher",
            "mpnet-dsa-stance",
        ])
        .arg("--out")
        .arg(dir.path().join("o")));
    assert_clear_error(&out, "--teacher distils into an encoder backbone");
}

//! A stance probe on a real chat model's states (SmolLM2-135M, the smallest GGUF the tests
//! pull) through the CLI: `brief train stance --backbone CHAT-MODEL` learns a separable rule
//! from a handful of sentences, writes a config `--classifier` loads at once, reuses its
//! extracted features, and `brief eval` refuses the data it was trained on.

mod common;
use common::*;
use std::path::Path;

const SMOL: &str = "smollm2-135m-instruct";
/// The 135M model's yes/no answers carry little, so the probe asks for a position instead.
const ONE_QUESTION: &str =
    "Where does {{ actor }} stand on {{ target }}? Answer support, oppose or neither.";

/// One classifier-only example per line: `actor` toward `target`, labelled by the verb.
fn examples(path: &Path, actors: &[&str], prefix: &str) {
    let verbs = [
        ("praised", "favor"),
        ("welcomed", "favor"),
        ("backed", "favor"),
        ("condemned", "against"),
        ("denounced", "against"),
        ("rejected", "against"),
        ("visited", "neutral"),
        ("mentioned", "neutral"),
        ("met", "neutral"),
    ];
    let mut lines = Vec::new();
    for (i, actor) in actors.iter().enumerate() {
        for (j, (verb, stance)) in verbs.iter().enumerate() {
            let target = [
                "Chancellor Olaf Brandt",
                "the Harbour Council",
                "Premier Lena Voss",
            ][(i + j) % 3];
            lines.push(
                serde_json::json!({
                    "id": format!("{prefix}-{i}-{j}"),
                    "text": format!("{actor} {verb} {target} on Tuesday."),
                    "target": target,
                    "actors": [{"name": actor, "stance": stance}],
                    "source": "synthetic", "license": "CC0",
                })
                .to_string(),
            );
        }
    }
    std::fs::write(path, lines.join("\n") + "\n").expect("write examples");
}

#[test]
fn a_probe_learns_a_separable_rule_and_loads_from_its_config() {
    ensure_test_models();
    let dir = tempfile::tempdir().expect("temp dir");
    let (train, dev) = (dir.path().join("train.jsonl"), dir.path().join("dev.jsonl"));
    examples(
        &train,
        &[
            "Mayor Ruth Adler",
            "Senator Paul Okafor",
            "Governor Mia Lund",
            "Minister Omar Haddad",
        ],
        "tr",
    );
    examples(&dev, &["Judge Carla Mendes", "Ambassador Yuki Sato"], "dv");
    let out_dir = dir.path().join("probe");
    let features = dir.path().join("features.safetensors");
    let train_cmd = |extra: &[&str]| {
        let mut c = brief();
        c.args([
            "train",
            "stance",
            "--backbone",
            SMOL,
            "--epochs",
            "40",
            "--patience",
            "40",
        ])
        .args(["--head-lr", "0.01", "--probe-depths", "20,0", "--seed", "3"])
        .args(["--probe-question", ONE_QUESTION])
        .arg("--data")
        .arg(&train)
        .arg("--dev")
        .arg(&dev)
        .arg("--out")
        .arg(&out_dir)
        .arg("--features")
        .arg(&features)
        .args(extra);
        run(&mut c)
    };
    let first = train_cmd(&[]);
    assert_eq!(first.0, 0, "training failed: {}", first.2);
    for f in ["brief.toml", "head.safetensors", "training.json"] {
        assert!(out_dir.join(f).is_file(), "{f} missing");
    }
    assert!(!out_dir.join(".untrained-probe.toml").exists());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("training.json")).unwrap())
            .unwrap();
    let epochs = report["epochs"].as_array().expect("epochs");
    let loss = |e: &serde_json::Value| e["train_loss"].as_f64().unwrap();
    assert!(
        loss(epochs.last().unwrap()) < loss(&epochs[0]),
        "loss did not fall"
    );
    let best = epochs
        .iter()
        .map(|e| e["dev_accuracy"].as_f64().unwrap())
        .fold(0.0, f64::max);
    assert!(best > 0.9, "dev accuracy of the kept epoch {best}");

    // The written config labels unseen sentences through the pipeline.
    let cfg = out_dir.join("brief.toml");
    let eval = run(brief()
        .args(["eval", "--format", "json"])
        .arg(&dev)
        .arg("--classifier")
        .arg(&cfg));
    let v = json_of(&eval);
    let acc = v["stance"]["accuracy"].as_f64().expect("accuracy");
    assert!(acc > 0.9, "eval accuracy {acc}: {}", eval.2);

    // A second run reads the features instead of running the model: the same head.
    let head = std::fs::read(out_dir.join("head.safetensors")).unwrap();
    let second = train_cmd(&[]);
    assert_eq!(second.0, 0, "{}", second.2);
    assert!(second.2.contains("features read from"), "{}", second.2);
    assert_eq!(
        std::fs::read(out_dir.join("head.safetensors")).unwrap(),
        head
    );

    // Its own training data is refused.
    let refused = run(brief()
        .args(["eval"])
        .arg(&train)
        .arg("--classifier")
        .arg(&cfg));
    assert_clear_error(&refused, "overlap the training data");
}

#[test]
fn a_backbone_that_is_neither_an_encoder_nor_a_chat_model_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("d.jsonl");
    examples(&data, &["Mayor Ruth Adler"], "x");
    let dev = dir.path().join("dev.jsonl");
    examples(&dev, &["Judge Carla Mendes"], "y");
    let out = run(brief()
        .args(["train", "stance", "--backbone", "flan-t5-small", "--data"])
        .arg(&data)
        .arg("--dev")
        .arg(&dev)
        .arg("--out")
        .arg(dir.path().join("o")));
    assert_clear_error(&out, "backbone");
}

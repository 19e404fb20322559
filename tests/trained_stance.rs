//! The committed trained classifiers (models/minilm-dsa-stance and models/mpnet-dsa-stance, their
//! all-MiniLM-L6-v2 and all-mpnet-base-v2 backbones pulled through brief's PyPI path) through the
//! CLI: each loads from its brief.toml and tells who holds the stance toward whom.

mod common;
use common::*;

/// (favor, against, neutral) and the label of `actor` toward `target` in a one-sentence article.
/// `model` is a folder under models/.
fn label(model: &str, text: &str, actor: &str, target: &str) -> (String, [f64; 3]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let article = write(dir.path(), "a.txt", text);
    let cfg = root().join("models").join(model).join("brief.toml");
    let out = run(brief()
        .args([
            "stance", "--quiet", "--format", "json", "--actor", actor, "--target", target,
        ])
        .arg(&article)
        .arg("--classifier")
        .arg(&cfg));
    assert_eq!(out.0, 0, "brief stance failed: {}", out.2);
    let v: serde_json::Value = serde_json::from_str(&out.1).expect("json");
    let a = &v["actors"][0];
    let s = |k: &str| a["scores"][k].as_f64().expect("score");
    (
        a["stance"].as_str().expect("stance").to_string(),
        [s("favor"), s("against"), s("neutral")],
    )
}

/// Pulls `backbone`, then checks `model` on a blame and a praise sentence, both directions.
fn labels_direction(model: &str, backbone: &str) {
    let pull = run(brief().args(["models", "pull", backbone]));
    assert_eq!(pull.0, 0, "pulling the backbone failed: {}", pull.2);
    let label = |text, actor, target| label(model, text, actor, target);
    let blame =
        "Senator Maria Lopez sharply condemned Governor Tom Reed over the tax plan on Monday.";
    let (l, lopez) = label(blame, "Maria Lopez", "Tom Reed");
    assert_eq!(l, "against", "{lopez:?}");
    // The one blamed holds no stance.
    let (l, reed) = label(blame, "Tom Reed", "Maria Lopez");
    assert_eq!(l, "neutral", "{reed:?}");
    assert!(reed[1] < lopez[1], "Reed {reed:?} vs Lopez {lopez:?}");

    let praise =
        "Prime Minister Anna Berg praised President Ivan Petrov for his leadership in the peace talks.";
    let (l, berg) = label(praise, "Anna Berg", "Ivan Petrov");
    assert_eq!(l, "favor", "{berg:?}");
    // The one praised holds no stance (the earlier one-layer minilm called him favor, 0.57).
    let (l, petrov) = label(praise, "Ivan Petrov", "Anna Berg");
    assert_eq!(l, "neutral", "Petrov {petrov:?} vs Berg {berg:?}");
    assert!(
        petrov[0] < berg[0] - 0.5,
        "Petrov {petrov:?} vs Berg {berg:?}"
    );
}

#[test]
fn trained_classifier_labels_direction_from_the_cli() {
    labels_direction("minilm-dsa-stance", "all-minilm-l6-v2");
}

#[test]
fn trained_mpnet_classifier_labels_direction_from_the_cli() {
    labels_direction("mpnet-dsa-stance", "all-mpnet-base-v2");
}

/// The classifier that labelled a `brief stance` run on the sample article with `extra` args.
fn classifier_used(extra: &[&str]) -> (String, serde_json::Value) {
    let out = run(brief()
        .args(["stance", "--quiet", "--format", "json"])
        .arg(root().join("evals/niger-us-security.txt"))
        .args(extra));
    assert_eq!(out.0, 0, "brief stance failed: {}", out.2);
    let v: serde_json::Value = serde_json::from_str(&out.1).expect("json");
    (v["classifier"].as_str().expect("classifier").to_string(), v)
}

#[test]
fn default_pipeline_routes_entity_targets_to_the_built_in_trained_classifier() {
    // Built in: the name resolves from any folder; its head is unpacked next to the cache.
    let pull = run(brief().args(["models", "pull", "minilm-dsa-stance", "--quiet"]));
    assert_eq!(pull.0, 0, "pulling failed: {}", pull.2);
    let qwen = run(brief().args(["models", "pull", "qwen2.5-coder-1.5b-instruct", "--quiet"]));
    assert_eq!(qwen.0, 0, "pulling failed: {}", qwen.2);
    // Toward a person the article names: the trained classifier.
    let (used, v) = classifier_used(&["--target", "Mohamed Bazoum", "--actor", "CNSP"]);
    assert_eq!(used, "minilm-dsa-stance", "{v}");
    // Toward an issue: the default chat model, as before.
    let (used, _) = classifier_used(&[
        "--target",
        "the US resuming its security partnership with Niger",
        "--actor",
        "CNSP",
    ]);
    assert_eq!(used, "qwen2.5-coder-1.5b-instruct");
    // A target that states no issue (fewer than two content words) is not asked of the chat
    // model either.
    let (used, v) = classifier_used(&["--target", "security", "--actor", "CNSP"]);
    assert_eq!(used, "minilm-dsa-stance", "{v}");
    // A classifier chosen on the command line labels every target.
    let (used, _) = classifier_used(&[
        "--target",
        "Mohamed Bazoum",
        "--actor",
        "CNSP",
        "--classifier",
        "qwen2.5-coder-1.5b-instruct",
    ]);
    assert_eq!(used, "qwen2.5-coder-1.5b-instruct");
}

#[test]
fn an_entity_classifier_that_cannot_load_leaves_every_target_to_the_main_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let defaults = write(
        dir.path(),
        "defaults.toml",
        "summarizer = \"smollm2-135m-instruct\"\nclassifier = \"smollm2-135m-instruct\"\n\
         entity_classifier = \"no-such-model\"\n",
    );
    let out = run(brief()
        .args([
            "stance",
            "--format",
            "json",
            "--target",
            "Mohamed Bazoum",
            "--actor",
            "CNSP",
        ])
        .arg("--config")
        .arg(&defaults)
        .arg(root().join("evals/niger-us-security.txt")));
    assert_eq!(out.0, 0, "{}", out.2);
    let v: serde_json::Value = serde_json::from_str(&out.1).expect("json");
    assert_eq!(v["classifier"], "smollm2-135m-instruct");
    assert!(
        out.2
            .contains("entity classifier 'no-such-model' not loaded"),
        "{}",
        out.2
    );
}

//! The trained actor check through the CLI: `brief train actors` on a real chat model's states
//! (SmolLM2-135M, the smallest GGUF the tests pull) learns from a few labelled articles to
//! drop names only mentioned in passing, writes a config a defaults file names as
//! `actor_check`, and `brief eval` leaves out the articles it was trained on (a file of only
//! those is refused) — the shipped check included.

mod common;
use common::*;
use std::path::Path;

const SMOL: &str = "smollm2-135m-instruct";

/// One article: title, text, and its gold actors with their stances.
type Labelled<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// Articles in the eval format: a council, company or trust acts, a person speaks or acts,
/// and historical figures are only mentioned.
fn articles(path: &Path, rows: &[Labelled]) {
    let lines: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(i, (title, text, actors))| {
            let actors: Vec<serde_json::Value> = actors
                .iter()
                .map(|(n, s)| serde_json::json!({"name": n, "stance": s}))
                .collect();
            serde_json::json!({
                "id": format!("{}-{i}", path.file_stem().unwrap().to_string_lossy()),
                "title": title, "text": text, "target": title, "actors": actors,
                "source": "synthetic", "license": "CC0",
            })
            .to_string()
        })
        .collect();
    std::fs::write(path, lines.join("\n") + "\n").expect("write articles");
}

fn training_articles(path: &Path) {
    articles(path, &[
        ("Harbour plan approved", "The Harbour Council approved the new ferry plan on Tuesday. Councillor Ruth Adler voted for it. The old pier was built by Thomas Berg in 1890 and named after Queen Victoria.", &[("Harbour Council", "favor"), ("Ruth Adler", "favor")]),
        ("Mill to close", "The Northfield Mill Company closed its last factory on Monday. Union leader Omar Haddad criticised the decision. The mill once made cloth for Charles Dickens and Florence Nightingale.", &[("Northfield Mill Company", "favor"), ("Omar Haddad", "against")]),
        ("School merger", "Westbury Academy Trust agreed to merge two schools. Head teacher Carla Mendes opposed the merger. The older school was opened by Winston Churchill and visited by Elvis Presley.", &[("Westbury Academy Trust", "favor"), ("Carla Mendes", "against")]),
        ("Bridge repairs", "The Riverside Transport Board backed repairs to the bridge. Engineer Yuki Sato warned of delays. The bridge was painted by Claude Monet and admired by Mark Twain.", &[("Riverside Transport Board", "favor"), ("Yuki Sato", "neutral")]),
    ]);
}

/// A temporary folder holding the training articles, and their path.
fn training_dir() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let train = dir.path().join("train.jsonl");
    training_articles(&train);
    (dir, train)
}

fn found(out: &(i32, String, String)) -> u64 {
    assert_eq!(out.0, 0, "eval failed: {}", out.2);
    json_of(out)["actors"]["predicted"]
        .as_u64()
        .expect("predicted actors")
}

#[test]
fn the_check_learns_to_drop_passing_names_and_is_used_from_a_defaults_file() {
    ensure_test_models();
    let (dir, train) = training_dir();
    let out_dir = dir.path().join("check");
    let trained = run(brief()
        .args([
            "train",
            "actors",
            "--backbone",
            SMOL,
            "--depths",
            "20,0",
            "--data",
        ])
        .arg(&train)
        .arg("--out")
        .arg(&out_dir));
    assert_eq!(trained.0, 0, "training failed: {}", trained.2);
    for f in ["brief.toml", "head.safetensors", "training.json"] {
        assert!(out_dir.join(f).is_file(), "{f} missing");
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("training.json")).unwrap())
            .unwrap();
    let cv = report["cross_validation"].as_array().expect("cv table");
    let chosen = cv
        .iter()
        .find(|p| p["threshold"] == report["threshold"])
        .expect("the chosen threshold is in the table");
    // Held out article by article, the head keeps every acting name and drops passing ones.
    assert!(chosen["recall"].as_f64().unwrap() >= 0.97);
    assert!(
        chosen["precision"].as_f64().unwrap() > cv[0]["precision"].as_f64().unwrap() + 0.1,
        "{cv:?}"
    );
    assert!(trained.1.contains("(chosen)"), "{}", trained.1);

    // A defaults file naming it as the actor check: unseen articles lose passing names.
    let unseen = dir.path().join("unseen.jsonl");
    articles(&unseen, &[
        ("Library plan approved", "The Eastgate Library Board approved the new reading room on Friday. Councillor Lena Voss voted for it. The old library was built by Joseph Paxton in 1880 and named after Beatrix Potter.", &[("Eastgate Library Board", "favor"), ("Lena Voss", "favor")]),
    ]);
    let defaults = write(
        dir.path(),
        "defaults.toml",
        &format!(
            "summarizer = \"{SMOL}\"\nclassifier = \"{SMOL}\"\nactor_check = {:?}\n",
            out_dir.join("brief.toml").display().to_string()
        ),
    );
    let plain = write(
        dir.path(),
        "plain.toml",
        &format!("summarizer = \"{SMOL}\"\nclassifier = \"{SMOL}\"\n"),
    );
    let eval_file = |config: &Path, file: &Path| {
        run(brief()
            .args(["eval", "--no-labels", "--format", "json", "--config"])
            .arg(config)
            .arg(file))
    };
    let (with_check, without) = (
        found(&eval_file(&defaults, &unseen)),
        found(&eval_file(&plain, &unseen)),
    );
    assert!(
        with_check < without,
        "{with_check} actors with the check, {without} without"
    );
    assert!(with_check >= 2, "{with_check}");

    // Beside unseen ones its training articles are left out with a notice; alone, refused.
    let mixed = dir.path().join("mixed.jsonl");
    let both =
        std::fs::read_to_string(&train).unwrap() + &std::fs::read_to_string(&unseen).unwrap();
    std::fs::write(&mixed, both).unwrap();
    let scored = eval_file(&defaults, &mixed);
    assert!(scored.2.contains("4 example(s) left out"), "{}", scored.2);
    assert_eq!(found(&scored), with_check);
    let refused = run(brief()
        .args(["eval", "--no-labels", "--config"])
        .arg(&defaults)
        .arg(&train));
    assert_clear_error(&refused, "overlap the training data of 'check'");
}

#[test]
fn the_shipped_check_refuses_its_tuning_articles_but_the_finder_alone_scores_them() {
    let tune = root().join("evals/frank-actors/tune.jsonl");
    let refused = run(brief().args(["eval", "--no-labels"]).arg(&tune));
    assert_clear_error(
        &refused,
        "overlap the training data of 'qwen2.5-coder-1.5b-actors'",
    );
    assert_eq!(refused.0, 2);
    let finder = run(brief().args(["eval", "--finder-only"]).arg(&tune));
    assert_eq!(finder.0, 0, "{}", finder.2);
}

#[test]
fn a_backbone_that_is_not_a_chat_model_is_a_one_line_error() {
    let (dir, train) = training_dir();
    let out = run(brief()
        .args([
            "train",
            "actors",
            "--backbone",
            "all-minilm-l6-v2",
            "--data",
        ])
        .arg(&train)
        .arg("--out")
        .arg(dir.path().join("x")));
    assert_clear_error(&out, "cannot be probed");
    assert_eq!(out.0, 2);
}

#[test]
fn kept_states_are_reused_until_the_data_changes() {
    ensure_test_models();
    let (dir, train) = training_dir();
    let features = dir.path().join("states.safetensors");
    let train_with = |l2: &str, out: &str| {
        let r = run(brief()
            .args(["train", "actors", "--backbone", SMOL, "--depths", "20,0"])
            .args(["--l2", l2, "--data"])
            .arg(&train)
            .arg("--features")
            .arg(&features)
            .arg("--out")
            .arg(dir.path().join(out)));
        assert_eq!(r.0, 0, "training failed: {}", r.2);
        r
    };
    let first = train_with("6", "a");
    assert!(!first.2.contains("states reused"), "{}", first.2);
    assert!(features.is_file());
    // Same data, same question: the states come from the file, and the same fit follows.
    let again = train_with("6", "b");
    assert!(again.2.contains("states reused"), "{}", again.2);
    let head = |d: &str| std::fs::read(dir.path().join(d).join("head.safetensors")).unwrap();
    assert_eq!(head("a"), head("b"));
    // Another penalty refits from the kept states.
    let other = train_with("60", "c");
    assert!(other.2.contains("states reused"), "{}", other.2);
    assert_ne!(head("a"), head("c"));
    // A changed article: the file no longer matches, the states are read again.
    let text = std::fs::read_to_string(&train).unwrap();
    std::fs::write(&train, text.replace("on Tuesday", "on Wednesday")).unwrap();
    let relabelled = train_with("6", "d");
    assert!(!relabelled.2.contains("states reused"), "{}", relabelled.2);
}

//! `brief eval` end to end on a few examples with the small real model: report fields, bad
//! lines, baselines.

mod common;
use common::*;

fn examples(dir: &std::path::Path) -> std::path::PathBuf {
    let article = std::fs::read_to_string(article_path()).unwrap();
    let (title, body) = article.split_once("\n\n").unwrap();
    let lines = [
        serde_json::json!({"id": "s1", "text": "France condemned the military coup in Niger.", "target": "the military coup in Niger",
            "actors": [{"name": "France", "stance": "against"}], "source": "hand-written", "license": "CC0"}),
        serde_json::json!({"id": "s2", "text": "Germany welcomed the peace agreement.", "target": "the peace agreement",
            "actors": [{"name": "Germany", "stance": "favor"}], "source": "hand-written", "license": "CC0"}),
        serde_json::json!({"id": "a1", "title": title, "text": body, "reference_summary": "The US plans to resume security cooperation with Niger's CNSP.",
            "target": "the US resuming its security partnership with Niger",
            "actors": [{"name": "United States", "aliases": ["US"], "stance": "favor"}, {"name": "ECOWAS", "stance": "neutral"}],
            "source": "sample", "license": "see evals/README.md"}),
    ];
    let mut text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    text.push_str("{\"id\": \"broken\"\n");
    write(dir, "mini.jsonl", &text)
}

#[test]
fn eval_reports_metrics_and_gates_on_a_baseline() {
    ensure_test_models();
    let d = tempfile::tempdir().unwrap();
    let file = examples(d.path());
    let saved = d.path().join("base.json");
    let small = [
        "--summarizer",
        "smollm2-135m-instruct",
        "--classifier",
        "smollm2-135m-instruct",
        "--max-new-tokens",
        "60",
    ];
    let out = run(brief()
        .args([
            "eval",
            file.to_str().unwrap(),
            "--format",
            "json",
            "--save-baseline",
            saved.to_str().unwrap(),
        ])
        .args(small));
    assert_eq!(out.0, 0, "{}", out.2);
    let r: serde_json::Value = serde_json::from_str(&out.1).unwrap();
    assert_eq!(r["examples"], 3);
    assert_eq!(
        r["bad_lines"][0]["line"], 4,
        "malformed line reported with its number: {}",
        r["bad_lines"]
    );
    assert!(out.2.contains("mini.jsonl:4"), "{}", out.2);
    assert_eq!(r["stance"]["n"], 4, "2 classifier-only + 2 article actors");
    for key in ["macro_f1_ci95", "accuracy_ci95", "f_avg_ci95"] {
        let ci: Vec<f64> = r["stance"][key]
            .as_array()
            .unwrap_or_else(|| panic!("{key}: an interval over the 3 examples"))
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        assert!(
            ci.len() == 2 && 0.0 <= ci[0] && ci[0] <= ci[1] && ci[1] <= 1.0,
            "{key}: {ci:?}"
        );
    }
    let s = &r["summaries"];
    assert_eq!(s["n"], 1);
    assert!(s["rouge1"].as_f64().unwrap() > 0.0 && s["rouge1"].as_f64().unwrap() <= 1.0);
    assert!(
        r["actors"]["recall"].as_f64().unwrap() > 0.99,
        "US and ECOWAS are found: {}",
        r["actors"]
    );
    assert!(r["cost"]["seconds_per_example"].as_f64().unwrap() > 0.0);

    // The saved baseline passes against the same run; a higher bar fails with exit 1.
    let base: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert!(base["metrics"]["stance.macro_f1"].is_number());
    let same = run(brief()
        .args([
            "eval",
            file.to_str().unwrap(),
            "--baseline",
            saved.to_str().unwrap(),
        ])
        .args(small));
    assert_eq!(
        same.0, 0,
        "a deterministic rerun meets its own baseline: {}",
        same.2
    );
    assert!(same.2.contains("no regression against the baseline"));
    let partial = run(brief()
        .args([
            "eval",
            file.to_str().unwrap(),
            "--baseline",
            saved.to_str().unwrap(),
            "--limit",
            "2",
        ])
        .args(small));
    // --limit 2 drops the article example, so summary and actor metrics are missing: a regression.
    assert_clear_error(&partial, "regression(s) against the baseline");
    let mut high = base.clone();
    high["metrics"]["stance.accuracy"] = serde_json::json!(1.5);
    let high_path = write(d.path(), "high.json", &high.to_string());
    let bad = run(brief()
        .args([
            "eval",
            file.to_str().unwrap(),
            "--baseline",
            high_path.to_str().unwrap(),
            "--format",
            "markdown",
        ])
        .args(small));
    assert_eq!(bad.0, 1);
    assert!(bad.2.contains("stance.accuracy fell to"), "{}", bad.2);
    assert!(
        bad.1
            .contains("| figure | value | 95% interval |\n|---|---|---|\n| accuracy |"),
        "markdown report: {}",
        bad.1
    );
}

#[test]
fn eval_with_nothing_usable_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let f = write(d.path(), "bad.jsonl", "not json\n");
    let out = run(brief().args(["eval", f.to_str().unwrap()]));
    assert_clear_error(&out, "no usable examples");
}

#[test]
fn eval_writes_each_stance_prediction_with_its_scores() {
    ensure_test_models();
    let d = tempfile::tempdir().unwrap();
    let lines = [
        serde_json::json!({"id": "s1", "text": "France condemned the military coup in Niger.", "target": "the military coup in Niger",
            "actors": [{"name": "France", "stance": "against"}], "source": "hand-written", "license": "CC0"}),
        serde_json::json!({"id": "s2", "text": "Germany welcomed the peace agreement.", "target": "the peace agreement",
            "actors": [{"name": "Germany", "stance": "favor"}], "source": "hand-written", "license": "CC0"}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let file = write(d.path(), "two.jsonl", &text);
    let pred = d.path().join("pred.jsonl");
    let out = run(brief().args([
        "eval",
        file.to_str().unwrap(),
        "--classifier",
        "smollm2-135m-instruct",
        "--predictions",
        pred.to_str().unwrap(),
    ]));
    assert_eq!(out.0, 0, "{}", out.2);
    let rows: Vec<serde_json::Value> = std::fs::read_to_string(&pred)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (&rows[0]["id"], &rows[0]["gold"]),
        (&"s1".into(), &"against".into())
    );
    assert_eq!(rows[1]["actor"], "Germany");
    for r in &rows {
        let total: f64 = r["scores"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .sum();
        assert!((total - 1.0).abs() < 1e-3, "{r}");
        assert!(["favor", "against", "neutral"].contains(&r["predicted"].as_str().unwrap()));
    }
}

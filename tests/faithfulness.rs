//! Faithful summaries end to end with SmolLM2: the report's checked sentences validate against
//! the schema, every citation slices the article bytes exactly, `--faithfulness off` leaves the
//! generated summary as it was, and `brief eval` scores checker-only examples.

mod common;
use common::*;

fn summarize(mode: &str) -> serde_json::Value {
    let path = article_path();
    json_of(&run(brief().args([
        "summarize",
        path.to_str().unwrap(),
        "--summarizer",
        "smollm2-135m-instruct",
        "--faithfulness",
        mode,
        "--format",
        "json",
    ])))
}

#[test]
fn checked_sentences_cite_the_article_exactly_and_validate() {
    ensure_test_models();
    let raw = std::fs::read(article_path()).unwrap();
    let report = summarize("repair");
    validate(&report);
    let f = &report["faithfulness"];
    assert_eq!(f["mode"], "repair");
    let checked = f["checked"].as_u64().unwrap();
    assert!(checked > 0, "{report}");
    let sentences = report["summary_sentences"].as_array().unwrap();
    assert!(!sentences.is_empty());
    for s in sentences {
        assert_eq!(
            s["supported"], true,
            "repair keeps only supported sentences: {s}"
        );
        for c in s["citations"].as_array().unwrap() {
            let (a, b) = (
                c["start"].as_u64().unwrap() as usize,
                c["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                std::str::from_utf8(&raw[a..b]).unwrap(),
                c["sentence"].as_str().unwrap()
            );
        }
    }
    // Nothing is lost without a trace: every generated sentence is kept, repaired or listed.
    let dropped = report["dropped"].as_array().unwrap().len() as u64;
    assert_eq!(f["dropped"].as_u64().unwrap(), dropped);
    assert!(
        f["supported"].as_u64().unwrap() + f["repaired"].as_u64().unwrap() + dropped >= checked
    );
    let summary = report["summary"].as_str().unwrap();
    for s in sentences {
        assert!(summary.contains(s["text"].as_str().unwrap()));
    }
}

#[test]
fn faithfulness_off_leaves_the_generated_summary_untouched() {
    ensure_test_models();
    let off = summarize("off");
    let flag = summarize("flag");
    validate(&off);
    validate(&flag);
    assert!(off.get("summary_sentences").is_none() && off.get("faithfulness").is_none());
    // Flag mode checks the same generation and changes nothing in it.
    assert_eq!(off["summary"], flag["summary"]);
    assert_eq!(flag["faithfulness"]["mode"], "flag");
    assert_eq!(flag["faithfulness"]["repaired"], 0);
    assert_eq!(flag["dropped"].as_array().unwrap().len(), 0);
}

#[test]
fn eval_scores_checker_only_examples_with_balanced_accuracy() {
    ensure_test_models();
    let dir = tempfile::tempdir().unwrap();
    let article = "The United States paused aid to Niger on Monday. France withdrew its ambassador from Niamey. ECOWAS threatened sanctions against the junta.";
    let line = |id: &str, summary: &str, consistent: bool| {
        serde_json::json!({
            "id": id, "text": article, "check_summary": summary, "consistent": consistent,
            "source": "test", "license": "test"
        })
        .to_string()
    };
    let file = write(
        dir.path(),
        "checks.jsonl",
        &[
            line("a", "The United States paused aid to Niger.", true),
            line("b", "Canada sent 4,000 troops to Brazil in 1999.", false),
            line("c", "france withdrew its ambassador from niamey .", true),
            line(
                "d",
                "Germany praised the junta for holding elections.",
                false,
            ),
        ]
        .join("\n"),
    );
    let report = json_of(&run(brief().args([
        "eval",
        file.to_str().unwrap(),
        "--summarizer",
        "smollm2-135m-instruct",
        "--format",
        "json",
    ])));
    let f = &report["faithfulness"];
    assert_eq!(f["n"], 4, "{report}");
    let ba = f["balanced_accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&ba));
    let examples = f["examples"].as_array().unwrap();
    assert_eq!(examples.len(), 4);
    // The lower-cased, tokenized summary is read as one sentence, not cut up.
    assert_eq!(examples[2]["sentences"].as_array().unwrap().len(), 1);
    // Invented names are novel words whatever the model says.
    let novel = examples[1]["sentences"][0]["signals"]["novel_words"]
        .as_f64()
        .unwrap();
    assert!(novel > 0.5, "{novel}");
}

#[test]
fn an_nli_checker_named_in_the_defaults_replaces_the_summarizer_as_judge() {
    ensure_test_models();
    let dir = tempfile::tempdir().unwrap();
    let nli = root().join("tests/fixtures/tiny/deberta-v2/brief.toml");
    let defaults = write(
        dir.path(),
        "defaults.toml",
        &format!(
            "summarizer = \"smollm2-135m-instruct\"\nclassifier = \"smollm2-135m-instruct\"\n\n[faithfulness]\nmode = \"flag\"\nchecker = {:?}\n",
            nli.to_str().unwrap()
        ),
    );
    let path = article_path();
    let report = json_of(&run(brief().args([
        "summarize",
        path.to_str().unwrap(),
        "--config",
        defaults.to_str().unwrap(),
        "--format",
        "json",
    ])));
    validate(&report);
    assert_eq!(report["faithfulness"]["checker"], "tiny-deberta-v2");
    assert_eq!(report["faithfulness"]["mode"], "flag");
    for s in report["summary_sentences"].as_array().unwrap() {
        let p = s["signals"]["model"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{s}");
    }
}

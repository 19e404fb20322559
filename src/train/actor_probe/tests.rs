//! Unit tests of the actor-check training: its prompt, the threshold choice and which examples count as trained on.
use super::*;

fn point(threshold: f32, recall: f64) -> CvPoint {
    CvPoint {
        threshold,
        precision: 0.0,
        recall,
    }
}

#[test]
fn the_prompt_puts_the_article_first_and_the_question_last() {
    let p = probe_prompt(DEFAULT_QUESTION);
    let env = minijinja::Environment::new();
    let text = env
        .render_str(
            &p,
            minijinja::context! { title => "T", article => "A b.", actor => "X" },
        )
        .unwrap();
    assert!(
        text.starts_with("Article:\nT\n\nA b.\n\nIs X one of the participants"),
        "{text}"
    );
}

#[test]
fn the_highest_threshold_that_keeps_the_recall_asked_for_is_chosen() {
    let cv = [
        point(0.1, 1.0),
        point(0.2, 0.98),
        point(0.3, 0.96),
        point(0.4, 0.9),
    ];
    assert_eq!(choose_threshold(&cv, 0.97), 0.2);
    assert_eq!(choose_threshold(&cv, 0.9), 0.4);
    assert_eq!(choose_threshold(&cv, 0.999), 0.1);
    assert_eq!(
        choose_threshold(&[point(0.1, 0.5)], 0.97),
        0.1,
        "none qualifies: the lowest"
    );
}

#[test]
fn only_examples_with_gold_actors_count_as_trained_on() {
    let report = ActorTrainingReport {
        command: String::new(),
        backbone: "m".into(),
        data: vec![],
        articles: 1,
        candidates: 0,
        acting: 0,
        trusted: 0,
        l2: 1.0,
        min_recall: 0.97,
        threshold: 0.3,
        cross_validation: vec![],
        feature_seconds: 0.0,
        total_seconds: 0.0,
        train_ids: vec!["a1".into()],
        train_text_hashes: vec![text_hash("The council said no.")],
    };
    let line = |id: &str, actors: &str| {
        format!(
            r#"{{"id":"{id}","text":"The council said no.","reference_summary":"No.","actors":{actors},"source":"s","license":"l"}}"#
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e.jsonl");
    std::fs::write(&path, line("b2", "[]") + "\n").unwrap();
    let (summary_only, bad) = dataset::load(std::slice::from_ref(&path)).unwrap();
    assert_eq!((summary_only.len(), bad.len()), (1, 0));
    assert!(
        !report.trained_on(&summary_only[0]),
        "no gold actors: never met the probe"
    );
    let actors = r#"[{"name":"the council","stance":"against"}]"#;
    std::fs::write(&path, line("b2", actors) + "\n").unwrap();
    let (with_actors, bad) = dataset::load(std::slice::from_ref(&path)).unwrap();
    assert_eq!((with_actors.len(), bad.len()), (1, 0));
    assert!(report.trained_on(&with_actors[0]), "same text, other id");
    std::fs::write(
        &path,
        line("b2", actors).replace("said no", "said yes") + "\n",
    )
    .unwrap();
    let (other, _) = dataset::load(std::slice::from_ref(&path)).unwrap();
    assert!(!report.trained_on(&other[0]), "another text and id");
}

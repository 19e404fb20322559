//! Stance end to end with the real default models: actors on the sample article, --actor and
//! --target, the JSON schema, and hand-labelled one-sentence cases.

mod common;
use common::*;

#[test]
fn sample_article_run_has_summary_target_and_grounded_actors() {
    ensure_test_models();
    let path = article_path();
    let text = std::fs::read_to_string(&path).unwrap();
    let report = json_of(&run(brief().args([
        "run",
        path.to_str().unwrap(),
        "--format",
        "json",
    ])));
    validate(&report);
    assert!(report["summary"].as_str().unwrap().contains("Niger"));
    let target = report["target"].as_str().unwrap();
    assert!(!target.is_empty());
    let actors = report["actors"].as_array().unwrap();
    let names: Vec<&str> = actors.iter().map(|a| a["name"].as_str().unwrap()).collect();
    let has = |alias: &str| {
        actors
            .iter()
            .filter(|a| a["aliases"].as_array().unwrap().iter().any(|x| x == alias))
            .count()
    };
    // Each expected actor exactly once, its aliases merged. Bazoum, only ever ousted in this
    // article, may be dropped by the actor check, but never listed twice.
    assert!(has("Bazoum") <= 1, "{names:?}");
    for alias in ["US", "CNSP", "France", "ECOWAS"] {
        assert_eq!(
            has(alias),
            1,
            "{alias} should belong to exactly one actor: {names:?}"
        );
    }
    for (a, b) in [
        ("US", "United States"),
        ("CNSP", "National Council for the Safeguard of the Homeland"),
        ("ECOWAS", "Economic Community of West African States"),
        ("Bazoum", "Mohamed Bazoum"),
    ] {
        let Some(actor) = actors
            .iter()
            .find(|x| x["aliases"].as_array().unwrap().iter().any(|y| y == a))
        else {
            assert_eq!(a, "Bazoum", "{a} missing: {names:?}");
            continue;
        };
        assert!(
            actor["aliases"].as_array().unwrap().iter().any(|y| y == b),
            "{a} and {b} not merged: {actor}"
        );
    }
    assert!(
        !names.contains(&"Reuters") && !names.iter().any(|n| n.contains("DeCamp")),
        "sources/byline are not actors: {names:?}"
    );
    // Grounded: every alias occurs in the text, every evidence span is the text at its offsets.
    for a in actors {
        for alias in a["aliases"].as_array().unwrap() {
            assert!(
                text.contains(alias.as_str().unwrap()),
                "{alias} not in the text"
            );
        }
        let ev = a["evidence"].as_array().unwrap();
        assert!(!ev.is_empty(), "{} has no evidence", a["name"]);
        for e in ev {
            let (s, t) = (
                e["start"].as_u64().unwrap() as usize,
                e["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(&text[s..t], e["sentence"].as_str().unwrap());
        }
    }
    // The text table shows the target and one row per actor.
    let plain = run(brief().args(["stance", path.to_str().unwrap(), "--offline"]));
    assert_eq!(plain.0, 0, "{}", plain.2);
    assert!(
        plain.1.contains("Target: ") && plain.1.contains("ACTOR") && plain.1.contains("Molly Phee"),
        "{}",
        plain.1
    );
}

#[test]
fn actor_and_target_flags_are_honoured() {
    ensure_test_models();
    let path = article_path();
    let out = run(brief().args([
        "stance",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--target",
        "sanctions on Niger",
        "--actor",
        "ECOWAS=Economic Community of West African States",
        "--actor",
        "France",
    ]));
    let r = json_of(&out);
    validate(&r);
    assert_eq!(r["target"], "sanctions on Niger");
    assert_eq!(r["target_source"], "given");
    assert!(r.get("summary").is_none(), "stance prints no summary");
    let actors = r["actors"].as_array().unwrap();
    assert_eq!(actors.len(), 2);
    assert_eq!(actors[0]["name"], "ECOWAS");
    assert!(actors[0]["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a == "Economic Community of West African States"));
    // Evidence is ranked by relevance to the given target.
    let first = actors[0]["evidence"][0]["sentence"].as_str().unwrap();
    assert!(
        first.contains("sanctions on Niger"),
        "most relevant evidence first: {first}"
    );
    // An actor that is not in the text is an error naming it.
    let out = run(brief().args(["stance", path.to_str().unwrap(), "--actor", "Atlantis"]));
    assert_clear_error(&out, "--actor 'Atlantis' does not occur in the article");
}

#[test]
fn article_without_actors_says_so() {
    ensure_test_models();
    let d = tempfile::tempdir().unwrap();
    let p = write(
        d.path(),
        "weather.txt",
        "Rain is expected tomorrow morning, with sunny spells later in the day.\n",
    );
    let out = run(brief().args([
        "stance",
        p.to_str().unwrap(),
        "--format",
        "json",
        "--target",
        "rain",
    ]));
    let r = json_of(&out);
    validate(&r);
    assert_eq!(r["actors"].as_array().unwrap().len(), 0);
    assert!(out.2.contains("no actors found"), "{}", out.2);
    let out = run(brief().args(["stance", p.to_str().unwrap(), "--target", "rain"]));
    assert!(
        out.1.contains("No actors found in the article."),
        "{}",
        out.1
    );
}

/// Unmistakable one-sentence cases; the default classifier must get each right.
#[test]
fn hand_labelled_sentences() {
    ensure_test_models();
    let cases = [
        (
            "France condemned the military coup in Niger.",
            "France",
            "the military coup in Niger",
            "against",
        ),
        (
            "Germany welcomed the peace agreement signed on Sunday.",
            "Germany",
            "the peace agreement",
            "favor",
        ),
        (
            "Japan's foreign minister met China's foreign minister in Beijing on Tuesday.",
            "Japan",
            "China",
            "neutral",
        ),
        (
            "The European Union condemned Russia's annexation of Crimea.",
            "European Union",
            "Russia's annexation of Crimea",
            "against",
        ),
        (
            "Canada welcomed the new trade deal with Mexico.",
            "Canada",
            "the new trade deal with Mexico",
            "favor",
        ),
        (
            "The UN secretary-general met the Kenyan president in Nairobi on Monday.",
            "UN",
            "the Kenyan president",
            "neutral",
        ),
    ];
    let d = tempfile::tempdir().unwrap();
    let mut wrong = Vec::new();
    for (i, (sentence, actor, target, gold)) in cases.iter().enumerate() {
        let p = write(d.path(), &format!("c{i}.txt"), &format!("{sentence}\n"));
        let r = json_of(&run(brief().args([
            "stance",
            p.to_str().unwrap(),
            "--format",
            "json",
            "--actor",
            actor,
            "--target",
            target,
        ])));
        let got = r["actors"][0]["stance"].as_str().unwrap().to_string();
        if got != *gold {
            wrong.push(format!(
                "{sentence} -> {got}, expected {gold} ({})",
                r["actors"][0]["scores"]
            ));
        }
    }
    assert!(wrong.is_empty(), "mislabelled: {wrong:#?}");
}

//! `--format html`: the report of the sample article (and an eval report) is well-formed HTML
//! (html5ever reports no parse error), loads nothing from anywhere, marks exactly the evidence
//! sentences of the JSON report, and escapes the text.

mod common;
use common::*;
use scraper::{Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Well-formed (no parse errors, no quirks mode) and self-contained: no attribute, style or
/// script refers to anything outside the file, and a CSP forbids loading anything.
fn assert_valid_offline(html: &str) -> Html {
    // The check can fail: misnested markup is a parse error.
    assert!(!Html::parse_document("<!DOCTYPE html><p><b>x</p>")
        .errors
        .is_empty());
    let doc = Html::parse_document(html);
    assert!(doc.errors.is_empty(), "HTML parse errors: {:?}", doc.errors);
    assert_eq!(
        format!("{:?}", doc.quirks_mode),
        "NoQuirks",
        "a doctype is there"
    );
    for el in doc.select(&sel("*")) {
        for (name, value) in el.value().attrs() {
            if matches!(
                name,
                "href" | "src" | "action" | "srcset" | "poster" | "data"
            ) {
                assert!(value.starts_with('#'), "external reference {name}={value}");
            }
        }
    }
    for el in doc.select(&sel("style, script, [style]")) {
        let code = el.text().collect::<String>() + el.value().attr("style").unwrap_or("");
        for bad in ["http:", "https:", "url(", "@import", "//cdn", "fetch("] {
            assert!(!code.contains(bad), "{bad} in <{}>", el.value().name());
        }
    }
    let csp = doc
        .select(&sel("meta[http-equiv=\"Content-Security-Policy\"]"))
        .next()
        .and_then(|m| m.value().attr("content"))
        .expect("a CSP meta tag");
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    doc
}

#[test]
fn html_report_of_the_sample_article_is_valid_offline_and_marks_the_evidence() {
    ensure_test_models();
    let path = article_path();
    let args = |format: &str| {
        let mut c = brief();
        c.args([
            "run",
            path.to_str().unwrap(),
            "--summarizer",
            "smollm2-135m-instruct",
            "--classifier",
            "smollm2-135m-instruct",
            "--max-new-tokens",
            "24",
            "--actor",
            "ECOWAS=Economic Community of West African States",
            "--actor",
            "Bazoum",
            "--target",
            "sanctions on Niger",
            "--format",
            format,
        ]);
        c
    };
    let out = run(&mut args("html"));
    assert_eq!(out.0, 0, "{}", out.2);
    let doc = assert_valid_offline(&out.1);
    let json = run(&mut args("json"));
    assert_eq!(json.0, 0, "{}", json.2);
    let report: serde_json::Value = serde_json::from_str(&json.1).unwrap();

    let title: String = doc.select(&sel("h1")).next().unwrap().text().collect();
    assert_eq!(title, report["title"].as_str().unwrap());
    let summary: String = doc
        .select(&sel(".summary p"))
        .next()
        .unwrap()
        .text()
        .collect();
    assert_eq!(summary.trim(), report["summary"].as_str().unwrap().trim());
    // One row per actor, with its stance badge.
    let rows: Vec<_> = doc.select(&sel("tr[data-actor-row]")).collect();
    let actors = report["actors"].as_array().unwrap();
    assert_eq!(rows.len(), actors.len());
    for (row, a) in rows.iter().zip(actors) {
        let name: String = row
            .select(&sel("button.actor"))
            .next()
            .unwrap()
            .text()
            .collect();
        assert_eq!(name, a["name"].as_str().unwrap());
        let badge: String = row.select(&sel(".badge")).next().unwrap().text().collect();
        assert_eq!(badge, a["stance"].as_str().unwrap());
    }
    // Each actor's marks are exactly its evidence sentences.
    for (i, a) in actors.iter().enumerate() {
        let mut want: Vec<&str> = a["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["sentence"].as_str().unwrap())
            .collect();
        let mut got: Vec<String> = doc
            .select(&sel(".ev"))
            .filter(|e| {
                e.value()
                    .attr("data-actors")
                    .is_some_and(|ids| ids.split(' ').any(|x| x == i.to_string()))
            })
            .map(|e| e.text().collect())
            .collect();
        want.sort();
        got.sort();
        assert!(!want.is_empty());
        assert_eq!(got, want, "marks of {}", a["name"]);
    }
    // The whole article is there, in order.
    let text: String = doc
        .select(&sel(".article .body"))
        .next()
        .unwrap()
        .text()
        .collect();
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let raw = std::fs::read_to_string(&path).unwrap();
    let body = raw.split_once("\n\n").unwrap().1;
    assert_eq!(squash(&text), squash(body));
}

#[test]
fn html_eval_report_is_valid_offline_with_a_confusion_grid() {
    ensure_test_models();
    let out = run(brief().args([
        "eval",
        root().join("evals/dsa-dev.jsonl").to_str().unwrap(),
        "--limit",
        "4",
        "--classifier",
        "smollm2-135m-instruct",
        "--format",
        "html",
        "--quiet",
    ]));
    assert_eq!(out.0, 0, "{}", out.2);
    let doc = assert_valid_offline(&out.1);
    let cells: Vec<u64> = doc
        .select(&sel(".grid .cell"))
        .map(|c| c.text().collect::<String>().parse().unwrap())
        .collect();
    assert_eq!(cells.len(), 9);
    let labels: u64 = doc
        .select(&sel("h2"))
        .map(|h| h.text().collect::<String>())
        .find_map(|h| {
            h.strip_prefix("Stance (")
                .and_then(|r| r.split(' ').next().map(|n| n.parse().unwrap()))
        })
        .expect("a stance section");
    assert_eq!(cells.iter().sum::<u64>(), labels);
}

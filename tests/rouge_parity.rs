//! brief's ROUGE equals Google's rouge-score on committed pairs
//! (scripts/gen_rouge_fixtures.py regenerates the expected values).

use brief::eval::metrics::rouge;

#[test]
fn rouge_matches_rouge_score() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/rouge_pairs.json"
    ))
    .unwrap();
    let pairs: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert!(pairs.len() >= 20);
    for p in &pairs {
        let (r, pr) = (
            p["reference"].as_str().unwrap(),
            p["prediction"].as_str().unwrap(),
        );
        let got = rouge(r, pr);
        for (name, v) in [
            ("rouge1", got.rouge1),
            ("rouge2", got.rouge2),
            ("rougeLsum", got.rouge_lsum),
        ] {
            let want = p[name].as_f64().unwrap();
            assert!(
                (v - want).abs() < 1e-9,
                "{name} of {pr:?} vs {r:?}: brief {v}, rouge-score {want}"
            );
        }
    }
}

//! Properties that must hold for any text a user can feed brief: arbitrary Unicode (every
//! whitespace class, combining marks, emoji, right-to-left and CJK text and punctuation, a
//! BOM, CR / LF / CRLF mixes). Splitting never panics, and every span brief reports slices
//! the text to exactly what it claims.

use brief::article::{split_sentences, Article};
use brief::tasks::actors::{find_candidates, manual_actors};
use brief::tasks::evidence::evidence_for;
use proptest::prelude::*;

/// Pieces of real-world text, chosen to hit every splitting rule and every multi-byte case.
fn piece() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "France",
        "Mr.",
        "Dr",
        "U.S.",
        "É.",
        "the",
        "coup",
        "NATO",
        "said",
        "Niger's",
        "Macron",
        "(CNSP)",
        "ECOWAS",
        "5",
        "km",
        "Zoë",
        "Ame\u{301}lie",
        "中国",
        "反对",
        "مصر",
        "🇪🇺",
        "👍🏽",
        "e.g.",
        "St.",
        "Jan.",
        "a",
        "I",
    ]);
    let spaces = prop::sample::select(vec![
        " ", "  ", "\u{a0}", "\u{202f}", "\u{2009}", "\u{3000}", "\u{2003}", "\u{2028}",
        "\u{2029}", "\u{85}", "\u{1680}", "\n", "\r\n", "\r", "\n\n", "\t", "\u{200b}",
    ]);
    let punct = prop::sample::select(vec![
        ".", "?", "!", "…", "。", "？", "！", "\"", "”", "“", "’", "'", ")", "(", ",", ";", ":",
        "—", "...", "?!", ".\"",
    ]);
    prop_oneof![
        4 => words.prop_map(String::from),
        3 => spaces.prop_map(String::from),
        2 => punct.prop_map(String::from),
        1 => any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..120).prop_map(|v| v.concat())
}

/// The file as brief reads it: CRLF and lone CR become LF (lengths of the lone-CR case are
/// kept, so only CRLF shifts offsets, as documented).
fn as_read(raw: &str) -> String {
    raw.replace("\r\n", "\n").replace('\r', "\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn sentences_are_ordered_trimmed_spans_on_char_boundaries(par in text()) {
        let spans = split_sentences(&par);
        let mut last = 0;
        for (s, e) in spans {
            prop_assert!(s < e && e <= par.len());
            prop_assert!(s >= last, "spans overlap or go back");
            prop_assert!(par.is_char_boundary(s) && par.is_char_boundary(e));
            let sentence = &par[s..e];
            prop_assert_eq!(sentence.trim(), sentence);
            last = e;
        }
    }

    #[test]
    fn article_sentences_slice_the_file(raw in text(), bom in any::<bool>()) {
        let raw = if bom { format!("\u{feff}{raw}") } else { raw };
        let Ok(article) = Article::from_bytes("prop", raw.as_bytes()) else {
            return Ok(()); // empty or binary: a clear error, checked elsewhere
        };
        let file = as_read(&raw);
        for s in article.sentences() {
            let (a, b) = (article.body_start + s.start, article.body_start + s.end);
            prop_assert_eq!(file.get(a..b), Some(s.text.as_str()));
        }
    }

    #[test]
    fn actors_and_evidence_point_into_the_file(raw in text()) {
        let Ok(article) = Article::from_bytes("prop", raw.as_bytes()) else {
            return Ok(());
        };
        let file = as_read(&raw);
        let sentences = article.sentences();
        let mut actors = find_candidates(&article);
        if let Ok(fixed) = manual_actors(&article, &["France=NATO,中国".to_string()]) {
            actors.extend(fixed);
        }
        for actor in &actors {
            prop_assert!(!actor.name.trim().is_empty());
            for ev in evidence_for(&article, &sentences, actor, "the coup", 3) {
                prop_assert_eq!(file.get(ev.start..ev.end), Some(ev.sentence.as_str()));
            }
        }
    }
}

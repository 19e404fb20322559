//! The review logic with a fake judge and rewriter: what is kept, repaired, dropped, listed.

use super::*;
use crate::config::FaithfulnessConfig;

const RAW: &str = "Niger talks\n\nThe United States paused aid to Niger on Monday. \
    France withdrew its ambassador from Niamey. ECOWAS threatened sanctions against the junta.";

/// Rejects any statement naming Canada; everything else is supported.
struct FakeJudge(FaithfulnessConfig);

impl SupportJudge for FakeJudge {
    fn name(&self) -> &str {
        "fake"
    }
    fn config(&self) -> &FaithfulnessConfig {
        &self.0
    }
    fn p_supported(&mut self, _: &Article, _: &[&str], statement: &str) -> Result<f32> {
        Ok(if statement.contains("Canada") {
            0.05
        } else {
            0.95
        })
    }
}

/// Always answers with the same sentence, and remembers what it was asked.
struct FakeRewriter {
    answer: String,
    asked: Vec<(String, Vec<String>)>,
}

impl Rewriter for FakeRewriter {
    fn rewrite(&mut self, _: &Article, statement: &str, citations: &[&str]) -> Result<String> {
        self.asked.push((
            statement.to_string(),
            citations.iter().map(|c| c.to_string()).collect(),
        ));
        Ok(self.answer.clone())
    }
}

fn run(summary: &str, mode: FaithfulnessMode, answer: &str) -> (Checked, FakeRewriter) {
    let article = Article::from_text("t", RAW);
    let mut judge = FakeJudge(FaithfulnessConfig::default());
    let mut rw = FakeRewriter {
        answer: answer.into(),
        asked: Vec::new(),
    };
    let checked = review(
        &article,
        summary,
        Review {
            judge: &mut judge,
            rewriter: Some(&mut rw),
            mode,
            max_sentences: 2,
        },
    )
    .unwrap();
    (checked, rw)
}

#[test]
fn a_contradicted_sentence_is_rewritten_from_its_citations() {
    let (c, rw) = run(
        "The US paused aid to Niger. Canada withdrew its ambassador from Niamey.",
        FaithfulnessMode::Repair,
        "France withdrew its ambassador from Niamey.",
    );
    assert_eq!(
        c.text,
        "The US paused aid to Niger. France withdrew its ambassador from Niamey."
    );
    assert_eq!((c.tally.checked, c.tally.supported), (2, 1));
    assert_eq!((c.tally.repaired, c.tally.dropped), (1, 0));
    assert_eq!(
        c.sentences[1].rewritten_from.as_deref(),
        Some("Canada withdrew its ambassador from Niamey.")
    );
    assert_eq!(
        rw.asked[0].1,
        ["France withdrew its ambassador from Niamey."],
        "the rewrite sees the cited sentence"
    );
}

#[test]
fn a_sentence_still_unsupported_after_rewriting_is_dropped_and_listed() {
    let (c, _) = run(
        "The US paused aid to Niger. Canada withdrew its ambassador from Niamey.",
        FaithfulnessMode::Repair,
        "Canada recalled its ambassador from Niamey.",
    );
    assert_eq!(c.text, "The US paused aid to Niger.");
    assert_eq!(c.dropped, ["Canada withdrew its ambassador from Niamey."]);
    assert_eq!((c.tally.repaired, c.tally.dropped), (0, 1));
    assert!(!c.tally.extractive);
}

#[test]
fn an_all_unsupported_summary_falls_back_to_article_sentences() {
    let (c, _) = run(
        "Canada paused aid to Niger. Canada threatened the junta with sanctions.",
        FaithfulnessMode::Repair,
        "",
    );
    assert!(c.tally.extractive);
    assert_eq!(c.dropped.len(), 2);
    assert_eq!(c.sentences.len(), 2, "at most max_sentences");
    for s in &c.sentences {
        assert_eq!(s.citations.len(), 1);
        assert_eq!(&RAW[s.citations[0].start..s.citations[0].end], s.text);
    }
    assert!(!c.text.contains("Canada"));
}

#[test]
fn repeated_and_cut_off_sentences_are_removed_and_listed() {
    let (c, _) = run(
        "The US paused aid to Niger. France withdrew its ambassador. The US paused aid to Niger. ECOWAS threatened sanctions. France withdrew its",
        FaithfulnessMode::Repair,
        "",
    );
    assert_eq!(
        c.text,
        "The US paused aid to Niger. France withdrew its ambassador."
    );
    // Repeat and cut-off first, then what is past the length (max_sentences = 2).
    assert_eq!(
        c.dropped,
        [
            "The US paused aid to Niger.",
            "France withdrew its",
            "ECOWAS threatened sanctions."
        ]
    );
    assert_eq!((c.tally.checked, c.tally.dropped), (2, 3));
}

#[test]
fn flag_mode_marks_but_changes_nothing() {
    let summary = "The US paused aid to Niger. Canada withdrew its ambassador.";
    let (c, rw) = run(summary, FaithfulnessMode::Flag, "unused");
    assert_eq!(c.text, summary);
    assert_eq!(
        c.sentences.iter().map(|s| s.supported).collect::<Vec<_>>(),
        [true, false]
    );
    assert!(rw.asked.is_empty());
    assert!(!c.consistent());
}

#[test]
fn off_mode_returns_the_summary_untouched() {
    let (c, rw) = run("Canada did it.", FaithfulnessMode::Off, "unused");
    assert_eq!(c.text, "Canada did it.");
    assert!(c.sentences.is_empty() && rw.asked.is_empty());
}

#[test]
fn every_chat_summarizer_shares_the_article_prefix_with_its_check() {
    use crate::config::{builtin_models, Architecture, SummaryLength, Task};
    let body = "The US paused aid. France left.";
    for cfg in builtin_models().unwrap() {
        let Some(p) = &cfg.prompts.summarize else {
            continue;
        };
        if cfg.architecture != Architecture::GgufLlm || !cfg.tasks.contains(&Task::Summarize) {
            continue;
        }
        let summary_prompt = minijinja::Environment::new()
            .render_str(
                &p.user,
                minijinja::context! { title => "T", text => body, length => SummaryLength::Medium.phrase() },
            )
            .unwrap();
        let f = cfg.faithfulness.clone().unwrap_or_default();
        let check_prompt = render(&f.user, Some("T"), body, "S", &[]).unwrap();
        let shared = summary_prompt
            .chars()
            .zip(check_prompt.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let body_end = summary_prompt.find(body).unwrap() + body.len();
        assert!(
            shared >= body_end,
            "{}: the check prompt must start like the summary prompt up to the article's end",
            cfg.name
        );
        assert_eq!(
            f.system.as_ref(),
            None,
            "{}: a different system message would break the shared prefix",
            cfg.name
        );
    }
}

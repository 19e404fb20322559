//! The report as HTML: summary, actor table, and the article with every actor's evidence
//! sentences marked in that actor's colour.

use super::{nonce, offline_csp, render};
use crate::article::Article;
use crate::error::Result;
use crate::report::{ActorReport, Report};
use serde::Serialize;

/// A standalone HTML document for `report` of `article` (what `--format html` prints).
pub fn report_html(report: &Report, article: &Article) -> Result<String> {
    let nonce = nonce();
    let view = ReportView::new(report, article);
    render(
        "report.html",
        minijinja::context! { r => view, nonce, csp => offline_csp(&nonce) },
    )
}

/// The report's HTML without the page around it, for a page that already carries the styles
/// and the script (the page `brief serve` shows).
pub fn report_fragment(report: &Report, article: &Article) -> Result<String> {
    render(
        "report_body.html",
        minijinja::context! { r => ReportView::new(report, article) },
    )
}

/// Everything the templates show, computed once; article text stays plain text here and is
/// escaped by the templates.
#[derive(Debug, Serialize)]
pub struct ReportView {
    pub title: Option<String>,
    pub source: String,
    pub target: Option<String>,
    pub target_source: Option<String>,
    pub summarizer: Option<String>,
    pub classifier: Option<String>,
    pub summary: Option<Vec<SummarySentence>>,
    /// None when stance was not run; empty when no actors were found.
    pub actors: Option<Vec<ActorView>>,
    pub paragraphs: Vec<Vec<SentenceView>>,
    /// Seconds the run took, one decimal.
    pub total_s: String,
    /// Tasks that failed while others succeeded: "task: message".
    pub errors: Vec<String>,
}

/// A piece of the summary with the article sentences it cites (none until the report carries
/// citations).
#[derive(Debug, Serialize)]
pub struct SummarySentence {
    pub text: String,
    /// Ids of cited article sentences (`SentenceView::id`).
    pub citations: Vec<usize>,
}

/// One row of the actor table.
#[derive(Debug, Serialize)]
pub struct ActorView {
    pub idx: usize,
    pub name: String,
    pub kind: String,
    pub aliases: Vec<String>,
    /// Aliases other than the name.
    pub others: Vec<String>,
    pub stance: String,
    /// Probability of the stance, two decimals, and as a whole percentage for the bar.
    pub confidence: String,
    pub confidence_pct: u32,
    pub favor: String,
    pub against: String,
    pub neutral: String,
    /// The three scores for the hover box.
    pub scores: Vec<Score>,
    /// The actor's colour (an HSL hue).
    pub hue: u32,
    /// The best evidence sentence, shown in the table.
    pub first_evidence: Option<String>,
    pub evidence_count: usize,
}

/// One stance score, formatted.
#[derive(Debug, Serialize)]
pub struct Score {
    pub name: &'static str,
    pub value: String,
    pub pct: u32,
}

/// One article sentence, with the text between it and the previous one.
#[derive(Debug, Serialize)]
pub struct SentenceView {
    pub id: usize,
    pub gap: String,
    pub text: String,
    /// The actors whose evidence this sentence is.
    pub marks: Vec<Mark>,
    /// Their indices, space-separated (for the script).
    pub actor_ids: String,
}

/// An actor citing a sentence.
#[derive(Debug, Clone, Serialize)]
pub struct Mark {
    pub idx: usize,
    pub hue: u32,
    pub name: String,
}

/// Hues far apart for neighbouring indices (golden-angle steps), starting at blue.
fn hue(i: usize) -> u32 {
    ((210.0 + i as f64 * 137.508) % 360.0).round() as u32
}

/// A probability as a whole percentage, clamped (a bar width).
fn pct(p: f32) -> u32 {
    (p.clamp(0.0, 1.0) * 100.0).round() as u32
}

fn enum_str<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

impl ReportView {
    /// Builds the view; evidence whose offsets do not point into this article is matched by
    /// its text instead, and dropped when that fails too.
    pub fn new(report: &Report, article: &Article) -> Self {
        let sentences = article.sentences();
        let mut paragraphs: Vec<Vec<SentenceView>> =
            (0..article.paragraphs.len()).map(|_| Vec::new()).collect();
        let actors = report.actors.as_deref().unwrap_or(&[]);
        let mut prev_end: Option<(usize, usize)> = None;
        for (id, s) in sentences.iter().enumerate() {
            let gap = match prev_end {
                Some((p, end)) if p == s.paragraph => {
                    article.body.get(end..s.start).unwrap_or(" ").to_string()
                }
                _ => String::new(),
            };
            prev_end = Some((s.paragraph, s.end));
            let marks: Vec<Mark> = actors
                .iter()
                .enumerate()
                .filter(|(_, a)| cites(a, article, s.start, s.end, &s.text))
                .map(|(idx, a)| Mark {
                    idx,
                    hue: hue(idx),
                    name: a.name.clone(),
                })
                .collect();
            if let Some(p) = paragraphs.get_mut(s.paragraph) {
                p.push(SentenceView {
                    id,
                    gap,
                    text: s.text.clone(),
                    actor_ids: marks
                        .iter()
                        .map(|m| m.idx.to_string())
                        .collect::<Vec<_>>()
                        .join(" "),
                    marks,
                });
            }
        }
        Self {
            title: report.title.clone(),
            source: report.source.clone(),
            target: report.target.clone(),
            target_source: report.target_source.as_ref().map(enum_str),
            summarizer: report.summarizer.clone(),
            classifier: report.classifier.clone(),
            summary: report.summary.as_ref().map(|s| {
                vec![SummarySentence {
                    text: s.trim().to_string(),
                    citations: Vec::new(),
                }]
            }),
            actors: report
                .actors
                .as_ref()
                .map(|a| a.iter().enumerate().map(actor_view).collect()),
            paragraphs: paragraphs.into_iter().filter(|p| !p.is_empty()).collect(),
            total_s: format!("{:.1}", report.timings.total_s),
            errors: report
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.task, e.message))
                .collect(),
        }
    }
}

fn actor_view((idx, a): (usize, &ActorReport)) -> ActorView {
    ActorView {
        idx,
        name: a.name.clone(),
        kind: enum_str(&a.kind),
        aliases: a.aliases.clone(),
        others: a
            .aliases
            .iter()
            .filter(|x| **x != a.name)
            .cloned()
            .collect(),
        stance: a.stance.as_str().to_string(),
        confidence: format!("{:.2}", a.confidence),
        confidence_pct: pct(a.confidence),
        favor: format!("{:.2}", a.scores.favor),
        against: format!("{:.2}", a.scores.against),
        neutral: format!("{:.2}", a.scores.neutral),
        scores: [
            ("favor", a.scores.favor),
            ("against", a.scores.against),
            ("neutral", a.scores.neutral),
        ]
        .into_iter()
        .map(|(name, v)| Score {
            name,
            value: format!("{v:.2}"),
            pct: pct(v),
        })
        .collect(),
        hue: hue(idx),
        first_evidence: a.evidence.first().map(|e| e.sentence.clone()),
        evidence_count: a.evidence.len(),
    }
}

/// Whether one of `a`'s evidence spans is the body sentence `[start, end)`: by offsets (which
/// count from the text as read, title included), else by identical text.
fn cites(a: &ActorReport, article: &Article, start: usize, end: usize, text: &str) -> bool {
    a.evidence.iter().any(|e| {
        let span = e
            .start
            .checked_sub(article.body_start)
            .zip(e.end.checked_sub(article.body_start));
        match span {
            Some((s, t)) if article.body.get(s..t) == Some(e.sentence.as_str()) => {
                s < end && t > start
            }
            _ => e.sentence.trim() == text.trim(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Timings;
    use crate::tasks::actors::ActorKind;
    use crate::tasks::evidence::Evidence;
    use crate::tasks::stance::{Stance, StanceScores};

    fn report_for(a: &Article, raw: &str, sentence: &str, name: &str) -> Report {
        let start = raw.find(sentence).unwrap();
        let mut r = Report::new(a);
        r.summary = Some("A <b>summary</b>.".into());
        r.target = Some("the plan".into());
        r.actors = Some(vec![ActorReport {
            name: name.into(),
            kind: ActorKind::Person,
            aliases: vec![name.into()],
            stance: Stance::Against,
            confidence: 0.8,
            scores: StanceScores::new(0.1, 0.8, 0.1),
            evidence: vec![Evidence {
                sentence: sentence.into(),
                start,
                end: start + sentence.len(),
            }],
        }]);
        r.timings = Timings::default();
        r
    }

    #[test]
    fn evidence_is_marked_and_text_escaped() {
        let raw = "A <script>alert(1)</script> day\n\nSmith spoke. He condemned the plan & left.\n\n<i>End</i>.";
        let a = Article::from_text("t", raw);
        let r = report_for(&a, raw, "He condemned the plan & left.", "Smith");
        let view = ReportView::new(&r, &a);
        let marked: Vec<&SentenceView> = view
            .paragraphs
            .iter()
            .flatten()
            .filter(|s| !s.marks.is_empty())
            .collect();
        assert_eq!(marked.len(), 1);
        assert_eq!(marked[0].text, "He condemned the plan & left.");
        let html = report_html(&r, &a).unwrap();
        assert!(!html.contains("<script>alert"), "title not escaped");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
        assert!(html.contains("&lt;i&gt;End&lt;&#x2f;i&gt;"));
        assert!(html.contains("A &lt;b&gt;summary&lt;&#x2f;b&gt;."));
        assert!(html.contains("condemned the plan &amp; left."));
        // Exactly one script element, the report's own, carrying the CSP nonce.
        assert_eq!(html.matches("<script").count(), 1, "{html}");
        assert!(html.contains("<script nonce=\""));
    }

    #[test]
    fn stale_offsets_fall_back_to_the_sentence_text() {
        let raw = "Smith spoke. He condemned the plan.";
        let a = Article::from_text("t", raw);
        let mut r = report_for(&a, raw, "He condemned the plan.", "Smith");
        if let Some(actors) = r.actors.as_mut() {
            actors[0].evidence[0].start += 1000;
            actors[0].evidence[0].end += 1000;
        }
        let view = ReportView::new(&r, &a);
        let marked: Vec<usize> = view
            .paragraphs
            .iter()
            .flatten()
            .filter(|s| !s.marks.is_empty())
            .map(|s| s.id)
            .collect();
        assert_eq!(marked, vec![1]);
    }
}

//! The Report: built once per article, rendered as text for people or JSON for machines.
//! Its serde form *is* the JSON schema documented in the README.

use crate::article::Article;
use crate::faithfulness::{FaithfulnessTally, SentenceCheck};
use crate::tasks::actors::ActorKind;
use crate::tasks::evidence::Evidence;
use crate::tasks::stance::{Stance, StanceScores};
use crate::tasks::target::TargetSource;
use serde::Serialize;

/// Wall-clock costs of one article, in seconds, and throughput.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Timings {
    /// Loading (and if needed pulling) the models.
    pub load_s: f64,
    /// Encoding the summarizer's prompts.
    pub prefill_s: f64,
    /// Generating the summary.
    pub decode_s: f64,
    /// Checking (and repairing) the summary against the article.
    pub check_s: f64,
    /// Actors, target and stance labels together.
    pub stance_s: f64,
    /// Everything, from start to report.
    pub total_s: f64,
    /// From start until the first text of the (final) summary appeared: what a user waits.
    pub first_text_s: f64,
    /// Summary prompt tokens computed per second of prefill.
    pub prefill_tokens_per_s: f64,
    /// Summary tokens generated per second of decode.
    pub decode_tokens_per_s: f64,
}

/// One actor's row.
#[derive(Debug, Clone, Serialize)]
pub struct ActorReport {
    pub name: String,
    pub kind: ActorKind,
    /// Every form the article uses for the actor.
    pub aliases: Vec<String>,
    pub stance: Stance,
    /// Probability of `stance`.
    pub confidence: f32,
    pub scores: StanceScores,
    /// Sentences that show the stance, most relevant first; offsets into the article text.
    pub evidence: Vec<Evidence>,
}

/// What brief says about one article.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Where the article came from (a path or "stdin").
    pub source: String,
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Config name of the summarizer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summarizer: Option<String>,
    /// Pieces the article was split into to fit the context (1 = whole).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<usize>,
    /// The final summary's sentences, each with its support and citations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary_sentences: Option<Vec<SentenceCheck>>,
    /// Generated sentences removed as unsupported (never dropped silently).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dropped: Option<Vec<String>>,
    /// What the check did: mode, counts, the checker and its threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub faithfulness: Option<FaithfulnessTally>,
    /// What stance is toward.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_source: Option<TargetSource>,
    /// Config name of the stance classifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actors: Option<Vec<ActorReport>>,
    /// Summary prompt tokens over all summarizer calls.
    pub tokens_in: usize,
    /// Summary tokens generated over all summarizer calls.
    pub tokens_out: usize,
    pub timings: Timings,
    /// Tasks that failed after others succeeded (the report keeps what succeeded).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<TaskError>,
}

/// A task of the run that failed, and why.
#[derive(Debug, Clone, Serialize)]
pub struct TaskError {
    /// `summarize` or `stance`.
    pub task: String,
    pub message: String,
}

impl Report {
    /// An empty report for `article`.
    pub fn new(article: &Article) -> Self {
        Self {
            source: article.source_name.clone(),
            title: article.title.clone(),
            summary: None,
            summarizer: None,
            parts: None,
            summary_sentences: None,
            dropped: None,
            faithfulness: None,
            target: None,
            target_source: None,
            classifier: None,
            actors: None,
            tokens_in: 0,
            tokens_out: 0,
            timings: Timings::default(),
            errors: Vec::new(),
        }
    }

    /// Human-readable text: the summary, the target, then the actor table. `summary_shown`
    /// skips the summary when it was already streamed to the terminal.
    pub fn to_text(&self, summary_shown: bool) -> String {
        terminal_safe(&self.plain_text(summary_shown))
    }

    /// `to_text` before terminal-unsafe characters are taken out.
    fn plain_text(&self, summary_shown: bool) -> String {
        let mut out = String::new();
        if let Some(s) = &self.summary {
            if !summary_shown {
                match &self.summary_sentences {
                    Some(checked) if !checked.is_empty() => out.push_str(&self.cited_text(checked)),
                    _ => {
                        out.push_str(s);
                        out.push('\n');
                    }
                }
            }
        }
        if let Some(actors) = &self.actors {
            if self.summary.is_some() {
                out.push('\n');
            }
            out.push_str(&format!(
                "Target: {}\n\n",
                self.target.as_deref().unwrap_or("")
            ));
            if actors.is_empty() {
                out.push_str("No actors found in the article.\n");
                return out;
            }
            let w = actors
                .iter()
                .map(|a| a.name.chars().count())
                .max()
                .unwrap_or(5)
                .clamp(5, 36);
            out.push_str(&format!(
                "{:<w$}  {:<12}  {:<7}  {:>5}  EVIDENCE\n",
                "ACTOR", "KIND", "STANCE", "CONF"
            ));
            for a in actors {
                let name = name_cell(&a.name, w);
                let ev = a
                    .evidence
                    .first()
                    .map(|e| shorten(&e.sentence, 70))
                    .unwrap_or_else(|| "—".into());
                let kind = serde_json::to_value(a.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "{name:<w$}  {kind:<12}  {:<7}  {:>5.2}  {ev}\n",
                    a.stance.as_str(),
                    a.confidence
                ));
            }
        }
        out
    }

    /// The summary with `[n]` after each sentence (n = cited article sentence), the cited
    /// sentences listed below, then what the check removed or replaced.
    fn cited_text(&self, checked: &[SentenceCheck]) -> String {
        let mut out = String::new();
        let mut sources: Vec<(usize, &str)> = Vec::new();
        let marked: Vec<String> = checked
            .iter()
            .map(|c| {
                let mut t = c.text.clone();
                if !c.supported {
                    t.push_str(" (unsupported)");
                }
                for cit in &c.citations {
                    t.push_str(&format!(" [{}]", cit.number));
                    if !sources.iter().any(|(n, _)| *n == cit.number) {
                        sources.push((cit.number, &cit.sentence));
                    }
                }
                t
            })
            .collect();
        out.push_str(&marked.join(" "));
        out.push('\n');
        sources.sort_unstable_by_key(|(n, _)| *n);
        if !sources.is_empty() {
            out.push('\n');
        }
        for (n, s) in sources {
            out.push_str(&format!("  [{n}] {}\n", shorten(s, 110)));
        }
        if let Some(f) = &self.faithfulness {
            if f.extractive {
                out.push_str("\nNo generated sentence was supported by the article; the summary above is article sentences.\n");
            }
        }
        for d in self.dropped.iter().flatten() {
            out.push_str(&format!("Dropped (not supported by the article): {d}\n"));
        }
        out
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

/// Text fit for a terminal: control characters other than newline and tab, and the
/// bidirectional embeddings, overrides and isolates, are dropped. Articles are untrusted
/// text: an escape sequence in one could recolour, move the cursor or clear the user's
/// terminal, and a right-to-left override would show the rest of a table row reversed.
pub fn terminal_safe(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            let control = c.is_control() && !matches!(c, '\n' | '\t');
            let direction = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
            !control && !direction
        })
        .collect()
}

/// An actor's name fitted to the table's column: cut at a word with "…" when longer, so a
/// cut name never reads as a whole one ("National Council for the…").
fn name_cell(name: &str, width: usize) -> String {
    if name.chars().count() <= width {
        name.to_string()
    } else {
        shorten(name, width.saturating_sub(1))
    }
}

/// The first `max` characters of a sentence, cut at a word, with an ellipsis; also keeps
/// a user's over-long input from filling an error line.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    #[test]
    fn terminal_output_drops_escapes_and_direction_overrides() {
        let text = "Talks failed.\u{202E} Management \u{1b}[2Jregretted it.\u{2066}x\u{2069}\n\tok";
        assert_eq!(
            super::terminal_safe(text),
            "Talks failed. Management [2Jregretted it.x\n\tok"
        );
        // Other scripts, marks and emoji are text, not control.
        let kept = "Café ﷺ 👷‍♀️ Ελλάδα \u{200F}!";
        assert_eq!(super::terminal_safe(kept), kept);
    }

    #[test]
    fn shortens_at_words() {
        assert_eq!(super::shorten("one two three four", 9), "one two…");
        assert_eq!(super::shorten("short", 9), "short");
    }

    #[test]
    fn a_long_name_is_cut_visibly_within_its_column() {
        let name = "National Council for the Safeguard of the Homeland";
        let cell = super::name_cell(name, 36);
        assert_eq!(cell, "National Council for the Safeguard…");
        assert!(cell.chars().count() <= 36);
        assert_eq!(super::name_cell("Molly Phee", 36), "Molly Phee");
    }
}

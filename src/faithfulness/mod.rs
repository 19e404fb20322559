//! Faithful summaries: every summary sentence is checked against the article, cited, and —
//! in `repair` mode — rewritten once from its citations or dropped when unsupported. Nothing
//! is dropped silently: the report lists what was removed, and a summary with no supported
//! sentence left falls back to article sentences and says so.

pub mod cite;
pub mod judge;
pub mod load;
pub mod rewrite;
pub mod signals;
pub mod split;

pub use cite::{Citation, CitationIndex};
pub use judge::{LlmJudge, NliJudge, SupportJudge};
pub use rewrite::{LlmRewriter, Rewriter};
pub use signals::Signals;
pub use split::summary_sentences;

use crate::article::Article;
use crate::config::FaithfulnessMode;
use crate::error::{BriefError, Result};
use serde::Serialize;
use signals::ArticleWords;

/// One sentence of the final summary (or, in `flag` mode, of the summary as generated).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentenceCheck {
    pub text: String,
    pub supported: bool,
    /// Calibrated probability that the article supports the sentence.
    pub support: f32,
    /// The 1–3 article sentences that best support it.
    pub citations: Vec<Citation>,
    /// The generated sentence this one replaced, when it was repaired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rewritten_from: Option<String>,
    /// The signals `support` was computed from.
    pub signals: Signals,
}

/// What checking did to one summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaithfulnessTally {
    pub mode: FaithfulnessMode,
    /// The model that judged support.
    pub checker: String,
    pub threshold: f32,
    /// Sentences of the summary as generated.
    pub checked: usize,
    /// Of those, supported on the first check.
    pub supported: usize,
    /// Rewritten and then supported.
    pub repaired: usize,
    /// Removed (listed in the report's `dropped`).
    pub dropped: usize,
    /// Nothing survived, so the summary is article sentences instead.
    pub extractive: bool,
}

/// A checked summary.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The final summary text.
    pub text: String,
    pub sentences: Vec<SentenceCheck>,
    pub dropped: Vec<String>,
    pub tally: FaithfulnessTally,
}

impl Checked {
    /// A summary counts as consistent when every checked sentence is supported.
    pub fn consistent(&self) -> bool {
        self.tally.supported == self.tally.checked
    }
}

/// How one summary is reviewed.
pub struct Review<'a> {
    pub judge: &'a mut dyn SupportJudge,
    /// Needed for `repair`; without one, unsupported sentences are dropped.
    pub rewriter: Option<&'a mut dyn Rewriter>,
    pub mode: FaithfulnessMode,
    /// Most sentences the summary keeps (`--length`), the extractive fallback included.
    pub max_sentences: usize,
}

/// Renders a check or rewrite template.
pub(crate) fn render(
    template: &str,
    title: Option<&str>,
    article: &str,
    statement: &str,
    citations: &[&str],
) -> Result<String> {
    minijinja::Environment::new()
        .render_str(
            template,
            minijinja::context! {
                title => title, article => article, statement => statement, citations => citations,
            },
        )
        .map_err(|e| BriefError::Template(format!("faithfulness prompt: {e}")))
}

/// Checks `summary` against `article` as `review` says; `Off` returns it untouched.
pub fn review(article: &Article, summary: &str, review: Review) -> Result<Checked> {
    let Review {
        judge,
        mut rewriter,
        mode,
        max_sentences,
    } = review;
    let mut tally = FaithfulnessTally {
        mode,
        checker: judge.name().to_string(),
        threshold: judge.config().threshold,
        checked: 0,
        supported: 0,
        repaired: 0,
        dropped: 0,
        extractive: false,
    };
    if mode == FaithfulnessMode::Off {
        return Ok(Checked {
            text: summary.to_string(),
            sentences: Vec::new(),
            dropped: Vec::new(),
            tally,
        });
    }
    let mut checker = SentenceChecker {
        index: CitationIndex::new(article),
        words: ArticleWords::new(&article.full_text()),
        article,
        judge,
    };
    let (mut kept, mut first) = (Vec::new(), Vec::new());
    let (sentences, mut dropped) = match mode {
        FaithfulnessMode::Repair => tidy(summary_sentences(summary), max_sentences),
        _ => (summary_sentences(summary), Vec::new()),
    };
    for sentence in sentences {
        let c = checker.check(&sentence)?;
        tally.checked += 1;
        tally.supported += usize::from(c.supported);
        first.push(c.clone());
        if c.supported || mode == FaithfulnessMode::Flag {
            kept.push(c);
            continue;
        }
        match repair(&mut checker, &mut rewriter, &c)? {
            Some(fixed) => {
                tally.repaired += 1;
                kept.push(fixed);
            }
            None => dropped.push(sentence),
        }
    }
    tally.dropped = dropped.len();
    if kept.is_empty() && !first.is_empty() && mode == FaithfulnessMode::Repair {
        kept = extractive(&checker.index, &first, max_sentences);
        tally.extractive = true;
    }
    let text = kept
        .iter()
        .map(|c| c.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Checked {
        text,
        sentences: kept,
        dropped,
        tally,
    })
}

/// Repeats of an earlier sentence (a small model's decoding loop), a last sentence cut off by
/// the token limit when others precede it, and sentences past the requested length (`max`):
/// removed before checking, and listed.
fn tidy(sentences: Vec<String>, max: usize) -> (Vec<String>, Vec<String>) {
    let (mut keep, mut cut): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for s in sentences {
        let key = s.to_lowercase();
        if keep.iter().any(|k| k.to_lowercase() == key) {
            cut.push(s);
        } else {
            keep.push(s);
        }
    }
    let unfinished = keep.last().is_some_and(|s| {
        !s.trim_end()
            .ends_with(['.', '!', '?', '"', '\'', '”', '’', ')'])
    });
    if unfinished && keep.len() > 1 {
        cut.extend(keep.pop());
    }
    if keep.len() > max.max(1) {
        cut.extend(keep.split_off(max.max(1)));
    }
    (keep, cut)
}

/// Checks sentences against one article.
struct SentenceChecker<'a> {
    index: CitationIndex,
    words: ArticleWords,
    article: &'a Article,
    judge: &'a mut dyn SupportJudge,
}

impl SentenceChecker<'_> {
    fn check(&mut self, sentence: &str) -> Result<SentenceCheck> {
        let cfg = self.judge.config();
        let (weights, threshold) = (cfg.weights, cfg.threshold);
        let citations = self.index.cite(sentence, cfg.max_citations);
        let premise: Vec<&str> = citations.iter().map(|c| c.sentence.as_str()).collect();
        let p = self.judge.p_supported(self.article, &premise, sentence)?;
        let (novel_words, novel_bigrams) = self.words.novelty(sentence);
        let signals = Signals {
            model: Some(p),
            novel_words,
            novel_bigrams,
        };
        let support = signals::support(&weights, &signals);
        Ok(SentenceCheck {
            text: sentence.to_string(),
            supported: support >= threshold,
            support,
            citations,
            rewritten_from: None,
            signals,
        })
    }
}

/// One rewrite from the citations, re-checked; None when it is still unsupported (or there
/// was nothing to rewrite from).
fn repair(
    checker: &mut SentenceChecker,
    rewriter: &mut Option<&mut dyn Rewriter>,
    c: &SentenceCheck,
) -> Result<Option<SentenceCheck>> {
    let Some(rewriter) = rewriter.as_mut() else {
        return Ok(None);
    };
    if c.citations.is_empty() {
        return Ok(None);
    }
    let premise: Vec<&str> = c.citations.iter().map(|x| x.sentence.as_str()).collect();
    let new = rewriter.rewrite(checker.article, &c.text, &premise)?;
    if new.trim().is_empty() || new.trim() == c.text.trim() {
        return Ok(None);
    }
    let mut fixed = checker.check(new.trim())?;
    if !fixed.supported {
        return Ok(None);
    }
    fixed.rewritten_from = Some(c.text.clone());
    Ok(Some(fixed))
}

/// The article sentences the summary's best-supported sentences cite (or the lead when
/// nothing was cited), at most `max`, in article order.
fn extractive(index: &CitationIndex, first: &[SentenceCheck], max: usize) -> Vec<SentenceCheck> {
    let mut by_support: Vec<&SentenceCheck> = first.iter().collect();
    by_support.sort_by(|a, b| b.support.total_cmp(&a.support));
    let mut numbers: Vec<usize> = Vec::new();
    for c in by_support {
        for cit in &c.citations {
            if numbers.len() < max && !numbers.contains(&cit.number) {
                numbers.push(cit.number);
            }
        }
    }
    if numbers.is_empty() {
        numbers = (1..=max.min(index.len())).collect();
    }
    numbers.sort_unstable();
    numbers
        .into_iter()
        .filter_map(|n| index.citation(n - 1))
        .map(|cit| SentenceCheck {
            text: cit.sentence.clone(),
            supported: true,
            support: 1.0,
            citations: vec![cit],
            rewritten_from: None,
            signals: Signals {
                model: None,
                novel_words: 0.0,
                novel_bigrams: 0.0,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests;

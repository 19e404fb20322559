//! Scoring the summary checker: on checker-only examples (a summary with a human verdict),
//! how well "every sentence supported" predicts "consistent"; on brief's own summaries, how
//! many generated sentences the checker supports and what repair did.

use crate::faithfulness::{Checked, SentenceCheck};
use serde::Serialize;

/// The checker against human verdicts. "Positive" is an *inconsistent* summary: precision
/// and recall say how well the checker catches unfaithful summaries.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FaithfulnessMetrics {
    pub n: usize,
    /// Mean of the recalls on consistent and on inconsistent summaries (0.5 = chance).
    pub balanced_accuracy: f64,
    pub precision: f64,
    pub recall: f64,
    pub threshold: f32,
    pub checker: String,
    /// Every checked example with its sentences' signals: what the calibration script fits.
    pub examples: Vec<CheckedExample>,
}

/// One checker-only example as the checker saw it.
#[derive(Debug, Clone, Serialize)]
pub struct CheckedExample {
    pub id: String,
    pub consistent: bool,
    pub predicted: bool,
    pub sentences: Vec<SentenceCheck>,
}

/// Collects checker verdicts over examples.
#[derive(Default)]
pub struct CheckerTally {
    examples: Vec<CheckedExample>,
    threshold: f32,
    checker: String,
}

impl CheckerTally {
    pub fn add(&mut self, id: &str, consistent: bool, checked: Checked) {
        self.threshold = checked.tally.threshold;
        self.checker = checked.tally.checker.clone();
        self.examples.push(CheckedExample {
            id: id.to_string(),
            consistent,
            predicted: checked.consistent(),
            sentences: checked.sentences,
        });
    }

    /// The metrics, or None when no example was checked.
    pub fn finish(self) -> Option<FaithfulnessMetrics> {
        if self.examples.is_empty() {
            return None;
        }
        let pairs: Vec<(bool, bool)> = self
            .examples
            .iter()
            .map(|e| (e.consistent, e.predicted))
            .collect();
        let (ba, precision, recall) = detection_scores(&pairs);
        Some(FaithfulnessMetrics {
            n: pairs.len(),
            balanced_accuracy: ba,
            precision,
            recall,
            threshold: self.threshold,
            checker: self.checker,
            examples: self.examples,
        })
    }
}

/// (balanced accuracy, precision, recall) of detecting inconsistency from
/// (gold consistent, predicted consistent) pairs. A class with no examples counts as 0.
pub fn detection_scores(pairs: &[(bool, bool)]) -> (f64, f64, f64) {
    let count =
        |gold: bool, pred: bool| pairs.iter().filter(|p| **p == (gold, pred)).count() as f64;
    let (tp, fn_, fp, tn) = (
        count(false, false),
        count(false, true),
        count(true, false),
        count(true, true),
    );
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let recall = ratio(tp, tp + fn_);
    let specificity = ratio(tn, tn + fp);
    ((recall + specificity) / 2.0, ratio(tp, tp + fp), recall)
}

/// What checking did to brief's own summaries.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct OwnSummaryChecks {
    /// Generated sentences checked.
    pub sentences: usize,
    /// Share of them supported at the first check (before any repair).
    pub supported_rate: f64,
    pub repaired: usize,
    pub dropped: usize,
    /// Summaries that fell back to article sentences.
    pub extractive: usize,
}

impl OwnSummaryChecks {
    pub fn add(&mut self, t: &crate::faithfulness::FaithfulnessTally) {
        let supported = self.supported_rate * self.sentences as f64 + t.supported as f64;
        self.sentences += t.checked;
        self.supported_rate = if self.sentences > 0 {
            supported / self.sentences as f64
        } else {
            0.0
        };
        self.repaired += t.repaired;
        self.dropped += t.dropped;
        self.extractive += usize::from(t.extractive);
    }
}

#[cfg(test)]
mod tests {
    use super::detection_scores;

    #[test]
    fn always_consistent_scores_one_half() {
        let pairs = [(true, true), (false, true), (false, true), (true, true)];
        let (ba, p, r) = detection_scores(&pairs);
        assert_eq!((ba, p, r), (0.5, 0.0, 0.0));
    }

    #[test]
    fn perfect_detection_scores_one() {
        let pairs = [(true, true), (false, false), (false, false)];
        assert_eq!(detection_scores(&pairs), (1.0, 1.0, 1.0));
    }
}

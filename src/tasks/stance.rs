//! Stance classification behind a small trait: the labels and their scores, what a classifier
//! is asked, and the model handle classifiers share. The classifiers themselves are their own
//! modules (`llm_stance`, `encoder_stance`, `nli_stance`, `probe_stance`).

use crate::backends::Generator;
use crate::error::Result;
use serde::Serialize;
use std::sync::{Arc, Mutex, MutexGuard};

/// A model shared by several tasks (summarizer, checker and classifier may be one model).
/// Behind a mutex rather than a `RefCell` so that a whole pipeline is `Send` and can be built
/// on one thread and moved to the worker that uses it.
pub type SharedGenerator = Arc<Mutex<Box<dyn Generator>>>;

/// Wraps a loaded model for sharing.
pub fn share(model: Box<dyn Generator>) -> SharedGenerator {
    Arc::new(Mutex::new(model))
}

/// The model behind a shared handle. A lock poisoned by a panic (which the server catches)
/// still yields the model: each call sets up its own prompt, so no half-done state is reused.
pub fn lock(model: &SharedGenerator) -> MutexGuard<'_, Box<dyn Generator>> {
    model
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The three labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    Favor,
    Against,
    Neutral,
}

impl Stance {
    pub const ALL: [Stance; 3] = [Stance::Favor, Stance::Against, Stance::Neutral];

    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Favor => "favor",
            Stance::Against => "against",
            Stance::Neutral => "neutral",
        }
    }
}

/// A probability per label (they sum to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StanceScores {
    pub favor: f32,
    pub against: f32,
    pub neutral: f32,
    /// A yes/no classifier's own answers before any calibration: P(yes) to the support and
    /// to the opposition question. Recorded so `[stance.fitted]` can be refitted from
    /// `brief eval --predictions` whatever the config's current fit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answers: Option<[f32; 2]>,
}

impl StanceScores {
    /// Label probabilities (favor, against, neutral) with no answers recorded.
    pub fn new(favor: f32, against: f32, neutral: f32) -> Self {
        Self {
            favor,
            against,
            neutral,
            answers: None,
        }
    }

    fn get(&self, s: Stance) -> f32 {
        match s {
            Stance::Favor => self.favor,
            Stance::Against => self.against,
            Stance::Neutral => self.neutral,
        }
    }

    /// Softmax of log-scores in label order favor, against, neutral.
    pub fn from_log_scores(l: [f32; 3]) -> Self {
        let max = l.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let e: Vec<f32> = l.iter().map(|x| (x - max).exp()).collect();
        let z: f32 = e.iter().sum();
        Self::new(e[0] / z, e[1] / z, e[2] / z)
    }

    /// The label and its confidence. Favor / against below `min_confidence` become neutral,
    /// with confidence 1 − P(that label): how sure we are it is *not* a position.
    pub fn decide(&self, min_confidence: f32) -> (Stance, f32) {
        let best = Stance::ALL
            .into_iter()
            .max_by(|a, b| self.get(*a).total_cmp(&self.get(*b)))
            .unwrap_or(Stance::Neutral);
        if best != Stance::Neutral && self.get(best) < min_confidence {
            (Stance::Neutral, 1.0 - self.get(best))
        } else {
            (best, self.get(best))
        }
    }
}

/// What the classifier is asked about one actor.
#[derive(Debug, Clone)]
pub struct StanceQuery<'a> {
    pub title: Option<&'a str>,
    pub article: &'a str,
    pub actor: &'a str,
    pub aliases: &'a [String],
    pub target: &'a str,
    pub evidence: &'a [String],
}

/// Anything that labels an actor's stance toward a target.
pub trait StanceClassifier: Send {
    /// The config name, for reports.
    fn name(&self) -> &str;
    /// Label probabilities for one actor.
    fn classify(&mut self, query: &StanceQuery) -> Result<StanceScores>;
    /// The threshold below which favor / against become neutral.
    fn min_confidence(&self) -> f32;
    /// Most evidence sentences to pass per actor.
    fn max_evidence(&self) -> usize;
    /// Starts recording the features each `classify` reads (a probe's model states), for
    /// `brief train stance`; None for classifiers that read none.
    fn record_features(&mut self) -> Option<FeatureSink> {
        None
    }
}

/// Features recorded by a classifier: (actor, feature vector) per `classify` call.
pub type FeatureSink = std::sync::Arc<Mutex<Vec<(String, Vec<f32>)>>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_and_threshold() {
        let s = StanceScores::from_log_scores([0.0, 0.0, 0.0]);
        assert!((s.favor - 1.0 / 3.0).abs() < 1e-6);
        let s = StanceScores::from_log_scores([2.0, 0.0, 1.0]);
        assert_eq!(s.decide(0.0).0, Stance::Favor);
        assert!((s.favor + s.against + s.neutral - 1.0).abs() < 1e-6);
        assert_eq!(
            s.decide(0.9).0,
            Stance::Neutral,
            "favor below the threshold is neutral"
        );
    }
}

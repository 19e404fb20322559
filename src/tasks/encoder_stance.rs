//! Stance from a trained encoder classifier: each evidence sentence is classified on its own
//! (the actor's and the target's mentions pooled), and the sentences' probabilities are
//! combined as the config says (mean, or the strongest sentence).

use crate::backends::encoder::EncoderStanceModel;
use crate::config::{Aggregate, EncoderConfig};
use crate::error::Result;
use crate::tasks::stance::{StanceClassifier, StanceQuery, StanceScores};

/// A trained encoder classifier behind the stance trait.
pub struct EncoderStance {
    name: String,
    model: EncoderStanceModel,
    cfg: EncoderConfig,
}

impl EncoderStance {
    pub fn new(name: &str, model: EncoderStanceModel, cfg: EncoderConfig) -> Self {
        Self {
            name: name.to_string(),
            model,
            cfg,
        }
    }
}

/// Softmax of one logit row (favor, against, neutral).
fn probs(row: &[f32]) -> [f32; 3] {
    let s = StanceScores::from_log_scores([row[0], row[1], row[2]]);
    [s.favor, s.against, s.neutral]
}

/// Combines per-sentence probabilities into one distribution.
pub fn aggregate(rows: &[[f32; 3]], how: Aggregate) -> StanceScores {
    let pick = match how {
        Aggregate::Mean => {
            let n = rows.len().max(1) as f32;
            let mut m = [0f32; 3];
            for r in rows {
                for (a, b) in m.iter_mut().zip(r) {
                    *a += b / n;
                }
            }
            m
        }
        Aggregate::Strongest => rows
            .iter()
            .copied()
            .max_by(|a, b| a[0].max(a[1]).total_cmp(&b[0].max(b[1])))
            .unwrap_or([0.0, 0.0, 1.0]),
    };
    StanceScores::new(pick[0], pick[1], pick[2])
}

/// Shifts a distribution by per-label log-probability offsets (none: unchanged).
pub fn with_bias(s: StanceScores, bias: Option<[f32; 3]>) -> StanceScores {
    let Some(b) = bias else { return s };
    let ln = |p: f32| p.max(1e-12).ln();
    StanceScores::from_log_scores([
        ln(s.favor) + b[0],
        ln(s.against) + b[1],
        ln(s.neutral) + b[2],
    ])
}

impl StanceClassifier for EncoderStance {
    fn name(&self) -> &str {
        &self.name
    }

    fn classify(&mut self, q: &StanceQuery) -> Result<StanceScores> {
        let names: Vec<String> = std::iter::once(q.actor.to_string())
            .chain(q.aliases.iter().cloned())
            .collect();
        let queries: Vec<(String, Vec<String>, String)> = q
            .evidence
            .iter()
            .take(self.cfg.max_evidence)
            .map(|s| (s.clone(), names.clone(), q.target.to_string()))
            .collect();
        if queries.is_empty() {
            return Ok(StanceScores::new(0.0, 0.0, 1.0));
        }
        let rows: Vec<[f32; 3]> = self
            .model
            .logits(&queries)?
            .iter()
            .map(|r| probs(r))
            .collect();
        Ok(with_bias(
            aggregate(&rows, self.cfg.aggregate),
            self.cfg.label_bias,
        ))
    }

    fn min_confidence(&self) -> f32 {
        self.cfg.min_confidence
    }

    fn max_evidence(&self) -> usize {
        self.cfg.max_evidence
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoder_aggregate_mean_and_strongest() {
        let rows = [[0.1, 0.1, 0.8], [0.1, 0.7, 0.2]];
        let m = aggregate(&rows, Aggregate::Mean);
        assert!((m.against - 0.4).abs() < 1e-6 && (m.neutral - 0.5).abs() < 1e-6);
        let s = aggregate(&rows, Aggregate::Strongest);
        assert_eq!((s.favor, s.against, s.neutral), (0.1, 0.7, 0.2));
    }
}

//! The eval report (text, markdown, JSON) and the baseline it can be held to.

use super::dataset::BadLine;
use super::metrics::StanceMetrics;
use crate::error::{BriefError, Result};
use crate::tasks::stance::Stance;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Mean summary metrics.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SummaryMetrics {
    pub n: usize,
    pub rouge1: f64,
    pub rouge2: f64,
    pub rouge_lsum: f64,
    /// Summary words over article words.
    pub length_ratio: f64,
    /// Share of summary bigrams not in the article (higher = less copied).
    pub novel_bigrams: f64,
    /// Summary sentences per summary (of the final text).
    pub sentences: f64,
    /// What the checker said of the summaries as generated, and what repair did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checks: Option<super::faithfulness::OwnSummaryChecks>,
    /// Share of generated sentences the checker supported at first (`checks.supported_rate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supported_rate: Option<f64>,
}

/// Actor extraction against the gold actors (alias-aware).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ActorMetrics {
    pub precision: f64,
    pub recall: f64,
    /// Share of matched actors whose kind is the gold kind (None: no gold kinds).
    pub kind_accuracy: Option<f64>,
    /// Found actors matching a gold actor another found actor already matched.
    pub duplicates: usize,
    /// Found actors matching no gold actor.
    pub non_actors: usize,
    pub gold: usize,
    pub predicted: usize,
    pub matched_gold: usize,
    pub matched_predicted: usize,
}

/// The derived target against the gold issue.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TargetMetrics {
    /// Examples with a gold issue and no given target.
    pub n: usize,
    /// Mean token F1 of derived target and gold issue.
    pub token_f1: f64,
    /// Examples the classifier's model judged (it needs `[prompts.same_issue]`).
    pub judged: usize,
    /// Share of judged examples where the model says the two state the same issue.
    pub agreement: Option<f64>,
}

/// Cost of the run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Cost {
    pub total_s: f64,
    pub seconds_per_example: f64,
    /// Summary tokens generated per second of decoding.
    pub summary_tokens_per_s: f64,
}

/// One example that went wrong, with what was expected and what came out.
#[derive(Debug, Clone, Serialize)]
pub struct Worst {
    pub id: String,
    pub what: String,
    pub expected: String,
    pub got: String,
}

/// One gold actor's stance beside brief's: for error analysis and for fitting a classifier's
/// label bias on a dev set (`brief eval --predictions FILE` writes one per line).
#[derive(Debug, Clone, Serialize)]
pub struct StancePrediction {
    pub id: String,
    pub actor: String,
    pub target: String,
    pub gold: Stance,
    pub predicted: Stance,
    pub confidence: f32,
    /// P(favor), P(against), P(neutral) before the confidence threshold.
    pub scores: [f32; 3],
    /// A yes/no classifier's raw answers (P(yes) to its support and opposition questions),
    /// what `scripts/fit_stance_answers.py` fits `[stance.fitted]` on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answers: Option<[f32; 2]>,
}

/// Everything `brief eval` reports.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EvalReport {
    pub summarizer: Option<String>,
    pub classifier: Option<String>,
    /// Examples run.
    pub examples: usize,
    /// Lines that could not be read, with file and line number.
    pub bad_lines: Vec<BadLine>,
    /// Examples whose run failed, with the error.
    pub failed: Vec<String>,
    pub summaries: Option<SummaryMetrics>,
    pub stance: Option<StanceMetrics>,
    pub actors: Option<ActorMetrics>,
    pub target: Option<TargetMetrics>,
    /// The summary checker on checker-only examples.
    pub faithfulness: Option<super::faithfulness::FaithfulnessMetrics>,
    /// Gold actors the pipeline did not find.
    pub missed_actors: Vec<String>,
    /// Per article: missed actors, non-actors, duplicates and wrong kinds.
    pub actor_misses: Vec<String>,
    pub cost: Cost,
    pub worst: Vec<Worst>,
    #[serde(skip)]
    pub per_example_s: Vec<f64>,
    /// Every stance label paired with its gold one (`brief eval --predictions FILE`).
    #[serde(skip)]
    pub stance_predictions: Vec<StancePrediction>,
}

impl EvalReport {
    /// The headline numbers, flat, as a baseline stores them.
    pub fn key_metrics(&self) -> BTreeMap<String, f64> {
        let mut m = BTreeMap::new();
        if let Some(s) = &self.summaries {
            m.insert("summary.rouge1".into(), s.rouge1);
            m.insert("summary.rouge2".into(), s.rouge2);
            m.insert("summary.rougeLsum".into(), s.rouge_lsum);
        }
        if let Some(r) = self.summaries.as_ref().and_then(|s| s.supported_rate) {
            m.insert("summary.supported_rate".into(), r);
        }
        if let Some(fm) = &self.faithfulness {
            m.insert(
                "faithfulness.balanced_accuracy".into(),
                fm.balanced_accuracy,
            );
        }
        if let Some(s) = &self.stance {
            m.insert("stance.accuracy".into(), s.accuracy);
            m.insert("stance.macro_f1".into(), s.macro_f1);
            m.insert("stance.f_avg".into(), s.f_avg);
        }
        if let Some(a) = &self.actors {
            m.insert("actors.precision".into(), a.precision);
            m.insert("actors.recall".into(), a.recall);
            if let Some(k) = a.kind_accuracy {
                m.insert("actors.kind_accuracy".into(), k);
            }
        }
        if let Some(t) = &self.target {
            m.insert("target.token_f1".into(), t.token_f1);
            if let Some(a) = t.agreement {
                m.insert("target.agreement".into(), a);
            }
        }
        m
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Stored metrics and how far below them a run may fall.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Allowed drop (absolute) before a metric counts as a regression.
    pub tolerance: f64,
    /// Per-metric tolerances overriding `tolerance`.
    #[serde(default)]
    pub tolerances: BTreeMap<String, f64>,
    pub metrics: BTreeMap<String, f64>,
    /// What produced it (models, files), for people.
    #[serde(default)]
    pub note: String,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| BriefError::input(path, e))?;
        serde_json::from_str(&text).map_err(|e| BriefError::BadConfig {
            origin: path.display().to_string(),
            message: e.to_string(),
        })
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).unwrap_or_default();
        std::fs::write(path, text + "\n").map_err(|e| BriefError::io_write(path, e))
    }

    /// Regressions of `report` against this baseline, one line each.
    pub fn regressions(&self, report: &EvalReport) -> Vec<String> {
        let now = report.key_metrics();
        let mut out = Vec::new();
        for (k, &base) in &self.metrics {
            let tol = self.tolerances.get(k).copied().unwrap_or(self.tolerance);
            match now.get(k) {
                Some(&v) if v + tol < base => out.push(format!(
                    "{k} fell to {v:.3} (baseline {base:.3}, tolerance {tol})"
                )),
                None => out.push(format!("{k} was not measured (the baseline has it)")),
                _ => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::interval::StanceIntervals;
    use crate::eval::metrics::stance_metrics;
    use crate::tasks::stance::Stance::*;

    #[test]
    fn baseline_flags_drops_beyond_tolerance() {
        let report = EvalReport {
            stance: Some(stance_metrics(&[(Favor, Favor), (Against, Neutral)])),
            ..Default::default()
        };
        let m = report.key_metrics();
        let mut b = Baseline {
            tolerance: 0.05,
            tolerances: BTreeMap::new(),
            metrics: m.clone(),
            note: String::new(),
        };
        assert!(b.regressions(&report).is_empty());
        b.metrics.insert("stance.accuracy".into(), 0.6);
        let r = b.regressions(&report);
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(r[0].starts_with("stance.accuracy fell to 0.500"));
        b.metrics.insert("summary.rouge1".into(), 0.3);
        assert_eq!(b.regressions(&report).len(), 2);
        let text = report.render(true);
        assert!(
            text.contains("| figure | value | 95% interval |\n|---|---|---|\n| accuracy | 0.500 | — |\n| macro-F1 | 0.333 | — |\n| F_avg | 0.500 | — |\n\n| class"),
            "{text}"
        );
    }

    #[test]
    fn text_report_prints_each_figure_with_its_interval() {
        let mut stance = stance_metrics(&[(Favor, Favor), (Against, Neutral)]);
        stance.intervals = Some(StanceIntervals {
            accuracy: [0.1, 0.95],
            macro_f1: [0.25, 0.9],
            f_avg: [0.125, 1.0],
        });
        let report = EvalReport {
            stance: Some(stance),
            ..Default::default()
        };
        let text = report.render(false);
        assert!(
            text.contains(
                "  accuracy    0.500       0.100–0.950\n  macro-F1    0.333       0.250–0.900\n  F_avg       0.500       0.125–1.000\n  (95% intervals"
            ),
            "{text}"
        );
    }
}

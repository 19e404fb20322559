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

    /// Readable text (`markdown` = tables in Markdown).
    pub fn render(&self, markdown: bool) -> String {
        let mut o = String::new();
        let h = |o: &mut String, t: &str| {
            o.push_str(&if markdown {
                format!("\n### {t}\n\n")
            } else {
                format!("\n{t}\n")
            })
        };
        let row = |o: &mut String, cells: &[String]| {
            if markdown {
                o.push_str(&format!("| {} |\n", cells.join(" | ")));
            } else {
                o.push_str(&format!(
                    "  {}\n",
                    cells
                        .iter()
                        .map(|c| format!("{c:<12}"))
                        .collect::<String>()
                        .trim_end()
                ));
            }
        };
        let sep = |o: &mut String, n: usize| {
            if markdown {
                o.push_str(&format!("|{}\n", "---|".repeat(n)));
            }
        };
        o.push_str(&format!(
            "brief eval: {} examples (summarizer {}, classifier {}), {:.1} s, {:.2} s/example\n",
            self.examples,
            self.summarizer.as_deref().unwrap_or("-"),
            self.classifier.as_deref().unwrap_or("-"),
            self.cost.total_s,
            self.cost.seconds_per_example
        ));
        if !self.bad_lines.is_empty() {
            o.push_str(&format!(
                "{} malformed line(s) skipped:\n",
                self.bad_lines.len()
            ));
            for b in &self.bad_lines {
                o.push_str(&format!("  {}:{}: {}\n", b.file, b.line, b.error));
            }
        }
        for f in &self.failed {
            o.push_str(&format!("failed: {f}\n"));
        }
        if let Some(s) = &self.summaries {
            h(&mut o, &format!("Summaries ({})", s.n));
            row(
                &mut o,
                &[
                    "ROUGE-1".into(),
                    "ROUGE-2".into(),
                    "ROUGE-Lsum".into(),
                    "length".into(),
                    "novel 2-gr".into(),
                    "tok/s".into(),
                ],
            );
            sep(&mut o, 6);
            row(
                &mut o,
                &[
                    f(s.rouge1),
                    f(s.rouge2),
                    f(s.rouge_lsum),
                    f(s.length_ratio),
                    f(s.novel_bigrams),
                    format!("{:.1}", self.cost.summary_tokens_per_s),
                ],
            );
        }
        if let Some(c) = self.summaries.as_ref().and_then(|s| s.checks.as_ref()) {
            o.push_str(&format!(
                "  checked {} generated sentences: {:.1}% supported; {} repaired, {} dropped, {} extractive fallback(s); {:.2} sentences per summary\n",
                c.sentences,
                100.0 * c.supported_rate,
                c.repaired,
                c.dropped,
                c.extractive,
                self.summaries.as_ref().map_or(0.0, |s| s.sentences),
            ));
        }
        if let Some(fm) = &self.faithfulness {
            h(
                &mut o,
                &format!("Summary checker ({} summaries, {})", fm.n, fm.checker),
            );
            row(
                &mut o,
                &[
                    "bal. acc".into(),
                    "precision".into(),
                    "recall".into(),
                    "threshold".into(),
                ],
            );
            sep(&mut o, 4);
            row(
                &mut o,
                &[
                    f(fm.balanced_accuracy),
                    f(fm.precision),
                    f(fm.recall),
                    format!("{:.3}", fm.threshold),
                ],
            );
            o.push_str("  (precision / recall of catching an inconsistent summary)\n");
        }
        if let Some(s) = &self.stance {
            h(&mut o, &format!("Stance ({} labels)", s.n));
            row(
                &mut o,
                &["accuracy".into(), "macro-F1".into(), "F_avg".into()],
            );
            sep(&mut o, 3);
            row(&mut o, &[f(s.accuracy), f(s.macro_f1), f(s.f_avg)]);
            o.push('\n');
            row(
                &mut o,
                &[
                    "class".into(),
                    "precision".into(),
                    "recall".into(),
                    "F1".into(),
                    "support".into(),
                ],
            );
            sep(&mut o, 5);
            for (name, c) in [
                ("favor", &s.favor),
                ("against", &s.against),
                ("neutral", &s.neutral),
            ] {
                row(
                    &mut o,
                    &[
                        name.into(),
                        f(c.precision),
                        f(c.recall),
                        f(c.f1),
                        c.support.to_string(),
                    ],
                );
            }
            o.push('\n');
            row(
                &mut o,
                &[
                    "gold \\ pred".into(),
                    "favor".into(),
                    "against".into(),
                    "neutral".into(),
                ],
            );
            sep(&mut o, 4);
            for (name, r) in ["favor", "against", "neutral"]
                .iter()
                .zip(s.confusion.iter())
            {
                row(
                    &mut o,
                    &[
                        name.to_string(),
                        r[0].to_string(),
                        r[1].to_string(),
                        r[2].to_string(),
                    ],
                );
            }
        }
        if let Some(a) = &self.actors {
            h(&mut o, "Actors");
            let head = [
                "precision",
                "recall",
                "kinds",
                "dupl.",
                "non-actors",
                "gold",
                "found",
            ];
            row(&mut o, &head.map(String::from));
            sep(&mut o, head.len());
            row(
                &mut o,
                &[
                    f(a.precision),
                    f(a.recall),
                    a.kind_accuracy.map_or("-".into(), f),
                    a.duplicates.to_string(),
                    a.non_actors.to_string(),
                    a.gold.to_string(),
                    a.predicted.to_string(),
                ],
            );
            if !self.missed_actors.is_empty() {
                o.push_str(&format!("  missed: {}\n", self.missed_actors.join("; ")));
            }
        }
        if let Some(t) = &self.target {
            h(&mut o, &format!("Target vs gold issue ({})", t.n));
            row(&mut o, &["token F1".into(), "same issue".into()]);
            sep(&mut o, 2);
            let agree = t
                .agreement
                .map_or("-".into(), |a| format!("{} ({} judged)", f(a), t.judged));
            row(&mut o, &[f(t.token_f1), agree]);
        }
        if !self.worst.is_empty() || !self.actor_misses.is_empty() {
            h(&mut o, "Worst examples");
            for m in &self.actor_misses {
                o.push_str(&format!("- actors of {m}\n"));
            }
            for w in &self.worst {
                o.push_str(&format!(
                    "- {} — {}\n    expected: {}\n    got:      {}\n",
                    w.id,
                    w.what,
                    one_line(&w.expected),
                    one_line(&w.got)
                ));
            }
        }
        o
    }
}

fn f(x: f64) -> String {
    format!("{x:.3}")
}

fn one_line(s: &str) -> String {
    let s = s.replace('\n', " ");
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(160).collect::<String>())
    } else {
        s
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
        assert!(text.contains("| accuracy | macro-F1 | F_avg |"), "{text}");
    }
}

//! Zero-shot stance from an NLI cross-encoder. The actor's evidence sentences are the premise;
//! a support hypothesis and an oppose hypothesis ("{{ actor }} supports {{ target }}.") are
//! each scored for entailment exactly as transformers' zero-shot-classification pipeline does
//! with `multi_label=True`, and P(support), P(oppose) become favor / against / neutral as in
//! the chat classifier's yes-no mode: favor ∝ ps·(1−po), against ∝ po·(1−ps),
//! neutral ∝ (1−ps)(1−po).

use crate::backends::PairClassifier;
use crate::config::NliConfig;
use crate::error::{BriefError, Result};
use crate::tasks::score::log_sigmoid;
use crate::tasks::stance::{StanceClassifier, StanceQuery, StanceScores};

/// Zero-shot stance from an NLI cross-encoder.
pub struct NliStance {
    model: Box<dyn PairClassifier>,
    cfg: NliConfig,
    /// (entailment, contradiction) label ids.
    ids: (usize, usize),
}

impl NliStance {
    /// Fails when the model has no entailment label or a hypothesis template does not render.
    pub fn new(model: Box<dyn PairClassifier>, cfg: NliConfig) -> Result<Self> {
        let ids = entailment_ids(model.labels())?;
        // Render once with sample values so a broken template fails at load, not per actor.
        render(&cfg.support_hypothesis, "A", "B")?;
        render(&cfg.oppose_hypothesis, "A", "B")?;
        Ok(Self { model, cfg, ids })
    }
}

/// The entailment and contradiction label ids, as transformers' zero-shot pipeline picks them:
/// entailment is the first label whose lower-case name starts with "entail"; contradiction is
/// the last label when entailment is label 0, else label 0 (`-1 if entailment_id == 0 else 0`).
pub fn entailment_ids(labels: &[String]) -> Result<(usize, usize)> {
    let entail = labels
        .iter()
        .position(|l| l.to_lowercase().starts_with("entail"))
        .ok_or_else(|| {
            BriefError::Usage(format!(
                "nli model has no entailment label (id2label: {}); zero-shot stance needs one \
                 whose name starts with \"entail\"",
                labels.join(", ")
            ))
        })?;
    let contra = if entail == 0 { labels.len() - 1 } else { 0 };
    Ok((entail, contra))
}

/// The zero-shot pipeline's scores from the logits of (premise, hypothesis_i) pairs:
/// `multi_label` (or a single hypothesis): each hypothesis' softmax over
/// [contradiction, entailment], entailment taken; otherwise a softmax of the entailment logits
/// across the hypotheses.
pub fn zero_shot_from_logits(
    labels: &[String],
    logits: &[Vec<f32>],
    multi_label: bool,
) -> Result<Vec<f32>> {
    let (e, c) = entailment_ids(labels)?;
    if logits.iter().any(|row| row.len() != labels.len()) {
        return Err(BriefError::Usage(format!(
            "nli: a logit row does not have {} labels",
            labels.len()
        )));
    }
    if multi_label || logits.len() == 1 {
        return Ok(logits
            .iter()
            .map(|row| log_sigmoid(row[e] - row[c]).exp())
            .collect());
    }
    let max = logits
        .iter()
        .map(|row| row[e])
        .fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|row| (row[e] - max).exp()).collect();
    let z: f32 = exps.iter().sum();
    Ok(exps.into_iter().map(|x| x / z).collect())
}

/// Transformers' zero-shot-classification scores for one premise and several (already
/// written-out) hypotheses, all pairs in one batch.
pub fn zero_shot_scores(
    model: &mut dyn PairClassifier,
    premise: &str,
    hypotheses: &[String],
    multi_label: bool,
) -> Result<Vec<f32>> {
    let pairs: Vec<(String, String)> = hypotheses
        .iter()
        .map(|h| (premise.to_string(), h.clone()))
        .collect();
    let logits = model.logits(&pairs)?;
    zero_shot_from_logits(model.labels(), &logits, multi_label)
}

fn render(template: &str, actor: &str, target: &str) -> Result<String> {
    minijinja::Environment::new()
        .render_str(
            template,
            minijinja::context! { actor => actor, target => target },
        )
        .map_err(|e| BriefError::Template(format!("nli hypothesis: {e}")))
}

impl StanceClassifier for NliStance {
    fn name(&self) -> &str {
        self.model.name()
    }

    fn classify(&mut self, q: &StanceQuery) -> Result<StanceScores> {
        let premise = q
            .evidence
            .iter()
            .take(self.cfg.max_evidence)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        let support = render(&self.cfg.support_hypothesis, q.actor, q.target)?;
        let oppose = render(&self.cfg.oppose_hypothesis, q.actor, q.target)?;
        let logits = self
            .model
            .logits(&[(premise.clone(), support), (premise, oppose)])?;
        let (e, c) = self.ids;
        let [s, o] = logits.as_slice() else {
            return Err(BriefError::Usage(format!(
                "{}: {} logit rows for 2 pairs",
                self.model.name(),
                logits.len()
            )));
        };
        if s.len() <= e.max(c) || o.len() <= e.max(c) {
            return Err(BriefError::Usage(format!(
                "{}: a logit row is shorter than its labels",
                self.model.name()
            )));
        }
        // ln p and ln(1 − p) of each hypothesis, straight from the logit difference.
        let (ds, d_o) = (s[e] - s[c], o[e] - o[c]);
        let (ps, qs) = (log_sigmoid(ds), log_sigmoid(-ds));
        let (po, qo) = (log_sigmoid(d_o), log_sigmoid(-d_o));
        Ok(StanceScores::from_log_scores([ps + qo, po + qs, qs + qo]))
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

    fn l(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn nli_label_ids_mnli_order() {
        // roberta-large-mnli / bart-large-mnli order.
        assert_eq!(
            entailment_ids(&l(&["contradiction", "neutral", "entailment"])).unwrap(),
            (2, 0)
        );
        // entailment first: contradiction is the last label.
        assert_eq!(
            entailment_ids(&l(&["entailment", "neutral", "contradiction"])).unwrap(),
            (0, 2)
        );
    }

    #[test]
    fn nli_label_ids_two_labels_and_case() {
        assert_eq!(
            entailment_ids(&l(&["entailment", "not_entailment"])).unwrap(),
            (0, 1)
        );
        assert_eq!(
            entailment_ids(&l(&["not_entailment", "entailment"])).unwrap(),
            (1, 0)
        );
        assert_eq!(
            entailment_ids(&l(&["CONTRADICTION", "NEUTRAL", "ENTAILMENT"])).unwrap(),
            (2, 0)
        );
        assert_eq!(
            entailment_ids(&l(&["Entails", "Neutral", "Contradicts"])).unwrap(),
            (0, 2)
        );
    }

    #[test]
    fn nli_label_ids_without_entailment_is_an_error() {
        let e = entailment_ids(&l(&["LABEL_0", "LABEL_1"]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("entail") && e.contains("LABEL_0"), "{e}");
        assert!(!e.contains('\n'));
    }

    #[test]
    fn nli_zero_shot_scores_match_the_pipeline_formulas() {
        let labels = l(&["entailment", "neutral", "contradiction"]);
        let logits = vec![vec![2.0, 0.5, -1.0], vec![-1.0, 0.0, 1.0]];
        let multi = zero_shot_from_logits(&labels, &logits, true).unwrap();
        let p0 = 2f32.exp() / (2f32.exp() + (-1f32).exp());
        let p1 = (-1f32).exp() / ((-1f32).exp() + 1f32.exp());
        assert!((multi[0] - p0).abs() < 1e-6 && (multi[1] - p1).abs() < 1e-6);
        let single = zero_shot_from_logits(&labels, &logits, false).unwrap();
        let s0 = 2f32.exp() / (2f32.exp() + (-1f32).exp());
        assert!((single[0] - s0).abs() < 1e-6);
        assert!((single.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        // One hypothesis always takes the multi-label path.
        let one = zero_shot_from_logits(&labels, &logits[..1], false).unwrap();
        assert!((one[0] - p0).abs() < 1e-6);
    }

    #[test]
    fn nli_stance_combines_support_and_oppose() {
        struct Fixed(Vec<String>, Vec<Vec<f32>>);
        impl PairClassifier for Fixed {
            fn name(&self) -> &str {
                "fixed"
            }
            fn labels(&self) -> &[String] {
                &self.0
            }
            fn logits(&mut self, pairs: &[(String, String)]) -> Result<Vec<Vec<f32>>> {
                assert_eq!(
                    pairs[0].0, "One. Two.",
                    "premise = first max_evidence sentences"
                );
                assert_eq!(pairs[0].1, "Ann supports the plan.");
                assert_eq!(pairs[1].1, "Ann opposes the plan.");
                Ok(self.1.clone())
            }
        }
        // ps = σ(2) ≈ 0.881, po = σ(-1) ≈ 0.269.
        let model = Fixed(
            l(&["entailment", "not_entailment"]),
            vec![vec![2.0, 0.0], vec![0.0, 1.0]],
        );
        let cfg = NliConfig {
            max_evidence: 2,
            ..NliConfig::default()
        };
        let mut s = NliStance::new(Box::new(model), cfg).unwrap();
        let ev = l(&["One.", "Two.", "Three."]);
        let q = StanceQuery {
            title: None,
            article: "",
            actor: "Ann",
            aliases: &[],
            target: "the plan",
            evidence: &ev,
        };
        let r = s.classify(&q).unwrap();
        let (ps, po) = (1.0 / (1.0 + (-2f32).exp()), 1.0 / (1.0 + 1f32.exp()));
        let raw = [ps * (1.0 - po), po * (1.0 - ps), (1.0 - ps) * (1.0 - po)];
        let z: f32 = raw.iter().sum();
        assert!((r.favor - raw[0] / z).abs() < 1e-5, "{r:?}");
        assert!((r.against - raw[1] / z).abs() < 1e-5, "{r:?}");
        assert!((r.neutral - raw[2] / z).abs() < 1e-5, "{r:?}");
    }
}

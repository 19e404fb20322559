//! Stance from a linear probe on the chat model's own states: the stance prompt (article
//! first, so its prefix is reused across actors) ends with a question, one forward pass runs
//! it, and a head trained by `brief train stance` reads the residual stream at its last token
//! (with several questions, their states side by side). Asked the scored classifier's own
//! support and opposition questions, the probe sees everything the scored answer words are
//! computed from — the yes/no logits are a linear function of the last layer's state — and
//! learns from labelled data what the prompt alone gets wrong.

use super::llm_stance::stance_messages;
use super::stance::{
    lock, FeatureSink, SharedGenerator, StanceClassifier, StanceQuery, StanceScores,
};
use crate::config::{ProbeConfig, StanceConfig};
use crate::error::{BriefError, Result};
use std::path::Path;

/// The trained head: standardized features times a (3, D) weight plus a bias give the
/// favor / against / neutral logits.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeHead {
    /// Row-major (3, D).
    pub weight: Vec<f32>,
    pub bias: [f32; 3],
    pub mean: Vec<f32>,
    pub scale: Vec<f32>,
}

impl ProbeHead {
    /// Feature width.
    pub fn dim(&self) -> usize {
        self.mean.len()
    }

    /// Favor / against / neutral logits of one feature vector.
    pub fn logits(&self, features: &[f32]) -> Result<[f32; 3]> {
        let d = self.dim();
        if features.len() != d {
            return Err(BriefError::Usage(format!(
                "the probe head reads {d} features but the model gave {} (a head trained on \
                 another model or other depths?)",
                features.len()
            )));
        }
        let z: Vec<f32> = features
            .iter()
            .zip(self.mean.iter().zip(&self.scale))
            .map(|(f, (m, s))| (f - m) / s)
            .collect();
        let mut out = self.bias;
        for (k, o) in out.iter_mut().enumerate() {
            *o += self.weight[k * d..(k + 1) * d]
                .iter()
                .zip(&z)
                .map(|(w, x)| w * x)
                .sum::<f32>();
        }
        Ok(out)
    }

    /// Writes the head as safetensors (`weight`, `bias`, `mean`, `scale`; f32).
    pub fn save(&self, path: &Path) -> Result<()> {
        let d = self.dim();
        super::head_file::save(
            path,
            &[
                ("weight", &self.weight, &[3, d]),
                ("bias", &self.bias, &[3]),
                ("mean", &self.mean, &[d]),
                ("scale", &self.scale, &[d]),
            ],
        )
    }

    /// Reads a head written by `save`, checking its shapes agree.
    pub fn load(path: &Path) -> Result<Self> {
        let what = "probe head";
        let t = super::head_file::load(path, &["weight", "bias", "mean", "scale"], what)?;
        let [weight, bias, mean, scale] =
            <[Vec<f32>; 4]>::try_from(t).map_err(|_| super::head_file::inconsistent(path, what))?;
        let d = mean.len();
        if bias.len() != 3 || weight.len() != 3 * d || scale.len() != d {
            return Err(super::head_file::inconsistent(path, what));
        }
        Ok(Self {
            weight,
            bias: [bias[0], bias[1], bias[2]],
            mean,
            scale,
        })
    }
}

/// A chat model plus a trained probe head, as a stance classifier.
pub struct ProbeStance {
    name: String,
    model: SharedGenerator,
    cfg: StanceConfig,
    probe: ProbeConfig,
    /// None in the untrained config `brief train stance` records features with.
    head: Option<ProbeHead>,
    sink: Option<FeatureSink>,
}

impl ProbeStance {
    /// `head_path` is the config's `[stance.probe] head`, resolved beside the config.
    pub fn new(
        name: &str,
        model: SharedGenerator,
        cfg: StanceConfig,
        head_path: Option<&Path>,
    ) -> Result<Self> {
        let probe = cfg.probe.clone().ok_or_else(|| BriefError::BadConfig {
            origin: name.to_string(),
            message: "stance.mode = \"probe\" needs [stance.probe]".into(),
        })?;
        let head = head_path.map(ProbeHead::load).transpose()?;
        Ok(Self {
            name: name.to_string(),
            model,
            cfg,
            probe,
            head,
            sink: None,
        })
    }

    /// The model's states for one query: at the end of each question (the prompt rendered
    /// exactly as in scored mode), concatenated.
    fn features(&mut self, q: &StanceQuery) -> Result<Vec<f32>> {
        let mut out = Vec::new();
        for question in &self.probe.questions {
            let messages = stance_messages(&self.cfg, q, question)?;
            let states = lock(&self.model).prompt_states(&messages, &self.probe.depths)?;
            out.extend(states.ok_or_else(|| {
                BriefError::Usage(format!(
                    "'{}' cannot expose its states to a probe (only GGUF llama / qwen models can)",
                    self.name
                ))
            })?);
        }
        Ok(out)
    }
}

impl StanceClassifier for ProbeStance {
    fn name(&self) -> &str {
        &self.name
    }

    fn classify(&mut self, q: &StanceQuery) -> Result<StanceScores> {
        if self.head.is_none() && self.sink.is_none() {
            return Err(BriefError::Usage(format!(
                "'{}' has no trained head ([stance.probe] head); train one with `brief train \
                 stance --backbone {}`",
                self.name, self.name
            )));
        }
        let f = self.features(q)?;
        if let Some(sink) = &self.sink {
            sink.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((q.actor.to_string(), f.clone()));
        }
        let Some(head) = &self.head else {
            return Ok(StanceScores::from_log_scores([0.0; 3]));
        };
        let l = head.logits(&f)?;
        let b = self.cfg.bias;
        Ok(StanceScores::from_log_scores([
            l[0] + b.favor,
            l[1] + b.against,
            l[2] + b.neutral,
        ]))
    }

    fn min_confidence(&self) -> f32 {
        self.cfg.min_confidence
    }

    fn max_evidence(&self) -> usize {
        self.cfg.max_evidence
    }

    fn record_features(&mut self) -> Option<FeatureSink> {
        let sink = self.sink.get_or_insert_with(Default::default).clone();
        Some(sink)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_round_trips_and_standardizes() {
        let head = ProbeHead {
            weight: vec![1.0, 0.0, 0.0, 1.0, 0.5, 0.5],
            bias: [0.1, -0.1, 0.0],
            mean: vec![1.0, 2.0],
            scale: vec![2.0, 4.0],
        };
        let l = head.logits(&[3.0, 6.0]).unwrap();
        // z = (1, 1): favor 1 + 0.1, against 1 - 0.1, neutral 1.
        assert!(
            (l[0] - 1.1).abs() < 1e-6 && (l[1] - 0.9).abs() < 1e-6 && (l[2] - 1.0).abs() < 1e-6
        );
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("head.safetensors");
        head.save(&p).unwrap();
        let back = ProbeHead::load(&p).unwrap();
        assert_eq!(back, head);
        assert_eq!(back.logits(&[3.0, 6.0]).unwrap(), l);
        assert!(
            back.logits(&[1.0]).is_err(),
            "a wrong width is an error, not a panic"
        );
    }
}

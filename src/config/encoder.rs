//! The `[encoder]` section of an `encoder-classifier` config: a BERT-family backbone fetched
//! like any model, plus what `brief train stance` wrote next to the config (the trained top
//! layers and the head). A config without `head` names a bare backbone to train from.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A trained stance classifier on an encoder backbone.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EncoderConfig {
    /// Safetensors with the trained top layers and head, relative to the config file. Unset:
    /// a bare backbone, usable only as `brief train stance --backbone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<PathBuf>,
    /// Lower-case hex sha256 of the head file, checked at load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_sha256: Option<String>,
    /// How many of the backbone's top layers the head file replaces (0 = head only).
    #[serde(default = "one")]
    pub trained_layers: usize,
    /// Rank of the LoRA adapters the head file holds for the top `trained_layers` (whose
    /// weights then stay the backbone's); unset: the head file holds whole trained layers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lora_rank: Option<usize>,
    /// Width of the head's hidden layer.
    #[serde(default = "default_hidden")]
    pub hidden: usize,
    /// Most tokens per sentence; longer ones are cut at the end.
    #[serde(default = "default_max_length")]
    pub max_length: usize,
    /// Below this probability for favor / against, the label is neutral.
    #[serde(default)]
    pub min_confidence: f32,
    /// Evidence sentences classified per actor (each on its own, then aggregated).
    #[serde(default = "default_max_evidence")]
    pub max_evidence: usize,
    /// How per-sentence probabilities become the actor's: `mean`, or `strongest` (the
    /// sentence with the most confident favor / against decides).
    #[serde(default)]
    pub aggregate: Aggregate,
    /// Log-probability offsets (favor, against, neutral) added to the actor's aggregated
    /// probabilities before the label is chosen; `brief train stance` fits them on `--dev`
    /// for macro-F1 (the loss weighting alone leaves the rare labels under-predicted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_bias: Option<[f32; 3]>,
    /// The training report (`training.json`), relative to the config file: `brief eval` reads
    /// it to refuse eval files that overlap the training data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_report: Option<PathBuf>,
}

/// How per-sentence stance probabilities are combined for one actor.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aggregate {
    /// Average of the sentences' probabilities.
    #[default]
    Mean,
    /// The sentence with the highest favor or against probability.
    Strongest,
}

fn one() -> usize {
    1
}
fn default_hidden() -> usize {
    256
}
fn default_max_length() -> usize {
    128
}
fn default_max_evidence() -> usize {
    3
}

impl Default for EncoderConfig {
    fn default() -> Self {
        Self {
            head: None,
            head_sha256: None,
            trained_layers: one(),
            lora_rank: None,
            hidden: default_hidden(),
            max_length: default_max_length(),
            min_confidence: 0.0,
            max_evidence: default_max_evidence(),
            aggregate: Aggregate::default(),
            label_bias: None,
            training_report: None,
        }
    }
}

impl EncoderConfig {
    /// Range checks serde cannot do.
    pub fn check(&self) -> std::result::Result<(), String> {
        if !(0.0..1.0).contains(&self.min_confidence) {
            return Err("encoder.min_confidence must be in [0, 1)".into());
        }
        if self.max_length < 8 {
            return Err("encoder.max_length must be at least 8 tokens".into());
        }
        if self.max_evidence == 0 {
            return Err("encoder.max_evidence must be at least 1".into());
        }
        if self.hidden == 0 {
            return Err("encoder.hidden must be at least 1".into());
        }
        if let Some(h) = &self.head_sha256 {
            if h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err("encoder.head_sha256 must be 64 hex digits".into());
            }
        }
        Ok(())
    }
}

/// The checks an `encoder-classifier` config gets after the common ones.
pub(super) fn validate(cfg: &super::ModelConfig) -> std::result::Result<(), String> {
    use super::Task;
    if cfg.tasks != [Task::Stance] {
        return Err("an encoder-classifier only labels stance; set tasks = [\"stance\"]".into());
    }
    if cfg.stance.is_some() || cfg.nli.is_some() {
        return Err("an encoder-classifier takes [encoder], not [stance] or [nli]".into());
    }
    cfg.encoder_settings().check()
}

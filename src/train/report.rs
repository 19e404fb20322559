//! The training report (`training.json` next to a trained classifier): how it was trained, the
//! loss curve and dev figures per epoch, and a fingerprint of every training example (id and
//! a hash of its text), which `brief eval` uses to refuse eval data that overlaps it.

use crate::error::{BriefError, Result};
use crate::eval::dataset::Example;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::Path;

/// One epoch's figures.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EpochStats {
    pub epoch: usize,
    /// Mean weighted cross-entropy over the epoch's batches.
    pub train_loss: f64,
    /// Loss of each tenth of the epoch (the loss curve).
    pub loss_curve: Vec<f64>,
    pub dev_macro_f1: f64,
    pub dev_f_avg: f64,
    pub dev_accuracy: f64,
    pub seconds: f64,
}

/// Everything `brief train stance` records.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainingReport {
    /// The command line that reproduces this model.
    pub command: String,
    pub backbone: String,
    pub seed: u64,
    pub data: Vec<String>,
    pub dev: String,
    pub train_items: usize,
    pub dev_items: usize,
    /// Training items per label (favor, against, neutral).
    pub label_counts: [usize; 3],
    /// Loss weight per label (favor, against, neutral).
    pub class_weights: [f32; 3],
    pub epochs: Vec<EpochStats>,
    /// The epoch kept (best dev macro-F1).
    pub best_epoch: usize,
    /// Label bias fitted on the dev set after training (favor, against, neutral), and the dev
    /// macro-F1 with it; absent in reports of models trained without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_bias: Option<[f32; 3]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev_macro_f1_biased: Option<f64>,
    /// Seconds spent running the frozen layers once over every sentence (and, when
    /// distilling, the teacher over every training item).
    pub cache_seconds: f64,
    pub total_seconds: f64,
    /// The teacher distilled from (`--teacher`), and how; absent when none was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distill: Option<super::distill::Distill>,
    /// Ids of the training examples (files given with --data; --dev is not trained on).
    pub train_ids: Vec<String>,
    /// First 16 hex digits of the sha256 of each training text, normalized.
    pub train_text_hashes: Vec<String>,
}

/// A short hash of a text, lower-cased and with whitespace collapsed, so the same sentence
/// copied with other spacing or case still matches.
pub fn text_hash(text: &str) -> String {
    let norm = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    hex::encode(&Sha256::digest(norm.as_bytes())[..8])
}

impl TrainingReport {
    /// Reads a report.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| BriefError::io(path, e))?;
        serde_json::from_str(&text).map_err(|e| BriefError::BadConfig {
            origin: path.display().to_string(),
            message: format!("not a training report: {e}"),
        })
    }

    /// Writes it as compact JSON: the id and text-hash lists of a full training set take
    /// a fifth more room pretty-printed, and the trained artifact must stay small in git.
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string(self)
            .map_err(|e| BriefError::Usage(format!("training report: {e}")))?;
        std::fs::write(path, text + "\n").map_err(|e| BriefError::io(path, e))
    }

    /// Fails with a clear message when any eval example shares an id or a text with the
    /// training data.
    pub fn check_overlap(&self, examples: &[Example], model: &str) -> Result<()> {
        let ids: HashSet<&str> = self.train_ids.iter().map(String::as_str).collect();
        let hashes: HashSet<&str> = self.train_text_hashes.iter().map(String::as_str).collect();
        let hits: Vec<&str> = examples
            .iter()
            .filter(|e| ids.contains(e.id.as_str()) || hashes.contains(text_hash(&e.text).as_str()))
            .map(|e| e.id.as_str())
            .collect();
        match hits.as_slice() {
            [] => Ok(()),
            [first, ..] => Err(BriefError::Usage(format!(
                "{} eval example(s) overlap the training data of '{model}' (first: {first}); \
                 evaluating on training data is meaningless — remove them or use another classifier",
                hits.len()
            ))),
        }
    }
}

//! PLACEHOLDER — helper-2 replaces this with the NLI cross-encoder backend.

use super::PairClassifier;
use crate::config::ModelConfig;
use crate::error::{BriefError, Result};
use crate::fetch::LocalModel;
use candle_core::Device;

/// An NLI cross-encoder.
pub struct NliModel {
    name: String,
    labels: Vec<String>,
}

impl NliModel {
    pub fn load(cfg: &ModelConfig, _files: &LocalModel, _device: &Device) -> Result<Self> {
        Err(BriefError::Usage(format!(
            "{}: nli backend not built yet",
            cfg.name
        )))
    }
}

impl PairClassifier for NliModel {
    fn name(&self) -> &str {
        &self.name
    }
    fn labels(&self) -> &[String] {
        &self.labels
    }
    fn logits(&mut self, _pairs: &[(String, String)]) -> Result<Vec<Vec<f32>>> {
        Err(BriefError::Usage("nli backend not built yet".into()))
    }
}

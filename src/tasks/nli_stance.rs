//! PLACEHOLDER — helper-2 replaces this file with the NLI stance classifier.

use crate::backends::PairClassifier;
use crate::config::NliConfig;
use crate::error::{BriefError, Result};
use crate::tasks::stance::{StanceClassifier, StanceQuery, StanceScores};

/// Zero-shot stance from an NLI cross-encoder.
pub struct NliStance {
    model: Box<dyn PairClassifier>,
    cfg: NliConfig,
}

impl NliStance {
    pub fn new(model: Box<dyn PairClassifier>, cfg: NliConfig) -> Result<Self> {
        Ok(Self { model, cfg })
    }
}

impl StanceClassifier for NliStance {
    fn name(&self) -> &str {
        self.model.name()
    }
    fn classify(&mut self, _q: &StanceQuery) -> Result<StanceScores> {
        Err(BriefError::Usage("nli stance: not built yet".into()))
    }
    fn min_confidence(&self) -> f32 {
        self.cfg.min_confidence
    }
    fn max_evidence(&self) -> usize {
        self.cfg.max_evidence
    }
}

//! PLACEHOLDER — the T5 backend is being written.

use super::Generator;
use crate::config::{GenerationConfig, ModelConfig};
use crate::error::{BriefError, Result};
use crate::fetch::LocalModel;
use crate::runtime::chat::ChatMessage;
use crate::runtime::generate::Generation;
use candle_core::Device;

/// A T5 model answering prompts.
pub struct T5Generator {
    name: String,
}

impl T5Generator {
    pub fn load(cfg: &ModelConfig, _files: &LocalModel, _device: &Device) -> Result<Self> {
        Err(BriefError::Usage(format!(
            "{}: t5 backend not built yet",
            cfg.name
        )))
    }
}

impl Generator for T5Generator {
    fn name(&self) -> &str {
        &self.name
    }
    fn count_chat_tokens(&self, _m: &[ChatMessage]) -> Result<usize> {
        Ok(0)
    }
    fn count_tokens(&self, _t: &str) -> Result<usize> {
        Ok(0)
    }
    fn context_length(&self) -> usize {
        512
    }
    fn continuation_logprobs(
        &mut self,
        _m: &[ChatMessage],
        _c: &[String],
    ) -> Result<(Vec<f32>, usize)> {
        Err(BriefError::Usage("t5 backend not built yet".into()))
    }
    fn set_prefix_reuse(&mut self, _on: bool) {}
    fn chat(
        &mut self,
        _m: &[ChatMessage],
        _s: &GenerationConfig,
        _o: &mut dyn FnMut(&str),
    ) -> Result<Generation> {
        Err(BriefError::Usage("t5 backend not built yet".into()))
    }
}

//! Model backends behind small traits, so tasks never know which architecture they talk to.
//! Adding an architecture is one new file here plus one arm in `load_generator`.

pub mod encoder;
pub mod gguf_llm;
pub mod nli;
mod recording;
pub mod t5;

use crate::config::{Architecture, GenerationConfig, ModelConfig};
use crate::error::Result;
use crate::fetch::LocalModel;
use crate::runtime::chat::ChatMessage;
use crate::runtime::generate::Generation;
use candle_core::Device;

/// A model that answers a chat with generated text.
pub trait Generator: Send {
    /// The config name, for reports.
    fn name(&self) -> &str;
    /// Tokens the rendered conversation takes (with the assistant turn opened).
    fn count_chat_tokens(&self, messages: &[ChatMessage]) -> Result<usize>;
    /// Tokens a piece of plain text takes.
    fn count_tokens(&self, text: &str) -> Result<usize>;
    /// The model's context length, in tokens.
    fn context_length(&self) -> usize;
    /// Whether generated tokens take room in the same context as the prompt (decoder-only
    /// models); an encoder-decoder's context is its input alone.
    fn output_shares_context(&self) -> bool {
        true
    }
    /// Log-probability of each candidate as the start of the assistant's reply, and how many
    /// prompt tokens had to be computed (the rest came from the prefix cache). Used to score
    /// label words without parsing free text.
    fn continuation_logprobs(
        &mut self,
        messages: &[ChatMessage],
        candidates: &[String],
    ) -> Result<(Vec<f32>, usize)>;
    /// The residual stream after each of `depths` layers at the last token of the rendered
    /// conversation (assistant turn opened), concatenated: the features a trained stance
    /// probe reads, one forward pass with the prefix cache reused. `None` when the backend
    /// cannot expose its states.
    fn prompt_states(
        &mut self,
        _messages: &[ChatMessage],
        _depths: &[usize],
    ) -> Result<Option<Vec<f32>>> {
        Ok(None)
    }
    /// Turns prompt-prefix reuse on or off (on by default).
    fn set_prefix_reuse(&mut self, on: bool);
    /// Generates the assistant's reply; `on_text` gets text as it is produced.
    fn chat(
        &mut self,
        messages: &[ChatMessage],
        settings: &GenerationConfig,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Generation>;
}

/// `(b, 1, 1, S)` additive attention bias from a `(b, S)` 0/1 mask (1 = real token), as
/// transformers builds it: 0 on real tokens, the most negative f32 on padding. Shared by the
/// encoders brief runs itself (T5, DistilBERT).
pub(crate) fn padding_bias(mask: &candle_core::Tensor) -> candle_core::Result<candle_core::Tensor> {
    let m = mask.to_dtype(candle_core::DType::F32)?;
    let (b, s) = m.dims2()?;
    ((1.0 - m)? * f32::MIN as f64)?.reshape((b, 1, 1, s))
}

/// A cross-encoder that classifies (premise, hypothesis) pairs — the NLI side of stance.
pub trait PairClassifier: Send {
    /// The config name, for reports.
    fn name(&self) -> &str;
    /// Label names in the model's output order (its `id2label`).
    fn labels(&self) -> &[String];
    /// Raw logits, one row of `labels().len()` per pair. Only the premise is truncated
    /// when a pair is longer than the model's limit.
    fn logits(&mut self, pairs: &[(String, String)]) -> Result<Vec<Vec<f32>>>;
}

/// The one place that maps a config's architecture to a pair classifier.
pub fn load_pair_classifier(
    cfg: &ModelConfig,
    files: &LocalModel,
    device: &Device,
) -> Result<Box<dyn PairClassifier>> {
    match cfg.architecture {
        Architecture::Nli => Ok(Box::new(nli::NliModel::load(cfg, files, device)?)),
        other => Err(crate::error::BriefError::Usage(format!(
            "model '{}' is a {} model, not an nli classifier",
            cfg.name,
            other.as_str()
        ))),
    }
}

/// The one place that maps a config's architecture to a generator.
pub fn load_generator(
    cfg: &ModelConfig,
    files: &LocalModel,
    device: &Device,
) -> Result<Box<dyn Generator>> {
    let model: Box<dyn Generator> = match cfg.architecture {
        Architecture::GgufLlm => Box::new(gguf_llm::GgufLlm::load(cfg, files, device)?),
        Architecture::T5 => Box::new(t5::T5Generator::load(cfg, files, device)?),
        Architecture::Nli | Architecture::EncoderClassifier => {
            return Err(crate::error::BriefError::Usage(format!(
                "model '{}' is a stance classifier ({}); it labels stance but does not generate text",
                cfg.name,
                cfg.architecture.as_str()
            )))
        }
    };
    Ok(match std::env::var_os("BRIEF_RECORD_CALLS") {
        Some(path) if !path.is_empty() => Box::new(recording::Recording::new(model, path.into())),
        _ => model,
    })
}

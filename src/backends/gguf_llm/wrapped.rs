//! Families read by candle-transformers' own quantized models, used as they come (gemma3,
//! phi3). Their KV caches are private, so prefix reuse falls back to re-encoding.

use crate::runtime::generate::CausalLm;
use candle_core::quantized::gguf_file;
use candle_core::{Device, Result, Tensor};
use candle_transformers::models::{quantized_gemma3, quantized_phi3};

/// Families this wrapper reads.
pub const FAMILIES: &[&str] = &["gemma3", "phi3"];

enum Model {
    Gemma3(quantized_gemma3::ModelWeights),
    Phi3(quantized_phi3::ModelWeights),
}

/// A candle-transformers model behind brief's `CausalLm`.
pub struct Wrapped {
    model: Model,
    device: Device,
}

impl Wrapped {
    pub fn load(
        family: &str,
        ct: gguf_file::Content,
        f: &mut std::fs::File,
        device: &Device,
    ) -> Result<Self> {
        let model = match family {
            "gemma3" => Model::Gemma3(quantized_gemma3::ModelWeights::from_gguf(ct, f, device)?),
            _ => Model::Phi3(quantized_phi3::ModelWeights::from_gguf(
                false, ct, f, device,
            )?),
        };
        Ok(Self {
            model,
            device: device.clone(),
        })
    }
}

impl CausalLm for Wrapped {
    fn forward(&mut self, tokens: &[u32], pos: usize) -> crate::error::Result<Tensor> {
        let x = Tensor::new(tokens, &self.device)?.unsqueeze(0)?;
        let logits = match &mut self.model {
            Model::Gemma3(m) => m.forward(&x, pos)?,
            Model::Phi3(m) => m.forward(&x, pos)?,
        };
        Ok(logits.squeeze(0)?)
    }

    /// Both models reset their cache when fed from position 0, so only a full reset is possible.
    fn truncate_cache(&mut self, len: usize) -> bool {
        len == 0
    }

    fn clear_cache(&mut self) {}
}

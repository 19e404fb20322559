//! Families read by candle-transformers' own quantized models, used as they come (gemma3,
//! phi3). Their KV caches are private, so prefix reuse falls back to re-encoding; beam search
//! still works because the models are cheap to clone (weights and caches are shared tensors),
//! so each beam is a clone carrying its own cache.

use crate::runtime::generate::CausalLm;
use candle_core::quantized::gguf_file;
use candle_core::{Device, Result, Tensor};
use candle_transformers::models::{quantized_gemma3, quantized_phi3};

/// Families this wrapper reads.
pub const FAMILIES: &[&str] = &["gemma3", "phi3"];

#[derive(Clone)]
enum Model {
    Gemma3(quantized_gemma3::ModelWeights),
    Phi3(quantized_phi3::ModelWeights),
}

/// A candle-transformers model behind brief's `CausalLm`.
pub struct Wrapped {
    model: Model,
    device: Device,
    /// Beam search: the model as it was after the prompt, and one clone per running beam.
    beams: Option<(Model, Vec<Model>)>,
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
            beams: None,
        })
    }
}

fn run(model: &mut Model, device: &Device, tokens: &[u32], pos: usize) -> Result<Tensor> {
    let x = Tensor::new(tokens, device)?.unsqueeze(0)?;
    let logits = match model {
        Model::Gemma3(m) => m.forward(&x, pos)?,
        Model::Phi3(m) => m.forward(&x, pos)?,
    };
    logits.squeeze(0)
}

impl CausalLm for Wrapped {
    fn forward(&mut self, tokens: &[u32], pos: usize) -> crate::error::Result<Tensor> {
        Ok(run(&mut self.model, &self.device, tokens, pos)?)
    }

    fn beam_step(
        &mut self,
        parents: &[usize],
        tokens: &[u32],
        pos: usize,
    ) -> crate::error::Result<Option<Tensor>> {
        let (prompt, running) = match self.beams.take() {
            Some(b) => b,
            None => (self.model.clone(), vec![self.model.clone()]),
        };
        let mut next = Vec::with_capacity(tokens.len());
        let mut logits = Vec::with_capacity(tokens.len());
        for (&p, &t) in parents.iter().zip(tokens) {
            let mut m = running
                .get(p)
                .cloned()
                .ok_or_else(|| candle_core::Error::Msg(format!("beam parent {p} out of range")))?;
            logits.push(run(&mut m, &self.device, &[t], pos)?);
            next.push(m);
        }
        self.beams = Some((prompt, next));
        Ok(Some(Tensor::stack(&logits, 0)?))
    }

    fn end_beams(&mut self) -> bool {
        if let Some((prompt, _)) = self.beams.take() {
            self.model = prompt;
        }
        true
    }

    /// Both models reset their cache when fed from position 0, so only a full reset is possible.
    fn truncate_cache(&mut self, len: usize) -> bool {
        len == 0
    }

    fn clear_cache(&mut self) {
        self.beams = None;
    }
}

//! A quantized decoder for the llama / qwen2 / qwen3 families, read from GGUF.
//!
//! candle-transformers has `quantized_llama`, `quantized_qwen2` and `quantized_qwen3`; this file
//! exists because brief must change three things they fix:
//! - the KV cache is private there, and brief rolls it back to a shared prompt prefix between
//!   calls (one article, many actors) instead of re-encoding it;
//! - the token-embedding table is dequantized to f32 there (0.9 GB for a 1.5B Qwen); here it
//!   stays quantized on CPU and the tied output projection shares the same tensor;
//! - tensor types whose CPU kernels candle only has in scalar form (Q4_1, Q5_0, Q5_1) can be
//!   re-quantized to Q8_0 at load, an order of magnitude faster for files made of them.
//!
//! The three families differ only in data read from the file (biases, q/k norms, rope style).

use super::weights::{md, Embeddings, Layer, Loader};
use crate::runtime::generate::CausalLm;
use candle_core::quantized::{gguf_file, QMatMul};
use candle_core::{DType, Device, IndexOp, Module, Result, Tensor};
use candle_transformers::quantized_nn::RmsNorm;
use std::sync::Arc;

/// Hyper-parameters read from the GGUF metadata.
#[derive(Debug, Clone)]
pub struct DecoderParams {
    pub family: String,
    pub n_head: usize,
    pub n_kv_head: usize,
    pub head_dim: usize,
    pub n_layer: usize,
    pub context_length: usize,
    pub rope_neox: bool,
}

/// The model: weights, rope tables and the per-layer KV cache.
pub struct Decoder {
    embed: Embeddings,
    layers: Vec<Layer>,
    norm: RmsNorm,
    output: QMatMul,
    cos: Tensor,
    sin: Tensor,
    params: DecoderParams,
    device: Device,
    /// Beam search: the prompt's cache (batch 1), restored when the search ends; meanwhile
    /// the layers' caches hold one row per running beam.
    beam_prompt: Option<Vec<Option<(Tensor, Tensor)>>>,
}

/// Families this decoder reads.
pub const FAMILIES: &[&str] = &["llama", "qwen2", "qwen3"];

impl Decoder {
    /// Reads the model from an opened GGUF; `requantize` turns slow tensor types into Q8_0.
    pub fn from_gguf<R: std::io::Read + std::io::Seek>(
        ct: &gguf_file::Content,
        reader: &mut R,
        device: &Device,
        requantize: bool,
    ) -> Result<Self> {
        let family = md(ct, "general.architecture")?.to_string()?.clone();
        if !FAMILIES.contains(&family.as_str()) {
            candle_core::bail!("decoder reads {FAMILIES:?}, not {family}");
        }
        let key = |k: &str| format!("{family}.{k}");
        let n_head = md(ct, &key("attention.head_count"))?.to_u32()? as usize;
        let n_kv_head = md(ct, &key("attention.head_count_kv"))?.to_u32()? as usize;
        let n_embd = md(ct, &key("embedding_length"))?.to_u32()? as usize;
        let n_layer = md(ct, &key("block_count"))?.to_u32()? as usize;
        let context_length = md(ct, &key("context_length"))?.to_u32()? as usize;
        let eps = md(ct, &key("attention.layer_norm_rms_epsilon"))?.to_f32()? as f64;
        let rope_base = md(ct, &key("rope.freq_base"))
            .and_then(|v| v.to_f32())
            .unwrap_or(10_000.0);
        let head_dim = md(ct, &key("attention.key_length"))
            .and_then(|v| v.to_u32())
            .map(|v| v as usize)
            .unwrap_or(n_embd / n_head);
        let rope_dim = md(ct, &key("rope.dimension_count"))
            .and_then(|v| v.to_u32())
            .map(|v| v as usize)
            .unwrap_or(head_dim);
        // GGUF stores llama's q/k rows permuted for interleaved rope; qwen uses the neox layout.
        let rope_neox = family != "llama";

        let mut ld = Loader {
            ct,
            reader,
            device,
            requantize,
        };
        // Read once: the embedding table and, when tied, the output projection share it.
        let embd_q = Arc::new(ld.qtensor("token_embd.weight")?);
        let embed = Embeddings::new(embd_q.clone(), device)?;
        let output = if ld.has("output.weight") {
            ld.matmul("output.weight")?
        } else {
            QMatMul::from_arc(embd_q.clone())?
        };
        let norm = ld.norm("output_norm.weight", eps)?;

        let layers = (0..n_layer)
            .map(|i| ld.layer(i, eps))
            .collect::<Result<Vec<_>>>()?;

        let inv: Vec<f32> = (0..rope_dim)
            .step_by(2)
            .map(|i| 1.0 / rope_base.powf(i as f32 / rope_dim as f32))
            .collect();
        let inv = Tensor::new(inv.as_slice(), device)?.reshape((1, rope_dim / 2))?;
        let pos = Tensor::arange(0u32, context_length as u32, device)?
            .to_dtype(DType::F32)?
            .reshape((context_length, 1))?;
        let angles = pos.matmul(&inv)?;
        Ok(Self {
            embed,
            layers,
            norm,
            output,
            cos: angles.cos()?,
            sin: angles.sin()?,
            params: DecoderParams {
                family,
                n_head,
                n_kv_head,
                head_dim,
                n_layer,
                context_length,
                rope_neox,
            },
            device: device.clone(),
            beam_prompt: None,
        })
    }

    /// The hyper-parameters read from the file (context length, heads, layers).
    pub fn params(&self) -> &DecoderParams {
        &self.params
    }

    fn rope(&self, x: &Tensor, pos: usize) -> Result<Tensor> {
        let (_, _, seq, _) = x.dims4()?;
        let cos = self.cos.narrow(0, pos, seq)?;
        let sin = self.sin.narrow(0, pos, seq)?;
        if self.params.rope_neox {
            candle_nn::rotary_emb::rope(&x.contiguous()?, &cos, &sin)
        } else {
            candle_nn::rotary_emb::rope_i(&x.contiguous()?, &cos, &sin)
        }
    }

    fn attention(
        &mut self,
        li: usize,
        x: &Tensor,
        mask: Option<&Tensor>,
        pos: usize,
    ) -> Result<Tensor> {
        let (b, seq, _) = x.dims3()?;
        let DecoderParams {
            n_head,
            n_kv_head,
            head_dim,
            ..
        } = self.params;
        let layer = &self.layers[li];
        let proj = |w: &QMatMul, bias: &Option<Tensor>| -> Result<Tensor> {
            let y = w.forward(x)?;
            match bias {
                Some(bias) => y.broadcast_add(bias),
                None => Ok(y),
            }
        };
        let q = proj(&layer.wq, &layer.bq)?.reshape((b, seq, n_head, head_dim))?;
        let k = proj(&layer.wk, &layer.bk)?.reshape((b, seq, n_kv_head, head_dim))?;
        let v = proj(&layer.wv, &layer.bv)?.reshape((b, seq, n_kv_head, head_dim))?;
        let q = match &layer.q_norm {
            Some(n) => n.forward(&q)?,
            None => q,
        };
        let k = match &layer.k_norm {
            Some(n) => n.forward(&k)?,
            None => k,
        };
        let q = self.rope(&q.transpose(1, 2)?, pos)?;
        let k = self.rope(&k.transpose(1, 2)?, pos)?;
        let v = v.transpose(1, 2)?.contiguous()?;
        let layer = &mut self.layers[li];
        let (k, v) = match &layer.cache {
            Some((ck, cv)) if pos > 0 => (Tensor::cat(&[ck, &k], 2)?, Tensor::cat(&[cv, &v], 2)?),
            _ => (k, v),
        };
        layer.cache = Some((k.clone(), v.clone()));
        // Grouped-query attention without copying K/V per query head: the `rep` query heads
        // that share one K/V head are stacked along the sequence axis instead.
        let rep = n_head / n_kv_head;
        let kv_len = k.dim(2)?;
        let q = q.reshape((b, n_kv_head, rep * seq, head_dim))?;
        let att = (q.matmul(&k.t()?)? / (head_dim as f64).sqrt())?;
        let att = match mask {
            Some(m) => {
                let att = att.reshape((b, n_kv_head, rep, seq, kv_len))?;
                let neg =
                    Tensor::new(f32::NEG_INFINITY, &self.device)?.broadcast_as(att.shape())?;
                m.broadcast_as(att.shape())?
                    .where_cond(&neg, &att)?
                    .reshape((b, n_kv_head, rep * seq, kv_len))?
            }
            None => att,
        };
        let att = candle_nn::ops::softmax_last_dim(&att)?;
        let y = att
            .matmul(&v)?
            .reshape((b, n_head, seq, head_dim))?
            .transpose(1, 2)?
            .reshape((b, seq, n_head * head_dim))?;
        self.layers[li].wo.forward(&y)
    }

    /// Runs `tokens` at `pos..`; returns the hidden states after the final norm `(1, seq, d)`.
    fn hidden(&mut self, tokens: &[u32], pos: usize) -> Result<Tensor> {
        let x = self.embed.lookup(tokens, &self.device)?.unsqueeze(0)?;
        self.layers_forward(x, pos, &mut |_, _| Ok(()))
    }

    /// Runs embeddings `(batch, seq, d)` through the layers at positions `pos..`; a batch
    /// above 1 is one token per beam, each row continuing its own row of the caches.
    /// `capture` sees the residual stream after each layer (its 1-based depth first).
    fn layers_forward(
        &mut self,
        mut x: Tensor,
        pos: usize,
        capture: &mut dyn FnMut(usize, &Tensor) -> Result<()>,
    ) -> Result<Tensor> {
        let seq = x.dim(1)?;
        let mask = if seq > 1 {
            Some(candle_transformers::utils::build_causal_mask(
                seq,
                pos,
                &self.device,
            )?)
        } else {
            None
        };
        for li in 0..self.layers.len() {
            let h = self.layers[li].attn_norm.forward(&x)?;
            let a = self.attention(li, &h, mask.as_ref(), pos)?;
            let x1 = (x + a)?;
            let l = &self.layers[li];
            let h = l.ffn_norm.forward(&x1)?;
            let m = l
                .down
                .forward(&(candle_nn::ops::silu(&l.gate.forward(&h)?)? * l.up.forward(&h)?)?)?;
            x = (x1 + m)?;
            capture(li + 1, &x)?;
        }
        self.norm.forward(&x)
    }

    /// The residual stream at the last of `tokens` after each of `depths` layers (1-based;
    /// 0 or above the layer count means the last layer), each scaled to unit root-mean-square
    /// so depths are comparable: the features a trained probe reads. Runs like `forward`,
    /// continuing the cache.
    pub fn last_token_states(
        &mut self,
        tokens: &[u32],
        pos: usize,
        depths: &[usize],
    ) -> Result<Vec<Tensor>> {
        let n = self.layers.len();
        let depths: Vec<usize> = depths
            .iter()
            .map(|&d| if d == 0 || d > n { n } else { d })
            .collect();
        let last = tokens.len().saturating_sub(1);
        let mut got: Vec<Option<Tensor>> = vec![None; depths.len()];
        let x = self.embed.lookup(tokens, &self.device)?.unsqueeze(0)?;
        self.layers_forward(x, pos, &mut |depth, h| {
            for (slot, _) in got.iter_mut().zip(&depths).filter(|(_, &d)| d == depth) {
                let v = h.i((0, last, ..))?;
                let rms = v.sqr()?.mean_all()?.sqrt()?;
                *slot = Some(v.broadcast_div(&(rms + 1e-6)?)?);
            }
            Ok(())
        })?;
        got.into_iter()
            .map(|t| t.ok_or_else(|| candle_core::Error::Msg("probe depth not reached".into())))
            .collect()
    }

    /// Logits for every position of `tokens`, `(seq, vocab)`: for scoring continuations.
    pub fn forward_all(&mut self, tokens: &[u32], pos: usize) -> Result<Tensor> {
        let h = self.hidden(tokens, pos)?;
        self.output.forward(&h)?.squeeze(0)
    }
}

impl CausalLm for Decoder {
    fn forward(&mut self, tokens: &[u32], pos: usize) -> crate::error::Result<Tensor> {
        let h = self.hidden(tokens, pos)?;
        let last = h.i((.., tokens.len() - 1, ..))?;
        Ok(self.output.forward(&last)?.squeeze(0)?)
    }

    fn last_states(
        &mut self,
        tokens: &[u32],
        pos: usize,
        depths: &[usize],
    ) -> crate::error::Result<Option<Vec<Tensor>>> {
        Ok(Some(self.last_token_states(tokens, pos, depths)?))
    }

    fn truncate_cache(&mut self, len: usize) -> bool {
        for l in self.layers.iter_mut() {
            l.cache = match l.cache.take() {
                Some((k, v)) if len > 0 => match (k.narrow(2, 0, len), v.narrow(2, 0, len)) {
                    (Ok(k), Ok(v)) => Some((k, v)),
                    _ => return false,
                },
                _ => None,
            };
        }
        true
    }

    fn clear_cache(&mut self) {
        self.beam_prompt = None;
        for l in self.layers.iter_mut() {
            l.cache = None;
        }
    }

    /// Runs all beams as one batch (one row each: the same length, so no mask): the weights
    /// are read once per step instead of once per beam. The caches' rows follow the parents.
    fn beam_step(
        &mut self,
        parents: &[usize],
        tokens: &[u32],
        pos: usize,
    ) -> crate::error::Result<Option<Tensor>> {
        if self.beam_prompt.is_none() {
            self.beam_prompt = Some(self.layers.iter().map(|l| l.cache.clone()).collect());
        }
        let rows = self
            .layers
            .iter()
            .find_map(|l| l.cache.as_ref())
            .map(|c| c.0.dim(0));
        let identity = rows.transpose()?.is_some_and(|r| {
            r == parents.len() && parents.iter().enumerate().all(|(i, &p)| i == p)
        });
        if !identity {
            let idx = Tensor::from_vec(
                parents.iter().map(|&p| p as u32).collect::<Vec<_>>(),
                parents.len(),
                &self.device,
            )?;
            for l in self.layers.iter_mut() {
                if let Some((k, v)) = &l.cache {
                    l.cache = Some((k.index_select(&idx, 0)?, v.index_select(&idx, 0)?));
                }
            }
        }
        let x = self.embed.lookup(tokens, &self.device)?.unsqueeze(1)?;
        let h = self.layers_forward(x, pos, &mut |_, _| Ok(()))?;
        Ok(Some(self.output.forward(&h.squeeze(1)?)?))
    }

    fn end_beams(&mut self) -> bool {
        if let Some(prompt) = self.beam_prompt.take() {
            for (l, c) in self.layers.iter_mut().zip(prompt) {
                l.cache = c;
            }
        }
        true
    }
}

//! The T5 / Flan-T5 network. Written here rather than taken from candle-transformers' `t5`
//! because brief needs what that one lacks:
//! - an encoder attention mask, so padded batches give the same rows as single inputs;
//! - a decoder KV cache that beam search can reorder per beam and roll back;
//! - transformers' output scale for tied embeddings (t5-small / t5-base): the decoder output
//!   is multiplied by d_model^-0.5 before the vocabulary projection. candle multiplies by
//!   d_model^+0.5, which keeps the argmax but changes every log-probability, hence beam search
//!   and sampling (the fixture tests pin transformers' numbers).
//!
//! Weights come from safetensors or from a GGUF with Hugging Face tensor names (the layout of
//! candle's quantized T5 files), through the one `Weights` type.

use crate::error::{BriefError, Result};
use candle_core::quantized::QMatMul;
use candle_core::{DType, Device, Module, Tensor};
use candle_transformers::quantized_var_builder::VarBuilder as QVarBuilder;
use serde::Deserialize;
use std::path::Path;

/// The fields of a Hugging Face `config.json` that T5 needs.
#[derive(Debug, Clone, Deserialize)]
pub struct T5Config {
    pub vocab_size: usize,
    pub d_model: usize,
    pub d_kv: usize,
    pub d_ff: usize,
    pub num_layers: usize,
    #[serde(default)]
    pub num_decoder_layers: Option<usize>,
    pub num_heads: usize,
    #[serde(default = "default_buckets")]
    pub relative_attention_num_buckets: usize,
    #[serde(default = "default_max_distance")]
    pub relative_attention_max_distance: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_epsilon: f64,
    #[serde(default = "default_ff")]
    pub feed_forward_proj: String,
    #[serde(default = "default_tied")]
    pub tie_word_embeddings: bool,
    #[serde(default)]
    pub pad_token_id: Option<u32>,
    #[serde(default)]
    pub eos_token_id: Option<serde_json::Value>,
    #[serde(default)]
    pub decoder_start_token_id: Option<u32>,
    /// The length T5 was trained on (512); longer inputs still run.
    #[serde(default)]
    pub n_positions: Option<usize>,
}

fn default_buckets() -> usize {
    32
}
fn default_max_distance() -> usize {
    128
}
fn default_eps() -> f64 {
    1e-6
}
fn default_ff() -> String {
    "relu".into()
}
fn default_tied() -> bool {
    true
}

impl T5Config {
    /// End-of-sequence ids (`eos_token_id` may be a number or a list; 1 when absent).
    pub fn eos_ids(&self) -> Vec<u32> {
        match &self.eos_token_id {
            Some(serde_json::Value::Number(n)) => n.as_u64().map(|v| vec![v as u32]),
            Some(serde_json::Value::Array(a)) => Some(
                a.iter()
                    .filter_map(|v| v.as_u64())
                    .map(|v| v as u32)
                    .collect(),
            ),
            _ => None,
        }
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| vec![1])
    }

    /// The token the decoder starts from (the pad token, 0, in every T5).
    pub fn decoder_start(&self) -> u32 {
        self.decoder_start_token_id
            .or(self.pad_token_id)
            .unwrap_or(0)
    }

    /// (gated, activation) as transformers reads `feed_forward_proj`.
    fn feed_forward(&self) -> Result<(bool, Activation)> {
        let proj = self.feed_forward_proj.as_str();
        let (gated, name) = match proj.strip_prefix("gated-") {
            Some(rest) => (true, rest),
            None => (false, proj),
        };
        // transformers maps "gated-gelu" to the tanh approximation (gelu_new).
        let act = match (gated, name) {
            (true, "gelu") => Activation::GeluTanh,
            (_, "relu") => Activation::Relu,
            (_, "gelu") => Activation::GeluErf,
            (_, "gelu_new" | "gelu_pytorch_tanh") => Activation::GeluTanh,
            (_, "silu" | "swish") => Activation::Silu,
            _ => {
                return Err(BriefError::Usage(format!(
                    "t5 feed_forward_proj '{proj}' is not supported (relu, gelu, gelu_new, silu, optionally gated-)"
                )))
            }
        };
        Ok((gated, act))
    }
}

#[derive(Debug, Clone, Copy)]
enum Activation {
    Relu,
    GeluErf,
    GeluTanh,
    Silu,
}

impl Activation {
    fn apply(self, x: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            Activation::Relu => x.relu(),
            Activation::GeluErf => x.gelu_erf(),
            Activation::GeluTanh => x.gelu(),
            Activation::Silu => x.silu(),
        }
    }
}

/// Float weights (safetensors) or GGUF tensors, seen through one interface.
pub enum Weights {
    Float(candle_nn::VarBuilder<'static>),
    Gguf(QVarBuilder),
}

impl Weights {
    /// Memory-maps safetensors files as f32.
    pub fn safetensors(paths: &[std::path::PathBuf], device: &Device) -> Result<Self> {
        // SAFETY: the files are in brief's cache, checked against their sha256 and not
        // modified while mapped.
        let vb =
            unsafe { candle_nn::VarBuilder::from_mmaped_safetensors(paths, DType::F32, device) }
                .map_err(|e| BriefError::BadModelFile {
                    path: paths.first().cloned().unwrap_or_default(),
                    reason: e.to_string(),
                })?;
        Ok(Weights::Float(vb))
    }

    /// Reads a GGUF whose tensors carry Hugging Face names.
    pub fn gguf(path: &Path, device: &Device) -> Result<Self> {
        crate::backends::gguf_llm::open_gguf(path)?;
        let vb = QVarBuilder::from_gguf(path, device).map_err(|e| BriefError::BadModelFile {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Ok(Weights::Gguf(vb))
    }

    fn pp(&self, name: &str) -> Self {
        match self {
            Weights::Float(vb) => Weights::Float(vb.pp(name)),
            Weights::Gguf(vb) => Weights::Gguf(vb.pp(name)),
        }
    }

    /// Whether the file has tensor `name` (a full name: call on the root weights).
    fn contains(&self, name: &str) -> bool {
        match self {
            Weights::Float(vb) => vb.contains_tensor(name),
            Weights::Gguf(vb) => vb.contains_key(name),
        }
    }

    /// A tensor as f32 (GGUF tensors dequantized).
    fn dense<S: Into<candle_core::Shape>>(&self, shape: S, name: &str) -> Result<Tensor> {
        Ok(match self {
            Weights::Float(vb) => vb.get(shape, name)?,
            Weights::Gguf(vb) => vb.get(shape, name)?.dequantize(vb.device())?,
        })
    }

    /// A bias-free projection `in_dim -> out_dim` (weight stored `(out, in)`).
    fn proj(&self, in_dim: usize, out_dim: usize, name: &str) -> Result<Proj> {
        Ok(match self.pp(name) {
            Weights::Float(vb) => Proj::Dense(vb.get((out_dim, in_dim), "weight")?),
            Weights::Gguf(vb) => {
                Proj::Quant(QMatMul::from_arc(vb.get((out_dim, in_dim), "weight")?)?)
            }
        })
    }
}

/// A projection: a float matrix or a (possibly quantized) GGUF one.
#[derive(Debug, Clone)]
enum Proj {
    Dense(Tensor),
    Quant(QMatMul),
}

impl Proj {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            Proj::Dense(w) => x.broadcast_matmul(&w.t()?),
            Proj::Quant(q) => q.forward(x),
        }
    }
}

fn rms_norm(x: &Tensor, w: &Tensor, eps: f64) -> candle_core::Result<Tensor> {
    candle_nn::ops::rms_norm(&x.contiguous()?, w, eps as f32)
}

/// transformers' `_relative_position_bucket`, with its float32 arithmetic.
fn bucket(relative: i64, bidirectional: bool, num_buckets: usize, max_distance: usize) -> u32 {
    let mut buckets = num_buckets as i64;
    let mut out = 0i64;
    let mut rel = relative;
    if bidirectional {
        buckets /= 2;
        if rel > 0 {
            out += buckets;
        }
        rel = rel.abs();
    } else {
        rel = -rel.min(0);
    }
    let max_exact = buckets / 2;
    if rel < max_exact {
        out += rel;
    } else {
        let ratio = (max_distance as f64 / max_exact as f64).ln() as f32;
        let large = (rel as f32 / max_exact as f32).ln() / ratio * (buckets - max_exact) as f32;
        out += (max_exact + large as i64).min(buckets - 1);
    }
    out as u32
}

struct Attention {
    q: Proj,
    k: Proj,
    v: Proj,
    o: Proj,
    heads: usize,
    d_kv: usize,
    /// `(buckets, heads)`: only the first layer of each stack has it.
    relative_bias: Option<Tensor>,
}

impl Attention {
    fn load(w: &Weights, cfg: &T5Config, with_bias: bool) -> Result<Self> {
        let inner = cfg.num_heads * cfg.d_kv;
        let relative_bias = if with_bias {
            Some(w.dense(
                (cfg.relative_attention_num_buckets, cfg.num_heads),
                "relative_attention_bias.weight",
            )?)
        } else {
            None
        };
        Ok(Self {
            q: w.proj(cfg.d_model, inner, "q")?,
            k: w.proj(cfg.d_model, inner, "k")?,
            v: w.proj(cfg.d_model, inner, "v")?,
            o: w.proj(inner, cfg.d_model, "o")?,
            heads: cfg.num_heads,
            d_kv: cfg.d_kv,
            relative_bias,
        })
    }

    /// `(b, t, heads*d_kv)` -> `(b, heads, t, d_kv)`.
    fn split(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (b, t, _) = x.dims3()?;
        x.reshape((b, t, self.heads, self.d_kv))?
            .transpose(1, 2)?
            .contiguous()
    }

    fn keys_values(&self, x: &Tensor) -> candle_core::Result<(Tensor, Tensor)> {
        Ok((
            self.split(&self.k.forward(x)?)?,
            self.split(&self.v.forward(x)?)?,
        ))
    }

    /// Attention of `x`'s queries over `keys`/`values` (batch 1 broadcasts), plus `bias`.
    /// T5 does not scale scores by 1/sqrt(d).
    fn attend(
        &self,
        x: &Tensor,
        keys: &Tensor,
        values: &Tensor,
        bias: Option<&Tensor>,
    ) -> candle_core::Result<Tensor> {
        let (b, t, _) = x.dims3()?;
        let q = self.split(&self.q.forward(x)?)?;
        let mut scores = q.broadcast_matmul(&keys.t()?)?;
        if let Some(bias) = bias {
            scores = scores.broadcast_add(bias)?;
        }
        let probs = candle_nn::ops::softmax_last_dim(&scores)?;
        let out = probs.broadcast_matmul(values)?;
        let out = out
            .transpose(1, 2)?
            .reshape((b, t, self.heads * self.d_kv))?;
        self.o.forward(&out)
    }
}

struct FeedForward {
    wi: Proj,
    /// The second input projection of gated variants (Flan-T5).
    gate: Option<Proj>,
    wo: Proj,
    act: Activation,
}

impl FeedForward {
    fn load(w: &Weights, cfg: &T5Config) -> Result<Self> {
        let (gated, act) = cfg.feed_forward()?;
        let w = w.pp("DenseReluDense");
        let (wi, gate) = if gated {
            (
                w.proj(cfg.d_model, cfg.d_ff, "wi_0")?,
                Some(w.proj(cfg.d_model, cfg.d_ff, "wi_1")?),
            )
        } else {
            (w.proj(cfg.d_model, cfg.d_ff, "wi")?, None)
        };
        Ok(Self {
            wi,
            gate,
            wo: w.proj(cfg.d_ff, cfg.d_model, "wo")?,
            act,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let h = self.act.apply(&self.wi.forward(x)?)?;
        let h = match &self.gate {
            Some(g) => (h * g.forward(x)?)?,
            None => h,
        };
        self.wo.forward(&h)
    }
}

struct Block {
    self_attn: Attention,
    self_norm: Tensor,
    /// Decoder blocks: attention over the encoder output.
    cross: Option<(Attention, Tensor)>,
    ff: FeedForward,
    ff_norm: Tensor,
}

impl Block {
    fn load(w: &Weights, cfg: &T5Config, decoder: bool, first: bool) -> Result<Self> {
        let d = cfg.d_model;
        let self_attn = Attention::load(&w.pp("layer.0.SelfAttention"), cfg, first)?;
        let self_norm = w.dense(d, "layer.0.layer_norm.weight")?;
        let (cross, ff_at) = if decoder {
            let a = Attention::load(&w.pp("layer.1.EncDecAttention"), cfg, false)?;
            (Some((a, w.dense(d, "layer.1.layer_norm.weight")?)), 2)
        } else {
            (None, 1)
        };
        Ok(Self {
            self_attn,
            self_norm,
            cross,
            ff: FeedForward::load(&w.pp(&format!("layer.{ff_at}")), cfg)?,
            ff_norm: w.dense(d, &format!("layer.{ff_at}.layer_norm.weight"))?,
        })
    }
}

/// The decoder's state for one encoder input: cross-attention keys and values (computed
/// once), the self-attention cache and the encoder mask.
#[derive(Clone)]
pub struct DecoderState {
    cross: Vec<(Tensor, Tensor)>,
    /// `(b_enc, 1, 1, S)`: large negative on padded encoder positions.
    cross_bias: Option<Tensor>,
    self_kv: Vec<Option<(Tensor, Tensor)>>,
    /// Decoder positions in the cache.
    pub len: usize,
}

impl DecoderState {
    /// Keeps the first `len` decoder positions.
    pub fn truncate(&mut self, len: usize) -> candle_core::Result<()> {
        for c in self.self_kv.iter_mut() {
            *c = match c.take() {
                Some((k, v)) if len > 0 => Some((k.narrow(2, 0, len)?, v.narrow(2, 0, len)?)),
                _ => None,
            };
        }
        self.len = self.len.min(len);
        Ok(())
    }

    /// Beam `i` of the new batch continues row `parents[i]` of the current one.
    pub fn select(&mut self, parents: &[usize]) -> candle_core::Result<()> {
        let dev = match self.cross.first() {
            Some((k, _)) => k.device().clone(),
            None => return Ok(()),
        };
        let idx = Tensor::from_vec(
            parents.iter().map(|&p| p as u32).collect::<Vec<_>>(),
            parents.len(),
            &dev,
        )?;
        for (k, v) in self.self_kv.iter_mut().flatten() {
            *k = k.index_select(&idx, 0)?;
            *v = v.index_select(&idx, 0)?;
        }
        Ok(())
    }
}

/// T5 encoder-decoder with the language-model head.
pub struct T5Model {
    cfg: T5Config,
    shared: Tensor,
    encoder: Vec<Block>,
    encoder_norm: Tensor,
    decoder: Vec<Block>,
    decoder_norm: Tensor,
    lm_head: Proj,
    /// d_model^-0.5 for tied embeddings, else 1.
    output_scale: f64,
    device: Device,
}

impl T5Model {
    /// Loads the network from `weights` (safetensors or GGUF).
    pub fn load(cfg: &T5Config, w: &Weights, device: &Device) -> Result<Self> {
        let shared_name = [
            "shared.weight",
            "encoder.embed_tokens.weight",
            "decoder.embed_tokens.weight",
        ]
        .into_iter()
        .find(|n| w.contains(n))
        .unwrap_or("shared.weight");
        let shared = w.dense((cfg.vocab_size, cfg.d_model), shared_name)?;
        let stack = |name: &str, n: usize, decoder: bool| -> Result<Vec<Block>> {
            (0..n)
                .map(|i| Block::load(&w.pp(&format!("{name}.block.{i}")), cfg, decoder, i == 0))
                .collect()
        };
        let encoder = stack("encoder", cfg.num_layers, false)?;
        let decoder = stack(
            "decoder",
            cfg.num_decoder_layers.unwrap_or(cfg.num_layers),
            true,
        )?;
        let (lm_head, output_scale) = if cfg.tie_word_embeddings {
            (Proj::Dense(shared.clone()), (cfg.d_model as f64).powf(-0.5))
        } else {
            (w.proj(cfg.d_model, cfg.vocab_size, "lm_head")?, 1.0)
        };
        Ok(Self {
            encoder_norm: w.dense(cfg.d_model, "encoder.final_layer_norm.weight")?,
            decoder_norm: w.dense(cfg.d_model, "decoder.final_layer_norm.weight")?,
            cfg: cfg.clone(),
            shared,
            encoder,
            decoder,
            lm_head,
            output_scale,
            device: device.clone(),
        })
    }

    pub fn config(&self) -> &T5Config {
        &self.cfg
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    fn embed(&self, ids: &Tensor) -> candle_core::Result<Tensor> {
        let (b, t) = ids.dims2()?;
        self.shared
            .index_select(&ids.flatten_all()?, 0)?
            .reshape((b, t, self.cfg.d_model))
    }

    /// `(1, heads, q, k)` relative position bias for queries at `q0..q0+q` over keys `0..k`.
    fn position_bias(
        &self,
        table: &Tensor,
        q0: usize,
        q: usize,
        k: usize,
        bidirectional: bool,
    ) -> candle_core::Result<Tensor> {
        let mut idx = Vec::with_capacity(q * k);
        for i in q0..q0 + q {
            for j in 0..k {
                idx.push(bucket(
                    j as i64 - i as i64,
                    bidirectional,
                    self.cfg.relative_attention_num_buckets,
                    self.cfg.relative_attention_max_distance,
                ));
            }
        }
        let idx = Tensor::from_vec(idx, q * k, &self.device)?;
        table
            .index_select(&idx, 0)?
            .reshape((q, k, self.cfg.num_heads))?
            .permute((2, 0, 1))?
            .unsqueeze(0)
    }

    /// Encoder output `(b, S, d_model)` for `(b, S)` ids; `mask` marks real tokens (1) and
    /// padding (0).
    pub fn encode(&self, ids: &Tensor, mask: Option<&Tensor>) -> Result<Tensor> {
        let (_, s) = ids.dims2()?;
        let mut h = self.embed(ids)?;
        let table = self.encoder[0]
            .self_attn
            .relative_bias
            .as_ref()
            .ok_or_else(|| BriefError::Usage("t5 encoder has no relative attention bias".into()))?;
        let mut bias = self.position_bias(table, 0, s, s, true)?;
        if let Some(m) = mask {
            bias = bias.broadcast_add(&crate::backends::padding_bias(m)?)?;
        }
        let eps = self.cfg.layer_norm_epsilon;
        for block in &self.encoder {
            let x = rms_norm(&h, &block.self_norm, eps)?;
            let (k, v) = block.self_attn.keys_values(&x)?;
            h = (h + block.self_attn.attend(&x, &k, &v, Some(&bias))?)?;
            let x = rms_norm(&h, &block.ff_norm, eps)?;
            h = (h + block.ff.forward(&x)?)?;
        }
        Ok(rms_norm(&h, &self.encoder_norm, eps)?)
    }

    /// A fresh decoder state over an encoder output (and its mask).
    pub fn start(&self, encoded: &Tensor, mask: Option<&Tensor>) -> Result<DecoderState> {
        let mut cross = Vec::with_capacity(self.decoder.len());
        for block in &self.decoder {
            if let Some((attn, _)) = &block.cross {
                cross.push(attn.keys_values(encoded)?);
            }
        }
        Ok(DecoderState {
            cross,
            cross_bias: mask.map(crate::backends::padding_bias).transpose()?,
            self_kv: vec![None; self.decoder.len()],
            len: 0,
        })
    }

    /// Feeds `(n, t)` decoder ids after the cached positions; returns logits `(n, t, vocab)`,
    /// or `(n, vocab)` for the last position only when `last_only`.
    pub fn decode(&self, st: &mut DecoderState, ids: &Tensor, last_only: bool) -> Result<Tensor> {
        let (_, t) = ids.dims2()?;
        let past = st.len;
        let mut h = self.embed(ids)?;
        let table = self.decoder[0]
            .self_attn
            .relative_bias
            .as_ref()
            .ok_or_else(|| BriefError::Usage("t5 decoder has no relative attention bias".into()))?;
        let mut bias = self.position_bias(table, past, t, past + t, false)?;
        if t > 1 {
            let mask: Vec<f32> = (0..t)
                .flat_map(|i| (0..past + t).map(move |j| if j > past + i { f32::MIN } else { 0.0 }))
                .collect();
            let mask = Tensor::from_vec(mask, (1, 1, t, past + t), &self.device)?;
            bias = bias.broadcast_add(&mask)?;
        }
        let eps = self.cfg.layer_norm_epsilon;
        for (i, block) in self.decoder.iter().enumerate() {
            let x = rms_norm(&h, &block.self_norm, eps)?;
            let (k, v) = block.self_attn.keys_values(&x)?;
            let (k, v) = match st.self_kv[i].take() {
                Some((pk, pv)) => (Tensor::cat(&[&pk, &k], 2)?, Tensor::cat(&[&pv, &v], 2)?),
                None => (k, v),
            };
            h = (h + block.self_attn.attend(&x, &k, &v, Some(&bias))?)?;
            st.self_kv[i] = Some((k, v));
            if let Some((attn, norm)) = &block.cross {
                let x = rms_norm(&h, norm, eps)?;
                let (ck, cv) = &st.cross[i];
                h = (h + attn.attend(&x, ck, cv, st.cross_bias.as_ref())?)?;
            }
            let x = rms_norm(&h, &block.ff_norm, eps)?;
            h = (h + block.ff.forward(&x)?)?;
        }
        st.len = past + t;
        let mut h = rms_norm(&h, &self.decoder_norm, eps)?;
        if last_only {
            h = h.narrow(1, t - 1, 1)?;
        }
        if self.output_scale != 1.0 {
            h = (h * self.output_scale)?;
        }
        let logits = self.lm_head.forward(&h)?;
        Ok(if last_only {
            logits.squeeze(1)?
        } else {
            logits
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_match_transformers() {
        // Printed by transformers' T5Attention._relative_position_bucket (32 buckets, distance 128).
        let bi: Vec<u32> = [-200, -64, -20, -8, -1, 0, 1, 7, 8, 20, 64, 200]
            .iter()
            .map(|&r| bucket(r, true, 32, 128))
            .collect();
        assert_eq!(bi, vec![15, 14, 10, 8, 1, 0, 17, 23, 24, 26, 30, 31]);
        let uni: Vec<u32> = [-200, -64, -20, -16, -15, -1, 0, 5]
            .iter()
            .map(|&r| bucket(r, false, 32, 128))
            .collect();
        assert_eq!(uni, vec![31, 26, 17, 16, 15, 1, 0, 0]);
    }
}

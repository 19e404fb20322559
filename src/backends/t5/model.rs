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

use super::config::{Activation, T5Config};
use super::weights::{Proj, Weights};
use crate::error::{BriefError, Result};
use candle_core::{Device, Tensor};

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

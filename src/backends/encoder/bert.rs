//! A BERT encoder written out layer by layer, for training as well as inference; MPNet
//! (all-mpnet-base-v2) is the same post-norm encoder with other weight names, no segment
//! embeddings, positions counted from 2 and a relative position bias (`super::relative`).
//!
//! candle-transformers' `BertModel` is not used here for two reasons: its LayerNorm is candle's
//! fused op, which has no backward pass (training through it fails), and it exposes neither
//! single layers nor intermediate hidden states, which training needs (the frozen lower layers
//! are run once and cached; only the top layers are trained). Weight names and maths follow
//! transformers' `BertModel` exactly (post-norm, absolute positions), so any BERT checkpoint
//! loads, with or without the `bert.` prefix of the `*ForSequenceClassification` exports.

use candle_core::{DType, Module, Result, Tensor, D};
use candle_nn::{embedding, linear, Embedding, Linear, VarBuilder};
use candle_transformers::models::bert::{Config, HiddenAct};

use super::relative::RelativeBias;

/// Which checkpoint layout an encoder has (`model_type` in its config.json).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Bert,
    MpNet,
}

impl Flavor {
    /// MPNet for `model_type = "mpnet"`, BERT for anything else.
    pub fn of(c: &Config) -> Self {
        match c.model_type.as_deref() {
            Some("mpnet") => Self::MpNet,
            _ => Self::Bert,
        }
    }

    /// Transformers' names of the four attention projections and the attention LayerNorm,
    /// relative to `encoder.layer.N`.
    fn attention_names(self) -> [&'static str; 5] {
        match self {
            Self::Bert => [
                "attention.self.query",
                "attention.self.key",
                "attention.self.value",
                "attention.output.dense",
                "attention.output.LayerNorm",
            ],
            Self::MpNet => [
                "attention.attn.q",
                "attention.attn.k",
                "attention.attn.v",
                "attention.attn.o",
                "attention.LayerNorm",
            ],
        }
    }
}

/// LayerNorm from basic tensor ops (differentiable, unlike the fused one).
#[derive(Clone)]
pub struct Norm {
    weight: Tensor,
    bias: Tensor,
    eps: f32,
}

impl Norm {
    fn load(size: usize, eps: f64, vb: VarBuilder) -> Result<Self> {
        Ok(Self {
            weight: vb.get(size, "weight")?,
            bias: vb.get(size, "bias")?,
            eps: eps as f32,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        candle_nn::ops::layer_norm_slow(x, &self.weight, &self.bias, self.eps)
    }
}

/// Token, position and (BERT only) segment embeddings, summed and normalized.
pub struct Embeddings {
    words: Embedding,
    positions: Embedding,
    types: Option<Embedding>,
    /// The position of the first token: 0 for BERT; MPNet, like RoBERTa, counts from the
    /// padding id + 1.
    first_position: u32,
    norm: Norm,
}

impl Embeddings {
    fn load(c: &Config, vb: VarBuilder) -> Result<Self> {
        let mpnet = Flavor::of(c) == Flavor::MpNet;
        let types = if mpnet {
            None
        } else {
            Some(embedding(
                c.type_vocab_size,
                c.hidden_size,
                vb.pp("token_type_embeddings"),
            )?)
        };
        Ok(Self {
            words: embedding(c.vocab_size, c.hidden_size, vb.pp("word_embeddings"))?,
            positions: embedding(
                c.max_position_embeddings,
                c.hidden_size,
                vb.pp("position_embeddings"),
            )?,
            types,
            first_position: if mpnet { c.pad_token_id as u32 + 1 } else { 0 },
            norm: Norm::load(c.hidden_size, c.layer_norm_eps, vb.pp("LayerNorm"))?,
        })
    }

    /// `(b, s)` ids and token types → `(b, s, hidden)`. Rows are right-padded, so token i of
    /// every row is at position `first_position + i`.
    pub fn forward(&self, ids: &Tensor, types: &Tensor) -> Result<Tensor> {
        let (_, s) = ids.dims2()?;
        let p0 = self.first_position;
        let pos = Tensor::arange(p0, p0 + s as u32, ids.device())?;
        let x = self
            .words
            .forward(ids)?
            .broadcast_add(&self.positions.forward(&pos)?)?;
        let x = match &self.types {
            Some(t) => x.add(&t.forward(types)?)?,
            None => x,
        };
        self.norm.forward(&x)
    }
}

/// One transformer layer: self-attention and the feed-forward block, each with a residual
/// connection and a LayerNorm after it.
#[derive(Clone)]
pub struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attn_out: Linear,
    attn_norm: Norm,
    up: Linear,
    down: Linear,
    out_norm: Norm,
    heads: usize,
    act: HiddenAct,
    flavor: Flavor,
    /// Low-rank adapters on the six projections (`Layer::PROJECTIONS` order), when trained
    /// with `--lora-rank`: the frozen weights stay the backbone's, only these are learnt.
    lora: Option<Vec<Lora>>,
}

/// A LoRA adapter: `scale · B(A x)` added to a frozen projection's output (Hu et al., 2021).
#[derive(Clone)]
pub struct Lora {
    a: Linear,
    b: Linear,
    scale: f64,
}

impl Lora {
    /// `a` is `(rank, in)`, `b` is `(out, rank)`, under `vb` as `a` and `b`; the update is
    /// scaled by 2 (alpha = 2 · rank), so the learning rate does not depend on the rank.
    pub fn load(rank: usize, dims: (usize, usize), vb: VarBuilder) -> Result<Self> {
        let (inp, out) = dims;
        Ok(Self {
            a: Linear::new(vb.get((rank, inp), "a")?, None),
            b: Linear::new(vb.get((out, rank), "b")?, None),
            scale: 2.0,
        })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        self.b.forward(&self.a.forward(x)?)? * self.scale
    }
}

impl Layer {
    /// Loads layer weights under `vb` (transformers' `encoder.layer.N` names).
    pub fn load(c: &Config, vb: VarBuilder) -> Result<Self> {
        let h = c.hidden_size;
        let flavor = Flavor::of(c);
        let [q, k, v, o, norm] = flavor.attention_names();
        Ok(Self {
            query: linear(h, h, vb.pp(q))?,
            key: linear(h, h, vb.pp(k))?,
            value: linear(h, h, vb.pp(v))?,
            attn_out: linear(h, h, vb.pp(o))?,
            attn_norm: Norm::load(h, c.layer_norm_eps, vb.pp(norm))?,
            up: linear(h, c.intermediate_size, vb.pp("intermediate.dense"))?,
            down: linear(c.intermediate_size, h, vb.pp("output.dense"))?,
            out_norm: Norm::load(h, c.layer_norm_eps, vb.pp("output.LayerNorm"))?,
            heads: c.num_attention_heads,
            act: c.hidden_act,
            flavor,
            lora: None,
        })
    }

    /// The projections LoRA adapts, as (name, (in, out)).
    pub fn projections(c: &Config) -> [(&'static str, (usize, usize)); 6] {
        let (h, i) = (c.hidden_size, c.intermediate_size);
        [
            ("query", (h, h)),
            ("key", (h, h)),
            ("value", (h, h)),
            ("attn_out", (h, h)),
            ("up", (h, i)),
            ("down", (i, h)),
        ]
    }

    /// This (frozen) layer with rank-`rank` adapters read from `vb` (`{projection}.a|b`).
    pub fn with_lora(&self, c: &Config, rank: usize, vb: VarBuilder) -> Result<Self> {
        let lora = Self::projections(c)
            .iter()
            .map(|(name, dims)| Lora::load(rank, *dims, vb.pp(*name)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            lora: Some(lora),
            ..self.clone()
        })
    }

    /// Projection `i` (in `projections` order) of `x`, with its adapter when there is one.
    fn project(&self, i: usize, lin: &Linear, x: &Tensor) -> Result<Tensor> {
        let y = lin.forward(x)?;
        match self.lora.as_ref().and_then(|l| l.get(i)) {
            Some(l) => y + l.forward(x)?,
            None => Ok(y),
        }
    }

    /// The layer's tensors under transformers' names (relative to `encoder.layer.N`), so a
    /// trainable copy can start from them.
    pub fn named_tensors(&self) -> Vec<(String, Tensor)> {
        let mut out = Vec::new();
        let mut lin = |name: &str, l: &Linear| {
            out.push((format!("{name}.weight"), l.weight().clone()));
            if let Some(b) = l.bias() {
                out.push((format!("{name}.bias"), b.clone()));
            }
        };
        let [q, k, v, o, norm] = self.flavor.attention_names();
        lin(q, &self.query);
        lin(k, &self.key);
        lin(v, &self.value);
        lin(o, &self.attn_out);
        lin("intermediate.dense", &self.up);
        lin("output.dense", &self.down);
        for (name, n) in [
            (norm, &self.attn_norm),
            ("output.LayerNorm", &self.out_norm),
        ] {
            out.push((format!("{name}.weight"), n.weight.clone()));
            out.push((format!("{name}.bias"), n.bias.clone()));
        }
        out
    }

    /// `(b, s, hidden)` in and out; `bias` is the additive attention bias of
    /// `AttentionBias::for_mask` (`(b, 1, 1, s)`, or `(b, heads, s, s)` with relative
    /// positions).
    pub fn forward(&self, x: &Tensor, bias: &Tensor) -> Result<Tensor> {
        let (b, s, h) = x.dims3()?;
        let d = h / self.heads;
        let split = |t: Tensor| -> Result<Tensor> {
            t.reshape((b, s, self.heads, d))?
                .transpose(1, 2)?
                .contiguous()
        };
        let q = split(self.project(0, &self.query, x)?)?;
        let k = split(self.project(1, &self.key, x)?)?;
        let v = split(self.project(2, &self.value, x)?)?;
        let scores = (q.matmul(&k.t()?)? / (d as f64).sqrt())?.broadcast_add(bias)?;
        let probs = candle_nn::ops::softmax(&scores, D::Minus1)?;
        let ctx = probs
            .matmul(&v)?
            .transpose(1, 2)?
            .contiguous()?
            .reshape((b, s, h))?;
        let x = self
            .attn_norm
            .forward(&(self.project(3, &self.attn_out, &ctx)? + x)?)?;
        let up = self.project(4, &self.up, &x)?;
        let up = match self.act {
            HiddenAct::Gelu => up.gelu_erf()?,
            HiddenAct::GeluApproximate => up.gelu()?,
            HiddenAct::Relu => up.relu()?,
        };
        self.out_norm
            .forward(&(self.project(5, &self.down, &up)? + x)?)
    }
}

/// What every layer adds to its attention scores: the padding mask, plus MPNet's relative
/// position bias. Cloned into the trained layers, which must see the same.
#[derive(Clone, Default)]
pub struct AttentionBias {
    relative: Option<RelativeBias>,
}

impl AttentionBias {
    /// The bias for a `(b, s)` 0/1 mask: `(b, 1, 1, s)`, or `(b, heads, s, s)` with relative
    /// positions. A large finite negative (not f32::MIN) keeps the softmax's backward free of
    /// infinities.
    pub fn for_mask(&self, mask: &Tensor) -> Result<Tensor> {
        let m = mask.to_dtype(DType::F32)?;
        let (b, s) = m.dims2()?;
        let padding = ((1.0 - m)? * -1e9)?.reshape((b, 1, 1, s))?;
        match &self.relative {
            Some(r) => padding.broadcast_add(&r.for_length(s)?),
            None => Ok(padding),
        }
    }
}

/// The whole encoder: embeddings and every layer.
pub struct Bert {
    pub embeddings: Embeddings,
    pub layers: Vec<Layer>,
    pub bias: AttentionBias,
    pub config: Config,
}

impl Bert {
    /// Loads a BERT or MPNet checkpoint (weights named as transformers names them, `bert.`
    /// prefix optional).
    pub fn load(config: Config, vb: VarBuilder) -> Result<Self> {
        let vb = if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
            vb.pp("bert")
        } else {
            vb
        };
        let embeddings = Embeddings::load(&config, vb.pp("embeddings"))?;
        let layers = (0..config.num_hidden_layers)
            .map(|i| Layer::load(&config, vb.pp(format!("encoder.layer.{i}"))))
            .collect::<Result<Vec<_>>>()?;
        let relative = match Flavor::of(&config) {
            Flavor::MpNet => Some(RelativeBias::new(
                vb.get_unchecked("encoder.relative_attention_bias.weight")?,
            )),
            Flavor::Bert => None,
        };
        Ok(Self {
            embeddings,
            layers,
            bias: AttentionBias { relative },
            config,
        })
    }

    /// Hidden states after the first `n` layers (all of them when `n` is the layer count).
    pub fn forward_to(
        &self,
        ids: &Tensor,
        types: &Tensor,
        mask: &Tensor,
        n: usize,
    ) -> Result<Tensor> {
        let bias = self.bias.for_mask(mask)?;
        let mut x = self.embeddings.forward(ids, types)?;
        for layer in self.layers.iter().take(n) {
            x = layer.forward(&x, &bias)?;
        }
        Ok(x)
    }

    /// The last hidden states, as transformers' `BertModel(...).last_hidden_state`.
    pub fn forward(&self, ids: &Tensor, types: &Tensor, mask: &Tensor) -> Result<Tensor> {
        self.forward_to(ids, types, mask, self.layers.len())
    }
}

/// Mean of the rows of `x` `(b, s, h)` weighted by `weights` `(b, s)` (each row of weights
/// sums to 1): span pooling as one batched matmul.
pub fn weighted_mean(x: &Tensor, weights: &Tensor) -> Result<Tensor> {
    weights.unsqueeze(1)?.matmul(x)?.squeeze(1)
}

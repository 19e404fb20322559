//! DistilBERT (`model_type = "distilbert"`), with transformers'
//! `DistilBertForSequenceClassification` head (`pre_classifier` linear + ReLU on the first
//! token, then `classifier`).
//!
//! The encoder is written here rather than taken from candle 0.11.1's `distilbert::
//! DistilBertModel`, because candle maps `activation = "gelu"` to the tanh approximation
//! (`Tensor::gelu`) where transformers uses the exact erf GELU: on the test fixture that alone
//! moved logits by 1e-3. The activation is private in candle's config, so it cannot be
//! swapped from outside. The layout (tensor names, post-norm blocks, eps 1e-12) is
//! transformers' `modeling_distilbert.py`.

use super::{parse_config, LoadError, Loaded, SequenceClassifier};
use candle_core::{IndexOp, Module, Tensor, D};
use candle_nn::{
    embedding, layer_norm, linear, Activation, Embedding, LayerNorm, Linear, VarBuilder,
};
use serde::Deserialize;
use serde_json::Value;

/// transformers hard-codes this in DistilBERT's layer norms.
const LAYER_NORM_EPS: f64 = 1e-12;

#[derive(Deserialize)]
struct Config {
    vocab_size: usize,
    dim: usize,
    n_layers: usize,
    n_heads: usize,
    hidden_dim: usize,
    /// "gelu" (exact, erf) or "relu", as transformers' `get_activation`.
    activation: Activation,
    max_position_embeddings: usize,
}

struct Block {
    q: Linear,
    k: Linear,
    v: Linear,
    out: Linear,
    sa_norm: LayerNorm,
    lin1: Linear,
    lin2: Linear,
    out_norm: LayerNorm,
}

impl Block {
    fn load(vb: VarBuilder, c: &Config) -> candle_core::Result<Self> {
        let a = vb.pp("attention");
        Ok(Self {
            q: linear(c.dim, c.dim, a.pp("q_lin"))?,
            k: linear(c.dim, c.dim, a.pp("k_lin"))?,
            v: linear(c.dim, c.dim, a.pp("v_lin"))?,
            out: linear(c.dim, c.dim, a.pp("out_lin"))?,
            sa_norm: layer_norm(c.dim, LAYER_NORM_EPS, vb.pp("sa_layer_norm"))?,
            lin1: linear(c.dim, c.hidden_dim, vb.pp("ffn.lin1"))?,
            lin2: linear(c.hidden_dim, c.dim, vb.pp("ffn.lin2"))?,
            out_norm: layer_norm(c.dim, LAYER_NORM_EPS, vb.pp("output_layer_norm"))?,
        })
    }

    /// `bias`: (batch, 1, 1, seq), 0 on real tokens and the f32 minimum on padding.
    fn forward(
        &self,
        x: &Tensor,
        bias: &Tensor,
        heads: usize,
        act: Activation,
    ) -> candle_core::Result<Tensor> {
        let (b, s, dim) = x.dims3()?;
        let hd = dim / heads;
        let split = |t: Tensor| -> candle_core::Result<Tensor> {
            t.reshape((b, s, heads, hd))?.transpose(1, 2)?.contiguous()
        };
        let q = (split(self.q.forward(x)?)? / (hd as f64).sqrt())?;
        let k = split(self.k.forward(x)?)?;
        let v = split(self.v.forward(x)?)?;
        let scores = q.matmul(&k.t()?)?.broadcast_add(bias)?;
        let weights = candle_nn::ops::softmax(&scores, D::Minus1)?;
        let ctx = weights.matmul(&v)?.transpose(1, 2)?.reshape((b, s, dim))?;
        let sa = self.sa_norm.forward(&(self.out.forward(&ctx)? + x)?)?;
        let ffn = self.lin2.forward(&act.forward(&self.lin1.forward(&sa)?)?)?;
        self.out_norm.forward(&(ffn + sa)?)
    }
}

struct Model {
    words: Embedding,
    positions: Embedding,
    norm: LayerNorm,
    blocks: Vec<Block>,
    heads: usize,
    act: Activation,
    pre_classifier: Linear,
    classifier: Linear,
}

impl SequenceClassifier for Model {
    fn forward(
        &self,
        input_ids: &Tensor,
        _token_type_ids: &Tensor,
        attention_mask: &Tensor,
    ) -> candle_core::Result<Tensor> {
        let (_, s) = input_ids.dims2()?;
        let pos = Tensor::arange(0u32, s as u32, input_ids.device())?;
        let x = self
            .words
            .forward(input_ids)?
            .broadcast_add(&self.positions.forward(&pos)?)?;
        let mut x = self.norm.forward(&x)?;
        let bias = crate::backends::padding_bias(attention_mask)?;
        for block in &self.blocks {
            x = block.forward(&x, &bias, self.heads, self.act)?;
        }
        let first = x.i((.., 0))?.contiguous()?;
        let h = self.pre_classifier.forward(&first)?.relu()?;
        self.classifier.forward(&h)
    }
}

pub(super) fn load(
    config: &Value,
    vb: VarBuilder,
    num_labels: usize,
) -> std::result::Result<Loaded, LoadError> {
    let c: Config = parse_config(config)?;
    if c.n_heads == 0 || !c.dim.is_multiple_of(c.n_heads) {
        return Err(LoadError::Config(format!(
            "dim {} is not a multiple of n_heads {}",
            c.dim, c.n_heads
        )));
    }
    let d = vb.pp("distilbert");
    let e = d.pp("embeddings");
    let blocks = (0..c.n_layers)
        .map(|i| Block::load(d.pp(format!("transformer.layer.{i}")), &c))
        .collect::<candle_core::Result<Vec<_>>>()?;
    let model = Model {
        words: embedding(c.vocab_size, c.dim, e.pp("word_embeddings"))?,
        positions: embedding(
            c.max_position_embeddings,
            c.dim,
            e.pp("position_embeddings"),
        )?,
        norm: layer_norm(c.dim, LAYER_NORM_EPS, e.pp("LayerNorm"))?,
        blocks,
        heads: c.n_heads,
        act: c.activation,
        pre_classifier: linear(c.dim, c.dim, vb.pp("pre_classifier"))?,
        classifier: linear(c.dim, num_labels, vb.pp("classifier"))?,
    };
    Ok(Loaded {
        model: Box::new(model),
        max_tokens: c.max_position_embeddings,
        uses_token_types: false,
    })
}

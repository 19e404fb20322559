//! T5's `config.json`: the fields brief reads, and how transformers interprets
//! `feed_forward_proj` (which activation, gated or not).

use crate::error::{BriefError, Result};
use candle_core::Tensor;
use serde::Deserialize;

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
    pub(super) fn feed_forward(&self) -> Result<(bool, Activation)> {
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
pub(super) enum Activation {
    Relu,
    GeluErf,
    GeluTanh,
    Silu,
}

impl Activation {
    pub(super) fn apply(self, x: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            Activation::Relu => x.relu(),
            Activation::GeluErf => x.gelu_erf(),
            Activation::GeluTanh => x.gelu(),
            Activation::Silu => x.silu(),
        }
    }
}

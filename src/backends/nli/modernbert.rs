//! ModernBERT (`model_type = "modernbert"`): candle's `ModernBert` backbone, with transformers'
//! `ModernBertForSequenceClassification` head rebuilt here, because candle's
//! `ModernBertForSequenceClassification` returns softmax probabilities (not logits), loads its
//! head with fixed bias / activation choices and reads only `layer_norm_eps` (transformers
//! writes `norm_eps`). Head: pooling (`cls` or `mean`) → `head.dense` → activation →
//! `head.norm` → `classifier`.

use super::{parse_config, LoadError, Loaded, SequenceClassifier};
use candle_core::{DType, IndexOp, Module, Tensor, D};
use candle_nn::{
    layer_norm_no_bias, linear, linear_no_bias, Activation, LayerNorm, Linear, VarBuilder,
};
use candle_transformers::models::modernbert::{Config, ModernBert};
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
enum Pooling {
    #[default]
    Cls,
    Mean,
}

/// The fields transformers' `ModernBertConfig` has and candle's `Config` does not.
#[derive(Deserialize)]
struct HeadConfig {
    hidden_size: usize,
    #[serde(default)]
    norm_eps: Option<f64>,
    #[serde(default)]
    layer_norm_eps: Option<f64>,
    #[serde(default)]
    classifier_pooling: Pooling,
    #[serde(default)]
    classifier_bias: bool,
    #[serde(default = "gelu")]
    classifier_activation: Activation,
    #[serde(default = "gelu_name")]
    hidden_activation: String,
    #[serde(default)]
    norm_bias: bool,
    #[serde(default)]
    attention_bias: bool,
    #[serde(default)]
    mlp_bias: bool,
    max_position_embeddings: usize,
}

fn gelu() -> Activation {
    Activation::Gelu
}
fn gelu_name() -> String {
    "gelu".into()
}

struct Model {
    backbone: ModernBert,
    pooling: Pooling,
    dense: Linear,
    act: Activation,
    norm: LayerNorm,
    classifier: Linear,
}

impl SequenceClassifier for Model {
    fn forward(
        &self,
        input_ids: &Tensor,
        _token_type_ids: &Tensor,
        attention_mask: &Tensor,
    ) -> candle_core::Result<Tensor> {
        let hidden = self.backbone.forward(input_ids, attention_mask)?;
        let pooled = match self.pooling {
            Pooling::Cls => hidden.i((.., 0))?.contiguous()?,
            Pooling::Mean => {
                let mask = attention_mask.to_dtype(DType::F32)?;
                let summed = hidden.broadcast_mul(&mask.unsqueeze(D::Minus1)?)?.sum(1)?;
                summed.broadcast_div(&mask.sum_keepdim(1)?)?
            }
        };
        let x = self.dense.forward(&pooled)?;
        let x = self.norm.forward(&self.act.forward(&x)?)?;
        self.classifier.forward(&x)
    }
}

pub(super) fn load(
    config: &Value,
    vb: VarBuilder,
    num_labels: usize,
) -> std::result::Result<Loaded, LoadError> {
    let h: HeadConfig = parse_config(config)?;
    let eps = h.norm_eps.or(h.layer_norm_eps).unwrap_or(1e-5);
    // candle's backbone has no biases in attention, MLP or norms; refuse rather than ignore them.
    for (on, what) in [
        (h.attention_bias, "attention_bias"),
        (h.mlp_bias, "mlp_bias"),
        (h.norm_bias, "norm_bias"),
    ] {
        if on {
            return Err(LoadError::Unsupported(format!(
                "ModernBERT with {what} = true is not supported (candle's modernbert has no such biases)"
            )));
        }
    }
    if h.hidden_activation != "gelu" {
        return Err(LoadError::Unsupported(format!(
            "ModernBERT hidden_activation '{}' is not supported (candle's modernbert uses gelu)",
            h.hidden_activation
        )));
    }
    // Give candle the field names it reads, and keep its own classifier section out (its
    // label2id wants string ids).
    let mut patched = config.clone();
    if let Some(o) = patched.as_object_mut() {
        o.insert("layer_norm_eps".into(), eps.into());
        for k in ["id2label", "label2id", "classifier_pooling"] {
            o.remove(k);
        }
    }
    let c: Config = parse_config(&patched)?;
    let backbone = ModernBert::load(vb.clone(), &c)?;
    let dense = if h.classifier_bias {
        linear(h.hidden_size, h.hidden_size, vb.pp("head.dense"))?
    } else {
        linear_no_bias(h.hidden_size, h.hidden_size, vb.pp("head.dense"))?
    };
    let norm = layer_norm_no_bias(h.hidden_size, eps, vb.pp("head.norm"))?;
    let classifier = linear(h.hidden_size, num_labels, vb.pp("classifier"))?;
    Ok(Loaded {
        model: Box::new(Model {
            backbone,
            pooling: h.classifier_pooling,
            dense,
            act: h.classifier_activation,
            norm,
            classifier,
        }),
        max_tokens: h.max_position_embeddings,
        uses_token_types: false,
    })
}

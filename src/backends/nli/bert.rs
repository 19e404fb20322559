//! BERT (`model_type = "bert"`): candle's `BertModel` has no classification head, so this
//! adds transformers' `BertForSequenceClassification` one — the pooler (dense + tanh on the
//! first token, `bert.pooler.dense`) and the `classifier` linear layer.

use super::{parse_config, LoadError, Loaded, SequenceClassifier};
use candle_core::{IndexOp, Module, Tensor};
use candle_nn::{linear, Linear, VarBuilder};
use candle_transformers::models::bert::{BertModel, Config};
use serde_json::Value;

struct Model {
    bert: BertModel,
    pooler: Linear,
    classifier: Linear,
}

impl SequenceClassifier for Model {
    fn forward(
        &self,
        input_ids: &Tensor,
        token_type_ids: &Tensor,
        attention_mask: &Tensor,
    ) -> candle_core::Result<Tensor> {
        let hidden = self
            .bert
            .forward(input_ids, token_type_ids, Some(attention_mask))?;
        let first = hidden.i((.., 0))?.contiguous()?;
        let pooled = self.pooler.forward(&first)?.tanh()?;
        self.classifier.forward(&pooled)
    }
}

pub(super) fn load(
    config: &Value,
    vb: VarBuilder,
    num_labels: usize,
) -> std::result::Result<Loaded, LoadError> {
    let c: Config = parse_config(config)?;
    let bert = BertModel::load(vb.pp("bert"), &c)?;
    let pooler = linear(c.hidden_size, c.hidden_size, vb.pp("bert.pooler.dense"))?;
    let classifier = linear(c.hidden_size, num_labels, vb.pp("classifier"))?;
    Ok(Loaded {
        model: Box::new(Model {
            bert,
            pooler,
            classifier,
        }),
        max_tokens: c.max_position_embeddings,
        uses_token_types: c.type_vocab_size > 0,
    })
}

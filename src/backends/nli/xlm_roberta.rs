//! XLM-RoBERTa (`model_type = "xlm-roberta"`): candle's `XLMRobertaForSequenceClassification`
//! as it is. Weights under `roberta.` and `classifier.`.

use super::{parse_config, LoadError, Loaded, SequenceClassifier};
use candle_core::Tensor;
use candle_nn::VarBuilder;
use candle_transformers::models::xlm_roberta::{Config, XLMRobertaForSequenceClassification};
use serde_json::Value;

struct Model(XLMRobertaForSequenceClassification);

impl SequenceClassifier for Model {
    fn forward(
        &self,
        input_ids: &Tensor,
        token_type_ids: &Tensor,
        attention_mask: &Tensor,
    ) -> candle_core::Result<Tensor> {
        self.0.forward(input_ids, attention_mask, token_type_ids)
    }
}

pub(super) fn load(
    config: &Value,
    vb: VarBuilder,
    num_labels: usize,
) -> std::result::Result<Loaded, LoadError> {
    let c: Config = parse_config(config)?;
    if c.position_embedding_type != "absolute" {
        return Err(LoadError::Unsupported(format!(
            "position_embedding_type '{}' is not supported (candle's xlm_roberta is absolute only)",
            c.position_embedding_type
        )));
    }
    let model = XLMRobertaForSequenceClassification::new(num_labels, &c, vb)?;
    // Positions start after the padding index (RoBERTa's `create_position_ids_from_input_ids`),
    // so `pad_token_id + 1` rows of the table are never used by real tokens.
    let max_tokens = c
        .max_position_embeddings
        .saturating_sub(c.pad_token_id as usize + 1);
    Ok(Loaded {
        model: Box::new(Model(model)),
        max_tokens,
        // XLM-R's tokenizer does not return token type ids; transformers then feeds zeros.
        uses_token_types: false,
    })
}

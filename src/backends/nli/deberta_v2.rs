//! DeBERTa-v2 and v3 (`model_type = "deberta-v2"`): candle's `DebertaV2SeqClassificationModel`
//! as it is (context pooler + classifier). Weights under `deberta.`, `pooler.`, `classifier.`.

use super::{parse_config, LoadError, Loaded, SequenceClassifier};
use candle_core::Tensor;
use candle_nn::VarBuilder;
use candle_transformers::models::debertav2::{Config, DebertaV2SeqClassificationModel, Id2Label};
use serde_json::Value;

struct Model(DebertaV2SeqClassificationModel);

impl SequenceClassifier for Model {
    fn forward(
        &self,
        input_ids: &Tensor,
        token_type_ids: &Tensor,
        attention_mask: &Tensor,
    ) -> candle_core::Result<Tensor> {
        self.0.forward(
            input_ids,
            Some(token_type_ids.clone()),
            Some(attention_mask.clone()),
        )
    }
}

pub(super) fn load(
    config: &Value,
    vb: VarBuilder,
    labels: &[String],
) -> std::result::Result<Loaded, LoadError> {
    let mut c: Config = parse_config(config)?;
    // candle 0.11.1 leaves the DeBERTa-v2 convolution layer as `todo!()` (a panic at the first
    // forward); v3 models have none.
    if c.conv_kernel_size.unwrap_or(0) > 0 {
        return Err(LoadError::Unsupported(
            "DeBERTa-v2 models with a convolution layer (conv_kernel_size > 0) are not supported \
             by candle 0.11.1; DeBERTa-v3 models are"
                .into(),
        ));
    }
    // The labels were already read (and checked) from id2label; hand candle the same map.
    c.id2label = None;
    c.label2id = None;
    let id2label: Id2Label = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (i as u32, l.clone()))
        .collect();
    let model = DebertaV2SeqClassificationModel::load(vb.pp("deberta"), &c, Some(id2label))?;
    Ok(Loaded {
        model: Box::new(Model(model)),
        max_tokens: c.max_position_embeddings,
        uses_token_types: c.type_vocab_size > 0,
    })
}

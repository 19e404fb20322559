//! NLI cross-encoders from a Hugging Face folder (`config.json`, `*.safetensors`,
//! `tokenizer.json`): (premise, hypothesis) pairs in, one row of logits per pair out.
//!
//! `config.json`'s `model_type` picks the architecture in exactly one place
//! ([`load_architecture`]); each architecture is one file here that wraps candle's own model
//! behind [`SequenceClassifier`] and adds only what candle lacks. Labels come from the
//! model's `id2label`, never from an assumed order.

mod bert;
mod deberta_v2;
mod distilbert;
mod modernbert;
mod xlm_roberta;

use super::PairClassifier;
use crate::config::ModelConfig;
use crate::error::{BriefError, Result};
use crate::fetch::LocalModel;
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

/// The `model_type`s brief can load, as written in `config.json`.
pub const SUPPORTED_MODEL_TYPES: &[&str] = &[
    "deberta-v2",
    "xlm-roberta",
    "modernbert",
    "bert",
    "distilbert",
];

/// One architecture's forward pass: `(batch, seq)` u32 inputs, right-padded, mask 1 on real
/// tokens; returns `(batch, labels)` logits.
pub(crate) trait SequenceClassifier: Send {
    fn forward(
        &self,
        input_ids: &Tensor,
        token_type_ids: &Tensor,
        attention_mask: &Tensor,
    ) -> candle_core::Result<Tensor>;
}

/// What an architecture file hands back.
pub(crate) struct Loaded {
    pub model: Box<dyn SequenceClassifier>,
    /// Longest input (special tokens included) the model's position table allows.
    pub max_tokens: usize,
    /// Whether the tokenizer's token type ids reach the model (otherwise zeros do, as in
    /// transformers when the tokenizer does not return them or the model has no such table).
    pub uses_token_types: bool,
}

/// Why an architecture could not be built.
pub(crate) enum LoadError {
    /// `config.json` does not parse into the architecture's config.
    Config(String),
    /// A well-formed model brief cannot run (a feature candle lacks); re-pulling won't help.
    Unsupported(String),
    /// A tensor is missing or misshapen.
    Weights(candle_core::Error),
}

impl From<candle_core::Error> for LoadError {
    fn from(e: candle_core::Error) -> Self {
        LoadError::Weights(e)
    }
}

/// Deserializes an architecture's config struct from `config.json`.
pub(crate) fn parse_config<T: serde::de::DeserializeOwned>(
    v: &Value,
) -> std::result::Result<T, LoadError> {
    serde_json::from_value(v.clone()).map_err(|e| LoadError::Config(e.to_string()))
}

/// The one place that maps a `model_type` to an architecture file.
fn load_architecture(
    model_type: &str,
    config: &Value,
    vb: VarBuilder,
    labels: &[String],
) -> std::result::Result<Loaded, LoadError> {
    match model_type {
        "deberta-v2" => deberta_v2::load(config, vb, labels),
        "xlm-roberta" => xlm_roberta::load(config, vb, labels.len()),
        "modernbert" => modernbert::load(config, vb, labels.len()),
        "bert" => bert::load(config, vb, labels.len()),
        "distilbert" => distilbert::load(config, vb, labels.len()),
        other => Err(LoadError::Unsupported(unsupported(other))),
    }
}

fn unsupported(model_type: &str) -> String {
    format!(
        "model_type '{model_type}' is not supported for nli; supported: {}",
        SUPPORTED_MODEL_TYPES.join(", ")
    )
}

/// One tokenized pair, before padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedPair {
    pub ids: Vec<u32>,
    pub type_ids: Vec<u32>,
}

/// The files an NLI model is read from: config.json, the safetensors weights, tokenizer.json.
fn model_files(cfg: &ModelConfig, files: &LocalModel) -> Result<(PathBuf, Vec<PathBuf>, PathBuf)> {
    let named = files.named(cfg);
    let config_path = named
        .iter()
        .find(|(n, _)| *n == "config.json")
        .or_else(|| named.iter().find(|(n, _)| n.ends_with("config.json")))
        .map(|(_, p)| (*p).clone())
        .ok_or_else(|| BriefError::BadConfig {
            origin: cfg.name.clone(),
            message: "weights.files must include the model's config.json".into(),
        })?;
    let weights: Vec<PathBuf> = named
        .iter()
        .filter(|(n, _)| n.ends_with(".safetensors"))
        .map(|(_, p)| (*p).clone())
        .collect();
    if weights.is_empty() {
        return Err(BriefError::BadConfig {
            origin: cfg.name.clone(),
            message: "an nli model needs its weights as *.safetensors in weights.files \
                      (brief does not read pytorch_model.bin)"
                .into(),
        });
    }
    let tokenizer_path = files
        .tokenizer_file
        .as_ref()
        .ok_or_else(|| BriefError::BadConfig {
            origin: cfg.name.clone(),
            message: "an nli model needs [tokenizer] file = { name = \"tokenizer.json\", ... }"
                .into(),
        })?;
    Ok((config_path, weights, tokenizer_path.clone()))
}

/// The tokenizer set up for premise / hypothesis pairs: no padding (brief pads per batch),
/// the premise truncated to fit `max_length`; with the pad token and its type id.
/// `bad_config` words a problem with the model's config.json.
fn pair_tokenizer(
    path: &Path,
    config: &Value,
    max_length: usize,
    bad_config: &dyn Fn(String) -> BriefError,
) -> Result<(Tokenizer, u32, u32)> {
    let mut tokenizer = Tokenizer::from_file(path)
        .map_err(|e| BriefError::Tokenizer(format!("{}: {e}", path.display())))?;
    let padding = tokenizer.get_padding().cloned();
    let pad_id = match (&padding, config.get("pad_token_id").and_then(Value::as_u64)) {
        (Some(p), _) => p.pad_id,
        (None, Some(id)) => {
            u32::try_from(id).map_err(|_| bad_config("pad_token_id too large".into()))?
        }
        (None, None) => {
            return Err(bad_config(
                "no pad token: neither tokenizer.json's padding nor pad_token_id names one".into(),
            ))
        }
    };
    let pad_type_id = padding.as_ref().map_or(0, |p| p.pad_type_id);
    tokenizer.with_padding(None);
    tokenizer
        .with_truncation(Some(TruncationParams {
            direction: TruncationDirection::Right,
            max_length,
            strategy: TruncationStrategy::OnlyFirst,
            stride: 0,
        }))
        .map_err(|e| BriefError::Tokenizer(e.to_string()))?;
    Ok((tokenizer, pad_id, pad_type_id))
}

/// An NLI cross-encoder ready to classify pairs.
pub struct NliModel {
    name: String,
    labels: Vec<String>,
    model: Box<dyn SequenceClassifier>,
    tokenizer: Tokenizer,
    max_length: usize,
    pad_id: u32,
    pad_type_id: u32,
    uses_token_types: bool,
    device: Device,
}

impl NliModel {
    /// Loads the model from its fetched files (`files.files` in the order of `weights.files`).
    pub fn load(cfg: &ModelConfig, files: &LocalModel, device: &Device) -> Result<Self> {
        let (config_path, weights, tokenizer_path) = model_files(cfg, files)?;

        let bad_config = |reason: String| BriefError::BadModelFile {
            path: config_path.clone(),
            reason,
        };
        // A readable config.json describing a model brief cannot use: the config is the
        // thing to change, not the download.
        let unusable = |message: String| BriefError::BadConfig {
            origin: cfg
                .origin
                .as_ref()
                .map_or_else(|| cfg.name.clone(), |p| p.display().to_string()),
            message: format!("the model's config.json: {message}"),
        };
        let text =
            std::fs::read_to_string(&config_path).map_err(|e| BriefError::io(&config_path, e))?;
        let config: Value =
            serde_json::from_str(&text).map_err(|e| bad_config(format!("not valid JSON: {e}")))?;
        let model_type = config
            .get("model_type")
            .and_then(Value::as_str)
            .ok_or_else(|| bad_config("no \"model_type\"".into()))?;
        if !SUPPORTED_MODEL_TYPES.contains(&model_type) {
            return Err(unusable(unsupported(model_type)));
        }
        let labels = parse_labels(&config).map_err(unusable)?;

        // SAFETY: the files are memory-mapped read-only; brief's cache never rewrites a
        // checked file in place (a pull writes a new file and renames it).
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&weights, DType::F32, device) }
            .map_err(|e| BriefError::BadModelFile {
                path: weights[0].clone(),
                reason: crate::config::one_line(&e.to_string()),
            })?;
        let loaded = load_architecture(model_type, &config, vb, &labels).map_err(|e| match e {
            LoadError::Config(m) => bad_config(crate::config::one_line(&m)),
            LoadError::Unsupported(m) => unusable(m),
            LoadError::Weights(e) => BriefError::BadModelFile {
                path: weights_display(&weights),
                reason: crate::config::one_line(&e.to_string()),
            },
        })?;

        let max_length = cfg.nli_settings().max_length.min(loaded.max_tokens);
        let (tokenizer, pad_id, pad_type_id) =
            pair_tokenizer(&tokenizer_path, &config, max_length, &bad_config)?;

        Ok(Self {
            name: cfg.name.clone(),
            labels,
            model: loaded.model,
            tokenizer,
            max_length,
            pad_id,
            pad_type_id,
            uses_token_types: loaded.uses_token_types,
            device: device.clone(),
        })
    }

    /// Most tokens per pair (the config's `nli.max_length`, capped by the model).
    pub fn max_length(&self) -> usize {
        self.max_length
    }

    /// Tokenizes pairs with the tokenizer's own post-processor (special tokens, type ids),
    /// cutting only the premise to `max_length`.
    pub fn encode(&self, pairs: &[(String, String)]) -> Result<Vec<EncodedPair>> {
        pairs
            .iter()
            .map(|(premise, hypothesis)| {
                let enc = self
                    .tokenizer
                    .encode((premise.as_str(), hypothesis.as_str()), true)
                    .map_err(|e| {
                        if e.to_string().contains("too short") {
                            BriefError::Usage(format!(
                                "nli: the hypothesis \"{hypothesis}\" leaves no room for the \
                                 premise within {} tokens; shorten it or raise nli.max_length",
                                self.max_length
                            ))
                        } else {
                            BriefError::Tokenizer(crate::config::one_line(&e.to_string()))
                        }
                    })?;
                Ok(EncodedPair {
                    ids: enc.get_ids().to_vec(),
                    type_ids: enc.get_type_ids().to_vec(),
                })
            })
            .collect()
    }

    /// Right-pads the pairs into `(batch, seq)` tensors: ids, token types, attention mask.
    fn batch(&self, encoded: &[EncodedPair]) -> Result<(Tensor, Tensor, Tensor)> {
        let width = encoded.iter().map(|e| e.ids.len()).max().unwrap_or(0);
        let n = encoded.len();
        let (mut ids, mut types, mut mask) = (
            Vec::with_capacity(n * width),
            Vec::with_capacity(n * width),
            Vec::with_capacity(n * width),
        );
        for e in encoded {
            let pad = width - e.ids.len();
            ids.extend_from_slice(&e.ids);
            ids.extend(std::iter::repeat_n(self.pad_id, pad));
            if self.uses_token_types {
                types.extend_from_slice(&e.type_ids);
                types.extend(std::iter::repeat_n(self.pad_type_id, pad));
            } else {
                types.extend(std::iter::repeat_n(0u32, width));
            }
            mask.extend(std::iter::repeat_n(1u32, e.ids.len()));
            mask.extend(std::iter::repeat_n(0u32, pad));
        }
        let t = |v: Vec<u32>| Tensor::from_vec(v, (n, width), &self.device);
        Ok((t(ids)?, t(types)?, t(mask)?))
    }
}

impl PairClassifier for NliModel {
    fn name(&self) -> &str {
        &self.name
    }

    fn labels(&self) -> &[String] {
        &self.labels
    }

    fn logits(&mut self, pairs: &[(String, String)]) -> Result<Vec<Vec<f32>>> {
        if pairs.is_empty() {
            return Ok(Vec::new());
        }
        let encoded = self.encode(pairs)?;
        let (ids, types, mask) = self.batch(&encoded)?;
        let logits = self.model.forward(&ids, &types, &mask)?;
        let rows: Vec<Vec<f32>> = logits.to_dtype(DType::F32)?.to_vec2()?;
        if rows.len() != pairs.len() || rows.iter().any(|r| r.len() != self.labels.len()) {
            return Err(BriefError::Usage(format!(
                "{}: the model returned {:?} logits for {} pairs and {} labels",
                self.name,
                logits.dims(),
                pairs.len(),
                self.labels.len()
            )));
        }
        Ok(rows)
    }
}

/// The label names in id order from `id2label` (keys "0", "1", …, all present once).
fn parse_labels(config: &Value) -> std::result::Result<Vec<String>, String> {
    let map = config
        .get("id2label")
        .and_then(Value::as_object)
        .ok_or("no \"id2label\"; brief needs the label names to find the entailment label")?;
    if map.len() < 2 {
        return Err(format!(
            "id2label has {} label(s); an nli classifier needs at least 2",
            map.len()
        ));
    }
    let mut labels: Vec<Option<String>> = vec![None; map.len()];
    for (k, v) in map {
        let i: usize = k.parse().ok().filter(|i| *i < map.len()).ok_or_else(|| {
            format!(
                "id2label key \"{k}\" is not a label id 0..{}",
                map.len() - 1
            )
        })?;
        let name = v
            .as_str()
            .ok_or_else(|| format!("id2label[\"{k}\"] is not a string"))?;
        if labels[i].replace(name.to_string()).is_some() {
            return Err(format!("id2label names label {i} twice"));
        }
    }
    let labels: Vec<String> = labels.into_iter().flatten().collect();
    // A label2id naming the same labels must agree on their ids; one with other names (the
    // LABEL_0 defaults some exports keep) is ignored, as transformers ignores it.
    if let Some(l2i) = config.get("label2id").and_then(Value::as_object) {
        let same_names = l2i.len() == labels.len() && labels.iter().all(|l| l2i.contains_key(l));
        if same_names {
            for (i, l) in labels.iter().enumerate() {
                if l2i.get(l).and_then(Value::as_u64) != Some(i as u64) {
                    return Err(format!(
                        "id2label and label2id disagree on the id of \"{l}\""
                    ));
                }
            }
        }
    }
    Ok(labels)
}

fn weights_display(weights: &[PathBuf]) -> PathBuf {
    match weights {
        [one] => one.clone(),
        _ => weights
            .first()
            .and_then(|p| p.parent())
            .map(Path::to_path_buf)
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nli_labels_follow_id2label() {
        let c = json!({"id2label": {"1": "neutral", "0": "entailment", "2": "contradiction"}});
        assert_eq!(
            parse_labels(&c).unwrap(),
            vec!["entailment", "neutral", "contradiction"]
        );
    }

    #[test]
    fn nli_bad_id2label_is_a_clear_error() {
        let e = parse_labels(&json!({})).unwrap_err();
        assert!(e.contains("id2label"), "{e}");
        let e = parse_labels(&json!({"id2label": {"0": "a", "2": "b"}})).unwrap_err();
        assert!(e.contains("\"2\""), "{e}");
        let e = parse_labels(&json!({"id2label": {"0": "a"}})).unwrap_err();
        assert!(e.contains("at least 2"), "{e}");
        let e = parse_labels(
            &json!({"id2label": {"0": "entailment", "1": "not_entailment"},
            "label2id": {"entailment": 1, "not_entailment": 0}}),
        )
        .unwrap_err();
        assert!(e.contains("disagree"), "{e}");
        // Default LABEL_n names in label2id are ignored.
        parse_labels(
            &json!({"id2label": {"0": "entailment", "1": "not_entailment"},
            "label2id": {"LABEL_0": 0, "LABEL_1": 1}}),
        )
        .unwrap();
    }

    #[test]
    fn nli_unknown_model_type_lists_supported() {
        let e = unsupported("gpt2");
        assert!(e.contains("gpt2") && e.contains("deberta-v2") && e.contains("distilbert"));
    }
}

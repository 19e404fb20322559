//! Loading an `encoder-classifier` config: the backbone from its fetched files (config.json,
//! *.safetensors, tokenizer.json), the trained parts from the file next to the config.

use super::bert::Bert;
use super::{EncoderStanceModel, SentenceEncoder, Trained};
use crate::config::ModelConfig;
use crate::error::{BriefError, Result};
use crate::fetch::LocalModel;
use candle_core::{DType, Device};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::Config;
use std::path::{Path, PathBuf};

/// A backbone ready to run or to train on.
pub struct Backbone {
    pub bert: Bert,
    pub encoder: SentenceEncoder,
}

/// A path from the config, relative to the config file's folder.
pub fn beside_config(cfg: &ModelConfig, p: &Path) -> PathBuf {
    match cfg.origin.as_ref().and_then(|o| o.parent()) {
        Some(dir) if p.is_relative() => dir.join(p),
        _ => p.to_path_buf(),
    }
}

/// Fails when a trained head on disk is not the one its config was written with.
pub fn check_head(head: &Path, want: Option<&str>) -> Result<()> {
    let Some(want) = want else {
        return Ok(());
    };
    let got = crate::fetch::sha256_file(head)?;
    if got.eq_ignore_ascii_case(want) {
        return Ok(());
    }
    Err(BriefError::ChecksumMismatch {
        file: head.display().to_string(),
        expected: want.to_string(),
        actual: got,
        remedy: "the trained head is not the one its brief.toml was written with; \
                 train again, or restore the file"
            .into(),
    })
}

/// Reads a BERT or MPNet config.json into candle's BERT config. MPNet has no segment
/// embeddings, so it names no `type_vocab_size`; one is assumed (the encoder never reads it).
fn encoder_config(text: &str) -> serde_json::Result<Config> {
    let mut json: serde_json::Value = serde_json::from_str(text)?;
    if let Some(o) = json.as_object_mut() {
        o.entry("type_vocab_size").or_insert(1.into());
    }
    serde_json::from_value(json)
}

/// Loads the backbone named by `cfg` from its fetched files.
pub fn load_backbone(cfg: &ModelConfig, files: &LocalModel, device: &Device) -> Result<Backbone> {
    let named = files.named(cfg);
    let find = |pred: &dyn Fn(&str) -> bool| -> Vec<PathBuf> {
        named
            .iter()
            .filter(|(n, _)| pred(n))
            .map(|(_, p)| (*p).clone())
            .collect()
    };
    let bad = |message: &str| BriefError::BadConfig {
        origin: cfg.name.clone(),
        message: message.into(),
    };
    let config_path = find(&|n| n.ends_with("config.json"))
        .into_iter()
        .next()
        .ok_or_else(|| bad("weights.files must include the backbone's config.json"))?;
    let weights = find(&|n| n.ends_with(".safetensors"));
    if weights.is_empty() {
        return Err(bad(
            "weights.files must include the backbone's *.safetensors",
        ));
    }
    let tokenizer = files
        .tokenizer_file
        .as_ref()
        .ok_or_else(|| bad("an encoder-classifier needs [tokenizer] file"))?;
    let text =
        std::fs::read_to_string(&config_path).map_err(|e| BriefError::io(&config_path, e))?;
    let config = encoder_config(&text).map_err(|e| BriefError::BadModelFile {
        path: config_path.clone(),
        reason: format!("not a BERT or MPNet config.json: {e}"),
    })?;
    // SAFETY: read-only mapping of files brief's cache never rewrites in place.
    let vb = unsafe { VarBuilder::from_mmaped_safetensors(&weights, DType::F32, device) }.map_err(
        |e| BriefError::BadModelFile {
            path: weights[0].clone(),
            reason: crate::config::one_line(&e.to_string()),
        },
    )?;
    let bert = Bert::load(config, vb).map_err(|e| BriefError::BadModelFile {
        path: weights[0].clone(),
        reason: crate::config::one_line(&e.to_string()),
    })?;
    let enc = cfg.encoder_settings();
    let max_length = enc.max_length.min(bert.config.max_position_embeddings);
    Ok(Backbone {
        bert,
        encoder: SentenceEncoder::load(tokenizer, max_length)?,
    })
}

/// Loads a trained classifier: backbone plus the head file its config names.
pub fn load_classifier(
    cfg: &ModelConfig,
    files: &LocalModel,
    device: &Device,
) -> Result<EncoderStanceModel> {
    let enc = cfg.encoder_settings();
    let head = enc.head.as_ref().ok_or_else(|| {
        BriefError::Usage(format!(
            "'{}' is an untrained backbone (no [encoder] head); train a classifier on it with \
             `brief train stance --backbone {}` and pass the brief.toml that writes",
            cfg.name, cfg.name
        ))
    })?;
    let head = beside_config(cfg, head);
    check_head(&head, enc.head_sha256.as_deref())?;
    let backbone = load_backbone(cfg, files, device)?;
    if enc.trained_layers > backbone.bert.layers.len() {
        return Err(BriefError::BadConfig {
            origin: cfg.name.clone(),
            message: format!(
                "encoder.trained_layers is {} but the backbone has {} layers",
                enc.trained_layers,
                backbone.bert.layers.len()
            ),
        });
    }
    let load_err = |e: candle_core::Error| BriefError::BadModelFile {
        path: head.clone(),
        reason: crate::config::one_line(&e.to_string()),
    };
    // SAFETY: as above; the head file is only read.
    let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[&head], DType::F32, device) }
        .map_err(load_err)?;
    let trained = Trained::load(
        &backbone.bert,
        enc.trained_layers,
        enc.hidden,
        enc.lora_rank,
        vb,
    )
    .map_err(load_err)?;
    Ok(EncoderStanceModel {
        backbone: backbone.bert,
        trained,
        encoder: backbone.encoder,
        device: device.clone(),
    })
}

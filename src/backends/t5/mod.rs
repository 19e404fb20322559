//! T5 / Flan-T5 behind the `Generator` trait: the conversation's text (the config's prompt,
//! e.g. "summarize: {{ text }}") is the encoder input and the reply is decoded — greedy,
//! sampled or by beam search through the shared decoding loop. Weights from safetensors or a
//! GGUF with Hugging Face tensor names; `config.json` and `tokenizer.json` beside them.

mod config;
mod model;
mod weights;

pub use config::T5Config;
pub use model::{DecoderState, T5Model};
pub use weights::Weights;

use super::Generator;
use crate::config::{GenerationConfig, ModelConfig};
use crate::error::{BriefError, Result};
use crate::fetch::LocalModel;
use crate::runtime::chat::ChatMessage;
use crate::runtime::generate::{CausalLm, Generation, Session};
use candle_core::{Device, Tensor};
use std::path::{Path, PathBuf};
use tokenizers::Tokenizer;

/// The decoder side as a `CausalLm`, so the shared loop (and beam search) drive it.
pub struct T5Decoding {
    model: T5Model,
    state: Option<DecoderState>,
    /// The state before a beam search started, restored when it ends.
    beam_start: Option<DecoderState>,
}

fn encoded(state: &mut Option<DecoderState>) -> Result<&mut DecoderState> {
    state
        .as_mut()
        .ok_or_else(|| BriefError::Usage("t5: decoding before encoding an input".into()))
}

impl CausalLm for T5Decoding {
    fn forward(&mut self, tokens: &[u32], _pos: usize) -> Result<Tensor> {
        let ids = Tensor::new(tokens, self.model.device())?.unsqueeze(0)?;
        let model = &self.model;
        let st = encoded(&mut self.state)?;
        Ok(model.decode(st, &ids, true)?.squeeze(0)?)
    }

    fn truncate_cache(&mut self, len: usize) -> bool {
        match encoded(&mut self.state) {
            Ok(st) => st.truncate(len).is_ok(),
            Err(_) => true,
        }
    }

    fn clear_cache(&mut self) {
        self.beam_start = None;
        if let Some(st) = self.state.as_mut() {
            // Truncating to zero cannot fail.
            let _ = st.truncate(0);
        }
    }

    /// All beams run as one batch; the self-attention cache rows follow their parents and
    /// the encoder's keys and values broadcast over the beams.
    fn beam_step(
        &mut self,
        parents: &[usize],
        tokens: &[u32],
        _pos: usize,
    ) -> Result<Option<Tensor>> {
        let ids = Tensor::new(tokens, self.model.device())?.unsqueeze(1)?;
        let model = &self.model;
        let st = encoded(&mut self.state)?;
        if self.beam_start.is_none() {
            self.beam_start = Some(st.clone());
        }
        st.select(parents)?;
        Ok(Some(model.decode(st, &ids, true)?))
    }

    fn end_beams(&mut self) -> bool {
        if let Some(s) = self.beam_start.take() {
            self.state = Some(s);
        }
        true
    }
}

/// A loaded T5 answering prompts.
pub struct T5Generator {
    name: String,
    tokenizer: Tokenizer,
    session: Session<T5Decoding>,
    /// Encoder input of the current state (re-encoded only when it changes).
    encoded: Vec<u32>,
    eos: Vec<u32>,
    start: u32,
    context_length: usize,
}

fn find(files: &[PathBuf], pred: impl Fn(&str) -> bool) -> Vec<&PathBuf> {
    files
        .iter()
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&pred))
        .collect()
}

/// Reads a Hugging Face `config.json` into `T`.
pub fn read_hf_config<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| BriefError::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| BriefError::BadModelFile {
        path: path.to_path_buf(),
        reason: format!("config.json: {e}"),
    })
}

/// Loads `tokenizer.json`.
pub fn read_tokenizer(path: Option<&PathBuf>, model: &str) -> Result<Tokenizer> {
    let path =
        path.ok_or_else(|| BriefError::Usage(format!("model '{model}' names no tokenizer file")))?;
    Tokenizer::from_file(path).map_err(|e| BriefError::BadModelFile {
        path: path.clone(),
        reason: format!("tokenizer.json: {e}"),
    })
}

impl T5Generator {
    /// Loads config, tokenizer and weights (`*.safetensors`, or a `*.gguf`) from `files`.
    pub fn load(cfg: &ModelConfig, files: &LocalModel, device: &Device) -> Result<Self> {
        let config_path = *find(&files.files, |n| n.ends_with("config.json"))
            .first()
            .ok_or_else(|| BriefError::Usage(format!("model '{}' has no config.json", cfg.name)))?;
        let t5cfg: T5Config = read_hf_config(config_path)?;
        let tokenizer = read_tokenizer(files.tokenizer_file.as_ref(), &cfg.name)?;
        let safetensors: Vec<PathBuf> = find(&files.files, |n| n.ends_with(".safetensors"))
            .into_iter()
            .cloned()
            .collect();
        let gguf = find(&files.files, |n| n.ends_with(".gguf"));
        let weights = match (safetensors.is_empty(), gguf.first()) {
            (false, _) => Weights::safetensors(&safetensors, device)?,
            (true, Some(g)) => Weights::gguf(g, device)?,
            (true, None) => {
                return Err(BriefError::Usage(format!(
                    "model '{}' lists no .safetensors or .gguf weights",
                    cfg.name
                )))
            }
        };
        let model = T5Model::load(&t5cfg, &weights, device).map_err(|e| match e {
            BriefError::Model(m) => BriefError::BadModelFile {
                path: safetensors
                    .first()
                    .cloned()
                    .or_else(|| gguf.first().map(|p| p.to_path_buf()))
                    .unwrap_or_default(),
                reason: m.to_string(),
            },
            other => other,
        })?;
        Ok(Self {
            name: cfg.name.clone(),
            tokenizer,
            eos: t5cfg.eos_ids(),
            start: t5cfg.decoder_start(),
            context_length: cfg.context_length.or(t5cfg.n_positions).unwrap_or(512),
            session: Session::new(T5Decoding {
                model,
                state: None,
                beam_start: None,
            }),
            encoded: Vec::new(),
        })
    }

    /// The network, for tests that compare logits with transformers.
    pub fn model(&self) -> &T5Model {
        &self.session.model.model
    }

    /// Token ids of `text` as the encoder sees it (with the closing `</s>`).
    pub fn encode(&self, text: &str) -> Result<Vec<u32>> {
        Ok(self
            .tokenizer
            .encode(text, true)
            .map_err(|e| BriefError::Tokenizer(e.to_string()))?
            .get_ids()
            .to_vec())
    }

    fn set_input(&mut self, ids: &[u32]) -> Result<()> {
        if self.encoded == ids && self.session.model.state.is_some() {
            return Ok(());
        }
        let dec = &mut self.session.model;
        let t = Tensor::new(ids, dec.model.device())?.unsqueeze(0)?;
        let enc = dec.model.encode(&t, None)?;
        dec.state = Some(dec.model.start(&enc, None)?);
        self.session.forget();
        self.encoded = ids.to_vec();
        Ok(())
    }

    /// Generates from encoder ids: the new ids (ending with `</s>` when the model ended) and,
    /// for beam search, the best beam's score. What the parity tests compare with
    /// transformers' `generate()`.
    pub fn generate_ids(
        &mut self,
        input_ids: &[u32],
        settings: &GenerationConfig,
    ) -> Result<(Vec<u32>, Option<f32>)> {
        self.set_input(input_ids)?;
        let prompt = [self.start];
        if settings.num_beams > 1 {
            let (_, best) =
                self.session
                    .beam_search(&self.tokenizer, &prompt, settings, &self.eos)?;
            return Ok((best.tokens, Some(best.score)));
        }
        let g = self.session.generate(
            &self.tokenizer,
            &prompt,
            settings,
            &self.eos,
            usize::MAX,
            &mut |_| {},
        )?;
        let mut ids = g.ids;
        if g.stopped_by == crate::runtime::generate::StopReason::EndOfTurn {
            ids.push(self.eos[0]);
        }
        Ok((ids, None))
    }
    fn flatten(messages: &[ChatMessage]) -> String {
        messages
            .iter()
            .map(|m| m.content.trim())
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Generator for T5Generator {
    fn name(&self) -> &str {
        &self.name
    }

    fn count_chat_tokens(&self, messages: &[ChatMessage]) -> Result<usize> {
        Ok(self.encode(&Self::flatten(messages))?.len())
    }

    fn count_tokens(&self, text: &str) -> Result<usize> {
        crate::runtime::tokenizer::count_plain(&self.tokenizer, text)
    }

    fn context_length(&self) -> usize {
        self.context_length
    }

    fn output_shares_context(&self) -> bool {
        false
    }

    fn continuation_logprobs(
        &mut self,
        messages: &[ChatMessage],
        candidates: &[String],
    ) -> Result<(Vec<f32>, usize)> {
        let ids = self.encode(&Self::flatten(messages))?;
        let fresh = self.encoded != ids;
        self.set_input(&ids)?;
        let cands = crate::runtime::tokenizer::encode_plain_all(&self.tokenizer, candidates)?;
        let (lp, _) = self.session.score(&[self.start], &cands)?;
        Ok((lp, if fresh { ids.len() } else { 0 }))
    }

    fn set_prefix_reuse(&mut self, on: bool) {
        self.session.reuse_prefix = on;
    }

    fn chat(
        &mut self,
        messages: &[ChatMessage],
        settings: &GenerationConfig,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Generation> {
        let ids = self.encode(&Self::flatten(messages))?;
        let t0 = std::time::Instant::now();
        self.set_input(&ids)?;
        let encoding = t0.elapsed();
        let prompt = [self.start];
        let mut g = if settings.num_beams > 1 {
            let (g, _) = self
                .session
                .beam_search(&self.tokenizer, &prompt, settings, &self.eos)?;
            on_text(&g.text);
            g
        } else {
            self.session.generate(
                &self.tokenizer,
                &prompt,
                settings,
                &self.eos,
                usize::MAX,
                on_text,
            )?
        };
        // The encoder pass is this model's prefill.
        g.tokens_in = ids.len();
        g.tokens_prefilled = ids.len();
        g.prefill += encoding;
        Ok(g)
    }
}

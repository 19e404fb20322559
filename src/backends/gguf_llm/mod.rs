//! Decoder-only chat models in GGUF files: weights, tokenizer and chat template all come from
//! the one file (unless the config overrides the tokenizer or template).

mod decoder;
mod header;
mod weights;
pub mod wrapped;

pub use decoder::{Decoder, FAMILIES};

use super::Generator;
use crate::config::{GenerationConfig, ModelConfig};
use crate::error::{BriefError, Result};
use crate::fetch::LocalModel;
use crate::runtime::chat::{ChatMessage, ChatTemplate, CHATML};
use crate::runtime::generate::{CausalLm, Generation, Session};
use crate::runtime::tokenizer::{self, SpecialTokens};
use candle_core::quantized::gguf_file;
use candle_core::{Device, Tensor};
use std::path::Path;
use tokenizers::Tokenizer;

/// A loaded GGUF chat model with its KV-cache session.
pub struct GgufLlm {
    name: String,
    tokenizer: Tokenizer,
    template: ChatTemplate,
    special: SpecialTokens,
    stop_ids: Vec<u32>,
    context_length: usize,
    session: Session<Box<dyn CausalLm>>,
}

impl CausalLm for Box<dyn CausalLm> {
    fn forward(&mut self, tokens: &[u32], pos: usize) -> Result<Tensor> {
        (**self).forward(tokens, pos)
    }
    fn truncate_cache(&mut self, len: usize) -> bool {
        (**self).truncate_cache(len)
    }
    fn clear_cache(&mut self) {
        (**self).clear_cache()
    }
    fn beam_step(
        &mut self,
        parents: &[usize],
        tokens: &[u32],
        pos: usize,
    ) -> Result<Option<Tensor>> {
        (**self).beam_step(parents, tokens, pos)
    }
    fn end_beams(&mut self) -> bool {
        (**self).end_beams()
    }
    fn last_states(
        &mut self,
        tokens: &[u32],
        pos: usize,
        depths: &[usize],
    ) -> Result<Option<Vec<Tensor>>> {
        (**self).last_states(tokens, pos, depths)
    }
}

/// Opens a GGUF and checks that every tensor lies inside the file (a truncated download is
/// reported as such, not as a read error deep in loading).
pub fn open_gguf(path: &Path) -> Result<(gguf_file::Content, std::fs::File)> {
    let corrupt = |reason: String| BriefError::CorruptModel {
        path: path.to_path_buf(),
        reason,
    };
    let mut f = std::fs::File::open(path).map_err(|e| BriefError::io(path, e))?;
    let len = f.metadata().map_err(|e| BriefError::io(path, e))?.len();
    header::check(&f, len).map_err(corrupt)?;
    use std::io::Seek;
    f.rewind().map_err(|e| BriefError::io(path, e))?;
    let ct = gguf_file::Content::read(&mut f).map_err(|e| corrupt(candle_message(&e)))?;
    for (name, info) in &ct.tensor_infos {
        let bytes =
            info.shape.elem_count() / info.ggml_dtype.block_size() * info.ggml_dtype.type_size();
        let end = ct.tensor_data_offset + info.offset + bytes as u64;
        if end > len {
            return Err(corrupt(format!(
                "truncated: tensor {name} ends at byte {end}, the file has {len}"
            )));
        }
    }
    Ok((ct, f))
}

/// A candle error's message without the backtrace candle attaches when RUST_BACKTRACE is
/// set: errors stay one line.
pub fn candle_message(e: &candle_core::Error) -> String {
    match e {
        candle_core::Error::WithBacktrace { inner, .. } => candle_message(inner),
        other => other.to_string(),
    }
}

/// The model family (the config's, else the GGUF's), its context length (the config's, else
/// the GGUF's, else 4096) and its chat template (the config's, else the GGUF's, else ChatML).
fn gguf_settings(cfg: &ModelConfig, ct: &gguf_file::Content) -> (String, usize, String) {
    let text = |key: &str| {
        ct.metadata
            .get(key)
            .and_then(|v| v.to_string().ok().cloned())
    };
    let family = cfg
        .family
        .clone()
        .unwrap_or_else(|| text("general.architecture").unwrap_or_default());
    let gguf_ctx = ct
        .metadata
        .get(&format!("{family}.context_length"))
        .and_then(|v| v.to_u32().ok())
        .map_or(4096, |v| v as usize);
    let template =
        cfg.chat_template.template.clone().unwrap_or_else(|| {
            text("tokenizer.chat_template").unwrap_or_else(|| CHATML.to_string())
        });
    (family, cfg.context_length.unwrap_or(gguf_ctx), template)
}

/// Whether brief's own decoder runs `family` (else candle's wrapped reader does); an error
/// for a family neither supports.
fn native_family(cfg: &ModelConfig, family: &str) -> Result<bool> {
    let native = FAMILIES.contains(&family);
    if !native && !wrapped::FAMILIES.contains(&family) {
        return Err(BriefError::BadConfig {
            origin: cfg.name.clone(),
            message: format!(
                "GGUF family '{family}' is not supported; supported: {}, {}",
                FAMILIES.join(", "),
                wrapped::FAMILIES.join(", ")
            ),
        });
    }
    Ok(native)
}

/// The end-of-sequence token and every configured stop string that is one token.
fn stop_ids(
    cfg: &ModelConfig,
    tokenizer: &Tokenizer,
    special: &tokenizer::SpecialTokens,
) -> Vec<u32> {
    let mut ids: Vec<u32> = special.eos.into_iter().collect();
    ids.extend(
        cfg.generation
            .stop
            .iter()
            .filter_map(|s| tokenizer.token_to_id(s)),
    );
    ids
}

impl GgufLlm {
    /// Loads weights, tokenizer and template; never touches the network.
    pub fn load(cfg: &ModelConfig, files: &LocalModel, device: &Device) -> Result<Self> {
        let path = files
            .files
            .first()
            .ok_or_else(|| BriefError::Usage(format!("model '{}' has no weight file", cfg.name)))?;
        let (ct, mut file) = open_gguf(path)?;
        let special = tokenizer::special_tokens(&ct.metadata);
        let (family, context_length, template_src) = gguf_settings(cfg, &ct);
        let corrupt = |e: candle_core::Error| BriefError::CorruptModel {
            path: path.clone(),
            reason: candle_message(&e),
        };
        let requantize = cfg.runtime.requantize_slow_types;

        let native = native_family(cfg, &family)?;
        // The tokenizer (a 150k-entry vocabulary and merges) is built on a second thread while
        // the weights load: together they are most of the start-up time.
        let (tokenizer, native_model) = std::thread::scope(|scope| {
            let tok = scope.spawn(|| match &files.tokenizer_file {
                Some(p) => Tokenizer::from_file(p)
                    .map_err(|e| BriefError::Tokenizer(format!("{}: {e}", p.display()))),
                None => tokenizer::tokenizer_from_gguf(&ct.metadata),
            });
            let model = native.then(|| Decoder::from_gguf(&ct, &mut file, device, requantize));
            let tok = tok
                .join()
                .unwrap_or_else(|_| Err(BriefError::Tokenizer("tokenizer thread panicked".into())));
            (tok, model)
        });
        let tokenizer = tokenizer?;
        let model: Box<dyn CausalLm> = match native_model {
            Some(m) => Box::new(m.map_err(corrupt)?),
            // candle's own gemma3 / phi3 readers take the GGUF by value, so they load after.
            None => {
                Box::new(wrapped::Wrapped::load(&family, ct, &mut file, device).map_err(corrupt)?)
            }
        };
        let token_str = |id: Option<u32>| {
            id.and_then(|i| tokenizer.id_to_token(i))
                .unwrap_or_default()
        };
        let template = ChatTemplate::new(
            &template_src,
            &token_str(special.bos),
            &token_str(special.eos),
        )?;

        let stop_ids = stop_ids(cfg, &tokenizer, &special);
        Ok(Self {
            name: cfg.name.clone(),
            tokenizer,
            template,
            special,
            stop_ids,
            context_length,
            session: Session::new(model),
        })
    }

    /// Beam search over the conversation: the best beam's tokens (with the end-of-turn token
    /// when it ended so) and its score. Lets tests re-score a beam against the cache.
    pub fn beam_search_ids(
        &mut self,
        messages: &[ChatMessage],
        settings: &GenerationConfig,
    ) -> Result<(Vec<u32>, f32)> {
        let prompt = self.encode_chat(messages)?;
        let (_, best) =
            self.session
                .beam_search(&self.tokenizer, &prompt, settings, &self.stop_ids)?;
        Ok((best.tokens, best.score))
    }

    /// Log-probability of each token sequence as the reply to the conversation.
    pub fn score_ids(
        &mut self,
        messages: &[ChatMessage],
        replies: &[Vec<u32>],
    ) -> Result<Vec<f32>> {
        let prompt = self.encode_chat(messages)?;
        Ok(self.session.score(&prompt, replies)?.0)
    }

    /// Token ids of a rendered conversation, BOS added once when the model wants it.
    pub fn encode_chat(&self, messages: &[ChatMessage]) -> Result<Vec<u32>> {
        let text = self.template.render(messages, true)?;
        let mut ids = self
            .tokenizer
            .encode(text.as_str(), false)
            .map_err(|e| BriefError::Tokenizer(e.to_string()))?
            .get_ids()
            .to_vec();
        if let Some(bos) = self.special.bos {
            if self.special.add_bos && ids.first() != Some(&bos) {
                ids.insert(0, bos);
            }
        }
        Ok(ids)
    }

    /// The tokenizer, for callers that score text.
    /// The rendered conversation's tokens, refused when they fill the whole context.
    fn fitting_prompt(&self, messages: &[ChatMessage]) -> Result<Vec<u32>> {
        let prompt = self.encode_chat(messages)?;
        if prompt.len() >= self.context_length {
            return Err(BriefError::Usage(format!(
                "prompt of {} tokens does not fit the context of {} tokens",
                prompt.len(),
                self.context_length
            )));
        }
        Ok(prompt)
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }
}

impl Generator for GgufLlm {
    fn name(&self) -> &str {
        &self.name
    }

    fn count_chat_tokens(&self, messages: &[ChatMessage]) -> Result<usize> {
        Ok(self.encode_chat(messages)?.len())
    }

    fn count_tokens(&self, text: &str) -> Result<usize> {
        crate::runtime::tokenizer::count_plain(&self.tokenizer, text)
    }

    fn context_length(&self) -> usize {
        self.context_length
    }

    fn continuation_logprobs(
        &mut self,
        messages: &[ChatMessage],
        candidates: &[String],
    ) -> Result<(Vec<f32>, usize)> {
        let prompt = self.encode_chat(messages)?;
        let cands = crate::runtime::tokenizer::encode_plain_all(&self.tokenizer, candidates)?;
        if prompt.len() + cands.iter().map(Vec::len).max().unwrap_or(0) >= self.context_length {
            return Err(BriefError::Usage(format!(
                "prompt of {} tokens does not fit the context of {} tokens",
                prompt.len(),
                self.context_length
            )));
        }
        self.session.score(&prompt, &cands)
    }

    fn set_prefix_reuse(&mut self, on: bool) {
        self.session.reuse_prefix = on;
    }

    fn prompt_states(
        &mut self,
        messages: &[ChatMessage],
        depths: &[usize],
    ) -> Result<Option<Vec<f32>>> {
        let prompt = self.fitting_prompt(messages)?;
        self.session.last_states(&prompt, depths)
    }

    fn chat(
        &mut self,
        messages: &[ChatMessage],
        settings: &GenerationConfig,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Generation> {
        let prompt = self.fitting_prompt(messages)?;
        if settings.num_beams > 1 {
            if prompt.len() + settings.max_new_tokens > self.context_length {
                return Err(BriefError::Usage(format!(
                    "prompt of {} tokens plus max_new_tokens {} does not fit the context of {} tokens",
                    prompt.len(),
                    settings.max_new_tokens,
                    self.context_length
                )));
            }
            let (g, _) =
                self.session
                    .beam_search(&self.tokenizer, &prompt, settings, &self.stop_ids)?;
            on_text(&g.text);
            return Ok(g);
        }
        self.session.generate(
            &self.tokenizer,
            &prompt,
            settings,
            &self.stop_ids,
            self.context_length,
            on_text,
        )
    }
}

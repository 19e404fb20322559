//! The one decoding loop every generating backend shares: prefix-cached prefill, greedy or
//! seeded sampling, repetition penalty, stop on end-of-turn tokens or stop strings, and
//! streamed text.

use crate::config::GenerationConfig;
use crate::error::Result;
use crate::runtime::beam::{ban_tokens, beam_search, BeamOutput};
use candle_core::{DType, Tensor};
use candle_transformers::generation::{LogitsProcessor, Sampling};
use std::time::{Duration, Instant};
use tokenizers::Tokenizer;

/// A causal language model with a KV cache that can be rolled back.
pub trait CausalLm: Send {
    /// Runs `tokens` at positions `pos..pos+len` (the cache holds exactly `pos` positions)
    /// and returns the logits of the last position, shape `(vocab,)`.
    fn forward(&mut self, tokens: &[u32], pos: usize) -> Result<Tensor>;
    /// Keeps the first `len` positions of the KV cache. Returns false when the model cannot
    /// truncate (then the caller clears and re-feeds).
    fn truncate_cache(&mut self, len: usize) -> bool;
    /// Drops the whole KV cache.
    fn clear_cache(&mut self);
    /// Beam search: feeds `tokens[i]` at position `pos` to beam `i`, which continues the cache
    /// of beam `parents[i]` of the previous call (the prompt's cache on the first call), and
    /// returns logits of shape `(beams, vocab)`. `None` when the model cannot keep a cache per
    /// beam.
    fn beam_step(
        &mut self,
        _parents: &[usize],
        _tokens: &[u32],
        _pos: usize,
    ) -> Result<Option<Tensor>> {
        Ok(None)
    }
    /// Like `forward`, but returns the last position's residual stream after each of
    /// `depths` layers (see `Decoder::last_token_states`) instead of logits: what a trained
    /// probe reads. `None` when the model cannot expose them.
    fn last_states(
        &mut self,
        _tokens: &[u32],
        _pos: usize,
        _depths: &[usize],
    ) -> Result<Option<Vec<Tensor>>> {
        Ok(None)
    }
    /// Ends a beam search: the cache holds the prompt again. False when it cannot (the
    /// caller then clears it).
    fn end_beams(&mut self) -> bool {
        false
    }
}

/// Prompt tokens fed per forward pass: bounds the attention matrix for long prompts.
const PREFILL_CHUNK: usize = 512;

/// A model plus the tokens its KV cache currently holds, so a prompt that shares a prefix with
/// the previous one only pays for its new part.
pub struct Session<M: CausalLm> {
    pub model: M,
    cached: Vec<u32>,
    /// When false every prompt is encoded from scratch (for measuring what reuse saves).
    pub reuse_prefix: bool,
}

/// What one generation produced, and what it cost.
#[derive(Debug, Clone)]
pub struct Generation {
    pub text: String,
    /// The generated token ids (without the end-of-turn token).
    pub ids: Vec<u32>,
    pub tokens_in: usize,
    /// Prompt tokens actually computed (the rest came from the prefix cache).
    pub tokens_prefilled: usize,
    pub tokens_out: usize,
    pub prefill: Duration,
    pub decode: Duration,
    pub stopped_by: StopReason,
}

/// Why generation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    EndOfTurn,
    StopString,
    MaxTokens,
    ContextFull,
}

impl<M: CausalLm> Session<M> {
    pub fn new(model: M) -> Self {
        Self {
            model,
            cached: Vec::new(),
            reuse_prefix: true,
        }
    }

    /// Feeds `prompt`, reusing the longest cached prefix; returns the last position's logits.
    pub fn prefill(&mut self, prompt: &[u32]) -> Result<(Tensor, usize)> {
        let keep = self.keep_prefix(prompt);
        let mut logits = None;
        let mut pos = keep;
        for chunk in prompt[keep..].chunks(PREFILL_CHUNK) {
            logits = Some(self.model.forward(chunk, pos)?);
            pos += chunk.len();
            self.cached.extend_from_slice(chunk);
        }
        let logits = logits.ok_or_else(|| candle_core::Error::Msg("empty prompt".into()))?;
        Ok((logits, prompt.len() - keep))
    }

    /// Feeds `prompt` like `prefill`, but returns the last position's states at `depths`
    /// concatenated into one vector (None when the model cannot expose them).
    pub fn last_states(&mut self, prompt: &[u32], depths: &[usize]) -> Result<Option<Vec<f32>>> {
        if prompt.is_empty() {
            return Err(candle_core::Error::Msg("empty prompt".into()).into());
        }
        let keep = self.keep_prefix(prompt);
        let rest = &prompt[keep..];
        let tail = rest.len().saturating_sub(1) / PREFILL_CHUNK * PREFILL_CHUNK;
        let mut pos = keep;
        for chunk in rest[..tail].chunks(PREFILL_CHUNK) {
            self.model.forward(chunk, pos)?;
            pos += chunk.len();
            self.cached.extend_from_slice(chunk);
        }
        let Some(states) = self.model.last_states(&rest[tail..], pos, depths)? else {
            return Ok(None);
        };
        self.cached.extend_from_slice(&rest[tail..]);
        let mut out = Vec::new();
        for s in states {
            out.extend(s.to_dtype(DType::F32)?.to_vec1::<f32>()?);
        }
        Ok(Some(out))
    }

    /// Rolls the cache back to the longest prefix it shares with `prompt` (leaving at least
    /// one token to run) and returns how many positions it kept.
    fn keep_prefix(&mut self, prompt: &[u32]) -> usize {
        let mut keep = if self.reuse_prefix {
            self.cached
                .iter()
                .zip(prompt)
                .take_while(|(a, b)| a == b)
                .count()
        } else {
            0
        };
        // At least one token must run to get logits.
        keep = keep.min(prompt.len().saturating_sub(1));
        if keep < self.cached.len() && !self.model.truncate_cache(keep) {
            self.model.clear_cache();
            keep = 0;
        }
        self.cached.truncate(keep);
        keep
    }

    /// Feeds one more token after the cached ones.
    pub fn step(&mut self, token: u32) -> Result<Tensor> {
        let logits = self.model.forward(&[token], self.cached.len())?;
        self.cached.push(token);
        Ok(logits)
    }

    /// Rolls the cache back to its first `len` positions.
    fn rollback(&mut self, len: usize) {
        if len < self.cached.len() {
            if !self.model.truncate_cache(len) {
                self.model.clear_cache();
                self.cached.clear();
                return;
            }
            self.cached.truncate(len);
        }
    }

    /// Log-probability of each candidate token sequence as the continuation of `prompt`.
    /// The prompt is encoded once (reusing any cached prefix); each candidate's extra tokens
    /// are fed and then rolled back.
    pub fn score(&mut self, prompt: &[u32], candidates: &[Vec<u32>]) -> Result<(Vec<f32>, usize)> {
        let (logits, prefilled) = self.prefill(prompt)?;
        let first = log_softmax(&logits)?;
        let mut out = Vec::with_capacity(candidates.len());
        for cand in candidates {
            let Some((&c0, rest)) = cand.split_first() else {
                out.push(f32::NEG_INFINITY);
                continue;
            };
            let mut lp = first.get(c0 as usize).copied().unwrap_or(f32::NEG_INFINITY);
            let mut prev = c0;
            for &c in rest {
                let l = log_softmax(&self.step(prev)?)?;
                lp += l.get(c as usize).copied().unwrap_or(f32::NEG_INFINITY);
                prev = c;
            }
            self.rollback(prompt.len());
            out.push(lp);
        }
        Ok((out, prefilled))
    }

    /// Forgets the cached tokens (for a model whose context changed under the cache, such as a
    /// new encoder input).
    pub fn forget(&mut self) {
        self.model.clear_cache();
        self.cached.clear();
    }

    /// Beam search continuation of `prompt` (see `runtime::beam`); `eos` ends a beam. The
    /// result's tokens exclude the final end-of-sequence token; the cache holds `prompt`
    /// afterwards.
    pub fn beam_search(
        &mut self,
        tokenizer: &Tokenizer,
        prompt: &[u32],
        cfg: &GenerationConfig,
        eos: &[u32],
    ) -> Result<(Generation, BeamOutput)> {
        let t0 = Instant::now();
        let (logits, prefilled) = self.prefill(prompt)?;
        let prefill = t0.elapsed();
        let t1 = Instant::now();
        let first: Vec<f32> = logits.to_dtype(DType::F32)?.to_vec1()?;
        let mut pos = prompt.len();
        let model = &mut self.model;
        let mut step = |parents: &[usize], tokens: &[u32]| -> Result<Vec<Vec<f32>>> {
            let l = model.beam_step(parents, tokens, pos)?.ok_or_else(|| {
                crate::error::BriefError::Usage(
                    "this model's backend cannot run beam search (its KV cache cannot follow beams); set num_beams = 1".into(),
                )
            })?;
            pos += 1;
            Ok(l.to_dtype(DType::F32)?.to_vec2()?)
        };
        let found = beam_search(first, prompt, eos, cfg, &mut step);
        if !self.model.end_beams() {
            self.forget();
        }
        let found = found?;
        let mut out = found.tokens.clone();
        let stopped_by = match out.last() {
            Some(t) if eos.contains(t) => {
                out.pop();
                StopReason::EndOfTurn
            }
            _ => StopReason::MaxTokens,
        };
        let mut text = decode(tokenizer, &out)?;
        let mut stopped_by = stopped_by;
        let tokens_out = out.len();
        if let Some(cut) = cfg.stop.iter().filter_map(|s| text.find(s.as_str())).min() {
            text.truncate(cut);
            stopped_by = StopReason::StopString;
        } else if stopped_by == StopReason::MaxTokens {
            text = drop_split_char(tokenizer, &mut out, text)?;
        }
        let generation = Generation {
            text,
            ids: out.clone(),
            tokens_in: prompt.len(),
            tokens_prefilled: prefilled,
            tokens_out,
            prefill,
            decode: t1.elapsed(),
            stopped_by,
        };
        Ok((generation, found))
    }

    /// Number of positions in the cache.
    pub fn cached_len(&self) -> usize {
        self.cached.len()
    }

    /// Generates a continuation of `prompt`. `stop_ids` end the turn; `on_text` receives the
    /// text as it is decoded (for streaming to a terminal).
    pub fn generate(
        &mut self,
        tokenizer: &Tokenizer,
        prompt: &[u32],
        cfg: &GenerationConfig,
        stop_ids: &[u32],
        context_length: usize,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Generation> {
        let t0 = Instant::now();
        let (mut logits, prefilled) = self.prefill(prompt)?;
        let prefill = t0.elapsed();
        let t1 = Instant::now();
        let mut sampler = LogitsProcessor::from_sampling(cfg.seed, sampling(cfg));
        let mut out: Vec<u32> = Vec::new();
        let mut printed = 0usize;
        let mut text = String::new();
        let mut stopped_by = StopReason::MaxTokens;
        while out.len() < cfg.max_new_tokens {
            let mut l = logits.to_dtype(DType::F32)?;
            if cfg.repeat_penalty != 1.0 && !out.is_empty() {
                let start = out.len().saturating_sub(cfg.repeat_last_n);
                l = candle_transformers::utils::apply_repeat_penalty(
                    &l,
                    cfg.repeat_penalty,
                    &out[start..],
                )?;
            }
            if cfg.no_repeat_ngram_size > 0 || cfg.min_new_tokens > out.len() {
                let mut v: Vec<f32> = l.to_vec1()?;
                ban_tokens(&mut v, prompt, &out, cfg, stop_ids);
                l = Tensor::from_vec(v, l.shape(), l.device())?;
            }
            let next = sampler.sample(&l)?;
            if stop_ids.contains(&next) {
                stopped_by = StopReason::EndOfTurn;
                break;
            }
            out.push(next);
            text = decode(tokenizer, &out)?;
            if let Some(cut) = cfg.stop.iter().filter_map(|s| text.find(s.as_str())).min() {
                text.truncate(cut);
                stopped_by = StopReason::StopString;
                break;
            }
            // Print only whole characters, and hold back what could be the start of a stop string.
            let safe = safe_print_len(&text, &cfg.stop);
            if safe > printed {
                on_text(&text[printed..safe]);
                printed = safe;
            }
            if self.cached.len() + 1 >= context_length {
                stopped_by = StopReason::ContextFull;
                break;
            }
            logits = self.step(next)?;
        }
        let tokens_out = out.len();
        if stopped_by != StopReason::StopString {
            // A token limit can end inside a character: drop its partial bytes.
            text = drop_split_char(tokenizer, &mut out, text)?;
        }
        if text.len() > printed {
            on_text(&text[printed..]);
        }
        Ok(Generation {
            text,
            tokens_out,
            ids: out,
            tokens_in: prompt.len(),
            tokens_prefilled: prefilled,
            prefill,
            decode: t1.elapsed(),
            stopped_by,
        })
    }
}

/// Maps the config to candle's sampling modes (greedy at temperature 0).
fn sampling(cfg: &GenerationConfig) -> Sampling {
    if cfg.temperature <= 0.0 {
        return Sampling::ArgMax;
    }
    let temperature = cfg.temperature;
    match (cfg.top_k, cfg.top_p) {
        (None, None) => Sampling::All { temperature },
        (Some(k), None) => Sampling::TopK { k, temperature },
        (None, Some(p)) => Sampling::TopP { p, temperature },
        (Some(k), Some(p)) => Sampling::TopKThenTopP { k, p, temperature },
    }
}

fn log_softmax(logits: &Tensor) -> Result<Vec<f32>> {
    let v: Vec<f32> = logits.to_dtype(DType::F32)?.to_vec1()?;
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let lse = max + v.iter().map(|x| (x - max).exp()).sum::<f32>().ln();
    Ok(v.into_iter().map(|x| x - lse).collect())
}

fn decode(tokenizer: &Tokenizer, ids: &[u32]) -> Result<String> {
    tokenizer
        .decode(ids, true)
        .map_err(|e| crate::error::BriefError::Tokenizer(e.to_string()))
}

/// `text` (the decoding of `ids`) without a trailing replacement character made by a
/// character whose bytes were cut off by the end of generation: up to three trailing tokens
/// (a UTF-8 character has at most four bytes) are dropped until the text ends cleanly.
pub fn drop_split_char(tokenizer: &Tokenizer, ids: &mut Vec<u32>, text: String) -> Result<String> {
    let mut text = text;
    let mut dropped = 0;
    while text.ends_with('\u{fffd}') && dropped < 3 && !ids.is_empty() {
        ids.pop();
        dropped += 1;
        text = decode(tokenizer, ids)?;
    }
    if text.ends_with('\u{fffd}') {
        text.truncate(text.len() - '\u{fffd}'.len_utf8());
    }
    Ok(text)
}

/// Length of `text` that is safe to show: no trailing replacement character (a split UTF-8
/// sequence) and no suffix that is a prefix of a stop string.
fn safe_print_len(text: &str, stops: &[String]) -> usize {
    let mut end = text.len();
    if text.ends_with('\u{fffd}') {
        end -= '\u{fffd}'.len_utf8();
    }
    for s in stops {
        for k in (1..s.len()).rev() {
            if s.is_char_boundary(k) && text[..end].ends_with(&s[..k]) {
                end -= k;
                break;
            }
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_back_partial_stop_strings() {
        let stops = vec!["<|im_end|>".to_string()];
        assert_eq!(safe_print_len("hello <|im", &stops), 6);
        assert_eq!(safe_print_len("hello", &stops), 5);
        assert_eq!(safe_print_len("x\u{fffd}", &[]), 1);
    }

    #[test]
    fn a_character_cut_by_the_token_limit_is_dropped() {
        // A byte-level vocabulary: "中" is three tokens, so a limit can cut it.
        let tok = crate::runtime::tokenizer::byte_level_for_tests();
        let ids = tok.encode("ab中", false).unwrap().get_ids().to_vec();
        assert!(ids.len() >= 4, "{ids:?}");
        let mut cut = ids[..ids.len() - 1].to_vec();
        let text = decode(&tok, &cut).unwrap();
        assert!(text.ends_with('\u{fffd}'), "{text:?}");
        let clean = drop_split_char(&tok, &mut cut, text).unwrap();
        assert_eq!(clean, "ab");
        assert_eq!(decode(&tok, &cut).unwrap(), "ab");
    }

    #[test]
    fn greedy_at_zero_temperature() {
        let g = GenerationConfig::default();
        assert!(matches!(sampling(&g), Sampling::ArgMax));
        let s = GenerationConfig {
            temperature: 0.7,
            top_p: Some(0.9),
            ..Default::default()
        };
        assert!(matches!(sampling(&s), Sampling::TopP { .. }));
    }

    fn odd_f64() -> impl proptest::strategy::Strategy<Value = f64> {
        use proptest::prelude::*;
        prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(0.0), -1.0f64..6.0]
    }

    proptest::proptest! {
        /// Whatever settings config validation accepts, sampling with them works (candle's
        /// top-k of 0 panicked; a NaN penalty poisoned every logit).
        #[test]
        fn every_accepted_setting_samples(
            temperature in odd_f64(),
            top_p in proptest::option::of(odd_f64()),
            top_k in proptest::option::of(0usize..4),
            penalty in proptest::prop_oneof![
                proptest::strategy::Just(f32::NAN),
                proptest::strategy::Just(f32::INFINITY),
                -1.0f32..3.0
            ],
        ) {
            let g = GenerationConfig {
                temperature,
                top_p,
                top_k,
                repeat_penalty: penalty,
                ..Default::default()
            };
            if g.check().is_ok() {
                let dev = candle_core::Device::Cpu;
                let logits = Tensor::new(&[0.1f32, 2.0, -1.0, 0.5], &dev).unwrap();
                let logits =
                    candle_transformers::utils::apply_repeat_penalty(&logits, penalty, &[1, 2])
                        .unwrap();
                let values: Vec<f32> = logits.to_vec1().unwrap();
                proptest::prop_assert!(values.iter().all(|v| v.is_finite()));
                let mut sampler = LogitsProcessor::from_sampling(7, sampling(&g));
                let token = sampler.sample(&logits);
                proptest::prop_assert!(token.is_ok_and(|t| t < 4));
            }
        }
    }
}

//! The `[generation]` section of a model config: decoding settings with transformers'
//! `generate()` semantics.

use super::sources::one;
use serde::{Deserialize, Serialize};

/// Decoding settings. Greedy unless `temperature` > 0.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GenerationConfig {
    #[serde(default = "default_max_new_tokens")]
    pub max_new_tokens: usize,
    #[serde(default)]
    pub temperature: f64,
    #[serde(default)]
    pub top_p: Option<f64>,
    #[serde(default)]
    pub top_k: Option<usize>,
    #[serde(default = "default_repeat_penalty")]
    pub repeat_penalty: f32,
    #[serde(default = "default_repeat_last_n")]
    pub repeat_last_n: usize,
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Generation stops (and is cut) at the first of these strings.
    #[serde(default)]
    pub stop: Vec<String>,
    /// Beam search when above 1 (deterministic; `temperature` must then be 0).
    #[serde(default = "one")]
    pub num_beams: usize,
    /// Beam search: a finished beam scores sum(log p) / length^length_penalty; above 0
    /// favours longer outputs.
    #[serde(default = "default_length_penalty")]
    pub length_penalty: f32,
    /// No n-gram of this many tokens occurs twice in the output (0 = off).
    #[serde(default)]
    pub no_repeat_ngram_size: usize,
    /// The end-of-sequence token is banned until this many tokens are generated.
    #[serde(default)]
    pub min_new_tokens: usize,
    /// Beam search stopping rule, as in transformers: `false` (stop when no running beam can
    /// beat the finished ones, judged at the current length), `true` (stop once `num_beams`
    /// beams are finished) or `"never"` (the canonical, exhaustive rule).
    #[serde(default)]
    pub early_stopping: EarlyStopping,
}

/// Beam search's stopping rule; `true`, `false` or `"never"` in TOML.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum EarlyStopping {
    #[default]
    #[serde(serialize_with = "ser_false")]
    Heuristic,
    #[serde(serialize_with = "ser_true")]
    Enough,
    #[serde(serialize_with = "ser_never")]
    Never,
}

fn ser_false<S: serde::Serializer>(s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_bool(false)
}
fn ser_true<S: serde::Serializer>(s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_bool(true)
}
fn ser_never<S: serde::Serializer>(s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str("never")
}

impl<'de> Deserialize<'de> for EarlyStopping {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Flag(bool),
            Word(String),
        }
        match Raw::deserialize(d)? {
            Raw::Flag(false) => Ok(Self::Heuristic),
            Raw::Flag(true) => Ok(Self::Enough),
            Raw::Word(w) if w == "never" => Ok(Self::Never),
            Raw::Word(w) => Err(serde::de::Error::custom(format!(
                "early_stopping must be true, false or \"never\", not \"{w}\""
            ))),
        }
    }
}

impl GenerationConfig {
    /// Checks ranges and combinations; run again after command-line overrides.
    pub fn check(&self) -> std::result::Result<(), String> {
        let g = self;
        if g.max_new_tokens == 0 {
            return Err("generation.max_new_tokens must be at least 1".into());
        }
        if !(0.0..=5.0).contains(&g.temperature) {
            return Err("generation.temperature must be between 0 and 5 (0 = greedy)".into());
        }
        if g.top_p.is_some_and(|p| !(p > 0.0 && p <= 1.0)) {
            return Err("generation.top_p must be in (0, 1]".into());
        }
        if !(g.repeat_penalty > 0.0 && g.repeat_penalty.is_finite()) {
            return Err("generation.repeat_penalty must be a positive number (1.0 = off)".into());
        }
        if g.top_k == Some(0) {
            return Err("generation.top_k must be at least 1 (leave it unset for no limit)".into());
        }
        if g.stop.iter().any(String::is_empty) {
            return Err(
                "generation.stop must not contain an empty string (it would stop at once)".into(),
            );
        }
        if g.num_beams == 0 {
            return Err("generation.num_beams must be at least 1 (1 = no beam search)".into());
        }
        if g.num_beams > 1 && g.temperature > 0.0 {
            return Err(
                "generation.num_beams > 1 is deterministic beam search; set temperature = 0".into(),
            );
        }
        if g.num_beams > 1 && g.repeat_penalty != 1.0 {
            return Err(
                "generation.repeat_penalty is not used by beam search; use no_repeat_ngram_size"
                    .into(),
            );
        }
        if !g.length_penalty.is_finite() {
            return Err("generation.length_penalty must be a finite number".into());
        }
        if g.min_new_tokens > g.max_new_tokens {
            return Err("generation.min_new_tokens must not exceed max_new_tokens".into());
        }
        Ok(())
    }
}

fn default_length_penalty() -> f32 {
    1.0
}

fn default_max_new_tokens() -> usize {
    200
}
/// Off by default: with 1.1 the Qwen summaries drifted from the article's numbers.
fn default_repeat_penalty() -> f32 {
    1.0
}
fn default_repeat_last_n() -> usize {
    64
}
fn default_seed() -> u64 {
    299_792_458
}

impl Default for GenerationConfig {
    fn default() -> Self {
        Self {
            max_new_tokens: default_max_new_tokens(),
            temperature: 0.0,
            top_p: None,
            top_k: None,
            repeat_penalty: default_repeat_penalty(),
            repeat_last_n: default_repeat_last_n(),
            seed: default_seed(),
            stop: Vec::new(),
            num_beams: 1,
            length_penalty: default_length_penalty(),
            no_repeat_ngram_size: 0,
            min_new_tokens: 0,
            early_stopping: EarlyStopping::Heuristic,
        }
    }
}

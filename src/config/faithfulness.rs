//! The `[faithfulness]` section of a model config: how that model checks whether a summary
//! sentence is supported by its article, and how its raw judgement becomes a calibrated
//! support probability. The weights and threshold are fitted on dev data
//! (`scripts/calibrate_faithfulness.py`), so they belong to the model that produced the
//! judgements, not to the code.

use serde::{Deserialize, Serialize};

/// How one model checks (and repairs) summary sentences.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaithfulnessConfig {
    /// System message of the check; unset: the summarize prompt's own system message, so the
    /// check and the summary share the article prefix in the KV cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// Article-first check prompt. Variables: `title`, `article`, `statement`. Must start the
    /// way `[prompts.summarize].user` starts for the article's KV prefix to be reused.
    #[serde(default = "default_user")]
    pub user: String,
    /// Answer words that mean "supported".
    #[serde(default = "default_yes")]
    pub yes: Vec<String>,
    /// Answer words that mean "not supported".
    #[serde(default = "default_no")]
    pub no: Vec<String>,
    /// Rewrites an unsupported sentence from its cited sentences. Variables: `title`,
    /// `article`, `statement`, `citations`.
    #[serde(default = "default_repair_user")]
    pub repair_user: String,
    /// Most tokens a rewritten sentence may take.
    #[serde(default = "default_repair_tokens")]
    pub repair_max_new_tokens: usize,
    /// How the model's judgement and the lexical signals combine (logistic weights).
    #[serde(default)]
    pub weights: SupportWeights,
    /// A sentence whose support probability is below this is unsupported.
    #[serde(default = "default_threshold")]
    pub threshold: f32,
    /// Most article sentences cited per summary sentence.
    #[serde(default = "default_max_citations")]
    pub max_citations: usize,
}

impl Default for FaithfulnessConfig {
    fn default() -> Self {
        Self {
            system: None,
            user: default_user(),
            yes: default_yes(),
            no: default_no(),
            repair_user: default_repair_user(),
            repair_max_new_tokens: default_repair_tokens(),
            weights: SupportWeights::default(),
            threshold: default_threshold(),
            max_citations: default_max_citations(),
        }
    }
}

/// `support = sigmoid(bias + model·logit(P_model) + novel_words·w + novel_bigrams·b)`.
/// The two lexical signals (share of the sentence's content words, and of its word pairs,
/// found nowhere in the article) catch invented names and numbers that a small model waves
/// through; the model catches wrong relations between words that all occur in the article.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SupportWeights {
    #[serde(default)]
    pub bias: f32,
    #[serde(default = "one")]
    pub model: f32,
    #[serde(default)]
    pub novel_words: f32,
    #[serde(default)]
    pub novel_bigrams: f32,
}

impl Default for SupportWeights {
    fn default() -> Self {
        Self {
            bias: 0.0,
            model: 1.0,
            novel_words: 0.0,
            novel_bigrams: 0.0,
        }
    }
}

fn one() -> f32 {
    1.0
}
fn default_user() -> String {
    "Article:\n{% if title %}{{ title }}\n\n{% endif %}{{ article }}\n\nStatement: {{ statement }}\n\nIs every fact in the statement supported by the article? Answer yes or no.".into()
}
fn default_yes() -> Vec<String> {
    vec!["yes".into(), "Yes".into()]
}
fn default_no() -> Vec<String> {
    vec!["no".into(), "No".into()]
}
fn default_repair_user() -> String {
    "Article:\n{% if title %}{{ title }}\n\n{% endif %}{{ article }}\n\nStatement: {{ statement }}\n\nThe statement may not be supported by the article. Rewrite it as one sentence that says only what these article sentences say:\n{% for c in citations %}- {{ c }}\n{% endfor %}\nAnswer with the rewritten sentence only.".into()
}
fn default_repair_tokens() -> usize {
    80
}
fn default_threshold() -> f32 {
    0.5
}
fn default_max_citations() -> usize {
    3
}

/// How much of a summary's checking to do (`--faithfulness`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FaithfulnessMode {
    /// No check: the summary as generated.
    Off,
    /// Check and cite every sentence; change nothing.
    Flag,
    /// Check, rewrite an unsupported sentence once from its citations, drop it if still
    /// unsupported; fall back to article sentences when nothing survives.
    #[default]
    Repair,
}

impl FaithfulnessMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Flag => "flag",
            Self::Repair => "repair",
        }
    }
}

/// How long a summary to ask for (`--length`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SummaryLength {
    Short,
    #[default]
    Medium,
    Long,
}

impl SummaryLength {
    /// The phrase the summarize prompt's `length` variable gets.
    pub fn phrase(self) -> &'static str {
        match self {
            Self::Short => "one sentence",
            Self::Medium => "at most three sentences",
            Self::Long => "four to six sentences",
        }
    }
    /// Most sentences a summary of this length keeps (extractive fallback included).
    pub fn max_sentences(self) -> usize {
        match self {
            Self::Short => 1,
            Self::Medium => 3,
            Self::Long => 6,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Short => "short",
            Self::Medium => "medium",
            Self::Long => "long",
        }
    }
}

/// `[faithfulness]` in `models/default.toml`: the mode and, optionally, a separate checker.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaithfulnessDefaults {
    #[serde(default)]
    pub mode: FaithfulnessMode,
    /// A model config that checks instead of the summarizer: an `nli` cross-encoder (SummaC
    /// style) or another chat model. Unset: the summarizer checks its own summary, reusing
    /// the article's KV prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checker: Option<String>,
}

/// `[summarize]` in `models/default.toml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SummarizeDefaults {
    #[serde(default)]
    pub length: SummaryLength,
}

//! The `[stance]` and `[nli]` sections of a model config: how a classifier asks, scores and
//! calibrates its answers.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// label words' log-probabilities become a distribution over favor / against / neutral.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StanceConfig {
    #[serde(default)]
    pub system: Option<String>,
    /// Variables: `article`, `actor`, `aliases`, `target`, `evidence` (a list of sentences),
    /// and in `yes-no` mode `question`. Put the article first: the prefix up to the actor is
    /// then encoded once per article.
    pub user: String,
    /// `labels`: one question, label words scored. `yes-no`: support and opposition asked
    /// separately, yes/no scored, combined (both "no" = neutral).
    #[serde(default)]
    pub mode: StanceMode,
    /// yes-no mode: the support question (minijinja; `actor`, `target`).
    #[serde(default = "default_support_question")]
    pub support_question: String,
    /// yes-no mode: the opposition question.
    #[serde(default = "default_oppose_question")]
    pub oppose_question: String,
    /// yes-no mode: further wordings of the two questions. Each question's log-odds of "yes"
    /// is averaged over every wording before the answers are combined, so no single
    /// phrasing's quirks decide the label (one more pair of scored answers per wording).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paraphrases: Vec<QuestionPair>,
    /// yes-no mode: answer words.
    #[serde(default = "default_yes")]
    pub yes: Vec<String>,
    #[serde(default = "default_no")]
    pub no: Vec<String>,
    /// Words (any of each list) that mean each label when the reply starts with them.
    #[serde(default)]
    pub labels: LabelWords,
    /// How raw label scores are corrected for the model's bias.
    #[serde(default)]
    pub calibration: Calibration,
    /// Added to each label's calibrated log-score (fitted on a dev set).
    #[serde(default)]
    pub bias: LabelBias,
    /// yes-no mode: label scores read linearly from the two answers, fitted on labelled issue
    /// targets (`scripts/fit_stance_answers.py`), instead of the product of the answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fitted: Option<FittedAnswers>,
    /// Below this probability for favor / against, the label is neutral.
    #[serde(default)]
    pub min_confidence: f32,
    /// Evidence sentences shown to the classifier per actor.
    #[serde(default = "default_max_evidence")]
    pub max_evidence: usize,
    /// Actor written into the content-free input used for calibration.
    #[serde(default = "default_content_free")]
    pub content_free: String,
    /// probe mode: the trained head and what it reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeConfig>,
    /// yes-no mode: one multiple-choice question asked besides the two yes/no questions,
    /// its distribution mixed with theirs. Each answer format has its own bias (yes/no: "yes"
    /// to both; letters: the first option); mixed, each corrects the other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<ChoiceQuestion>,
}

/// A multiple-choice stance question (`[stance] choice`): its label words are scored like
/// `labels` mode's, and the label log-probabilities it gives are mixed with the yes/no
/// questions' as `(1 − weight)·yes-no + weight·choice`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceQuestion {
    /// minijinja (`actor`, `target`), in place of `{{ question }}`; it carries its own answer
    /// instruction ("Answer A, B or C."), as the yes/no questions carry theirs. With
    /// `options`, it holds `{{ options }}` where the lettered options go.
    pub question: String,
    /// The answer words of each label ("A", "B", "C"), for a question that lists its options
    /// itself; exclusive with `options`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<LabelWords>,
    /// Each label's option text. The question is then asked once per cyclic order of the
    /// options (A, B, C rotate over favor, against, neutral) and the label log-probabilities
    /// averaged, which cancels a small model's preference for an answer position (Zheng et
    /// al., 2024, "Large Language Models Are Not Robust Multiple Choice Selectors"). Three
    /// scored answers instead of one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<ChoiceOptions>,
    /// The choice's share of the mixed log-probabilities, in [0, 1].
    pub weight: f32,
}

/// The option text of each label in a permuted multiple-choice question.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOptions {
    pub favor: String,
    pub against: String,
    pub neutral: String,
}

/// Answer letters, in option order.
const LETTERS: [&str; 3] = ["A", "B", "C"];

impl ChoiceOptions {
    /// The three cyclic arrangements of the options: for each, `question` with `{{ options }}`
    /// replaced by the lettered options, and the letter that answers each label.
    pub fn arrangements(&self, question: &str) -> Vec<(String, LabelWords)> {
        let texts = [&self.favor, &self.against, &self.neutral];
        (0..3)
            .map(|shift| {
                // Option position p shows label (p + shift) % 3.
                let label_at = |p: usize| (p + shift) % 3;
                let block: Vec<String> = (0..3)
                    .map(|p| format!("{}. {}", LETTERS[p], texts[label_at(p)]))
                    .collect();
                let letter_of = |label: usize| {
                    let p = (0..3).find(|p| label_at(*p) == label).unwrap_or(label);
                    vec![LETTERS[p].to_string()]
                };
                let words = LabelWords {
                    favor: letter_of(0),
                    against: letter_of(1),
                    neutral: letter_of(2),
                };
                (question.replace("{{ options }}", &block.join("\n")), words)
            })
            .collect()
    }
}

/// One wording of the support and the opposition question (minijinja; `actor`, `target`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionPair {
    pub support: String,
    pub oppose: String,
}

/// A linear probe on the chat model's own states (`mode = "probe"`, written by `brief train
/// stance --backbone CHAT-MODEL`): one forward pass per actor, the article's prefix reused,
/// instead of scoring answer words to two questions.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeConfig {
    /// The questions that end the prompt, one forward pass each (minijinja; `actor`,
    /// `target`): the states at their last token, concatenated, are what the head reads.
    /// The prompt is the `[stance]` one, so the article's prefix is shared by all of them.
    pub questions: Vec<String>,
    /// Layers whose residual stream is read, 1-based (0: the last layer).
    pub depths: Vec<usize>,
    /// The trained head (safetensors: `weight` (3, D), `bias` (3), `mean` and `scale` (D)),
    /// relative to this config; absent in the untrained config training starts from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_sha256: Option<String>,
    /// `training.json` beside the config (for the eval overlap check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_report: Option<PathBuf>,
}

fn default_support_question() -> String {
    "Does {{ actor }} support {{ target }}?".into()
}
fn default_oppose_question() -> String {
    "Does {{ actor }} oppose {{ target }}?".into()
}
pub(super) fn default_yes() -> Vec<String> {
    vec!["yes".into(), "Yes".into()]
}
pub(super) fn default_no() -> Vec<String> {
    vec!["no".into(), "No".into()]
}

/// How the stance question is put to the model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StanceMode {
    /// One question; favor / against / neutral label words scored.
    #[default]
    Labels,
    /// Support and opposition asked separately as yes/no questions.
    YesNo,
    /// One forward pass; a trained linear head reads the model's states (`[stance.probe]`).
    Probe,
}

fn default_max_evidence() -> usize {
    3
}
fn default_content_free() -> String {
    "N/A".into()
}

/// Label words per label.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LabelWords {
    pub favor: Vec<String>,
    pub against: Vec<String>,
    pub neutral: Vec<String>,
}

impl Default for LabelWords {
    fn default() -> Self {
        let v = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
        Self {
            favor: v("favor", "Favor"),
            against: v("against", "Against"),
            neutral: v("neutral", "Neutral"),
        }
    }
}

/// A multinomial logistic read of a yes/no classifier's two answers: with s and o the
/// log-odds of "yes" to the support and to the opposition question, favor scores
/// `favor[0]·s + favor[1]·o + favor[2]`, against likewise, neutral 0. The product rule treats
/// the two answers as independent; a small chat model says "yes" to both far too often, and a
/// fit on labelled data learns to read the difference between them.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FittedAnswers {
    pub favor: [f32; 3],
    pub against: [f32; 3],
}

impl FittedAnswers {
    /// Log-scores (favor, against, neutral) from the two log-odds.
    pub fn log_scores(&self, [s, o]: [f32; 2]) -> [f32; 3] {
        let read = |w: [f32; 3]| w[0] * s + w[1] * o + w[2];
        [read(self.favor), read(self.against), 0.0]
    }
}

/// Bias correction of label scores.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Calibration {
    /// Raw scores.
    None,
    /// Divide by the label distribution the model gives a content-free input (same article,
    /// actor "N/A", no evidence) — contextual calibration, Zhao et al. 2021.
    #[default]
    ContentFree,
}

/// Per-label additive log-score corrections.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LabelBias {
    #[serde(default)]
    pub favor: f32,
    #[serde(default)]
    pub against: f32,
    #[serde(default)]
    pub neutral: f32,
}

/// Zero-shot stance with an NLI cross-encoder: the actor's evidence is the premise, each
/// hypothesis is scored for entailment (the entailment label found in the model's own
/// `id2label`), and P(support) and P(oppose) become favor / against / neutral.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NliConfig {
    /// minijinja; variables `actor`, `target`.
    #[serde(default = "default_support_hypothesis")]
    pub support_hypothesis: String,
    #[serde(default = "default_oppose_hypothesis")]
    pub oppose_hypothesis: String,
    /// Most tokens per premise + hypothesis pair; only the premise is cut to fit.
    #[serde(default = "default_nli_max_length")]
    pub max_length: usize,
    /// Below this probability for favor / against, the label is neutral.
    #[serde(default = "default_nli_min_confidence")]
    pub min_confidence: f32,
    /// Evidence sentences joined into the premise.
    #[serde(default = "default_max_evidence")]
    pub max_evidence: usize,
}

fn default_support_hypothesis() -> String {
    "{{ actor }} supports {{ target }}.".into()
}
fn default_oppose_hypothesis() -> String {
    "{{ actor }} opposes {{ target }}.".into()
}
fn default_nli_max_length() -> usize {
    512
}
fn default_nli_min_confidence() -> f32 {
    0.5
}

impl Default for NliConfig {
    fn default() -> Self {
        Self {
            support_hypothesis: default_support_hypothesis(),
            oppose_hypothesis: default_oppose_hypothesis(),
            max_length: default_nli_max_length(),
            min_confidence: default_nli_min_confidence(),
            max_evidence: default_max_evidence(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ChoiceOptions;

    #[test]
    fn each_label_takes_each_letter_once_across_the_arrangements() {
        let o = ChoiceOptions {
            favor: "supports it".into(),
            against: "opposes it".into(),
            neutral: "no clear position".into(),
        };
        let a = o.arrangements("Q?\n{{ options }}\nAnswer A, B or C.");
        assert_eq!(a.len(), 3);
        assert_eq!(
            a[0].0,
            "Q?\nA. supports it\nB. opposes it\nC. no clear position\nAnswer A, B or C."
        );
        assert_eq!(
            a[1].0,
            "Q?\nA. opposes it\nB. no clear position\nC. supports it\nAnswer A, B or C."
        );
        let letters = |i: usize| {
            let w = &a[i].1;
            [&w.favor[0], &w.against[0], &w.neutral[0]].map(|s| s.as_str())
        };
        assert_eq!(letters(0), ["A", "B", "C"]);
        assert_eq!(letters(1), ["C", "A", "B"]);
        assert_eq!(letters(2), ["B", "C", "A"]);
    }
}

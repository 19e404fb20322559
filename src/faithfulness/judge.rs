//! Who decides whether a statement is supported. A chat model answers yes / no (scored, never
//! parsed) after an article-first prompt, so the article's KV prefix from the summary is
//! reused; an NLI cross-encoder scores entailment with the cited sentences as premise, the
//! way SummaC-ZS does.

use super::render;
use crate::article::Article;
use crate::backends::PairClassifier;
use crate::config::FaithfulnessConfig;
use crate::error::Result;
use crate::runtime::chat::ChatMessage;
use crate::tasks::score::yes_probability;
use crate::tasks::stance::SharedGenerator;

/// Gives a statement a probability of being supported by an article.
pub trait SupportJudge: Send {
    /// The checker's config name, for reports.
    fn name(&self) -> &str;
    /// The checker's `[faithfulness]` settings: weights, threshold, citations.
    fn config(&self) -> &FaithfulnessConfig;
    /// P(supported). `citations` are the article sentences that best match the statement:
    /// the premise when the whole article cannot be shown.
    fn p_supported(
        &mut self,
        article: &Article,
        citations: &[&str],
        statement: &str,
    ) -> Result<f32>;
}

/// A chat model with the settings its check and rewrite prompts need.
#[derive(Clone)]
pub struct ChatChecker {
    pub model: SharedGenerator,
    pub cfg: FaithfulnessConfig,
    /// The config's own system message, else the summarize prompt's, so that checks and
    /// rewrites share the summary's prompt prefix.
    pub system: Option<String>,
    /// The most tokens a check prompt may take.
    pub budget: usize,
}

impl ChatChecker {
    pub fn new(
        model: SharedGenerator,
        cfg: FaithfulnessConfig,
        summarize_system: Option<String>,
        budget: usize,
    ) -> Self {
        let system = cfg.system.clone().or(summarize_system);
        Self {
            model,
            cfg,
            system,
            budget,
        }
    }
}

/// A chat model asked whether the article supports the statement.
pub struct LlmJudge {
    pub name: String,
    pub chat: ChatChecker,
}

/// The check (or rewrite) conversation: the whole article when it fits `budget`, else the
/// cited sentences standing in for it.
pub(crate) fn article_first(
    model: &dyn crate::backends::Generator,
    system: Option<&str>,
    template: &str,
    budget: usize,
    article: &Article,
    citations: &[&str],
    statement: &str,
) -> Result<Vec<ChatMessage>> {
    let build = |body: &str| -> Result<Vec<ChatMessage>> {
        let mut m = Vec::new();
        if let Some(s) = system {
            m.push(ChatMessage::system(s));
        }
        m.push(ChatMessage::user(render(
            template,
            article.title.as_deref(),
            body,
            statement,
            citations,
        )?));
        Ok(m)
    };
    let whole = build(&article.body)?;
    if model.count_chat_tokens(&whole)? <= budget {
        return Ok(whole);
    }
    build(&citations.join("\n"))
}

impl SupportJudge for LlmJudge {
    fn name(&self) -> &str {
        &self.name
    }
    fn config(&self) -> &FaithfulnessConfig {
        &self.chat.cfg
    }
    fn p_supported(
        &mut self,
        article: &Article,
        citations: &[&str],
        statement: &str,
    ) -> Result<f32> {
        let c = &self.chat;
        let mut model = crate::tasks::stance::lock(&c.model);
        let messages = article_first(
            model.as_ref(),
            c.system.as_deref(),
            &c.cfg.user,
            c.budget,
            article,
            citations,
            statement,
        )?;
        yes_probability(model.as_mut(), &messages, &c.cfg.yes, &c.cfg.no)
    }
}

/// An NLI cross-encoder: P(entailment) of the statement given its cited sentences.
pub struct NliJudge {
    name: String,
    model: Box<dyn PairClassifier>,
    cfg: FaithfulnessConfig,
    entailment: usize,
}

impl NliJudge {
    /// Fails when the model has no entailment label.
    pub fn new(
        name: &str,
        model: Box<dyn PairClassifier>,
        cfg: FaithfulnessConfig,
    ) -> Result<Self> {
        let (entailment, _) = crate::tasks::nli_stance::entailment_ids(model.labels())?;
        Ok(Self {
            name: name.to_string(),
            model,
            cfg,
            entailment,
        })
    }
}

impl NliJudge {
    /// Logits of (premise, statement). The model truncates only the premise, so a statement
    /// too long for its `max_length` is judged on its opening words: halved up to three
    /// times before the error stands.
    fn logits_fitting(&mut self, premise: String, statement: &str) -> Result<Vec<Vec<f32>>> {
        let mut words: Vec<&str> = statement.split_whitespace().collect();
        let mut tries = 0;
        loop {
            match self.model.logits(&[(premise.clone(), words.join(" "))]) {
                Ok(l) => return Ok(l),
                Err(e) if tries == 3 || words.len() < 8 => return Err(e),
                Err(_) => {
                    words.truncate(words.len() / 2);
                    tries += 1;
                }
            }
        }
    }
}

impl SupportJudge for NliJudge {
    fn name(&self) -> &str {
        &self.name
    }
    fn config(&self) -> &FaithfulnessConfig {
        &self.cfg
    }
    fn p_supported(
        &mut self,
        article: &Article,
        citations: &[&str],
        statement: &str,
    ) -> Result<f32> {
        // No sentence shares a word with the statement: the lead is the fairest premise.
        let premise = if citations.is_empty() {
            let lead: Vec<String> = article
                .sentences()
                .into_iter()
                .take(3)
                .map(|s| s.text)
                .collect();
            lead.join(" ")
        } else {
            citations.join(" ")
        };
        let logits = self.logits_fitting(premise, statement)?;
        let row = logits.first().cloned().unwrap_or_default();
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let z: f32 = row.iter().map(|x| (x - max).exp()).sum();
        Ok(row
            .get(self.entailment)
            .map_or(0.0, |x| (x - max).exp() / z))
    }
}

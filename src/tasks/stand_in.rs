//! A stand-in chat model for unit tests of the tasks that ask one question per candidate:
//! it remembers every question and answers from its text — a P(yes) for scored yes/no
//! answers, a state vector for probes — so a test states the model's judgement in one line.

use crate::backends::Generator;
use crate::config::GenerationConfig;
use crate::error::{BriefError, Result};
use crate::runtime::chat::ChatMessage;
use crate::runtime::generate::Generation;

/// Answers each question (the last message's text) with `p_yes` and `states`.
pub struct StandIn {
    pub asked: Vec<String>,
    /// The layers the last state read asked for.
    pub depths: Vec<usize>,
    p_yes: fn(&str) -> f32,
    states: fn(&str) -> Vec<f32>,
    /// When set, the log-probability of each candidate word, whatever the question.
    word_logprob: Option<fn(&str) -> f32>,
}

impl StandIn {
    /// A model whose P(yes) for a question is `p_yes(question)`.
    pub fn yes_no(p_yes: fn(&str) -> f32) -> Self {
        Self {
            asked: Vec::new(),
            depths: Vec::new(),
            p_yes,
            states: |_| Vec::new(),
            word_logprob: None,
        }
    }

    /// A model that scores each candidate answer word by `logprob(word)` alone: a model
    /// with a fixed preference for some answers (say, the first option of any list).
    pub fn by_word(logprob: fn(&str) -> f32) -> Self {
        Self {
            word_logprob: Some(logprob),
            ..Self::yes_no(|_| 0.5)
        }
    }

    /// A model whose states at the end of a question are `states(question)`.
    pub fn with_states(states: fn(&str) -> Vec<f32>) -> Self {
        Self {
            asked: Vec::new(),
            depths: Vec::new(),
            p_yes: |_| 0.5,
            states,
            word_logprob: None,
        }
    }

    fn ask(&mut self, m: &[ChatMessage]) -> String {
        let q = m.last().map(|x| x.content.clone()).unwrap_or_default();
        self.asked.push(q.clone());
        q
    }
}

impl Generator for StandIn {
    fn name(&self) -> &str {
        "stand-in"
    }
    fn count_chat_tokens(&self, m: &[ChatMessage]) -> Result<usize> {
        Ok(m.iter().map(|x| x.content.len()).sum())
    }
    fn count_tokens(&self, t: &str) -> Result<usize> {
        Ok(t.len())
    }
    fn context_length(&self) -> usize {
        100_000
    }
    /// Candidates are yes words, then no words (two each).
    fn continuation_logprobs(
        &mut self,
        m: &[ChatMessage],
        c: &[String],
    ) -> Result<(Vec<f32>, usize)> {
        let q = self.ask(m);
        if let Some(f) = self.word_logprob {
            return Ok((c.iter().map(|w| f(w)).collect(), 0));
        }
        let p = (self.p_yes)(&q);
        let (y, n) = ((p / 2.0).ln(), ((1.0 - p) / 2.0).ln());
        Ok((vec![y, y, n, n][..c.len().min(4)].to_vec(), 0))
    }
    fn prompt_states(&mut self, m: &[ChatMessage], depths: &[usize]) -> Result<Option<Vec<f32>>> {
        self.depths = depths.to_vec();
        let q = self.ask(m);
        Ok(Some((self.states)(&q)))
    }
    fn set_prefix_reuse(&mut self, _: bool) {}
    fn chat(
        &mut self,
        _: &[ChatMessage],
        _: &GenerationConfig,
        _: &mut dyn FnMut(&str),
    ) -> Result<Generation> {
        Err(BriefError::Usage("the stand-in does not generate".into()))
    }
}

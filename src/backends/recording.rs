//! A generator wrapper that writes every model call (rendered messages, and what was asked of
//! them) as JSON lines, so a benchmark can replay exactly brief's calls on another engine.
//! Enabled by `BRIEF_RECORD_CALLS=FILE`; never on by default.

use super::Generator;
use crate::config::GenerationConfig;
use crate::error::Result;
use crate::runtime::chat::ChatMessage;
use crate::runtime::generate::Generation;
use std::io::Write;

/// Wraps a generator and appends one JSON line per call to `path`.
pub struct Recording {
    inner: Box<dyn Generator>,
    path: std::path::PathBuf,
}

impl Recording {
    pub fn new(inner: Box<dyn Generator>, path: std::path::PathBuf) -> Self {
        Self { inner, path }
    }

    fn write(&self, line: serde_json::Value) {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
        {
            let _ = writeln!(f, "{line}");
        }
    }
}

impl Generator for Recording {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn count_chat_tokens(&self, messages: &[ChatMessage]) -> Result<usize> {
        self.inner.count_chat_tokens(messages)
    }
    fn count_tokens(&self, text: &str) -> Result<usize> {
        self.inner.count_tokens(text)
    }
    fn context_length(&self) -> usize {
        self.inner.context_length()
    }
    fn output_shares_context(&self) -> bool {
        self.inner.output_shares_context()
    }
    fn continuation_logprobs(
        &mut self,
        messages: &[ChatMessage],
        candidates: &[String],
    ) -> Result<(Vec<f32>, usize)> {
        let out = self.inner.continuation_logprobs(messages, candidates)?;
        // The answer's log-probabilities ride along, for tuning thresholds offline.
        self.write(serde_json::json!({"kind": "score", "model": self.inner.name(), "messages": messages, "candidates": candidates, "logprobs": out.0}));
        Ok(out)
    }
    fn prompt_states(
        &mut self,
        messages: &[ChatMessage],
        depths: &[usize],
    ) -> Result<Option<Vec<f32>>> {
        self.write(serde_json::json!({"kind": "states", "model": self.inner.name(), "messages": messages, "depths": depths}));
        self.inner.prompt_states(messages, depths)
    }
    fn set_prefix_reuse(&mut self, on: bool) {
        self.inner.set_prefix_reuse(on)
    }
    fn chat(
        &mut self,
        messages: &[ChatMessage],
        settings: &GenerationConfig,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Generation> {
        self.write(serde_json::json!({"kind": "chat", "model": self.inner.name(), "messages": messages, "max_new_tokens": settings.max_new_tokens}));
        self.inner.chat(messages, settings, on_text)
    }
}

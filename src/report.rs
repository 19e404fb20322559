//! The Report: built once per article, rendered as text for people or JSON for machines.
//! Its serde form *is* the JSON schema documented in the README.

use serde::Serialize;

/// Wall-clock costs of one article, in seconds, and throughput.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Timings {
    /// Loading (and if needed pulling) the models.
    pub load_s: f64,
    /// Encoding prompts.
    pub prefill_s: f64,
    /// Generating tokens.
    pub decode_s: f64,
    /// Everything, from start to report.
    pub total_s: f64,
    /// From start until the first text of the (final) summary appeared: what a user waits.
    pub first_text_s: f64,
    /// Prompt tokens computed per second of prefill.
    pub prefill_tokens_per_s: f64,
    /// Generated tokens per second of decode.
    pub decode_tokens_per_s: f64,
}

/// What brief says about one article.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Where the article came from (a path or "stdin").
    pub source: String,
    pub title: Option<String>,
    pub summary: String,
    /// Config name of the summarizer.
    pub summarizer: String,
    /// Prompt tokens over all model calls.
    pub tokens_in: usize,
    /// Generated tokens over all model calls.
    pub tokens_out: usize,
    /// Pieces the article was split into to fit the context (1 = whole).
    pub parts: usize,
    pub timings: Timings,
}

impl Report {
    /// Human-readable text.
    pub fn to_text(&self) -> String {
        format!("{}\n", self.summary)
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

//! Repair: an unsupported summary sentence rewritten once by the summarizer, from the
//! sentences it cites (article-first prompt, so the article's KV prefix is reused again).

use super::judge::{article_first, ChatChecker};
use super::split::summary_sentences;
use crate::article::Article;
use crate::config::GenerationConfig;
use crate::error::Result;

/// Rewrites a statement so that it says only what its citations say.
pub trait Rewriter: Send {
    /// The rewritten sentence (may be empty when the model gave nothing usable).
    fn rewrite(&mut self, article: &Article, statement: &str, citations: &[&str])
        -> Result<String>;
}

/// The summarizer as rewriter, greedy.
pub struct LlmRewriter(pub ChatChecker);

impl Rewriter for LlmRewriter {
    fn rewrite(
        &mut self,
        article: &Article,
        statement: &str,
        citations: &[&str],
    ) -> Result<String> {
        let c = &self.0;
        let settings = GenerationConfig {
            max_new_tokens: c.cfg.repair_max_new_tokens,
            ..GenerationConfig::default()
        };
        let mut model = crate::tasks::stance::lock(&c.model);
        let room = c.budget.saturating_sub(settings.max_new_tokens);
        let messages = article_first(
            model.as_ref(),
            c.system.as_deref(),
            &c.cfg.repair_user,
            room,
            article,
            citations,
            statement,
        )?;
        let g = model.chat(&messages, &settings, &mut |_| {})?;
        let text = g
            .text
            .trim()
            .trim_matches(|c| c == '"' || c == '“' || c == '”');
        Ok(summary_sentences(text)
            .into_iter()
            .next()
            .unwrap_or_default())
    }
}

//! The summary step of the pipeline: generate, then check (and repair) against the article.

use super::Pipeline;
use crate::article::Article;
use crate::config::FaithfulnessMode;
use crate::error::{BriefError, Result};
use crate::faithfulness::{self, Checked, Review};
use crate::report::{Report, Timings};
use crate::tasks::stance::lock;
use crate::tasks::summarize::summarize;
use std::time::Instant;

impl Pipeline {
    /// Summarizes with the loaded summarizer (if any) into `report` and `timings`; returns the
    /// prompt tokens computed and the tokens generated, for the throughput figures.
    pub(super) fn summarize_into(
        &mut self,
        article: &Article,
        report: &mut Report,
        timings: &mut Timings,
        t0: Instant,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<(usize, usize)> {
        let Some((cfg, model)) = self.summarizer.as_ref() else {
            return Ok((0, 0));
        };
        let prompt = cfg
            .prompts
            .summarize
            .clone()
            .ok_or_else(|| BriefError::BadConfig {
                origin: cfg.name.clone(),
                message: "no [prompts.summarize]".into(),
            })?;
        let mut first_text: Option<f64> = None;
        // With a checker the draft is not the summary: `on_text` gets the checked text once.
        let streams = self.checker.is_none();
        let s = summarize(
            lock(model).as_mut(),
            &prompt,
            self.length,
            article,
            &self.generation,
            cfg.context_budget,
            &mut |t: &str| {
                if streams {
                    first_text.get_or_insert_with(|| t0.elapsed().as_secs_f64());
                    on_text(t)
                }
            },
        )?;
        timings.prefill_s += s.prefill.as_secs_f64();
        timings.decode_s += s.decode.as_secs_f64();
        report.summarizer = Some(cfg.name.clone());
        report.tokens_in += s.tokens_in;
        report.tokens_out += s.tokens_out;
        report.parts = Some(s.parts);
        let t1 = Instant::now();
        self.check_into(article, &s.text, report)?;
        timings.check_s = t1.elapsed().as_secs_f64();
        if !streams {
            first_text = Some(t0.elapsed().as_secs_f64());
            on_text(report.summary.as_deref().unwrap_or_default());
        }
        timings.first_text_s =
            self.load_s + first_text.unwrap_or_else(|| t0.elapsed().as_secs_f64());
        Ok((s.tokens_prefilled, s.tokens_out))
    }

    /// Checks (and in `repair` mode repairs) `summary` into `report`; with no checker the
    /// summary goes in as generated.
    pub(super) fn check_into(
        &mut self,
        article: &Article,
        summary: &str,
        report: &mut Report,
    ) -> Result<()> {
        let Some(ch) = self.checker.as_mut() else {
            report.summary = Some(summary.to_string());
            return Ok(());
        };
        let checked = faithfulness::review(
            article,
            summary,
            Review {
                judge: ch.judge.as_mut(),
                rewriter: Some(&mut ch.rewriter),
                mode: self.faithfulness,
                max_sentences: self.length.max_sentences(),
            },
        )?;
        report.summary = Some(checked.text);
        report.summary_sentences = Some(checked.sentences);
        report.dropped = Some(checked.dropped);
        report.faithfulness = Some(checked.tally);
        Ok(())
    }

    /// Checks a given summary of `article` sentence by sentence (`flag` mode: nothing is
    /// changed). `brief eval` scores checker-only examples with it.
    pub fn check_summary(&mut self, article: &Article, summary: &str) -> Result<Checked> {
        let Some(ch) = self.checker.as_mut() else {
            return Err(BriefError::Usage(
                "checking a summary needs the summarizer and --faithfulness flag or repair".into(),
            ));
        };
        faithfulness::review(
            article,
            summary,
            Review {
                judge: ch.judge.as_mut(),
                rewriter: None,
                mode: FaithfulnessMode::Flag,
                max_sentences: self.length.max_sentences(),
            },
        )
    }

    /// Whether the summary text streamed while it is generated is the final one (it is not
    /// when a check may still repair or drop sentences).
    pub fn streams_final_summary(&self) -> bool {
        self.checker.is_none()
    }
}

//! Summaries: the config's prompt over the article; an article longer than the model's budget
//! is split on paragraph and sentence boundaries, the parts summarized, then the part
//! summaries combined — never silently truncated.

use crate::article::{split_sentences, Article};
use crate::backends::Generator;
use crate::config::{GenerationConfig, SummarizePrompt, SummaryLength};
use crate::error::{BriefError, Result};
use crate::runtime::chat::ChatMessage;
use std::time::Duration;

/// A finished summary and what it cost.
#[derive(Debug, Clone)]
pub struct Summary {
    pub text: String,
    /// Prompt tokens over all calls.
    pub tokens_in: usize,
    /// Generated tokens over all calls.
    pub tokens_out: usize,
    /// How many pieces the article was cut into (1 when it fit).
    pub parts: usize,
    pub prefill: Duration,
    pub decode: Duration,
    /// Prompt tokens actually computed (excludes prefix-cache hits).
    pub tokens_prefilled: usize,
}

fn render(
    template: &str,
    title: Option<&str>,
    text: Option<&str>,
    parts: Option<&[String]>,
    length: SummaryLength,
) -> Result<String> {
    let env = minijinja::Environment::new();
    env.render_str(
        template,
        minijinja::context! { title => title, text => text, parts => parts, length => length.phrase() },
    )
    .map_err(|e| BriefError::Template(format!("summarize prompt: {e}")))
}

fn messages(prompt: &SummarizePrompt, user: String) -> Vec<ChatMessage> {
    let mut m = Vec::new();
    if let Some(s) = &prompt.system {
        m.push(ChatMessage::system(s.clone()));
    }
    m.push(ChatMessage::user(user));
    m
}

/// Summarizes `article` with `model`, streaming the final summary's text to `on_text`.
pub fn summarize(
    model: &mut dyn Generator,
    prompt: &SummarizePrompt,
    length: SummaryLength,
    article: &Article,
    settings: &GenerationConfig,
    budget: usize,
    on_text: &mut dyn FnMut(&str),
) -> Result<Summary> {
    let budget = budget.min(model.context_length());
    let title = article.title.as_deref();
    let limit = if model.output_shares_context() {
        budget.saturating_sub(settings.max_new_tokens)
    } else {
        budget
    };
    let whole = messages(
        prompt,
        render(&prompt.user, title, Some(&article.body), None, length)?,
    );
    let mut acc = Summary {
        text: String::new(),
        tokens_in: 0,
        tokens_out: 0,
        parts: 1,
        prefill: Duration::ZERO,
        decode: Duration::ZERO,
        tokens_prefilled: 0,
    };
    if model.count_chat_tokens(&whole)? <= limit {
        let g = model.chat(&whole, settings, on_text)?;
        add(&mut acc, &g);
        acc.text = g.text.trim().to_string();
        return Ok(acc);
    }

    let ask = Ask {
        prompt,
        title,
        settings,
        limit,
        budget,
        length,
    };
    let summaries = map_parts(model, &ask, &article.body, &mut acc)?;
    reduce(model, &ask, summaries, &mut acc, on_text)?;
    Ok(acc)
}

/// What every call of one summary shares: the prompts, the title, the decoding settings and
/// the token limit a prompt must fit.
struct Ask<'a> {
    prompt: &'a SummarizePrompt,
    title: Option<&'a str>,
    settings: &'a GenerationConfig,
    limit: usize,
    budget: usize,
    length: SummaryLength,
}

/// Map: summarizes pieces of `body` that fit, with room for the prompt around them.
fn map_parts(
    model: &mut dyn Generator,
    ask: &Ask,
    body: &str,
    acc: &mut Summary,
) -> Result<Vec<String>> {
    let overhead = model.count_chat_tokens(&messages(
        ask.prompt,
        render(&ask.prompt.user, ask.title, Some(""), None, ask.length)?,
    ))?;
    let room = ask.limit.saturating_sub(overhead);
    if room < 64 {
        return Err(BriefError::Usage(format!(
            "context budget {} leaves no room for article text after the prompt; raise context_budget or lower max_new_tokens",
            ask.budget
        )));
    }
    let pieces = pack(model, body, room)?;
    acc.parts = pieces.len();
    let mut summaries = Vec::new();
    for piece in &pieces {
        let m = messages(
            ask.prompt,
            render(&ask.prompt.user, ask.title, Some(piece), None, ask.length)?,
        );
        let g = model.chat(&m, ask.settings, &mut |_| {})?;
        add(acc, &g);
        summaries.push(g.text.trim().to_string());
    }
    Ok(summaries)
}

/// Reduce: combines part summaries, in groups that fit, until one remains; the final one is
/// streamed to `on_text`. Every round must shrink the list; when no two part summaries fit
/// together it cannot, and that is an error naming the settings to change.
fn reduce(
    model: &mut dyn Generator,
    ask: &Ask,
    mut summaries: Vec<String>,
    acc: &mut Summary,
    on_text: &mut dyn FnMut(&str),
) -> Result<()> {
    let merge_prompt = |parts: &[String]| -> Result<Vec<ChatMessage>> {
        Ok(messages(
            ask.prompt,
            render(
                &ask.prompt.merge_user,
                ask.title,
                None,
                Some(parts),
                ask.length,
            )?,
        ))
    };
    loop {
        let m = merge_prompt(&summaries)?;
        let fits = model.count_chat_tokens(&m)? <= ask.limit;
        if summaries.len() == 1 && !fits {
            // One part summary whose merge prompt would not fit: it is the summary.
            let text = summaries.remove(0);
            on_text(&text);
            acc.text = text;
            return Ok(());
        }
        if fits {
            let g = model.chat(&m, ask.settings, on_text)?;
            add(acc, &g);
            acc.text = g.text.trim().to_string();
            return Ok(());
        }
        let before = summaries.len();
        let mut next = Vec::new();
        let mut group: Vec<String> = Vec::new();
        for s in summaries.drain(..) {
            group.push(s);
            if group.len() > 1 && model.count_chat_tokens(&merge_prompt(&group)?)? > ask.limit {
                let last = group.pop().unwrap_or_default();
                next.push(merge(model, ask, &group, acc)?);
                group = vec![last];
            }
        }
        if !group.is_empty() {
            next.push(merge(model, ask, &group, acc)?);
        }
        if next.len() >= before {
            return Err(BriefError::Usage(format!(
                "the {before} part summaries are too long to combine two at a time within context_budget {} (max_new_tokens {}); raise context_budget or lower max_new_tokens",
                ask.budget, ask.settings.max_new_tokens
            )));
        }
        summaries = next;
    }
}

fn merge(
    model: &mut dyn Generator,
    ask: &Ask,
    group: &[String],
    acc: &mut Summary,
) -> Result<String> {
    if group.len() == 1 {
        return Ok(group[0].clone());
    }
    let m = messages(
        ask.prompt,
        render(
            &ask.prompt.merge_user,
            ask.title,
            None,
            Some(group),
            ask.length,
        )?,
    );
    let g = model.chat(&m, ask.settings, &mut |_| {})?;
    add(acc, &g);
    Ok(g.text.trim().to_string())
}

fn add(acc: &mut Summary, g: &crate::runtime::generate::Generation) {
    acc.tokens_in += g.tokens_in;
    acc.tokens_out += g.tokens_out;
    acc.tokens_prefilled += g.tokens_prefilled;
    acc.prefill += g.prefill;
    acc.decode += g.decode;
}

/// Packs paragraphs (split further into sentences, then words, then characters when one is
/// too long) into pieces of at most `room` tokens each. Linear in the text: long units are
/// measured word by word, never re-tokenized as they grow.
fn pack(model: &dyn Generator, body: &str, room: usize) -> Result<Vec<String>> {
    let mut units: Vec<String> = Vec::new();
    for para in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        if model.count_tokens(para)? <= room {
            units.push(para.to_string());
            continue;
        }
        for (s, e) in split_sentences(para) {
            let sentence = &para[s..e];
            if model.count_tokens(sentence)? <= room {
                units.push(sentence.to_string());
            } else {
                units.extend(super::fit::split_words(model, sentence, room)?);
            }
        }
    }
    let mut pieces = Vec::new();
    let mut cur = String::new();
    for u in units {
        let cand = if cur.is_empty() {
            u.clone()
        } else {
            format!("{cur}\n\n{u}")
        };
        if !cur.is_empty() && model.count_tokens(&cand)? > room {
            pieces.push(std::mem::replace(&mut cur, u));
        } else {
            cur = cand;
        }
    }
    if !cur.is_empty() {
        pieces.push(cur);
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::generate::{Generation, StopReason};

    /// A fake model: one token per word (per 8 characters of a long word), replies with
    /// `reply_words` words, and records every prompt it saw.
    struct Words {
        ctx: usize,
        seen: Vec<String>,
        reply_words: usize,
    }

    fn word_tokens(t: &str) -> usize {
        t.split_whitespace()
            .map(|w| w.chars().count().div_ceil(8))
            .sum()
    }

    fn words(ctx: usize) -> Words {
        Words {
            ctx,
            seen: vec![],
            reply_words: 1,
        }
    }

    impl Generator for Words {
        fn name(&self) -> &str {
            "words"
        }
        fn count_chat_tokens(&self, m: &[ChatMessage]) -> Result<usize> {
            Ok(m.iter().map(|x| word_tokens(&x.content) + 4).sum())
        }
        fn count_tokens(&self, t: &str) -> Result<usize> {
            Ok(word_tokens(t))
        }
        fn context_length(&self) -> usize {
            self.ctx
        }
        fn continuation_logprobs(
            &mut self,
            _: &[ChatMessage],
            c: &[String],
        ) -> Result<(Vec<f32>, usize)> {
            Ok((vec![0.0; c.len()], 0))
        }
        fn set_prefix_reuse(&mut self, _: bool) {}
        fn chat(
            &mut self,
            m: &[ChatMessage],
            _: &GenerationConfig,
            on: &mut dyn FnMut(&str),
        ) -> Result<Generation> {
            let user = m.last().map(|x| x.content.clone()).unwrap_or_default();
            self.seen.push(user.clone());
            let text = vec![format!("S{}", self.seen.len()); self.reply_words].join(" ");
            on(&text);
            Ok(Generation {
                ids: Vec::new(),
                text,
                tokens_in: self.count_chat_tokens(m)?,
                tokens_prefilled: 0,
                tokens_out: 1,
                prefill: Duration::ZERO,
                decode: Duration::ZERO,
                stopped_by: StopReason::EndOfTurn,
            })
        }
    }

    fn prompt() -> SummarizePrompt {
        SummarizePrompt {
            system: None,
            user: "Summarize: {{ text }}".into(),
            merge_user: "Merge: {% for p in parts %}{{ p }} {% endfor %}".into(),
        }
    }

    #[test]
    fn short_article_is_one_call() {
        let mut m = words(10_000);
        let a = Article::from_text("t", "Title\n\nOne two three.");
        let s = summarize(
            &mut m,
            &prompt(),
            SummaryLength::Medium,
            &a,
            &GenerationConfig::default(),
            4096,
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(s.parts, 1);
        assert_eq!(m.seen, vec!["Summarize: One two three."]);
    }

    #[test]
    fn long_article_is_split_and_every_word_is_seen() {
        let mut m = words(10_000);
        let a = long_article(30);
        let settings = GenerationConfig {
            max_new_tokens: 100,
            ..Default::default()
        };
        let s = summarize(
            &mut m,
            &prompt(),
            SummaryLength::Medium,
            &a,
            &settings,
            400,
            &mut |_| {},
        )
        .unwrap();
        assert!(s.parts > 1);
        let all = m.seen.join(" ");
        for i in 0..30 {
            for j in 0..40 {
                assert!(all.contains(&format!("w{i}x{j}")), "w{i}x{j} was dropped");
            }
        }
        assert!(m.seen.last().unwrap().starts_with("Merge:"));
        for p in &m.seen {
            assert!(
                p.split_whitespace().count() + 4 <= 300,
                "a prompt exceeded the budget"
            );
        }
    }

    fn long_article(paras: usize) -> Article {
        let text: Vec<String> = (0..paras)
            .map(|i| {
                (0..40)
                    .map(|j| format!("w{i}x{j}"))
                    .collect::<Vec<_>>()
                    .join(" ")
                    + "."
            })
            .collect();
        Article::from_text("t", &text.join("\n\n"))
    }

    #[test]
    fn reduce_that_cannot_shrink_stops_with_an_error() {
        // context_budget 256 with max_new_tokens 100: no two 100-word part summaries fit in
        // one merge prompt. This used to loop forever.
        let mut m = words(10_000);
        m.reply_words = 100;
        let settings = GenerationConfig {
            max_new_tokens: 100,
            ..Default::default()
        };
        let e = summarize(
            &mut m,
            &prompt(),
            SummaryLength::Medium,
            &long_article(12),
            &settings,
            256,
            &mut |_| {},
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("raise context_budget"), "{e}");
        assert!(m.seen.len() < 40, "{} calls", m.seen.len());
    }

    #[test]
    fn a_giant_word_is_cut_into_pieces_that_fit() {
        let mut m = words(10_000);
        let giant = "é".repeat(200_000);
        let a = Article::from_text("t", &format!("Title\n\nStart. {giant} end."));
        let settings = GenerationConfig {
            max_new_tokens: 100,
            ..Default::default()
        };
        let s = summarize(
            &mut m,
            &prompt(),
            SummaryLength::Medium,
            &a,
            &settings,
            1000,
            &mut |_| {},
        )
        .unwrap();
        assert!(s.parts > 1);
        let seen: usize = m.seen.iter().map(|p| p.matches('é').count()).sum();
        assert_eq!(seen, 200_000, "every character is summarized once");
        for p in &m.seen {
            assert!(word_tokens(p) + 4 <= 900, "a prompt exceeded the budget");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Whatever the article, budget and reply length, map-reduce ends (with a summary or
        /// an error) within a bounded number of calls, and no prompt exceeds the budget.
        #[test]
        fn map_reduce_always_terminates(
            paras in 1usize..40,
            budget in 256usize..1200,
            max_new in 1usize..200,
            reply in 1usize..150,
        ) {
            let mut m = words(100_000);
            m.reply_words = reply.min(max_new);
            let settings = GenerationConfig { max_new_tokens: max_new, ..Default::default() };
            let r = summarize(&mut m, &prompt(), SummaryLength::Medium, &long_article(paras), &settings, budget, &mut |_| {});
            let calls = m.seen.len();
            proptest::prop_assert!(calls <= 4 * paras * 40 / 8 + 8, "{calls} calls");
            if r.is_ok() {
                for p in &m.seen {
                    proptest::prop_assert!(word_tokens(p) + 4 <= budget - max_new);
                }
            }
        }
    }
}

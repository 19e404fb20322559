//! Summaries: the config's prompt over the article; an article longer than the model's budget
//! is split on paragraph and sentence boundaries, the parts summarized, then the part
//! summaries combined — never silently truncated.

use crate::article::{split_sentences, Article};
use crate::backends::Generator;
use crate::config::{GenerationConfig, SummarizePrompt};
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
) -> Result<String> {
    let env = minijinja::Environment::new();
    env.render_str(
        template,
        minijinja::context! { title => title, text => text, parts => parts },
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
        render(&prompt.user, title, Some(&article.body), None)?,
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

    // Map: summarize pieces that fit, with room for the prompt around them.
    let overhead = model.count_chat_tokens(&messages(
        prompt,
        render(&prompt.user, title, Some(""), None)?,
    ))?;
    let room = limit.saturating_sub(overhead);
    if room < 64 {
        return Err(BriefError::Usage(format!(
            "context budget {budget} leaves no room for article text after the prompt; raise context_budget or lower max_new_tokens"
        )));
    }
    let pieces = pack(model, &article.body, room)?;
    acc.parts = pieces.len();
    let mut summaries = Vec::new();
    for piece in &pieces {
        let m = messages(prompt, render(&prompt.user, title, Some(piece), None)?);
        let g = model.chat(&m, settings, &mut |_| {})?;
        add(&mut acc, &g);
        summaries.push(g.text.trim().to_string());
    }
    // Reduce: combine part summaries, in groups that fit, until one remains.
    loop {
        let m = messages(
            prompt,
            render(&prompt.merge_user, title, None, Some(&summaries))?,
        );
        if summaries.len() == 1 || model.count_chat_tokens(&m)? <= limit {
            let g = model.chat(&m, settings, on_text)?;
            add(&mut acc, &g);
            acc.text = g.text.trim().to_string();
            return Ok(acc);
        }
        let mut next = Vec::new();
        let mut group: Vec<String> = Vec::new();
        for s in summaries.drain(..) {
            group.push(s);
            let m = messages(
                prompt,
                render(&prompt.merge_user, title, None, Some(&group))?,
            );
            if group.len() > 1 && model.count_chat_tokens(&m)? > limit {
                let last = group.pop().unwrap_or_default();
                next.push(merge(model, prompt, title, &group, settings, &mut acc)?);
                group = vec![last];
            }
        }
        if !group.is_empty() {
            next.push(merge(model, prompt, title, &group, settings, &mut acc)?);
        }
        summaries = next;
    }
}

fn merge(
    model: &mut dyn Generator,
    prompt: &SummarizePrompt,
    title: Option<&str>,
    group: &[String],
    settings: &GenerationConfig,
    acc: &mut Summary,
) -> Result<String> {
    if group.len() == 1 {
        return Ok(group[0].clone());
    }
    let m = messages(
        prompt,
        render(&prompt.merge_user, title, None, Some(group))?,
    );
    let g = model.chat(&m, settings, &mut |_| {})?;
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

/// Packs paragraphs (split further into sentences, then words, when one is too long) into
/// pieces of at most `room` tokens each.
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
                let mut cur = String::new();
                for w in sentence.split_whitespace() {
                    let cand = if cur.is_empty() {
                        w.to_string()
                    } else {
                        format!("{cur} {w}")
                    };
                    if !cur.is_empty() && model.count_tokens(&cand)? > room {
                        units.push(std::mem::take(&mut cur));
                        cur = w.to_string();
                    } else {
                        cur = cand;
                    }
                }
                if !cur.is_empty() {
                    units.push(cur);
                }
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

    /// A fake model: one token per word, replies with the first word of the user turn, and
    /// records every prompt it saw.
    struct Words {
        ctx: usize,
        seen: Vec<String>,
    }

    impl Generator for Words {
        fn name(&self) -> &str {
            "words"
        }
        fn count_chat_tokens(&self, m: &[ChatMessage]) -> Result<usize> {
            Ok(m.iter()
                .map(|x| x.content.split_whitespace().count() + 4)
                .sum())
        }
        fn count_tokens(&self, t: &str) -> Result<usize> {
            Ok(t.split_whitespace().count())
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
            let text = format!("S{}", self.seen.len());
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
        let mut m = Words {
            ctx: 10_000,
            seen: vec![],
        };
        let a = Article::from_text("t", "Title\n\nOne two three.");
        let s = summarize(
            &mut m,
            &prompt(),
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
        let mut m = Words {
            ctx: 10_000,
            seen: vec![],
        };
        let paras: Vec<String> = (0..30)
            .map(|i| {
                (0..40)
                    .map(|j| format!("w{i}x{j}"))
                    .collect::<Vec<_>>()
                    .join(" ")
                    + "."
            })
            .collect();
        let a = Article::from_text("t", &paras.join("\n\n"));
        let settings = GenerationConfig {
            max_new_tokens: 100,
            ..Default::default()
        };
        let s = summarize(&mut m, &prompt(), &a, &settings, 400, &mut |_| {}).unwrap();
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
}

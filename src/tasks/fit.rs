//! Fitting text into a token budget without losing or splitting characters: long articles are
//! cut into pieces for map-reduce, and prompts that carry the article (stance, actors, target)
//! get the opening that fits. Everything works on character boundaries, and is linear in the
//! text (a unit is measured once, never re-tokenized as it grows).

use crate::article::Article;
use crate::backends::Generator;
use crate::error::Result;

/// Splits an over-long sentence into runs of words of at most `room` tokens, counting each
/// word once (with a 10% margin for tokens that merge across word boundaries); a single word
/// longer than that is cut on character boundaries.
pub fn split_words(model: &dyn Generator, sentence: &str, room: usize) -> Result<Vec<String>> {
    let limit = (room * 9 / 10).max(1);
    let mut out = Vec::new();
    let (mut cur, mut used) = (String::new(), 0usize);
    for w in sentence.split_whitespace() {
        let n = model.count_tokens(w)? + 1;
        if n > limit {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
                used = 0;
            }
            out.extend(split_chars(model, w, limit)?);
            continue;
        }
        if !cur.is_empty() && used + n > limit {
            out.push(std::mem::take(&mut cur));
            used = 0;
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
        used += n;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

/// Cuts a text without spaces into pieces of at most `limit` tokens, on character boundaries.
/// A character is at most four tokens (byte fallback), so `limit / 4` characters always fit;
/// a piece that still measures too long is halved until it fits.
pub fn split_chars(model: &dyn Generator, word: &str, limit: usize) -> Result<Vec<String>> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let mut take = (limit / 4).max(1).min(chars.len() - i);
        loop {
            let piece: String = chars[i..i + take].iter().collect();
            if take == 1 || model.count_tokens(&piece)? <= limit {
                out.push(piece);
                break;
            }
            take /= 2;
        }
        i += take;
    }
    Ok(out)
}

/// `text` itself when it takes at most `limit` tokens, else its longest word-run prefix that
/// does, followed by "…". Used for evidence sentences quoted in prompts.
pub fn shorten(model: &dyn Generator, text: &str, limit: usize) -> Result<String> {
    if model.count_tokens(text)? <= limit {
        return Ok(text.to_string());
    }
    let first = split_words(model, text, limit.saturating_sub(1).max(1))?
        .into_iter()
        .next()
        .unwrap_or_default();
    Ok(format!("{first}…"))
}

/// The article as prompts that carry it show it: whole when the body takes at most `room`
/// tokens; else its opening sentences that fit (the first one shortened if it alone is too
/// long), with the same title. Prompts of one article all get the same view, so its prefix
/// cache still serves every actor. Returns the view and whether it was cut.
pub fn opening_that_fits(
    model: &dyn Generator,
    article: &Article,
    room: usize,
) -> Result<(Article, bool)> {
    if model.count_tokens(&article.body)? <= room {
        return Ok((article.clone(), false));
    }
    let limit = (room * 9 / 10).max(1);
    let mut kept: Vec<String> = Vec::new();
    let mut used = 0usize;
    let mut paragraph = usize::MAX;
    for s in article.sentences() {
        let n = model.count_tokens(&s.text)? + 2;
        if used + n > limit {
            if kept.is_empty() {
                kept.push(shorten(model, &s.text, limit)?);
            }
            break;
        }
        if s.paragraph != paragraph && !kept.is_empty() {
            kept.push("\n\n".into());
        } else if !kept.is_empty() {
            kept.push(" ".into());
        }
        paragraph = s.paragraph;
        kept.push(s.text);
        used += n;
    }
    let body = format!("{} […]", kept.concat());
    let view = Article::with_body(&article.source_name, article.title.clone(), &body);
    Ok((view, true))
}

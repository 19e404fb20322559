//! Sentence → token ids plus pooling weights over the tokens that mention the actor and the
//! target. Mentions are found case-insensitively as given (DSA entity strings can be cut at a
//! bracket, e.g. "Breitbart New"), and a token belongs to a mention when its character span
//! overlaps one.

use crate::error::{BriefError, Result};
use std::path::Path;
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

/// One tokenized sentence with its pooling weights (each sums to 1; all weight on the first
/// token when there is no mention).
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    pub ids: Vec<u32>,
    pub actor: Vec<f32>,
    pub target: Vec<f32>,
}

/// The tokenizer, set to cut sentences to `max_length` tokens.
pub struct SentenceEncoder {
    tokenizer: Tokenizer,
}

impl SentenceEncoder {
    /// Reads `tokenizer.json`; no padding, cut at the end.
    pub fn load(path: &Path, max_length: usize) -> Result<Self> {
        let mut tokenizer = Tokenizer::from_file(path)
            .map_err(|e| BriefError::Tokenizer(format!("{}: {e}", path.display())))?;
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                direction: TruncationDirection::Right,
                max_length,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
            }))
            .map_err(|e| BriefError::Tokenizer(e.to_string()))?;
        Ok(Self { tokenizer })
    }

    /// Tokenizes `text` and weights the tokens of any of `actor`'s names and of `target`.
    pub fn encode(&self, text: &str, actor: &[String], target: &str) -> Result<Encoded> {
        let enc = self
            .tokenizer
            .encode(text, true)
            .map_err(|e| BriefError::Tokenizer(crate::config::one_line(&e.to_string())))?;
        let offsets: Vec<(usize, usize)> = enc.get_offsets().to_vec();
        let special: Vec<bool> = enc
            .get_special_tokens_mask()
            .iter()
            .map(|m| *m == 1)
            .collect();
        let targets = [target.to_string()];
        Ok(Encoded {
            ids: enc.get_ids().to_vec(),
            actor: mention_weights(text, actor, &offsets, &special),
            target: mention_weights(text, &targets, &offsets, &special),
        })
    }
}

/// Byte ranges of every case-insensitive occurrence of any of `names` in `text`.
fn mentions(text: &str, names: &[String]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for n in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let pattern = format!("(?i){}", regex::escape(n));
        if let Ok(re) = regex::Regex::new(&pattern) {
            out.extend(re.find_iter(text).map(|m| (m.start(), m.end())));
        }
    }
    out
}

/// Pooling weights over tokens: uniform over the tokens overlapping a mention of `names`, or
/// all on the first token when none does. `offsets` are the tokenizer's byte offsets.
pub fn mention_weights(
    text: &str,
    names: &[String],
    offsets: &[(usize, usize)],
    special: &[bool],
) -> Vec<f32> {
    let spans = mentions(text, names);
    let hit: Vec<bool> = offsets
        .iter()
        .zip(special)
        .map(|(&(s, e), &sp)| !sp && e > s && spans.iter().any(|&(a, b)| s < b && a < e))
        .collect();
    let n = hit.iter().filter(|h| **h).count();
    let mut w = vec![0f32; offsets.len()];
    if n == 0 {
        if let Some(first) = w.first_mut() {
            *first = 1.0;
        }
    } else {
        for (wi, h) in w.iter_mut().zip(&hit) {
            if *h {
                *wi = 1.0 / n as f32;
            }
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoder_mention_weights_cover_overlapping_tokens() {
        // "[CLS] ann praised bo [SEP]" with byte offsets.
        let text = "Ann praised Bo";
        let offsets = [(0, 0), (0, 3), (4, 11), (12, 14), (0, 0)];
        let special = [true, false, false, false, true];
        let w = mention_weights(text, &["ann".into()], &offsets, &special);
        assert_eq!(w, vec![0.0, 1.0, 0.0, 0.0, 0.0]);
        let w = mention_weights(text, &["Bo".into(), "praised".into()], &offsets, &special);
        assert_eq!(w, vec![0.0, 0.0, 0.5, 0.5, 0.0]);
        // Absent: everything on the first token.
        let w = mention_weights(text, &["Cy".into()], &offsets, &special);
        assert_eq!(w, vec![1.0, 0.0, 0.0, 0.0, 0.0]);
    }
}

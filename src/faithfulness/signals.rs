//! What a support probability is made of: the checker's own judgement and two lexical
//! signals — content words and word pairs of the sentence that occur nowhere in the article.
//! Invented names and numbers show up in the lexical signals even when a small model
//! accepts them; wrong relations between words the article does use need the model.

use crate::config::SupportWeights;
use crate::eval::metrics::novel_bigrams;
use crate::tasks::evidence::content_stems;
use serde::Serialize;
use std::collections::HashSet;

/// The raw signals behind one sentence's support.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Signals {
    /// The checker model's P(supported); None when no model judged (lexical only).
    pub model: Option<f32>,
    /// Share of the sentence's content words found nowhere in the article.
    pub novel_words: f32,
    /// Share of the sentence's word pairs found nowhere in the article.
    pub novel_bigrams: f32,
}

/// The article's words, kept for the lexical signals of every sentence checked against it.
pub struct ArticleWords {
    text: String,
    stems: HashSet<String>,
}

impl ArticleWords {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            stems: content_stems(text).into_iter().collect(),
        }
    }

    /// The two lexical signals of `sentence`.
    pub fn novelty(&self, sentence: &str) -> (f32, f32) {
        let words: HashSet<String> = content_stems(sentence).into_iter().collect();
        let novel_words = if words.is_empty() {
            0.0
        } else {
            words.iter().filter(|w| !self.stems.contains(*w)).count() as f32 / words.len() as f32
        };
        (novel_words, novel_bigrams(&self.text, sentence) as f32)
    }
}

/// Support probability: a logistic combination of the signals (weights from the config).
pub fn support(w: &SupportWeights, s: &Signals) -> f32 {
    let model = s.model.map_or(0.0, |p| {
        let p = p.clamp(1e-4, 1.0 - 1e-4);
        (p / (1.0 - p)).ln()
    });
    let z = w.bias
        + w.model * model
        + w.novel_words * s.novel_words
        + w.novel_bigrams * s.novel_bigrams;
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_words_are_novel_and_copied_ones_are_not() {
        let a = ArticleWords::new("The United States paused aid to Niger on Monday.");
        let (w, b) = a.novelty("The United States paused aid to Niger.");
        assert_eq!((w, b), (0.0, 0.0));
        let (w, b) = a.novelty("Canada paused aid to Mali.");
        assert!(w >= 0.5 && b > 0.4, "{w} {b}");
    }

    #[test]
    fn default_weights_pass_the_model_probability_through() {
        let s = Signals {
            model: Some(0.8),
            novel_words: 0.5,
            novel_bigrams: 0.5,
        };
        assert!((support(&SupportWeights::default(), &s) - 0.8).abs() < 1e-4);
        let w = SupportWeights {
            novel_words: -10.0,
            ..SupportWeights::default()
        };
        assert!(support(&w, &s) < 0.05);
    }
}

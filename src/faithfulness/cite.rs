//! Citations: the article sentences that best cover a summary sentence's content words,
//! picked greedily so each added citation covers words the earlier ones did not. Rare words
//! (in few article sentences) weigh more, so a name or number decides over "said".

use crate::article::{Article, Sentence};
use crate::tasks::evidence::content_stems;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// One cited article sentence, with byte offsets into the article text as read
/// (`text[start..end] == sentence`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Citation {
    /// 1-based number of the sentence in the article body (the text output's `[n]`).
    pub number: usize,
    pub sentence: String,
    pub start: usize,
    pub end: usize,
}

/// An article's sentences with their content stems, computed once per article.
pub struct CitationIndex {
    sentences: Vec<Sentence>,
    stems: Vec<HashSet<String>>,
    idf: HashMap<String, f32>,
    body_start: usize,
}

/// A new citation must cover at least this share of the statement's word weight.
const MIN_GAIN: f32 = 0.1;

impl CitationIndex {
    pub fn new(article: &Article) -> Self {
        let sentences = article.sentences();
        let stems: Vec<HashSet<String>> = sentences
            .iter()
            .map(|s| content_stems(&s.text).into_iter().collect())
            .collect();
        let mut df: HashMap<String, usize> = HashMap::new();
        for set in &stems {
            for w in set {
                *df.entry(w.clone()).or_default() += 1;
            }
        }
        let n = sentences.len() as f32;
        let idf = df
            .into_iter()
            .map(|(w, d)| (w, (1.0 + n / d as f32).ln()))
            .collect();
        Self {
            sentences,
            stems,
            idf,
            body_start: article.body_start,
        }
    }

    /// How many sentences the article has.
    pub fn len(&self) -> usize {
        self.sentences.len()
    }

    /// Whether the article has no sentences.
    pub fn is_empty(&self) -> bool {
        self.sentences.is_empty()
    }

    /// The citation for article sentence `i` (0-based).
    pub fn citation(&self, i: usize) -> Option<Citation> {
        let s = self.sentences.get(i)?;
        Some(Citation {
            number: i + 1,
            sentence: s.text.clone(),
            start: self.body_start + s.start,
            end: self.body_start + s.end,
        })
    }

    /// Up to `max` article sentences supporting `statement`, best first; none when no
    /// sentence shares a content word with it.
    pub fn cite(&self, statement: &str, max: usize) -> Vec<Citation> {
        let words: HashSet<String> = content_stems(statement).into_iter().collect();
        // A word the article never uses weighs as much as its rarest one.
        let unseen = (1.0 + self.sentences.len() as f32).ln();
        let weight = |w: &String| self.idf.get(w).copied().unwrap_or(unseen);
        let total: f32 = words.iter().map(weight).sum();
        let mut covered: HashSet<&String> = HashSet::new();
        let mut picked: Vec<usize> = Vec::new();
        while picked.len() < max {
            let best = (0..self.sentences.len())
                .filter(|i| !picked.contains(i))
                .map(|i| {
                    let gain: f32 = words
                        .iter()
                        .filter(|w| !covered.contains(w) && self.stems[i].contains(*w))
                        .map(weight)
                        .sum();
                    (gain, i)
                })
                // Highest gain; among equals, the earlier sentence.
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            let Some((gain, i)) = best else { break };
            if gain <= 0.0 || (!picked.is_empty() && gain < MIN_GAIN * total) {
                break;
            }
            covered.extend(words.iter().filter(|w| self.stems[i].contains(*w)));
            picked.push(i);
        }
        picked
            .into_iter()
            .filter_map(|i| self.citation(i))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &str = "Niger talks\n\nThe United States paused aid to Niger on Monday. \
        France withdrew its ambassador. ECOWAS threatened sanctions against the junta.\n\n\
        The junta said it would not negotiate.";

    #[test]
    fn cites_the_sentence_that_holds_the_words_with_exact_offsets() {
        let a = Article::from_text("t", RAW);
        let idx = CitationIndex::new(&a);
        let c = idx.cite("ECOWAS has threatened the junta with sanctions.", 3);
        assert_eq!(
            c[0].sentence,
            "ECOWAS threatened sanctions against the junta."
        );
        assert_eq!(c[0].number, 3);
        for x in &c {
            assert_eq!(&RAW[x.start..x.end], x.sentence);
        }
    }

    #[test]
    fn a_second_citation_must_add_words() {
        let a = Article::from_text("t", RAW);
        let idx = CitationIndex::new(&a);
        let c = idx.cite("The US paused aid and France withdrew its ambassador.", 3);
        let numbers: Vec<usize> = c.iter().map(|x| x.number).collect();
        // Best first: the ambassador sentence covers three of the words, the aid one two.
        assert_eq!(numbers, [2, 1]);
    }

    #[test]
    fn nothing_in_common_cites_nothing() {
        let a = Article::from_text("t", RAW);
        assert!(CitationIndex::new(&a)
            .cite("Zebras graze quietly.", 3)
            .is_empty());
    }
}

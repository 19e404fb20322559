//! Evidence: for each actor, the sentences that mention it (through any alias), plus a
//! sentence right after that continues with a pronoun, ranked by relevance to the target.

use super::actors::Actor;
use crate::article::{Article, Sentence};
use serde::Serialize;

/// One evidence sentence; `start`/`end` are byte offsets into the article text as read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub sentence: String,
    pub start: usize,
    pub end: usize,
}

const PRONOUN_STARTS: &[&str] = &[
    "He ",
    "She ",
    "They ",
    "It ",
    "His ",
    "Her ",
    "Their ",
    "Its ",
    "The bloc ",
    "The group ",
];

/// Words that signal a position being taken.
const STANCE_CUES: &[&str] = &[
    "said",
    "says",
    "told",
    "demanded",
    "demand",
    "urged",
    "condemned",
    "welcomed",
    "support",
    "supports",
    "supported",
    "oppose",
    "opposed",
    "opposes",
    "agreed",
    "rejected",
    "threatened",
    "threatening",
    "wants",
    "want",
    "plans",
    "planning",
    "confirmed",
    "encouraged",
    "warned",
    "criticized",
    "praised",
    "backed",
    "called",
    "accused",
    "blamed",
    "refused",
    "allowed",
    "sanctions",
    "intent",
    "open to",
];

const STOP: &[&str] = &[
    "the", "a", "an", "of", "to", "in", "on", "for", "with", "and", "or", "is", "are", "was",
    "were", "its", "it", "that", "this", "by", "as", "at", "be", "from", "has", "have", "had",
    "not", "but", "us",
];

fn stem(w: &str) -> String {
    let w = w.to_lowercase();
    for suf in ["ing", "ed", "es", "s"] {
        if w.len() > suf.len() + 3 {
            if let Some(s) = w.strip_suffix(suf) {
                return s.to_string();
            }
        }
    }
    w
}

/// Content-word stems of a text.
pub fn content_stems(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1 && !STOP.contains(&w.to_lowercase().as_str()))
        .map(stem)
        .collect()
}

fn relevance(sentence: &str, target_stems: &[String], mention_start: Option<usize>) -> f32 {
    let stems = content_stems(sentence);
    let overlap = target_stems.iter().filter(|t| stems.contains(t)).count() as f32;
    let lower = sentence.to_lowercase();
    let cue = STANCE_CUES
        .iter()
        .filter(|c| lower.contains(*c))
        .count()
        .min(2) as f32;
    // The actor as (early) subject of the sentence counts for more than a passing mention.
    let subject = mention_start.map_or(0.0, |p| if p * 3 < sentence.len() { 1.0 } else { 0.0 });
    overlap + cue + subject
}

/// Up to `max` evidence sentences for `actor`, most relevant to `target` first.
pub fn evidence_for(
    article: &Article,
    sentences: &[Sentence],
    actor: &Actor,
    target: &str,
    max: usize,
) -> Vec<Evidence> {
    let target_stems = content_stems(target);
    let mut picked: Vec<(f32, usize)> = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        let first_mention = actor
            .mentions
            .iter()
            .find(|m| m.start >= s.start && m.end <= s.end);
        if let Some(m) = first_mention {
            picked.push((
                relevance(&s.text, &target_stems, Some(m.start - s.start)),
                i,
            ));
            if let Some(next) = sentences.get(i + 1) {
                let continues = next.paragraph == s.paragraph
                    && PRONOUN_STARTS.iter().any(|p| next.text.starts_with(p));
                let mentions_next = actor
                    .mentions
                    .iter()
                    .any(|m| m.start >= next.start && m.end <= next.end);
                if continues && !mentions_next {
                    picked.push((relevance(&next.text, &target_stems, None) - 0.5, i + 1));
                }
            }
        }
    }
    // Highest relevance first; among equals, earlier in the article first.
    picked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    picked.dedup_by_key(|p| p.1);
    picked
        .into_iter()
        .take(max)
        .map(|(_, i)| {
            let s = &sentences[i];
            Evidence {
                sentence: s.text.clone(),
                start: article.body_start + s.start,
                end: article.body_start + s.end,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::actors::find_candidates;

    #[test]
    fn evidence_mentions_the_actor_and_points_into_the_text() {
        let raw = include_str!("../../evals/niger-us-security.txt");
        let a = Article::from_text("t", raw);
        let sentences = a.sentences();
        let actors = find_candidates(&a);
        let ecowas = actors
            .iter()
            .find(|x| x.aliases.contains(&"ECOWAS".to_string()))
            .unwrap();
        let ev = evidence_for(&a, &sentences, ecowas, "sanctions on Niger", 3);
        assert!(!ev.is_empty());
        for e in &ev {
            assert_eq!(&raw[e.start..e.end], e.sentence);
            assert!(e.sentence.contains("ECOWAS") || e.sentence.contains("Economic Community"));
        }
        assert!(
            ev[0].sentence.contains("sanctions"),
            "most relevant first: {ev:?}"
        );
    }

    #[test]
    fn pronoun_continuation_is_included() {
        let a = Article::from_text(
            "t",
            "Smith spoke first. He condemned the plan.\n\nLater, others spoke.",
        );
        let s = a.sentences();
        let actor = crate::tasks::actors::manual_actors(&a, &["Smith".into()])
            .unwrap()
            .remove(0);
        let ev = evidence_for(&a, &s, &actor, "the plan", 3);
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[0].sentence, "He condemned the plan.");
    }
}

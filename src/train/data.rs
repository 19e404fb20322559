//! Training examples from labelled JSONL (the eval format): a classifier-only example is one
//! sentence; a whole-article example gives, for each gold actor, its evidence sentences found
//! exactly as the pipeline finds them, each labelled with the actor's stance.

use crate::article::Article;
use crate::error::{BriefError, Result};
use crate::eval::dataset::{self, Example};
use crate::tasks::actors::manual_actors;
use crate::tasks::evidence::evidence_for;
use crate::tasks::stance::Stance;
use std::path::PathBuf;

/// One labelled sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The example's id (for the overlap check), with `#N` for an article's N-th sentence.
    pub id: String,
    pub text: String,
    /// The actor's names (first the canonical one).
    pub actor: Vec<String>,
    pub target: String,
    /// 0 favor, 1 against, 2 neutral (the head's order).
    pub label: usize,
}

/// The head's index of a stance.
pub fn label_index(s: Stance) -> usize {
    match s {
        Stance::Favor => 0,
        Stance::Against => 1,
        Stance::Neutral => 2,
    }
}

/// The stance of a head index.
pub fn label_stance(i: usize) -> Stance {
    match i {
        0 => Stance::Favor,
        1 => Stance::Against,
        _ => Stance::Neutral,
    }
}

/// Reads examples and turns them into items; returns the examples too (for the report).
pub fn load_items(paths: &[PathBuf], max_evidence: usize) -> Result<(Vec<Example>, Vec<Item>)> {
    let (examples, bad) = dataset::load(paths)?;
    if let Some(b) = bad.first() {
        return Err(BriefError::Usage(format!(
            "{}:{}: {} ({} malformed line(s) in the training data; fix them first)",
            b.file,
            b.line,
            b.error,
            bad.len()
        )));
    }
    let mut items = Vec::new();
    for ex in &examples {
        items.extend(items_of(ex, max_evidence));
    }
    if items.is_empty() {
        return Err(BriefError::Usage(format!(
            "no labelled actors in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok((examples, items))
}

fn items_of(ex: &Example, max_evidence: usize) -> Vec<Item> {
    let (Some(actors), Some(target)) = (&ex.actors, &ex.target) else {
        return Vec::new();
    };
    let names = |g: &crate::eval::dataset::GoldActor| -> Vec<String> {
        std::iter::once(g.name.clone())
            .chain(g.aliases.iter().cloned())
            .collect()
    };
    if ex.is_classifier_only() {
        let g = &actors[0];
        return vec![Item {
            id: ex.id.clone(),
            text: ex.text.trim().to_string(),
            actor: names(g),
            target: target.clone(),
            label: label_index(g.stance),
        }];
    }
    let article = Article::from_text(&ex.id, &ex.article_text());
    let sentences = article.sentences();
    let mut out = Vec::new();
    for g in actors {
        let spec = if g.aliases.is_empty() {
            g.name.clone()
        } else {
            format!("{}={}", g.name, g.aliases.join(","))
        };
        // An actor the text never names has no evidence to learn from.
        let Ok(found) = manual_actors(&article, &[spec]) else {
            continue;
        };
        for actor in &found {
            for (i, e) in evidence_for(&article, &sentences, actor, target, max_evidence)
                .into_iter()
                .enumerate()
            {
                out.push(Item {
                    id: format!("{}#{}-{i}", ex.id, g.name),
                    text: e.sentence,
                    actor: names(g),
                    target: target.clone(),
                    label: label_index(g.stance),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn train_items_from_both_kinds_of_example() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("t.jsonl");
        std::fs::write(
            &p,
            concat!(
                r#"{"id": "s1", "text": "France condemned the coup.", "target": "the coup", "actors": [{"name": "France", "stance": "against"}], "source": "s", "license": "l"}"#,
                "\n",
                r#"{"id": "a1", "title": "T", "text": "Mali backed the plan. Chad said nothing.\n\nMali repeated it backed the plan.", "target": "the plan", "actors": [{"name": "Mali", "stance": "favor"}, {"name": "Niger", "stance": "neutral"}], "source": "s", "license": "l"}"#,
                "\n"
            ),
        )
        .unwrap();
        let (ex, items) = load_items(&[p], 3).unwrap();
        assert_eq!(ex.len(), 2);
        assert_eq!(items[0].label, 1);
        assert_eq!(items[0].actor, vec!["France".to_string()]);
        // Two evidence sentences for Mali, none for the absent Niger.
        assert_eq!(items.len(), 3, "{items:?}");
        assert!(items[1..]
            .iter()
            .all(|i| i.label == 0 && i.text.contains("Mali")));
    }
}

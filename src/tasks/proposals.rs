//! What a chat model proposes as actors (a JSON list), read strictly and merged into the
//! finder's candidates without ever merging two known actors or keeping an ungrounded one.

use super::actors::{
    drop_nested, drop_sources, excluded_ranges, find_all, Actor, ActorKind, Mention,
};
use super::gazetteer::NEWS_SOURCES;
use crate::article::Article;
use serde::Deserialize;

/// An actor as a model proposes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Proposed {
    pub name: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// Reads the model's JSON list of actors. Tolerates code fences and text around the list;
/// anything else is an error (the caller retries or goes without).
pub fn parse_proposals(raw: &str) -> std::result::Result<Vec<Proposed>, String> {
    let start = raw.find('[').ok_or("no JSON list in the answer")?;
    let end = raw.rfind(']').ok_or("the JSON list is not closed")?;
    if end < start {
        return Err("no JSON list in the answer".into());
    }
    let body = &raw[start..=end];
    if let Ok(v) = serde_json::from_str::<Vec<Proposed>>(body) {
        return Ok(v);
    }
    // A list of plain names is accepted too.
    serde_json::from_str::<Vec<String>>(body)
        .map(|names| {
            names
                .into_iter()
                .map(|name| Proposed {
                    name,
                    kind: None,
                    aliases: vec![],
                })
                .collect()
        })
        .map_err(|e| format!("malformed actor list: {e}"))
}

/// Adds what a model proposed. Each grounded form joins the actor whose mention it overlaps
/// (or whose alias it is); forms that match no actor join the proposal's own actor — an
/// existing one when the proposal names it, else a new one. Two existing actors are never
/// merged and mentions never move between actors; ungrounded proposals are dropped.
pub fn merge_proposals(
    article: &Article,
    mut actors: Vec<Actor>,
    proposals: &[Proposed],
) -> Vec<Actor> {
    let text = &article.body;
    let excluded = excluded_ranges(article);
    for p in proposals {
        let name = p.name.trim();
        if NEWS_SOURCES.contains(&name) {
            continue;
        }
        let mut home: Option<usize> = actors
            .iter()
            .position(|a| a.name == name || a.aliases.iter().any(|al| al == name));
        let mut fresh: Vec<Mention> = Vec::new();
        for form in std::iter::once(name).chain(p.aliases.iter().map(|s| s.trim())) {
            for m in find_all(text, form, &excluded) {
                let owner = actors.iter().position(|a| {
                    a.mentions
                        .iter()
                        .any(|x| x.start < m.end && m.start < x.end)
                });
                match owner {
                    // Already someone's mention: it tells us which actor the proposal is.
                    Some(i) => {
                        if home.is_none() && form == name {
                            home = Some(i);
                        }
                    }
                    None => fresh.push(m),
                }
            }
        }
        if fresh.is_empty() {
            continue;
        }
        match home {
            Some(i) => actors[i].add_mentions(fresh),
            // A new actor needs a proper name: capitalized, no digits ("Airbase 201" is a place).
            None if name.chars().next().is_some_and(char::is_uppercase)
                && !name.chars().any(|c| c.is_ascii_digit()) =>
            {
                let kind = p
                    .kind
                    .as_deref()
                    .map(ActorKind::parse)
                    .unwrap_or(ActorKind::Other);
                let mut a = Actor::new(name, kind);
                a.add_mentions(fresh);
                actors.push(a);
            }
            None => {}
        }
    }
    drop_sources(text, &mut actors);
    drop_nested(&mut actors);
    actors.sort_by_key(Actor::first);
    actors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::actors::find_candidates;

    fn sample() -> Article {
        Article::from_text("t", include_str!("../../evals/niger-us-security.txt"))
    }

    #[test]
    fn proposals_merge_or_are_dropped() {
        let a = Article::from_text(
            "t",
            "The junta, led by the CNSP (CNSP), met. Officials in Washington agreed.",
        );
        let base = find_candidates(&a);
        let props = parse_proposals(
            r#"```json
[{"name": "United States", "kind": "government", "aliases": ["Washington"]},
 {"name": "Atlantis", "kind": "government"}]
```"#,
        )
        .unwrap();
        let n_before = base.len();
        let merged = merge_proposals(&a, base, &props);
        assert_eq!(
            merged.iter().filter(|x| x.name == "United States").count(),
            1
        );
        assert_eq!(merged.len(), n_before, "no new or merged actors");
        assert!(
            !merged.iter().any(|x| x.name == "Atlantis"),
            "ungrounded actor kept"
        );
        assert!(parse_proposals("I think the actors are many").is_err());
        assert_eq!(parse_proposals(r#"["France"]"#).unwrap()[0].name, "France");
    }

    #[test]
    fn proposals_never_merge_two_known_actors() {
        let a = sample();
        let base = find_candidates(&a);
        let n = base.len();
        // A model that lumps the general in with the council must not erase him.
        let props = parse_proposals(
            r#"[{"name": "CNSP", "kind": "government", "aliases": ["Abdourahamane Tchiani", "the junta"]},
                {"name": "Airbase 201", "kind": "organization"},
                {"name": "Antiwar.com", "kind": "organization"},
                {"name": "Molly Phee", "kind": "person", "aliases": ["Phee", "Ms. Phee"]},
                {"name": "President Biden", "kind": "person"}]"#,
        )
        .unwrap();
        let merged = merge_proposals(&a, base, &props);
        assert!(merged.iter().any(|x| x.name == "Abdourahamane Tchiani"));
        assert!(
            !merged.iter().any(|x| x.name == "Airbase 201"),
            "places are not actors"
        );
        assert!(
            !merged.iter().any(|x| x.name == "Antiwar.com"),
            "outlets are not actors"
        );
        assert_eq!(
            merged.iter().filter(|x| x.name.contains("Biden")).count(),
            1
        );
        assert_eq!(merged.len(), n);
    }
}

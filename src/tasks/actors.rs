//! Actors: who in the article could hold a stance. A deterministic finder (gazetteer, acronyms
//! with their expansions, person names with titles and surnames) proposes candidates; a model
//! may add more and merge aliases; every actor must be grounded — mentioned in the text, with
//! offsets — or it is dropped. News outlets quoted as sources and the byline are not actors.

use super::gazetteer::{KNOWN, NEWS_SOURCES, NOT_NAME_WORDS, TITLES};
use crate::article::Article;
use crate::error::{BriefError, Result};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// What sort of actor it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    Person,
    Government,
    Organization,
    Bloc,
    Other,
}

impl ActorKind {
    /// Reads a kind as a model writes it; anything unknown is `Other`.
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_lowercase().as_str() {
            "person" | "politician" | "official" | "individual" => Self::Person,
            "government" | "country" | "state" | "nation" | "junta" => Self::Government,
            "organization" | "organisation" | "agency" | "company" | "party" | "group"
            | "institution" => Self::Organization,
            "bloc" | "alliance" | "coalition" | "union" => Self::Bloc,
            _ => Self::Other,
        }
    }
}

/// One mention of an actor: byte span in the article body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// An actor with every alias the text uses for it.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub name: String,
    pub kind: ActorKind,
    /// Surface forms found in the text, in order of first use.
    pub aliases: Vec<String>,
    #[serde(skip)]
    pub mentions: Vec<Mention>,
}

impl Actor {
    fn first(&self) -> usize {
        self.mentions.first().map_or(usize::MAX, |m| m.start)
    }

    fn add_mentions(&mut self, ms: Vec<Mention>) {
        for m in ms {
            if !self
                .mentions
                .iter()
                .any(|x| x.start < m.end && m.start < x.end)
            {
                self.mentions.push(m);
            }
        }
        self.mentions.sort_by_key(|m| m.start);
        self.aliases.clear();
        for m in &self.mentions {
            if !self.aliases.contains(&m.text) {
                self.aliases.push(m.text.clone());
            }
        }
    }
}

/// Byte ranges of the body that are not article content: the byline and author bio.
fn excluded_ranges(article: &Article) -> Vec<(usize, usize)> {
    let mut author: Option<String> = None;
    let mut out = Vec::new();
    for &(s, e) in &article.paragraphs {
        let p = &article.body[s..e];
        let lower = p.to_lowercase();
        if let Some(rest) = p
            .strip_prefix("Author:")
            .or_else(|| p.strip_prefix("By ").filter(|_| p.len() < 80))
        {
            author = Some(rest.trim().to_string());
            out.push((s, e));
        } else if author.as_ref().is_some_and(|a| p.starts_with(a.as_str()))
            || lower.contains("follow him on")
            || lower.contains("follow her on")
            || lower.contains("contributed reporting")
        {
            out.push((s, e));
        }
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-'
}

/// Every whole-word, case-sensitive occurrence of `needle` in `text`, outside `excluded`.
pub fn find_all(text: &str, needle: &str, excluded: &[(usize, usize)]) -> Vec<Mention> {
    let mut out = Vec::new();
    if needle.trim().is_empty() {
        return out;
    }
    for (i, _) in text.match_indices(needle) {
        let end = i + needle.len();
        let before_ok = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_char(c) && c != '.');
        let after_ok = text[end..].chars().next().is_none_or(|c| !is_word_char(c));
        let inside_excluded = excluded.iter().any(|&(s, e)| i >= s && end <= e);
        if before_ok && after_ok && !inside_excluded {
            out.push(Mention {
                text: needle.to_string(),
                start: i,
                end,
            });
        }
    }
    out
}

/// Removes mentions that lie inside a longer mention of another alias (e.g. "US" inside
/// "US Congress" is kept only if no longer alias covers it).
fn drop_nested(actors: &mut Vec<Actor>) {
    let all: Vec<(usize, usize, usize)> = actors
        .iter()
        .enumerate()
        .flat_map(|(i, a)| a.mentions.iter().map(move |m| (i, m.start, m.end)))
        .collect();
    for (i, a) in actors.iter_mut().enumerate() {
        a.mentions.retain(|m| {
            !all.iter().any(|&(j, s, e)| {
                j != i && s <= m.start && m.end <= e && (e - s) > (m.end - m.start)
            })
        });
        let ms = std::mem::take(&mut a.mentions);
        a.add_mentions(ms);
    }
    actors.retain(|a| !a.mentions.is_empty());
}

fn acronym_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\(([A-Z][A-Z.&-]{1,9})\)").expect("valid regex"))
}

fn name_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\b[A-Z][\p{Ll}'’\-]+(?:\s+(?:[A-Z]\.\s+)?[A-Z][\p{Ll}'’\-]+){0,3}")
            .expect("valid regex")
    })
}

/// The capitalized phrase right before `pos` ("National Council for the Safeguard of the
/// Homeland" before "(CNSP)"), or None when it is not a name.
fn expansion_before(text: &str, pos: usize) -> Option<(usize, String)> {
    let head = text[..pos].trim_end();
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut end = head.len();
    for w in head.split_whitespace().rev() {
        let start = head[..end].rfind(w)?;
        end = start;
        let connector = matches!(
            w,
            "of" | "for" | "the" | "and" | "on" | "de" | "du" | "des" | "la"
        );
        if w.chars().next().is_some_and(char::is_uppercase) || connector {
            words.push((start, w));
        } else {
            break;
        }
        if words.len() > 12 {
            return None;
        }
    }
    while words
        .last()
        .is_some_and(|(_, w)| w.chars().next().is_some_and(char::is_lowercase))
    {
        words.pop();
    }
    let caps = words
        .iter()
        .filter(|(_, w)| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    if caps < 2 {
        return None;
    }
    let start = words.last()?.0;
    let phrase = head[start..].trim_end_matches([',', ';', ':']).to_string();
    Some((start, phrase))
}

fn kind_from_words(name: &str) -> ActorKind {
    let has = |ws: &[&str]| ws.iter().any(|w| name.contains(w));
    if has(&[
        "Council",
        "Government",
        "Junta",
        "Ministry",
        "Committee",
        "Administration",
        "Army",
        "Forces",
        "Military",
    ]) {
        ActorKind::Government
    } else if has(&[
        "Community",
        "Union",
        "Alliance",
        "Bloc",
        "League",
        "Coalition",
    ]) {
        ActorKind::Bloc
    } else {
        ActorKind::Organization
    }
}

/// The deterministic candidates: gazetteer entries, acronym expansions and person names.
pub fn find_candidates(article: &Article) -> Vec<Actor> {
    let text = &article.body;
    let excluded = excluded_ranges(article);
    let mut actors: Vec<Actor> = Vec::new();

    // 1. Known countries, capitals, demonyms and international bodies.
    for k in KNOWN {
        let ms: Vec<Mention> = k
            .aliases
            .iter()
            .flat_map(|a| find_all(text, a, &excluded))
            .collect();
        if !ms.is_empty() {
            let mut a = Actor {
                name: k.name.to_string(),
                kind: k.kind,
                aliases: vec![],
                mentions: vec![],
            };
            a.add_mentions(ms);
            actors.push(a);
        }
    }

    // 2. "Long Name (ACRONYM)": one actor, both forms aliases.
    for cap in acronym_re().captures_iter(text) {
        let (Some(whole), Some(acr)) = (cap.get(0), cap.get(1)) else {
            continue;
        };
        let Some((_, expansion)) = expansion_before(text, whole.start()) else {
            continue;
        };
        let acronym = acr.as_str().to_string();
        let mut ms = find_all(text, &expansion, &excluded);
        ms.extend(find_all(text, &acronym, &excluded));
        if let Some(a) = actors
            .iter_mut()
            .find(|a| a.aliases.contains(&acronym) || a.aliases.contains(&expansion))
        {
            a.add_mentions(ms);
        } else if !ms.is_empty() {
            let mut a = Actor {
                name: expansion.clone(),
                kind: kind_from_words(&expansion),
                aliases: vec![],
                mentions: vec![],
            };
            a.add_mentions(ms);
            actors.push(a);
        }
    }

    // 3. People: capitalized word runs without organisation or calendar words, titles removed.
    let known_alias = |w: &str| KNOWN.iter().any(|k| k.aliases.contains(&w));
    let mut people: Vec<(String, usize, usize)> = Vec::new();
    for m in name_re().find_iter(text) {
        let mut words: Vec<&str> = m.as_str().split_whitespace().collect();
        let mut start = m.start();
        // "President Biden", "Gen. Abdourahamane Tchiani": drop titles but remember them.
        let mut had_title = false;
        while words.len() > 1 && TITLES.contains(&words[0]) {
            start += text[start..].find(words[1]).unwrap_or(0);
            words.remove(0);
            had_title = true;
        }
        // A title right before the run ("Gen." is not part of the regex match).
        let before = text[..m.start()]
            .split_whitespace()
            .next_back()
            .unwrap_or("");
        had_title |= TITLES.contains(&before);
        if words
            .iter()
            .any(|w| NOT_NAME_WORDS.contains(&w.trim_end_matches(['’', '\''])) || known_alias(w))
        {
            continue;
        }
        if words.len() < 2 && !had_title {
            continue;
        }
        let name = words.join(" ");
        let end = start + name.len();
        if text.get(start..end) != Some(name.as_str())
            || excluded.iter().any(|&(s, e)| start >= s && end <= e)
        {
            continue;
        }
        if NEWS_SOURCES.contains(&name.as_str())
            || actors
                .iter()
                .any(|a| a.mentions.iter().any(|x| x.start <= start && end <= x.end))
        {
            continue;
        }
        people.push((name, start, end));
    }
    let mut persons: Vec<Actor> = Vec::new();
    // Full names first, so "Bazoum" joins "Mohamed Bazoum".
    people.sort_by_key(|(n, s, _)| (std::cmp::Reverse(n.split_whitespace().count()), *s));
    for (name, _, _) in people {
        let surname = name.split_whitespace().last().unwrap_or(&name).to_string();
        if let Some(p) = persons
            .iter_mut()
            .find(|p| p.name == name || p.name.split_whitespace().last() == Some(surname.as_str()))
        {
            let ms = find_all(text, &name, &excluded);
            p.add_mentions(ms);
            continue;
        }
        let mut a = Actor {
            name: name.clone(),
            kind: ActorKind::Person,
            aliases: vec![],
            mentions: vec![],
        };
        let mut ms = find_all(text, &name, &excluded);
        if surname != name {
            ms.extend(find_all(text, &surname, &excluded));
        }
        a.add_mentions(ms);
        persons.push(a);
    }
    actors.extend(persons);
    drop_sources(text, &mut actors);
    drop_nested(&mut actors);
    actors.sort_by_key(Actor::first);
    actors
}

/// Drops actors every mention of which only cites them as a source ("according to X").
fn drop_sources(text: &str, actors: &mut Vec<Actor>) {
    actors.retain(|a| {
        !a.mentions.iter().all(|m| {
            let before = text[..m.start].to_lowercase();
            before.ends_with("according to ") || before.ends_with("according to the ")
        })
    });
}

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
                let mut a = Actor {
                    name: name.to_string(),
                    kind,
                    aliases: vec![],
                    mentions: vec![],
                };
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

/// Actors given by hand (`--actor NAME` or `--actor NAME=alias1,alias2`); each must occur.
pub fn manual_actors(article: &Article, specs: &[String]) -> Result<Vec<Actor>> {
    let mut out = Vec::new();
    for spec in specs {
        let (name, aliases) = match spec.split_once('=') {
            Some((n, a)) => (
                n.trim(),
                a.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>(),
            ),
            None => (spec.trim(), vec![]),
        };
        if name.is_empty() {
            return Err(BriefError::Usage(format!(
                "--actor '{spec}': give a name, e.g. --actor \"United States=US,Washington\""
            )));
        }
        let forms: Vec<&str> = std::iter::once(name)
            .chain(aliases.iter().copied())
            .collect();
        let mut ms: Vec<Mention> = forms
            .iter()
            .flat_map(|f| find_all(&article.body, f, &[]))
            .collect();
        if ms.is_empty() {
            // Not as a whole word ("Brussel" in "Brussels attacker"): take it as written.
            ms = forms
                .iter()
                .flat_map(|f| {
                    article.body.match_indices(*f).map(|(i, _)| Mention {
                        text: f.to_string(),
                        start: i,
                        end: i + f.len(),
                    })
                })
                .collect();
        }
        if ms.is_empty() {
            return Err(BriefError::Usage(format!(
                "--actor '{name}' does not occur in the article (nor do its aliases)"
            )));
        }
        let mut a = Actor {
            name: name.to_string(),
            kind: ActorKind::Other,
            aliases: vec![],
            mentions: vec![],
        };
        if let Some(k) = KNOWN
            .iter()
            .find(|k| k.name == name || k.aliases.contains(&name))
        {
            a.kind = k.kind;
        }
        a.add_mentions(ms);
        out.push(a);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Article {
        Article::from_text("t", include_str!("../../evals/niger-us-security.txt"))
    }

    #[test]
    fn finds_the_sample_articles_actors_once_each() {
        let actors = find_candidates(&sample());
        let names: Vec<&str> = actors.iter().map(|a| a.name.as_str()).collect();
        for want in [
            "United States",
            "National Council for the Safeguard of the Homeland",
            "France",
            "Economic Community of West African States",
            "Mohamed Bazoum",
        ] {
            assert_eq!(
                names.iter().filter(|n| **n == want).count(),
                1,
                "{want} in {names:?}"
            );
        }
        let us = actors.iter().find(|a| a.name == "United States").unwrap();
        assert!(
            us.aliases.contains(&"US".to_string())
                && us.aliases.contains(&"United States".to_string())
        );
        let cnsp = actors
            .iter()
            .find(|a| a.name.starts_with("National Council"))
            .unwrap();
        assert!(cnsp.aliases.contains(&"CNSP".to_string()));
        assert_eq!(cnsp.kind, ActorKind::Government);
        let bazoum = actors.iter().find(|a| a.name == "Mohamed Bazoum").unwrap();
        assert!(bazoum.aliases.contains(&"Bazoum".to_string()));
        for bad in [
            "Reuters",
            "Dave DeCamp",
            "African Affairs",
            "West Africa",
            "Airbase 201",
            "DeCamp",
        ] {
            assert!(!names.contains(&bad), "{bad} is not an actor: {names:?}");
        }
        // Grounded: every mention is the text at its offsets.
        let a = sample();
        for actor in &actors {
            for m in &actor.mentions {
                assert_eq!(&a.body[m.start..m.end], m.text);
            }
        }
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

    #[test]
    fn manual_actors_must_occur() {
        let a = sample();
        let got = manual_actors(&a, &["United States=US,Washington".into()]).unwrap();
        assert_eq!(got[0].kind, ActorKind::Government);
        assert!(got[0].mentions.len() > 5);
        let e = manual_actors(&a, &["Atlantis".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("'Atlantis' does not occur"), "{e}");
    }
}

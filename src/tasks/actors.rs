//! Actors: who in the article could hold a stance. A deterministic finder (gazetteer, acronyms
//! with their expansions, then `named`: people, organizations and groups that act) proposes
//! candidates; a model may confirm them (`check`) or add more (`proposals`); every actor must
//! be grounded — mentioned in the text, with offsets — or it is dropped. News outlets quoted as
//! sources, the byline, places, venues and events are not actors.

pub use super::manual_actors::manual_actors;
pub use super::proposals::{merge_proposals, parse_proposals, Proposed};
use crate::article::Article;
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
    /// Found as one plain capitalized word (weakest evidence; a model check may drop it).
    #[serde(skip)]
    pub plain: bool,
}

impl Actor {
    /// An actor with no mentions yet.
    pub fn new(name: &str, kind: ActorKind) -> Self {
        Self {
            name: name.to_string(),
            kind,
            aliases: Vec::new(),
            mentions: Vec::new(),
            plain: false,
        }
    }

    pub(crate) fn first(&self) -> usize {
        self.mentions.first().map_or(usize::MAX, |m| m.start)
    }

    /// Adds mentions (overlapping ones are skipped) and rebuilds the aliases from them.
    pub fn add_mentions(&mut self, ms: Vec<Mention>) {
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

/// Byte ranges of the body that are not article content: the byline, the author bio and
/// upper-case section headings.
pub(crate) fn excluded_ranges(article: &Article) -> Vec<(usize, usize)> {
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
    out.extend(super::names::headings(&article.body));
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
        // A period right before is part of an abbreviation ("U.S.") unless it ends a sentence
        // whose space was lost ("the jet.Russia said", "its commitment\".Russia - a key
        // ally", "in 2014.Russia").
        let mut back = text[..i].chars().rev();
        let before_ok = match back.next() {
            None => true,
            Some('.') => back.next().is_some_and(|c| {
                c.is_lowercase()
                    || c.is_ascii_digit()
                    || matches!(c, '"' | '”' | '’' | '\'' | ')' | ']')
            }),
            Some(c) => !is_word_char(c),
        };
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
pub(crate) fn drop_nested(actors: &mut Vec<Actor>) {
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
    // "(CNSP)", and mixed-case ones like "(Cas)" — those only when the initials agree.
    RE.get_or_init(|| {
        Regex::new(r"\(([A-Z][A-Z.&-]{1,9}|[A-Z][a-z][A-Za-z]{1,3})\)").expect("valid regex")
    })
}

/// Where a second sentence starts inside one whitespace-separated token whose space was lost
/// ("June.The"): after a period between a lower-case and an upper-case letter.
fn glued_sentence_start(token: &str) -> Option<usize> {
    let chars: Vec<(usize, char)> = token.char_indices().collect();
    chars.windows(3).find_map(|w| {
        (w[0].1.is_lowercase() && w[1].1 == '.' && w[2].1.is_uppercase()).then_some(w[2].0)
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
        // "exhibitions.Heritage Lottery Fund": a sentence whose space was lost ends there.
        if let Some(cut) = glued_sentence_start(w) {
            if !matches!(&w[cut..], "The" | "A" | "An") {
                words.push((start + cut, &w[cut..]));
            }
            break;
        }
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

/// A country's mentions followed by the organ that acts for it ("Thai authorities", "French
/// forces") take that word in, so the alias says who acted.
fn name_state_organs(text: &str, a: &mut Actor) {
    const ORGANS: &[&str] = &[
        "authorities",
        "government",
        "forces",
        "military",
        "officials",
    ];
    let ms: Vec<Mention> = a
        .mentions
        .iter()
        .map(|m| {
            let organ = super::agency::next_word(text, m.end).filter(|w| ORGANS.contains(w));
            match organ.and_then(|w| text[m.end..].find(w).map(|i| m.end + i + w.len())) {
                Some(end) if end - m.end < 40 => Mention {
                    text: text[m.start..end].to_string(),
                    start: m.start,
                    end,
                },
                _ => m.clone(),
            }
        })
        .collect();
    a.mentions.clear();
    a.add_mentions(ms);
}

/// The deterministic candidates: gazetteer entries, acronym expansions and person names.
pub fn find_candidates(article: &Article) -> Vec<Actor> {
    let text = &article.body;
    let excluded = excluded_ranges(article);
    let mut actors: Vec<Actor> = Vec::new();

    // 1. Known countries, capitals, demonyms and international bodies.
    for k in super::gazetteer::known() {
        let ms: Vec<Mention> = k
            .aliases
            .iter()
            .flat_map(|a| find_all(text, a, &excluded))
            .collect();
        if !ms.is_empty() {
            let mut a = Actor::new(k.name, k.kind);
            a.add_mentions(ms);
            actors.push(a);
        }
    }
    // Countries only mentioned in passing, and bodies only spoken to, are dropped; their
    // words stay taken.
    let (kept, passing): (Vec<Actor>, Vec<Actor>) = actors.into_iter().partition(|a| {
        if a.kind == ActorKind::Government {
            super::agency::known_acts(text, a)
        } else {
            !super::agency::only_addressed(text, a)
        }
    });
    actors = kept;
    for a in &mut actors {
        name_state_organs(text, a);
    }

    // 2. "Long Name (ACRONYM)": one actor, both forms aliases.
    let mut not_actors: Vec<String> = Vec::new();
    for cap in acronym_re().captures_iter(text) {
        let (Some(whole), Some(acr)) = (cap.get(0), cap.get(1)) else {
            continue;
        };
        let Some((_, expansion)) = expansion_before(text, whole.start()) else {
            continue;
        };
        let acronym = acr.as_str().to_string();
        let words: Vec<&str> = expansion.split_whitespace().collect();
        // "Deferred Action for Childhood Arrivals (DACA)" is a policy, not an actor.
        if super::kinds::classify(&words, false, None) == super::kinds::NameClass::NonActor {
            not_actors.push(acr.as_str().to_string());
            continue;
        }
        let mixed = acronym.chars().skip(1).any(char::is_lowercase);
        if mixed && acronym.chars().next() != expansion.chars().next() {
            continue;
        }
        let mut ms = find_all(text, &expansion, &excluded);
        ms.extend(find_all(text, &acronym, &excluded));
        if let Some(a) = actors
            .iter_mut()
            .find(|a| a.aliases.contains(&acronym) || a.aliases.contains(&expansion))
        {
            a.add_mentions(ms);
        } else if !ms.is_empty() {
            let mut a = Actor::new(&expansion, super::kinds::kind_from_words(&words));
            a.add_mentions(ms);
            actors.push(a);
        }
    }

    // 3. Named people, organizations and groups that act.
    let taken: Vec<Actor> = actors.iter().chain(&passing).cloned().collect();
    let named = super::named::named_actors(text, &excluded, &taken);
    actors.extend(named.into_iter().filter(|a| !not_actors.contains(&a.name)));
    merge_same_names(&mut actors);
    super::orgs::merge_reordered_acronyms(&mut actors);
    super::nicknames::merge_nicknames(&mut actors);
    drop_sources(text, &mut actors);
    drop_nested(&mut actors);
    super::bodies_of::merge_bodies_of_countries_and_courts(text, &mut actors);
    actors.sort_by_key(Actor::first);
    actors
}

/// One actor per name: two found under the same name (by two rules) become one.
fn merge_same_names(actors: &mut Vec<Actor>) {
    let mut out: Vec<Actor> = Vec::with_capacity(actors.len());
    for a in actors.drain(..) {
        match out
            .iter_mut()
            .find(|b| b.name.eq_ignore_ascii_case(&a.name))
        {
            Some(b) => b.add_mentions(a.mentions),
            None => out.push(a),
        }
    }
    *actors = out;
}

/// Drops actors every mention of which only cites them as a source ("according to X").
pub(crate) fn drop_sources(text: &str, actors: &mut Vec<Actor>) {
    actors.retain(|a| {
        !a.mentions.iter().all(|m| {
            let before = text[..m.start].to_lowercase();
            before.ends_with("according to ") || before.ends_with("according to the ")
        })
    });
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
    fn a_section_heading_names_nobody() {
        // FRANK (Daily Mail): "US" inside a heading is not the United States.
        let raw = "Vaughan in talks\n\nMichael Vaughan has held talks with the ECB. Alec \
                   Stewart CURRENT JOB: Surrey. SHOW US YOUR MEDALS: Played 133 Tests. Andrew \
                   Strauss CURRENT JOB: Sky. SHOW US YOUR MEDALS: Captained England. Michael \
                   Vaughan SHOW US YOUR MEDALS: Famously led England to the 2005 Ashes. REASON \
                   IT MIGHT NOT: The ECB said it would take its time.";
        let found = find_candidates(&Article::from_text("t", raw));
        let names: Vec<&str> = found.iter().map(|a| a.name.as_str()).collect();
        assert!(names.contains(&"Michael Vaughan"), "{names:?}");
        assert!(names.contains(&"ECB"), "{names:?}");
        assert!(
            !names
                .iter()
                .any(|n| *n == "United States" || n.contains("REASON")),
            "{names:?}"
        );
    }

    #[test]
    fn a_two_word_demonym_with_its_organ_is_the_country() {
        // FRANK (CNN): one state, written three ways, is one candidate.
        let raw = "Saudi man arrested\n\nA Saudi Arabian man has been arrested. He is in the \
                   U.S. on a Saudi government student sponsorship. He has family connections to \
                   the Saudi Arabian government.";
        let found = find_candidates(&Article::from_text("t", raw));
        let saudi: Vec<&Actor> = found.iter().filter(|a| a.name.contains("Saudi")).collect();
        assert_eq!(saudi.len(), 1, "{found:?}");
        assert_eq!(saudi[0].name, "Saudi Arabia");
        assert!(saudi[0]
            .aliases
            .contains(&"Saudi Arabian government".to_string()));
    }
}

//! Actors named by capitalized words: people, organizations and governments the gazetteer
//! does not know. Chunks are classified by their words (`kinds`), people are merged by name
//! (title and punctuation variants, first + last name vs the last name alone), and a name is
//! kept only when the text shows it acting (`agency`) — a person or a plain word named in
//! passing, a place or a venue is not an actor.

use super::actors::{find_all, Actor, ActorKind, Mention};
use super::agency::{
    acting_groups, acts, after_the, is_locative, is_modifier, next_word, role_before,
};
use super::gazetteer::NEWS_SOURCES;
use super::kinds::{classify, kind_from_words, NameClass};
use super::lexicon::{INSTITUTION_AFTER, ORG_WORDS, PARTY_WORDS};
use super::names::{chunks, person_words, same_person, Chunk};
use regex::Regex;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Every word the text writes in lower case: a capitalized word among them is an ordinary
/// word at a sentence start ("Cars have been damaged"), not a name.
fn common_words(text: &str) -> HashSet<&str> {
    super::names::words(text)
        .into_iter()
        .map(|w| &text[w.start..w.end])
        .filter(|w| w.starts_with(char::is_lowercase))
        .collect()
}

fn at_sentence_start(text: &str, pos: usize) -> bool {
    let head = text[..pos].trim_end();
    head.is_empty() || head.ends_with(['.', '!', '?', '"', '“', '”', ':', '\''])
}

/// A contraction ("I’ve", "We'll"): an apostrophe followed by lower-case letters, not "'s".
fn is_contraction(w: &str) -> bool {
    w.split(['\'', '’'])
        .skip(1)
        .any(|tail| tail.starts_with(char::is_lowercase) && tail != "s")
}

/// Cleans a chunk into the names in it: a leading "Long-time" / "Paisley-based" / "Ex-Killie"
/// or sentence-opening ordinary word dropped, and two names joined by "and" split apart
/// unless the whole is an organization ("England and Wales Cricket Board").
fn clean_chunk(text: &str, c: &Chunk, common: &HashSet<&str>) -> Vec<Chunk> {
    let mut words = c.words.clone();
    while words.len() > 1 {
        let w = &text[words[0].start..words[0].end];
        let hyphen_adj = w
            .split_once('-')
            .is_some_and(|(a, b)| b.starts_with(char::is_lowercase) || a == "Ex");
        let ordinary =
            at_sentence_start(text, words[0].start) && common.contains(w.to_lowercase().as_str());
        if hyphen_adj || ordinary || is_contraction(w) {
            words.remove(0);
        } else {
            break;
        }
    }
    let texts: Vec<&str> = words.iter().map(|w| &text[w.start..w.end]).collect();
    // Two organizations joined by "and" ("South Yorkshire Police and West Midlands Police")
    // are split; "England and Wales Cricket Board" is one.
    let org = texts.iter().any(|t| ORG_WORDS.contains(t))
        && !texts
            .windows(2)
            .any(|p| matches!(p[1], "and" | "&") && ORG_WORDS.contains(&p[0]));
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for (w, t) in words.iter().zip(&texts) {
        if !org && matches!(*t, "and" | "&") {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(*w);
        }
    }
    out.push(cur);
    out.into_iter()
        .filter(|ws| {
            ws.first()
                .is_some_and(|w| text[w.start..w.end].starts_with(char::is_uppercase))
        })
        .enumerate()
        .map(|(i, ws)| Chunk {
            words: ws,
            titled: c.titled && i == 0,
        })
        .collect()
}

/// A person as found: their name's words, and whether a title or role ever came before them.
struct Person {
    words: Vec<String>,
    titled: bool,
    mentions: Vec<Mention>,
}

/// The raw candidates of one article, before filtering.
#[derive(Default)]
struct Found {
    people: Vec<Person>,
    /// (name, kind, mention)
    orgs: Vec<(String, ActorKind, Mention)>,
    /// Single plain words, kept only when they act.
    plain: Vec<Mention>,
    /// First words of venue and place names ("Dens" of "Dens Park"): never an actor alone.
    venues: HashSet<String>,
}

fn overlaps(taken: &[Actor], s: usize, e: usize) -> bool {
    taken
        .iter()
        .flat_map(|a| &a.mentions)
        .any(|m| m.start <= s && e <= m.end)
}

fn mention(text: &str, s: usize, e: usize) -> Mention {
    Mention {
        text: text[s..e].to_string(),
        start: s,
        end: e,
    }
}

/// Sorts one chunk into people, organizations or plain words.
fn sort_chunk(text: &str, c: &Chunk, found: &mut Found, common: &HashSet<&str>) {
    let (s, e) = c.span(text);
    let words = c.word_texts(text);
    let next = next_word(text, e).filter(|w| w.starts_with(char::is_lowercase));
    // "Tower Hamlets council": the noun belongs to the name.
    if let Some(n) = next.filter(|n| INSTITUTION_AFTER.contains(n)) {
        let end = e + text[e..].find(n).unwrap_or(0) + n.len();
        let mut ws = words.clone();
        ws.push(n);
        let kind = kind_from_words(&[n.to_uppercase().as_str()]);
        let kind = if n == "council" || n == "government" || n == "ministry" {
            ActorKind::Government
        } else {
            kind
        };
        found
            .orgs
            .push((text[s..end].to_string(), kind, mention(text, s, end)));
        return;
    }
    let single = words.len() == 1;
    if single && ORG_WORDS.contains(&words[0]) && !PARTY_WORDS.contains(&words[0]) {
        return;
    }
    let titled = c.titled || role_before(text, s);
    match classify(&words, titled, next) {
        NameClass::NonActor => {
            if words.len() > 1 {
                found.venues.insert(words[0].to_string());
            }
        }
        NameClass::Actor(ActorKind::Person) => {
            let Some(pw) = person_words(c, text) else {
                return;
            };
            let ws: Vec<&str> = pw.iter().map(|w| &text[w.start..w.end]).collect();
            if classify(&ws, false, None) == NameClass::NonActor {
                return;
            }
            let (ps, pe) = (pw[0].start, pw[pw.len() - 1].end);
            let titled = titled || pw.len() < c.words.len();
            found.people.push(Person {
                words: ws.iter().map(|w| w.to_string()).collect(),
                titled,
                mentions: vec![mention(text, ps, pe)],
            });
        }
        NameClass::Actor(kind) => {
            found
                .orgs
                .push((text[s..e].to_string(), kind, mention(text, s, e)))
        }
        NameClass::Unknown => {
            let w = words[0];
            if !is_contraction(w) && !common.contains(w.to_lowercase().as_str()) {
                found.plain.push(mention(text, s, e))
            }
        }
    }
}

/// Merges people found under several forms into one each, longest names first.
fn merge_people(mut raw: Vec<Person>) -> Vec<Person> {
    raw.sort_by_key(|p| std::cmp::Reverse(p.words.len()));
    let mut out: Vec<Person> = Vec::new();
    for p in raw {
        let short: Vec<&str> = p.words.iter().map(String::as_str).collect();
        let homes: Vec<usize> = out
            .iter()
            .enumerate()
            .filter(|(_, q)| {
                let long: Vec<&str> = q.words.iter().map(String::as_str).collect();
                same_person(&short, &long)
            })
            .map(|(i, _)| i)
            .collect();
        match homes.as_slice() {
            [] => out.push(p),
            // One person with that name: the same person.
            [i] => {
                out[*i].titled |= p.titled;
                out[*i].mentions.extend(p.mentions);
            }
            // "Lloyd" when there are a Richard and a Timothy Lloyd: nobody's.
            _ => {}
        }
    }
    out
}

/// Every mention of a person: the full name, and the last name where it is theirs alone.
fn person_actor(text: &str, excluded: &[(usize, usize)], p: &Person, all: &[Person]) -> Actor {
    let name = p.words.join(" ");
    let mut ms = p.mentions.clone();
    ms.extend(find_all(text, &name, excluded));
    if let Some(last) = p.words.last().filter(|_| p.words.len() > 1) {
        let shared = all.iter().filter(|q| q.words.last() == Some(last)).count() > 1;
        if !shared {
            ms.extend(find_all(text, last, excluded));
        }
    }
    let mut a = Actor::new(&name, ActorKind::Person);
    a.add_mentions(ms);
    a
}

/// Whether an actor shows itself acting: a title or role, a verb after a mention, or three
/// mentions or more, most of them not used as a modifier ("the Trojan Horse scandal").
fn is_acting(text: &str, a: &Actor, titled: bool) -> bool {
    let person = a.kind == ActorKind::Person;
    let places = a
        .mentions
        .iter()
        .filter(|m| is_locative(text, m.start, person))
        .count();
    if places * 2 >= a.mentions.len() {
        return false;
    }
    if person && !titled && a.mentions.iter().all(|m| after_the(text, m.start)) {
        return false;
    }
    // One capitalized word seen only at sentence starts and followed by a copula ("Rain is
    // expected tomorrow") is an ordinary word there, not a name ("Dundee have vowed" is).
    let copula = |m: &super::actors::Mention| {
        matches!(
            next_word(text, m.end),
            Some("is" | "are" | "was" | "were" | "will")
        )
    };
    if !titled
        && !a.name.contains(' ')
        && a.mentions
            .iter()
            .all(|m| at_sentence_start(text, m.start) && copula(m))
    {
        return false;
    }
    let modifiers = a
        .mentions
        .iter()
        .filter(|m| is_modifier(text, m.end))
        .count();
    if modifiers * 2 >= a.mentions.len() && !titled {
        return false;
    }
    titled || a.mentions.len() >= 3 || a.mentions.iter().any(|m| acts(text, m.start, m.end))
}

fn club_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\b[Tt]he (?:[A-Z][\p{L}’'-]+ ){1,2}(?:club|side|outfit)\b")
            .expect("valid regex")
    })
}

/// "the Tannadice club", "the Rugby Park club": an alias of the organization named last
/// before it, or an organization of its own when none is.
fn club_aliases(text: &str, excluded: &[(usize, usize)], actors: &mut Vec<Actor>) {
    for m in club_re().find_iter(text) {
        let ms = vec![mention(text, m.start(), m.end())];
        if excluded
            .iter()
            .any(|&(s, e)| m.start() >= s && m.end() <= e)
        {
            continue;
        }
        let before = actors
            .iter()
            .enumerate()
            .filter(|(_, a)| a.kind == ActorKind::Organization)
            .filter_map(|(i, a)| {
                a.mentions
                    .iter()
                    .filter(|x| x.end <= m.start())
                    .map(|x| x.end)
                    .max()
                    .map(|end| (i, end))
            })
            .max_by_key(|&(_, end)| end);
        match before {
            Some((i, _)) => actors[i].add_mentions(ms),
            None => {
                let mut a = Actor::new(m.as_str(), ActorKind::Organization);
                a.add_mentions(ms);
                actors.push(a);
            }
        }
    }
}

/// An organization's name without its legal form: "Dundee FC" and "Dundee Football Club"
/// are one club, "ParkingEye Ltd" is ParkingEye.
fn org_key(name: &str) -> String {
    let mut n = name.to_string();
    for suffix in [
        " Football Club",
        " FC",
        " AFC",
        " Ltd",
        " Plc",
        " PLC",
        " Inc",
    ] {
        if let Some(x) = n.strip_suffix(suffix) {
            n = x.to_string();
        }
    }
    n.strip_prefix("FC ").unwrap_or(&n).to_string()
}

/// Organizations by name; a plain word that is part of a longer organization's name is
/// that organization ("Cuadrilla" and "Cuadrilla Resources").
fn org_actors(
    text: &str,
    excluded: &[(usize, usize)],
    found: &Found,
    people: &[Actor],
) -> Vec<Actor> {
    let mut out: Vec<Actor> = Vec::new();
    let mut orgs: Vec<&(String, ActorKind, Mention)> = found.orgs.iter().collect();
    orgs.sort_by_key(|o| std::cmp::Reverse(o.0.split_whitespace().count()));
    for (name, kind, m) in orgs {
        if let Some(a) = out.iter_mut().find(|a| org_key(&a.name) == org_key(name)) {
            a.add_mentions(vec![m.clone()]);
            continue;
        }
        let mut a = Actor::new(name, *kind);
        a.add_mentions(find_all(text, name, excluded));
        a.add_mentions(vec![m.clone()]);
        out.push(a);
    }
    let person_word = |w: &str| {
        people
            .iter()
            .any(|p| p.name.split_whitespace().any(|x| x == w))
    };
    // "Essex" of "Joey Essex", "Dens" of "Dens Park": a one-word organization that is part of
    // a person's or a venue's name is neither.
    let orgs_in = std::mem::take(&mut out);
    for a in orgs_in {
        let one = !a.name.contains(' ');
        if !(one && (person_word(&a.name) || found.venues.contains(&a.name))) {
            out.push(a);
        }
    }
    // "a Labour government" is Labour.
    let mut i = 0;
    while i < out.len() {
        let base = out[i]
            .name
            .rsplit_once(' ')
            .filter(|(_, n)| INSTITUTION_AFTER.contains(n) && *n != "council")
            .map(|(b, _)| b.to_string());
        match base.and_then(|b| out.iter().position(|a| org_key(&a.name) == b)) {
            Some(j) if j != i => {
                let ms = std::mem::take(&mut out[i].mentions);
                out[j].add_mentions(ms);
                out.remove(i);
            }
            _ => i += 1,
        }
    }
    for m in &found.plain {
        if person_word(&m.text) || found.venues.contains(&m.text) {
            continue;
        }
        let exact = out.iter().position(|a| org_key(&a.name) == m.text);
        let within: Vec<usize> = out
            .iter()
            .enumerate()
            .filter(|(_, a)| a.name.split_whitespace().any(|w| w == m.text))
            .map(|(i, _)| i)
            .collect();
        let home = exact.or(match within.as_slice() {
            [i] => Some(*i),
            _ => None,
        });
        match home {
            Some(i) => out[i].add_mentions(vec![m.clone()]),
            None => {
                let mut a = Actor::new(&m.text, ActorKind::Organization);
                a.add_mentions(find_all(text, &m.text, excluded));
                a.add_mentions(vec![m.clone()]);
                a.plain = true;
                out.push(a);
            }
        }
    }
    out
}

/// The named actors of `text` that `taken` (gazetteer, acronyms) does not already cover.
pub fn named_actors(text: &str, excluded: &[(usize, usize)], taken: &[Actor]) -> Vec<Actor> {
    let mut found = Found::default();
    let common = common_words(text);
    for raw in chunks(text) {
        for c in clean_chunk(text, &raw, &common) {
            let (s, e) = c.span(text);
            let name = c.text(text);
            if overlaps(taken, s, e)
                || excluded.iter().any(|&(xs, xe)| s >= xs && e <= xe)
                || NEWS_SOURCES.contains(&name)
            {
                continue;
            }
            sort_chunk(text, &c, &mut found, &common);
        }
    }
    let people = merge_people(std::mem::take(&mut found.people));
    let mut out: Vec<Actor> = people
        .iter()
        .map(|p| (person_actor(text, excluded, p, &people), p.titled))
        .filter(|(a, titled)| is_acting(text, a, *titled))
        .map(|(a, _)| a)
        .collect();
    let orgs = org_actors(text, excluded, &found, &out);
    out.extend(orgs.into_iter().filter(|a| {
        // Named organizations stay unless only ever a place; plain words must act.
        if a.plain {
            is_acting(text, a, false) && a.mentions.iter().any(|m| acts(text, m.start, m.end))
        } else {
            !a.mentions.iter().all(|m| is_locative(text, m.start, false))
        }
    }));
    for (name, s, e) in acting_groups(text) {
        let key = name.to_lowercase();
        let kind = if key.ends_with("council") || key.ends_with("ministers") {
            ActorKind::Government
        } else {
            ActorKind::Organization
        };
        let ms = vec![mention(text, s, e)];
        match out.iter_mut().find(|a| a.name.to_lowercase() == key) {
            Some(a) => a.add_mentions(ms),
            None if !overlaps(taken, s, e) => {
                let mut a = Actor::new(&key, kind);
                a.add_mentions(ms);
                out.push(a);
            }
            None => {}
        }
    }
    club_aliases(text, excluded, &mut out);
    out
}

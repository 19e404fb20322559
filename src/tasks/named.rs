//! Actors named by capitalized words: people, organizations and governments the gazetteer
//! does not know. Chunks are classified by their words (`kinds`), people are merged by name
//! (title and punctuation variants, first + last name vs the last name alone), and a name is
//! kept only when the text shows it acting (`agency`) — a person or a plain word named in
//! passing, a place or a venue is not an actor.

use super::actors::{find_all, Actor, ActorKind, Mention};
use super::agency::{acts, after_the, is_locative, is_modifier, next_word, role_before};
use super::gazetteer::NEWS_SOURCES;
use super::kinds::{classify, kind_from_words, NameClass};
use super::lexicon::{
    INSTITUTION_AFTER, INSTITUTION_WORDS, ORG_WORDS, PARTY_WORDS, SPEECH_VERBS, TITLES,
};
use super::names::{chunks, person_words, same_person, Chunk};
use super::orgs::{add_acting_groups, club_aliases, org_actors};
use std::collections::HashSet;

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
pub(super) struct Person {
    pub(super) words: Vec<String>,
    pub(super) titled: bool,
    pub(super) mentions: Vec<Mention>,
}

/// The raw candidates of one article, before filtering.
#[derive(Default)]
pub(super) struct Found {
    pub(super) people: Vec<Person>,
    /// (name, kind, mention)
    pub(super) orgs: Vec<(String, ActorKind, Mention)>,
    /// Single plain words, kept only when they act.
    pub(super) plain: Vec<Mention>,
    /// First words of venue and place names ("Dens" of "Dens Park"): never an actor alone.
    pub(super) venues: HashSet<String>,
}

pub(super) fn overlaps(taken: &[Actor], s: usize, e: usize) -> bool {
    taken
        .iter()
        .flat_map(|a| &a.mentions)
        .any(|m| m.start <= s && e <= m.end)
}

pub(super) fn mention(text: &str, s: usize, e: usize) -> Mention {
    Mention {
        text: text[s..e].to_string(),
        start: s,
        end: e,
    }
}

/// Where an organization's name starts when a title word came right before it: "General
/// Teaching Council Scotland" keeps "General" (a person's title is not part of a body's name).
fn title_start(text: &str, s: usize) -> usize {
    let Some(head) = text[..s].strip_suffix(' ') else {
        return s;
    };
    let word = head
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    // "Former Hereford boss": "Former" says when, it names nothing.
    if TITLES.contains(&word) && word.starts_with(char::is_uppercase) && word != "Former" {
        head.len() - word.len()
    } else {
        s
    }
}

/// A name followed by an age in commas ("Sheerin, 39, has been…"): news style for a person.
fn age_after(text: &str, end: usize) -> bool {
    let Some(rest) = text[end..].strip_prefix(", ") else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    (1..=3).contains(&digits) && rest[digits..].starts_with(',')
}

/// Whether a name whose words say venue or event is a body after all: a club of the list
/// ("Crystal Palace", "Queens Park Rangers"), a name that speaks ("The Aleppo Media Centre
/// claims…", "the Premier League said") or has staff ("the Action Mental Health boss
/// added"): places and events do neither.
fn names_a_body(text: &str, words: &[&str], end: usize) -> bool {
    let speaks_or_has_staff = || {
        next_word(text, end).is_some_and(|w| {
            SPEECH_VERBS.contains(&w)
                || matches!(
                    w,
                    "claims"
                        | "insists"
                        | "boss"
                        | "spokesman"
                        | "spokeswoman"
                        | "spokesperson"
                        | "chairman"
                        | "chairwoman"
                )
        })
    };
    // One word alone ("Centre" of a name cut short) says too little to be a body.
    super::nicknames::is_club_name(&words.join(" ")) || (words.len() > 1 && speaks_or_has_staff())
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
    let titled = c.titled || role_before(text, s) || age_after(text, e);
    match classify(&words, titled, next) {
        NameClass::NonActor if names_a_body(text, &words, e) => found.orgs.push((
            text[s..e].to_string(),
            kind_from_words(&words),
            mention(text, s, e),
        )),
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
            let s = if c.titled { title_start(text, s) } else { s };
            found
                .orgs
                .push((text[s..e].to_string(), kind, mention(text, s, e)))
        }
        NameClass::Unknown => {
            let w = words[0];
            let lower = w.to_lowercase();
            // "Landlords who…" at a sentence start, when the text writes "landlord" elsewhere.
            let singular = lower.strip_suffix('s').unwrap_or(&lower);
            if !is_contraction(w) && !common.contains(lower.as_str()) && !common.contains(singular)
            {
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
        // "Sir Peter" beside "Sir Peter Lampl": a titled first name is that person's.
        let homes = if homes.is_empty() && p.titled && short.len() == 1 {
            let firsts: Vec<usize> = out
                .iter()
                .enumerate()
                .filter(|(_, q)| q.words.len() > 1 && q.words[0] == short[0])
                .map(|(i, _)| i)
                .collect();
            if firsts.len() == 1 {
                firsts
            } else {
                homes
            }
        } else {
            homes
        };
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

/// A name of plain words the text writes with "the" before it as the subject ("The Hebrew
/// Home is planning…") is a body, not a person; "the Sarah Watson case" (a modifier) says
/// nothing.
fn body_behind_the(text: &str, mut a: Actor, titled: bool) -> Actor {
    let body = !titled
        && a.name.contains(' ')
        && a.mentions
            .iter()
            .any(|m| after_the(text, m.start) && !is_modifier(text, m.end));
    if body {
        a.kind = ActorKind::Organization;
    }
    a
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
        .map(|(a, titled)| body_behind_the(text, a, titled))
        .collect();
    let orgs = org_actors(text, excluded, &found, &out, &common);
    out.extend(orgs.into_iter().filter(|a| {
        // Named organizations stay unless only ever a place; plain words must act.
        let institution = a
            .name
            .rsplit(' ')
            .next()
            .is_some_and(|w| INSTITUTION_WORDS.contains(&w));
        if a.plain || institution {
            is_acting(text, a, false) && a.mentions.iter().any(|m| acts(text, m.start, m.end))
        } else {
            !a.mentions.iter().all(|m| is_locative(text, m.start, false))
        }
    }));
    add_acting_groups(text, taken, &mut out);
    club_aliases(text, excluded, &mut out);
    out
}

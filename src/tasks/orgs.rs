//! Organizations among the named actors: one actor per body however the text writes it
//! (legal forms, shortened words, acronyms without brackets, "the Tannadice club", "the
//! council"), and the groups named by a plain noun that act.

use super::actors::{find_all, Actor, ActorKind, Mention};
use super::agency::acting_groups;
use super::lexicon::INSTITUTION_AFTER;
use super::named::{mention, overlaps, Found};
use regex::Regex;
use std::collections::HashSet;
use std::sync::OnceLock;

fn club_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\b[Tt]he (?:[A-Z][\p{L}’'-]+ ){1,2}(?:club|side|outfit)\b")
            .expect("valid regex")
    })
}

/// "the Tannadice club", "the Rugby Park club": an alias of the organization named last
/// before it, or an organization of its own when none is.
pub(super) fn club_aliases(text: &str, excluded: &[(usize, usize)], actors: &mut Vec<Actor>) {
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
pub(super) fn org_key(name: &str) -> String {
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

/// Whether `short` is another way of writing the organization `long`: the same words with
/// one shortened ("Met Police", "Metropolitan Police"), the name without a final "Department"
/// or "Service" in any case ("Montgomery County police"), or an acronym of its capitalized
/// words written without brackets ("ECB", "England and Wales Cricket Board").
fn org_variant(short: &str, long: &str) -> bool {
    let s: Vec<String> = short.split(' ').map(str::to_lowercase).collect();
    let l: Vec<String> = long.split(' ').map(str::to_lowercase).collect();
    if s == l || s.is_empty() {
        return false;
    }
    let shortened = s.len() == l.len()
        && s.len() > 1
        && s.iter().zip(&l).all(|(a, b)| b.starts_with(a.as_str()))
        && s.iter().zip(&l).any(|(a, b)| a == b)
        && s.iter().zip(&l).all(|(a, b)| a == b || a.len() >= 3);
    let truncated = l.len() == s.len() + 1
        && l.starts_with(&s)
        && matches!(l[s.len()].as_str(), "department" | "service" | "force");
    let initials = capital_initials(long);
    // The letters in order, the first and last initials included ("ECB" of "England and
    // Wales Cricket Board").
    let mut rest = initials.chars();
    let acronym = s.len() == 1
        && short.len() >= 3
        && short.chars().all(|c| c.is_ascii_uppercase())
        && initials.starts_with(&short[..1])
        && initials.ends_with(&short[short.len() - 1..])
        && short.chars().all(|c| rest.any(|i| i == c));
    // "Hereford" of "Hereford United": a club's place name without its suffix.
    let club =
        s.len() == 1 && l.len() == 2 && l[0] == s[0] && CLUB_SUFFIXES.contains(&l[1].as_str());
    shortened || truncated || acronym || club
}

/// Last words of club names that the text may leave off ("Hereford United" → "Hereford").
const CLUB_SUFFIXES: &[&str] = &[
    "united",
    "city",
    "fc",
    "afc",
    "rovers",
    "athletic",
    "albion",
    "wanderers",
    "town",
    "county",
];

/// Folds each actor into the one other actor `fits(actor, other)` names, when exactly one
/// does; with two or more fitting, the actor belongs to none and stays as it is.
pub(super) fn fold_into_only_fit(actors: &mut Vec<Actor>, fits: impl Fn(&Actor, &Actor) -> bool) {
    let mut i = 0;
    while i < actors.len() {
        let homes: Vec<usize> = (0..actors.len())
            .filter(|&j| j != i && fits(&actors[i], &actors[j]))
            .collect();
        match homes.as_slice() {
            &[j] => {
                let ms = std::mem::take(&mut actors[i].mentions);
                actors[j].add_mentions(ms);
                actors.remove(i);
            }
            _ => i += 1,
        }
    }
}

/// Whether the one capitalized word `short` is the first word of the organization `long`,
/// the way a club or company is shortened ("Bayer" of "Bayer Leverkusen", "Tottenham" of
/// "Tottenham Hotspur").
fn first_word(short: &str, long: &str) -> bool {
    let key = org_key(long);
    let words: Vec<&str> = key.split(' ').collect();
    is_one_capitalized_word(short) && words.len() > 1 && words[0] == short
}

fn is_one_capitalized_word(w: &str) -> bool {
    w.starts_with(char::is_uppercase) && w.chars().skip(1).all(char::is_lowercase)
}

/// Folds organizations written two ways into the longer name (`org_variant`, `first_word`),
/// when only one name fits ("Manchester" beside Manchester City and Manchester United is
/// neither). A first word the text also writes in lower case is an ordinary word at a
/// sentence start ("School meals…" beside "School Food Trust"), never a form of the name.
fn merge_org_variants(orgs: &mut Vec<Actor>, common: &HashSet<&str>) {
    fold_into_only_fit(orgs, |a, b| {
        org_variant(&a.name, &b.name)
            || (first_word(&a.name, &b.name) && !common.contains(a.name.to_lowercase().as_str()))
    });
}

/// The initials of a name's capitalized words ("TFF" of "Tunisia Football Federation",
/// "EWCB" of "England and Wales Cricket Board").
fn capital_initials(name: &str) -> String {
    name.split(' ')
        .filter(|w| w.starts_with(char::is_uppercase))
        .filter_map(|w| w.chars().next())
        .collect()
}

/// Whether `acronym` holds exactly the initials of `name` in another order: the acronym of
/// the name in another language ("FTF", Fédération Tunisienne de Football, beside "Tunisia
/// Football Federation") or with two letters swapped by a typo ("BSG" beside "British
/// Geological Survey (BGS)"). The same order is `org_variant`'s rule, not this one.
fn reordered_acronym(acronym: &str, name: &str) -> bool {
    let initials = capital_initials(name);
    let sorted = |s: &str| {
        let mut v: Vec<char> = s.chars().collect();
        v.sort_unstable();
        v
    };
    acronym.chars().count() >= 3
        && acronym.chars().all(|c| c.is_ascii_uppercase())
        && name.contains(' ')
        && initials != acronym
        && sorted(acronym) == sorted(&initials)
}

/// Folds an acronym that spells another actor's initials in another order into that actor,
/// when exactly one actor's initials fit; the acronym's kind gives way to the named body's.
pub(super) fn merge_reordered_acronyms(actors: &mut Vec<Actor>) {
    fold_into_only_fit(actors, |a, b| {
        b.kind != ActorKind::Person && reordered_acronym(&a.name, &b.name)
    });
}

/// Of the organizations whose names hold a plain word, the one it stands for: the only one,
/// or the one whose name begins every other's ("Hereford" is Hereford United, not
/// Hereford United Supporters' Trust, which is named after the club).
fn core_org(orgs: &[Actor], within: &[usize]) -> Option<usize> {
    within.iter().copied().find(|&i| {
        within
            .iter()
            .all(|&j| j == i || orgs[j].name.starts_with(&format!("{} ", orgs[i].name)))
    })
}

/// Organizations by name; a plain word that is part of a longer organization's name is
/// that organization ("Cuadrilla" and "Cuadrilla Resources"). `common`: the words the text
/// writes in lower case (`named::common_words`).
pub(super) fn org_actors(
    text: &str,
    excluded: &[(usize, usize)],
    found: &Found,
    people: &[Actor],
    common: &HashSet<&str>,
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
    merge_org_variants(&mut out, common);
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
        let home = exact.or_else(|| core_org(&out, &within));
        match home {
            Some(i) => out[i].add_mentions(vec![m.clone()]),
            None => {
                // "Eurogroup" is a bloc, "Parliament" a government: the word still says so.
                let mut a = Actor::new(&m.text, super::kinds::kind_from_words(&[&m.text]));
                a.add_mentions(find_all(text, &m.text, excluded));
                a.add_mentions(vec![m.clone()]);
                a.plain = true;
                out.push(a);
            }
        }
    }
    out
}

/// Groups named by a plain noun that act ("prosecutors believe", "the council said"): folded
/// into the article's one named body of that sort ("the council" is Southampton City Council),
/// else actors of their own unless `taken` covers them.
pub(super) fn add_acting_groups(text: &str, taken: &[Actor], out: &mut Vec<Actor>) {
    for (name, s, e) in acting_groups(text) {
        let key = name.to_lowercase();
        let kind = if key.ends_with("council") || key.ends_with("ministers") {
            ActorKind::Government
        } else {
            ActorKind::Organization
        };
        // "Southampton City Council said": the group words are inside a named body's mention.
        if out
            .iter()
            .flat_map(|a| &a.mentions)
            .any(|m| m.start <= s && e <= m.end)
        {
            continue;
        }
        let ms = vec![mention(text, s, e)];
        // "the council" is the article's one named council, "police" its one police force.
        let bodies: Vec<usize> = out
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                a.kind != ActorKind::Person
                    && a.name.split(' ').any(|w| w.to_lowercase() == key)
                    && a.name.contains(' ')
            })
            .map(|(i, _)| i)
            .collect();
        if let [i] = bodies.as_slice() {
            out[*i].add_mentions(ms);
            continue;
        }
        match out
            .iter_mut()
            .find(|a| a.name.to_lowercase() == key || org_variant(&name, &a.name))
        {
            Some(a) => a.add_mentions(ms),
            None if !overlaps(taken, s, e) => {
                let mut a = Actor::new(&key, kind);
                a.add_mentions(ms);
                out.push(a);
            }
            None => {}
        }
    }
}

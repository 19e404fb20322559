//! Does a name act? Actors do or say something; places, venues and people named in passing
//! do not. Read from the words around a mention: a verb of acting or saying after it (past an
//! apposition and auxiliaries: "UKIP, which won May's election, spent…"), "said X" before
//! it, or a role after it ("a Bayer spokesman"). A name every mention of which follows "in",
//! "at" or "from" is a place.

use super::lexicon::{
    ACTION_NOUNS, ACTION_VERBS, AUXILIARIES, GROUP_NOUNS, INSTITUTION_AFTER, LOCATIVES,
    NOT_NAME_WORDS, POST_NOMINALS, ROLE_AFTER, ROLE_BEFORE, SPEECH_VERBS, STANCE_ADJECTIVES,
    STATE_ORGANS,
};
use regex::Regex;
use std::sync::OnceLock;

fn lower_word_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^[\s\u{a0}]*([\p{L}'’-]+)").expect("valid regex"))
}

/// The next word after byte `pos`, if only spaces come before it.
pub fn next_word(text: &str, pos: usize) -> Option<&str> {
    let rest = text.get(pos..)?;
    lower_word_re()
        .captures(rest)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

fn is_action(w: &str) -> bool {
    ACTION_VERBS.contains(&w)
        || (w.len() > 4 && w.ends_with("ed") && w.starts_with(char::is_lowercase))
}

/// Spaced dashes that set off an apposition: "Russia - a key ally of Syria - has said".
const DASHES: &[&str] = &[" - ", " – ", " — "];

/// The spaced dash `rest` opens with, if any.
fn opening_dash(rest: &str) -> Option<&'static str> {
    DASHES.iter().copied().find(|d| rest.starts_with(d))
}

/// Skips an apposition set off by dashes, within one sentence; `pos` itself when there is
/// none.
fn after_dash_apposition(text: &str, pos: usize) -> usize {
    let rest = &text[pos..];
    let Some(open) = opening_dash(rest) else {
        return pos;
    };
    let inner = &rest[open.len()..];
    let close = DASHES
        .iter()
        .filter_map(|d| inner.find(d).map(|i| (i, d.len())))
        .min();
    match close {
        Some((i, len))
            if i < 120 && !inner[..i].contains(['.', ';', ':', '"', '“', '”', '!', '?']) =>
        {
            pos + open.len() + i + len
        }
        _ => pos,
    }
}

/// Skips an apposition (", who …," / ", the …," / " (pictured)" / " - a key ally … -") right
/// after a name, within one sentence.
fn after_apposition(text: &str, pos: usize) -> usize {
    let dashed = after_dash_apposition(text, pos);
    if dashed != pos {
        return dashed;
    }
    let rest = &text[pos..];
    if let Some(r) = rest.trim_start().strip_prefix('(') {
        return match r.find(')') {
            Some(i) if i < 40 => pos + (rest.len() - r.len()) + i + 1,
            _ => pos,
        };
    }
    if !rest.starts_with(',') {
        return pos;
    }
    let window: String = rest[1..].chars().take(120).collect();
    match window.find(',') {
        Some(i) if !window[..i].contains(['.', ';', ':', '"', '“', '”']) => pos + 1 + i + 1,
        _ => pos,
    }
}

/// "Robert Abrams, a geriatric psychiatrist at New York Presbyterian Hospital said …": news
/// copy often drops the comma that closes an apposition. One that opens with an article or a
/// role and runs into a verb of saying before any other punctuation still attributes the speech.
fn unclosed_apposition_speaks(text: &str, end: usize) -> bool {
    let Some(rest) = text.get(end..).and_then(|r| r.strip_prefix(',')) else {
        return false;
    };
    let opens = next_word(rest, 0)
        .is_some_and(|w| matches!(w, "a" | "an" | "the") || ROLE_BEFORE.contains(&w));
    let window: String = rest.chars().take(120).collect();
    let clause = window
        .split(['.', ';', ':', ',', '(', '"', '“', '”', '?', '!'])
        .next()
        .unwrap_or("");
    // "the Blue Nile, a project it says is vital": a new subject speaks, not the name.
    let words: Vec<&str> = clause.split_whitespace().collect();
    let own_subject = words.iter().any(|w| {
        matches!(
            *w,
            "it" | "he" | "she" | "they" | "we" | "I" | "you" | "who" | "which" | "that" | "whose"
        )
    });
    opens
        && !own_subject
        && words.iter().any(|w| {
            matches!(
                *w,
                "said" | "says" | "told" | "added" | "warned" | "explained"
            )
        })
}

/// Skips a second name joined by "and" ("The United States and the European Union
/// supported"): both act when the verb follows.
fn after_coordinated(text: &str, pos: usize) -> usize {
    if next_word(text, pos) != Some("and") {
        return pos;
    }
    let mut end = pos + text[pos..].find("and").map_or(0, |i| i + 3);
    let mut names = 0;
    while let Some(w) = next_word(text, end) {
        let capital = w.starts_with(char::is_uppercase);
        if !(capital || (w == "the" && names == 0) || (names > 0 && w == "of")) || names > 6 {
            break;
        }
        names += usize::from(capital);
        end = past(text, end, w);
    }
    if names == 0 {
        pos
    } else {
        end
    }
}

/// Forms of "be" after which a participle is passive ("was appointed", "were killed"): the
/// name before them does not act.
const PASSIVE_MARKERS: &[&str] = &["is", "are", "was", "were", "been", "be", "being"];

/// The byte just past the next word `w` at or after `pos`.
fn past(text: &str, pos: usize, w: &str) -> usize {
    text[pos..]
        .find(w)
        .map_or(text.len(), |i| pos + i + w.len())
}

/// After a form of "be" at `pos`: does the name act ("France is completing its withdrawal")
/// or take a position ("Theresa May was clear that…", "he was absolutely furious")? A
/// participle other than one in -ing is passive: the name is acted upon.
fn acts_after_be(text: &str, mut pos: usize) -> bool {
    for _ in 0..3 {
        let Some(w) = next_word(text, pos) else {
            return false;
        };
        if (w.len() > 4 && w.ends_with("ing")) || STANCE_ADJECTIVES.contains(&w) {
            return true;
        }
        let adverb = w.len() > 4 && w.ends_with("ly");
        if !(adverb
            || matches!(
                w,
                "very" | "so" | "quite" | "not" | "also" | "still" | "now"
            ))
        {
            return false;
        }
        pos = past(text, pos, w);
    }
    false
}

/// "John Kerry's recent condemnation", "Warsaw's veto": a possessive followed (past one
/// modifier) by a noun of acting or taking a position.
fn possessive_acts(text: &str, end: usize) -> bool {
    let Some(rest) = text.get(end..) else {
        return false;
    };
    let Some(after) = rest.strip_prefix("'s").or_else(|| rest.strip_prefix("’s")) else {
        return false;
    };
    let mut pos = end + (rest.len() - after.len());
    for _ in 0..2 {
        let Some(w) = next_word(text, pos) else {
            return false;
        };
        if ACTION_NOUNS.contains(&w) {
            return true;
        }
        if !w.starts_with(char::is_lowercase) {
            return false;
        }
        pos = past(text, pos, w);
    }
    false
}

/// Whether the mention ending at `end` is followed by a verb of acting or saying.
pub fn acts_after(text: &str, end: usize) -> bool {
    let end = match next_word(text, end) {
        Some(w) if POST_NOMINALS.contains(&w) => past(text, end, w),
        _ => end,
    };
    if unclosed_apposition_speaks(text, end) || possessive_acts(text, end) {
        return true;
    }
    // "Liam O'Donnell, told the court": the verb right after the comma. (Not after a lone
    // dash: "the 3rd Viscount Bearsted - made the Duchess guest of honour" closes an
    // apposition whose verb belongs to the name before it.)
    let first = text[end..].strip_prefix(',').map_or(end, |_| end + 1);
    match next_word(text, first) {
        Some(w) if is_action(w) => return true,
        // "Ofsted, which put six schools in special measures": the subject of the clause.
        Some(w @ ("which" | "who")) if first > end => {
            let after = past(text, first, w);
            if next_word(text, after).is_some_and(is_action) {
                return true;
            }
        }
        _ => {}
    }
    let mut pos = after_coordinated(text, after_apposition(text, end));
    for _ in 0..4 {
        let Some(w) = next_word(text, pos) else {
            return false;
        };
        // "Hannah Witheridge and David Miller were murdered": the name is acted upon;
        // "France is completing its withdrawal" acts.
        if PASSIVE_MARKERS.contains(&w) {
            return acts_after_be(text, past(text, pos, w));
        }
        if is_action(w)
            || ROLE_AFTER.contains(&w) && matches!(w, "spokesman" | "spokeswoman" | "statement")
        {
            return true;
        }
        // Auxiliaries and adverbs ("China strongly opposed") stand between a name and its verb.
        let adverb = w.len() > 4 && w.ends_with("ly");
        if !(AUXILIARIES.contains(&w) || adverb) {
            return false;
        }
        pos = past(text, pos, w);
    }
    false
}

/// The word right before byte `start` (skipping spaces, a comma, quotes).
pub fn previous_word(text: &str, start: usize) -> Option<&str> {
    let head = text
        .get(..start)?
        .trim_end_matches([' ', '\u{a0}', ',', '"', '\'', '“', '”', '‘', '’']);
    let w = head
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .next()?;
    (!w.is_empty()).then_some(w)
}

/// Whether the mention is attributed speech ("…," said Porterfield; told by X).
pub fn acts_before(text: &str, start: usize) -> bool {
    let agent = |w: &str| matches!(w, "said" | "says" | "added" | "by");
    match previous_word(text, start) {
        // "a ball staged annually by the Conservatives"
        Some("the") => {
            let head = text[..start].trim_end();
            previous_word(text, head.len() - 3).is_some_and(agent)
        }
        Some(w) => agent(w),
        None => false,
    }
}

/// Whether some mention of `a` is right next to a verb of saying ("Mali said", "said
/// Porterfield"): reported speech, so the actor takes a position whatever else the text does.
pub fn speaks(text: &str, a: &super::actors::Actor) -> bool {
    let speech = |w: Option<&str>| w.is_some_and(|w| SPEECH_VERBS.contains(&w));
    a.mentions
        .iter()
        .any(|m| speech(next_word(text, m.end)) || speech(previous_word(text, m.start)))
}

/// Whether a lower-case role comes right before the mention ("chairman Jim Mann").
pub fn role_before(text: &str, start: usize) -> bool {
    previous_word(text, start).is_some_and(|w| ROLE_BEFORE.contains(&w))
}

/// Whether the mention is used as a modifier of a lower-case noun ("the Trojan Horse
/// scandal"): the word after it is lower-case and neither a verb, an auxiliary nor a
/// function word.
pub fn is_modifier(text: &str, end: usize) -> bool {
    const FUNCTION: &[&str] = &[
        "and", "or", "but", "in", "on", "at", "for", "to", "of", "over", "with", "from", "who",
        "which", "that", "as", "after", "before", "since", "during", "when", "while", "about",
        "into", "than", "by", "against", "under", "if", "because", "so",
    ];
    next_word(text, end).is_some_and(|w| {
        w.starts_with(char::is_lowercase)
            && !is_action(w)
            && !AUXILIARIES.contains(&w)
            && !FUNCTION.contains(&w)
    })
}

/// Whether the mention at `start..end` shows its name acting.
pub fn acts(text: &str, start: usize, end: usize) -> bool {
    acts_after(text, end) || acts_before(text, start)
}

/// Whether a known country or body acts in the text rather than being a place or a
/// passing mention ("wives from Pakistan, Egypt and Turkey"): a mention that acts, one
/// followed by its institution or people ("US officials", "the Greek government"), or three
/// mentions or more, most of them neither a place nor a modifier.
pub fn known_acts(text: &str, a: &super::actors::Actor) -> bool {
    let institution = |end: usize| {
        next_word(text, end).is_some_and(|w| {
            INSTITUTION_AFTER.contains(&w)
                || GROUP_NOUNS.contains(&w)
                || ROLE_AFTER.contains(&w)
                || STATE_ORGANS.contains(&w)
        })
    };
    if a.mentions
        .iter()
        .any(|m| acts(text, m.start, m.end) || institution(m.end))
    {
        return true;
    }
    let passing = a
        .mentions
        .iter()
        .filter(|m| is_locative(text, m.start, false) || is_modifier(text, m.end))
        .count();
    a.mentions.len() >= 3 && passing * 2 < a.mentions.len()
}

/// Whether every mention of a body is only spoken to ("President Biden told Congress"): an
/// addressee does not act in the story.
pub fn only_addressed(text: &str, a: &super::actors::Actor) -> bool {
    a.mentions.iter().all(|m| {
        previous_word(text, m.start).is_some_and(|w| {
            matches!(
                w,
                "told" | "urged" | "asked" | "informed" | "briefed" | "notified" | "lobbied"
            )
        })
    })
}

/// Whether the mention follows a locative word ("in Chelmsford", "at Parkhead").
/// `person`: only the words that never come before a person ("a swipe at Myleene Klass",
/// "a letter from Mr Kennedy" are people).
pub fn is_locative(text: &str, start: usize, person: bool) -> bool {
    let loc =
        |w: &str| LOCATIVES.contains(&w) && !(person && matches!(w, "at" | "At" | "from" | "From"));
    let head = text[..start].trim_end();
    let w = head.rsplit(char::is_whitespace).next().unwrap_or("");
    loc(w)
        || (w == "the" && {
            let h2 = head[..head.len() - 3].trim_end();
            loc(h2.rsplit(char::is_whitespace).next().unwrap_or(""))
        })
}

/// Whether "the" comes right before the mention ("the Dark Blues"): a nickname, never a
/// person's name.
pub fn after_the(text: &str, start: usize) -> bool {
    previous_word(text, start).is_some_and(|w| w == "the" || w == "The")
}

fn group_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let nouns = GROUP_NOUNS.join("|");
        Regex::new(&format!(
            r"\b(?:[Tt]he\s+)?((?:(?:[Hh]uman\s+rights|[A-Z][\p{{L}}]+|motoring|local|party|opposition|senior|federal|state|rights|campaign|environmental)\s+)?(?i:{nouns}))\b"
        ))
        .expect("valid regex")
    })
}

/// Groups that act, named by a plain noun ("prosecutors believe", "motoring groups said",
/// "the council had ordered"): their names and byte spans, in order.
pub fn acting_groups(text: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    for c in group_re().captures_iter(text) {
        let Some(m) = c.get(1) else { continue };
        if !acts_after(text, m.end()) {
            continue;
        }
        // "However prosecutors said": a sentence word is not part of the group's name.
        let (name, start) = match m.as_str().split_once(' ') {
            Some((first, rest)) if NOT_NAME_WORDS.contains(&first) => (rest, m.end() - rest.len()),
            _ => (m.as_str(), m.start()),
        };
        out.push((name.to_string(), start, m.end()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acting_names_from_the_dev_set() {
        let t = "UKIP, which won May's election, spent £2,956,737, while the Tories' campaign expenditure was high.";
        assert!(acts(t, 0, 4));
        let i = t.find("Tories").unwrap();
        assert!(!acts(t, i, i + 6));
        let t = "Dundee have vowed to stand by Paul McGowan.";
        assert!(acts(t, 0, 6));
        let t = "He was convicted at Airdrie Sheriff Court in Airdrie.";
        let i = t.rfind("Airdrie").unwrap();
        assert!(is_locative(t, i, false));
        let t = "Ben Elton took a swipe at Myleene Klass over her criticism.";
        assert!(!is_locative(t, t.find("Myleene").unwrap(), true));
        let t = "\"We could have added another 15,\" said Porterfield.";
        let i = t.find("Porterfield").unwrap();
        assert!(acts(t, i, i + 11));
    }

    #[test]
    fn an_apposition_whose_closing_comma_was_lost_still_attributes_speech() {
        // FRANK (Daily Mail / BBC), verbatim.
        let t = "Robert Abrams, a geriatric psychiatrist at New York Presbyterian Hospital said \
                 the home had done well.";
        assert!(acts(t, 0, 13));
        let t = "\"Full control,\" Bertie Armstrong, chief executive of the Scottish Fishermen's \
                 Federation said in a statement.";
        let i = t.find("Bertie").unwrap();
        assert!(acts(t, i, i + "Bertie Armstrong".len()));
        // Not across a sentence end, and not an apposition that opens with no article or role.
        let t = "He met Mary Smith, a nurse at the hospital. Her sister said nothing.";
        let i = t.find("Mary").unwrap();
        assert!(!acts(t, i, i + 10));
        let t = "He met Mary Smith, whose sister said nothing.";
        let i = t.find("Mary").unwrap();
        assert!(!acts(t, i, i + 10));
        // evals/articles.jsonl: another subject inside the apposition speaks.
        let t = "the dam on the Blue Nile, a project it says is vital for its development.";
        let i = t.find("Blue").unwrap();
        assert!(!acts(t, i, i + 9));
    }

    #[test]
    fn groups_that_act() {
        let t = "Prosecutors believe he fled. Meanwhile motoring groups said the ruling was a victory. Police were there.";
        let g: Vec<String> = acting_groups(t).into_iter().map(|g| g.0).collect();
        assert_eq!(g, ["Prosecutors", "motoring groups"]);
        let t = "Mr Stewart said the council had ordered a review.";
        let g: Vec<String> = acting_groups(t).into_iter().map(|g| g.0).collect();
        assert_eq!(g, ["council"]);
    }
}

//! Proper-name chunks: runs of capitalized words (with "of", "for", "and"… inside), cut at
//! sentence ends and possessives ("Coelho's Social Democrats" is two names), with leading
//! function words and titles taken off ("Mr", "Mr." and "Lord Justice" alike) — the raw
//! material the actor finder classifies, filters and merges.

use super::lexicon::{NOT_NAME_WORDS, TITLES};
use regex::Regex;
use std::sync::OnceLock;

/// One word: a byte span of the text, without surrounding punctuation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
}

/// A run of capitalized words, as found: its words and whether a title came before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub words: Vec<Word>,
    /// A title ("Mr", "Sheriff", "Lord Justice") was taken off the front.
    pub titled: bool,
}

impl Chunk {
    /// Byte span of the chunk in the text (an abbreviation's final period included).
    pub fn span(&self, text: &str) -> (usize, usize) {
        let start = self.words.first().map_or(0, |w| w.start);
        let mut end = self.words.last().map_or(0, |w| w.end);
        // "U.S." ends with its period.
        let last = &text[self.words.last().map_or(0, |w| w.start)..end];
        if last.chars().count() == 1 && text[end..].starts_with('.') {
            end += 1;
        }
        (start, end)
    }

    /// The chunk's text.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        let (s, e) = self.span(text);
        &text[s..e]
    }

    /// Each word's text.
    pub fn word_texts<'a>(&self, text: &'a str) -> Vec<&'a str> {
        self.words.iter().map(|w| &text[w.start..w.end]).collect()
    }
}

fn word_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[\p{L}\p{N}][\p{L}\p{N}'’&-]*").expect("valid regex"))
}

/// Every word of the text.
pub fn words(text: &str) -> Vec<Word> {
    word_re()
        .find_iter(text)
        .flat_map(|m| split_glued(m.start(), m.as_str()))
        .map(|(start, t)| {
            // A trailing apostrophe is punctuation ("Tories' campaign").
            let t = t.trim_end_matches(['\'', '’', '-']);
            Word {
                start,
                end: start + t.len(),
            }
        })
        .collect()
}

/// Capitalized words that open sentences, never end a name: "AbujaThe APC" is a dateline and
/// a sentence whose line break was lost.
const GLUED_OPENERS: &[&str] = &[
    "The", "And", "But", "In", "On", "At", "It", "He", "She", "They", "We", "This", "That",
    "There", "However", "Mr", "Mrs", "Ms",
];

/// Splits words a lost line break glued together: at a closing quote between a lower-case
/// and an upper-case letter ("assemblies'Birmingham" is "assemblies'" and "Birmingham";
/// "O'Donnell" stays one word), or before a sentence opener right after a lower-case letter
/// ("AbujaThe" is "Abuja" and "The"; "McDonald" stays one word).
fn split_glued(start: usize, word: &str) -> Vec<(usize, &str)> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let quote = chars.windows(3).find_map(|w| {
        let glued = w[0].1.is_lowercase() && matches!(w[1].1, '\'' | '’') && w[2].1.is_uppercase();
        glued.then_some(w[2].0)
    });
    let opener = || {
        chars.windows(2).find_map(|w| {
            let tail = &word[w[1].0..];
            let glued = w[0].1.is_lowercase()
                && w[1].1.is_uppercase()
                && GLUED_OPENERS.iter().any(|o| {
                    tail.strip_prefix(o)
                        .is_some_and(|rest| !rest.starts_with(char::is_alphanumeric))
                });
            glued.then_some(w[1].0)
        })
    };
    let cut = quote.or_else(opener);
    match cut {
        Some(i) => {
            let mut out = vec![(start, &word[..i])];
            out.extend(split_glued(start + i, &word[i..]));
            out
        }
        None => vec![(start, word)],
    }
}

/// Most characters of one word of a name. The longest in real use run to about 35
/// ("Wolfeschlegelsteinhausenbergerdorff"); a longer capitalized run is pasted data or a
/// stretch of text without spaces, and taken as a name it would fill every prompt that
/// quotes the actor.
const MAX_NAME_WORD_CHARS: usize = 60;

fn is_capitalized(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase) && w.chars().nth(MAX_NAME_WORD_CHARS).is_none()
}

/// A name part glued to a lowercase particle ("al-Assad", "el-Sisi", "bin-Talal"): it
/// continues a name ("President Bashar al-Assad") though it starts lowercase.
fn is_particle_name(w: &str) -> bool {
    w.split_once('-').is_some_and(|(p, rest)| {
        matches!(
            p,
            "al" | "el" | "ad" | "as" | "ash" | "at" | "az" | "bin" | "ibn" | "abu" | "abd"
        ) && is_capitalized(rest)
    })
}

/// A capitalized compound of an adjective-forming word and a lowercase part ("Left-wing",
/// "Pro-government", "Anti-war"), or of a name and a participle ("Moscow-based",
/// "Saudi-led"): an adjective, never a name (unlike "Prayuth Chan-ocha", whose parts are
/// no such words).
fn is_compound_adjective(w: &str) -> bool {
    w.split_once('-').is_some_and(|(head, rest)| {
        let participle = matches!(
            rest,
            "based" | "born" | "backed" | "led" | "owned" | "run" | "funded" | "linked" | "made"
        );
        participle
            || rest.starts_with(|c: char| c.is_lowercase())
                && matches!(
                    head,
                    "Left"
                        | "Right"
                        | "Far"
                        | "Centre"
                        | "Center"
                        | "Pro"
                        | "Anti"
                        | "Non"
                        | "Post"
                        | "Pre"
                        | "Self"
                        | "Cross"
                        | "Hard"
                        | "Ultra"
                        | "Ex"
                        | "Well"
                        | "So"
                )
    })
}

/// A word that can be part of a name: capitalized, or a particle form.
fn is_name_word(w: &str) -> bool {
    is_capitalized(w) || is_particle_name(w)
}

const CONNECTORS: &[&str] = &[
    "of", "for", "and", "the", "de", "del", "della", "da", "di", "van", "von", "der", "le", "la",
    "du", "des", "bin", "al", "&",
];

/// The lowercase particles of a person's name ("Mohammed bin Zayed", "Ursula von der Leyen",
/// "Vincent van Gogh"); "of", "for", "and", "the" join the words of an organization instead.
const NAME_PARTICLES: &[&str] = &[
    "de", "del", "della", "da", "di", "van", "von", "der", "le", "la", "du", "des", "bin", "al",
];

/// Abbreviations whose period does not end a sentence.
fn is_abbreviation(w: &str) -> bool {
    w.chars().count() == 1 || TITLES.contains(&w) || matches!(w, "St" | "Jr" | "Sr" | "Co")
}

/// Whether the gap between two words keeps them in one name: only spaces, or the period of
/// an abbreviation ("Mr. Passos", "U.S. Chamber").
fn joins(prev: &str, gap: &str) -> bool {
    if gap.is_empty() {
        return false;
    }
    if gap.chars().all(|c| c == ' ' || c == '\u{a0}') {
        return true;
    }
    let rest = gap.strip_prefix('.').unwrap_or("!");
    is_abbreviation(prev) && rest.chars().all(|c| c == ' ' || c == '\u{a0}')
}

/// A possessive word ("Coelho's", "Kilmarnock’s"): the name ends in it, without the 's.
fn possessive_stem(w: &str) -> Option<&str> {
    w.strip_suffix("'s")
        .or_else(|| w.strip_suffix("’s"))
        .filter(|s| !s.is_empty())
}

/// A plural of people whose possessive opens the rest of an organization's name ("Scottish
/// Fishermen's Federation", "Women's Institute", "People's Party", "Children's
/// Commissioner") instead of ending a name.
fn people_plural(stem: &str) -> bool {
    stem.ends_with("men") || matches!(stem, "People" | "Children")
}

/// Whether the connector `ws[i]` is followed by a capitalized word, directly or through a
/// second name particle ("Ursula von der Leyen", "Jean de la Fontaine").
fn connects(text: &str, ws: &[Word], i: usize) -> bool {
    let t = |w: &Word| &text[w.start..w.end];
    let gap = |a: &Word, b: &Word| &text[a.end..b.start];
    let (Some(w), Some(n)) = (ws.get(i), ws.get(i + 1)) else {
        return false;
    };
    if is_capitalized(t(n)) {
        return joins(t(w), gap(w, n));
    }
    let particles = NAME_PARTICLES.contains(&t(w)) && NAME_PARTICLES.contains(&t(n));
    particles
        && joins(t(w), gap(w, n))
        && ws
            .get(i + 2)
            .is_some_and(|m| is_capitalized(t(m)) && joins(t(n), gap(n, m)))
}

/// "on" inside a body's name: "Commission on Local Tax Reform", "Committee on Standards"
/// (only after such a word: "Celtic on Sunday" is two names).
fn body_on(text: &str, cur: &[Word], t: &str) -> bool {
    t == "on"
        && cur.last().is_some_and(|w| {
            matches!(
                &text[w.start..w.end],
                "Commission"
                    | "Committee"
                    | "Council"
                    | "Panel"
                    | "Inquiry"
                    | "Forum"
                    | "Institute"
            )
        })
}

/// The raw runs of capitalized words, connectors allowed between two capitalized words.
fn raw_runs(text: &str) -> Vec<Vec<Word>> {
    let ws = words(text);
    let mut runs = Vec::new();
    let mut cur: Vec<Word> = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let w = ws[i];
        let t = &text[w.start..w.end];
        let continues = cur
            .last()
            .is_some_and(|p| joins(&text[p.start..p.end], &text[p.end..w.start]));
        if !continues && !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
        if is_capitalized(t) || (!cur.is_empty() && is_particle_name(t)) {
            let next_capital = ws.get(i + 1).is_some_and(|n| {
                is_capitalized(&text[n.start..n.end]) && joins(t, &text[w.end..n.start])
            });
            let possessive = possessive_stem(t).filter(|s| !(next_capital && people_plural(s)));
            let end = possessive.map_or(w.end, |s| w.start + s.len());
            cur.push(Word {
                start: w.start,
                end,
            });
            if possessive.is_some() {
                runs.push(std::mem::take(&mut cur));
            }
        } else if !cur.is_empty()
            && (CONNECTORS.contains(&t) || body_on(text, &cur, t))
            && connects(text, &ws, i)
        {
            cur.push(w);
        } else if !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
        i += 1;
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

/// Forms of address that open a person's name and never occur inside one.
const HONORIFICS: &[&str] = &["Mr", "Mrs", "Ms", "Miss", "Dr"];

/// A run of upper-case words that is a section heading, not a name: Daily Mail profiles write
/// "REASON IT MIGHT HAPPEN: Widely respected…". Two such words before a colon, or three
/// anywhere; a real acronym stands alone or beside ordinary words ("UN Security Council").
fn is_heading(text: &str, part: &[Word]) -> bool {
    let before_colon = part
        .last()
        .is_some_and(|w| text[w.end..].trim_start_matches(' ').starts_with(':'));
    part.len() >= 3 || (part.len() == 2 && before_colon)
}

/// A word in capitals, longer than an initial ("J.R.R. Tolkien" is not shouting).
fn is_shouted(t: &str) -> bool {
    t.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !t.chars().any(char::is_lowercase)
}

/// Byte spans of the text's upper-case section headings (`is_heading`): no name is found
/// inside one, and the actor finder does not read "US" in "SHOW US YOUR MEDALS".
pub fn headings(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for run in raw_runs(text) {
        let mut i = 0;
        while i < run.len() {
            let len = run[i..]
                .iter()
                .take_while(|w| is_shouted(&text[w.start..w.end]))
                .count();
            let part = &run[i..i + len];
            if len > 0 && is_heading(text, part) {
                out.push((part[0].start, part[len - 1].end));
            }
            i += len.max(1);
        }
    }
    out
}

/// A month that is a surname right after a first name ("Theresa May", "Brian June"): not
/// followed by a number ("Tuesday May 5" has no name before it anyway).
fn is_surname_month(text: &str, w: Word) -> bool {
    matches!(&text[w.start..w.end], "May" | "June" | "April" | "August")
        && !text[w.end..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit())
}

/// Most words of one name. The longest official names run to ten ("Office of the United
/// Nations High Commissioner for Human Rights"); a longer capitalized run is a title-case
/// headline or a table, not a name, and it is dropped rather than cut at a guess.
const MAX_NAME_WORDS: usize = 12;

/// The name chunks of `text`: leading function words and titles removed, runs cut at any
/// word that never belongs in a name, trailing connectors dropped, runs longer than any name
/// dropped.
pub fn chunks(text: &str) -> Vec<Chunk> {
    let mut out = Vec::new();
    let shouted = headings(text);
    for run in raw_runs(text) {
        let mut part: Vec<Word> = Vec::new();
        let mut titled = false;
        let flush = |part: &mut Vec<Word>, titled: &mut bool, out: &mut Vec<Chunk>| {
            while part
                .last()
                .is_some_and(|w| !is_name_word(&text[w.start..w.end]))
            {
                part.pop();
            }
            if !part.is_empty() && part.len() <= MAX_NAME_WORDS {
                out.push(Chunk {
                    words: std::mem::take(part),
                    titled: *titled,
                });
            }
            part.clear();
            *titled = false;
        };
        for w in run {
            let t = &text[w.start..w.end];
            let title = TITLES.contains(&t);
            let in_heading = shouted.iter().any(|&(s, e)| s <= w.start && w.end <= e);
            let surname_month = part
                .last()
                .is_some_and(|p| text[p.start..p.end].chars().all(char::is_alphabetic))
                && is_surname_month(text, w);
            if in_heading
                || (!title
                    && !surname_month
                    && (NOT_NAME_WORDS.contains(&t) || is_compound_adjective(t)))
            {
                flush(&mut part, &mut titled, &mut out);
            } else if !part.is_empty() && HONORIFICS.contains(&t) {
                // "outside of the Court of Appeal Mr Beavis said": a comma was lost, and an
                // honorific never sits inside a name, so a new (titled) name starts there.
                flush(&mut part, &mut titled, &mut out);
                titled = true;
            } else if part.is_empty() && title {
                titled = true;
            } else if part.is_empty() && !is_capitalized(t) {
                // A connector cannot start a name.
            } else {
                part.push(w);
            }
        }
        flush(&mut part, &mut titled, &mut out);
    }
    out
}

/// A person's name without the offices inside it ("Utah County Attorney Craig Johnson" →
/// "Craig Johnson"): the words after the last title word. None when nothing is left.
pub fn person_words(chunk: &Chunk, text: &str) -> Option<Vec<Word>> {
    let ts = chunk.word_texts(text);
    // A title word at the very end is a name ("Edmund King").
    let body = &ts[..ts.len().saturating_sub(1)];
    let from = body
        .iter()
        .rposition(|t| TITLES.contains(t))
        .map_or(0, |i| i + 1);
    let rest: Vec<Word> = chunk.words[from..].to_vec();
    let name_word = |w: &Word| is_name_word(&text[w.start..w.end]);
    let particle = |w: &Word| NAME_PARTICLES.contains(&&text[w.start..w.end]);
    let ends = rest.first().is_some_and(name_word) && rest.last().is_some_and(name_word);
    (ends && rest.iter().all(|w| name_word(w) || particle(w))).then_some(rest)
}

/// Whether `short` names the same person as `long`: its words are the end of `long`'s
/// ("Passos Coelho" in "Pedro Passos Coelho", "Coelho"), or `long` is `short` with the
/// first name left out.
/// A particle before a surname is optional ("Mekdad" is "Faisal al-Mekdad").
pub fn same_person(short: &[&str], long: &[&str]) -> bool {
    let bare = |ws: &[&str]| -> Vec<String> {
        ws.iter()
            .map(|w| match w.split_once('-') {
                Some((_, rest)) if is_particle_name(w) => rest.to_string(),
                // "De Vrij" at a sentence start is "Stefan de Vrij".
                _ if NAME_PARTICLES.contains(&w.to_lowercase().as_str()) => w.to_lowercase(),
                _ => w.to_string(),
            })
            .collect()
    };
    let (short, long) = (bare(short), bare(long));
    !short.is_empty() && short.len() <= long.len() && long.ends_with(&short)
}

#[cfg(test)]
mod tests;

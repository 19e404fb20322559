//! Article: the input text, checked and split into title, paragraphs and sentences with
//! byte offsets, so every later stage can point back into the original text.

use crate::error::{BriefError, Result};
use std::io::Read;
use std::path::Path;

/// A sentence of the article body with its byte span in `Article::body`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub paragraph: usize,
}

/// A checked news article. `body` excludes the title line when one was detected.
#[derive(Debug, Clone)]
pub struct Article {
    /// Where it came from (path or "stdin"), for messages.
    pub source_name: String,
    pub title: Option<String>,
    pub body: String,
    /// Byte offset of `body` in the text as read (line endings normalized to `\n`), so spans
    /// reported to users point into their own file.
    pub body_start: usize,
    /// Byte spans of the paragraphs in `body`.
    pub paragraphs: Vec<(usize, usize)>,
}

impl Article {
    /// Reads an article from a path, or from stdin when the path is `-`.
    pub fn read(path: &str) -> Result<Self> {
        let (name, bytes) = if path == "-" {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| BriefError::input("stdin", e))?;
            ("stdin".to_string(), buf)
        } else {
            let p = Path::new(path);
            if p.is_dir() {
                return Err(BriefError::BadArticle {
                    source_name: path.to_string(),
                    reason: "is a directory, expected a text file".into(),
                });
            }
            let bytes = std::fs::read(p).map_err(|e| BriefError::input(p, e))?;
            (path.to_string(), bytes)
        };
        // Only here, where a command expects one article: a batch record or an API request
        // whose text happens to be JSON is that record's own affair.
        if std::str::from_utf8(&bytes).is_ok_and(looks_like_jsonl) {
            return Err(BriefError::BadArticle {
                source_name: name,
                reason: "holds JSON records, not an article's text; for one article per JSON \
                         line use `brief batch FILE --out OUT.jsonl` (or `brief eval FILE` for \
                         labelled examples)"
                    .into(),
            });
        }
        Self::from_bytes(&name, &bytes)
    }

    /// Checks raw bytes (UTF-8, not binary, not empty) and builds the article.
    pub fn from_bytes(source_name: &str, bytes: &[u8]) -> Result<Self> {
        let bad = |reason: &str| BriefError::BadArticle {
            source_name: source_name.to_string(),
            reason: reason.to_string(),
        };
        if bytes.contains(&0) {
            return Err(bad(
                "looks binary (contains NUL bytes); give a plain-text UTF-8 file",
            ));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            bad(&format!(
                "is not valid UTF-8 (at byte {}); convert it to UTF-8 text",
                e.valid_up_to()
            ))
        })?;
        // A byte-order mark is not text, but offsets point into the file as read: count it.
        let (text, bom) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (rest, '\u{feff}'.len_utf8()),
            None => (text, 0),
        };
        let controls = text
            .chars()
            .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            .count();
        if controls * 20 > text.chars().count().max(1) {
            return Err(bad(
                "looks binary (many control characters); give a plain-text file",
            ));
        }
        if text.chars().all(is_blank) {
            return Err(bad("is empty; give a file with the article text"));
        }
        let mut article = Self::from_text(source_name, text);
        article.body_start += bom;
        Ok(article)
    }

    /// Builds an article from text already known to be fine. A first line followed by a
    /// blank line and shorter than 200 characters is taken as the title.
    pub fn from_text(source_name: &str, text: &str) -> Self {
        // CRLF becomes LF (offsets count the file that way, as documented); a lone CR (old Mac
        // files) becomes LF too, which keeps every offset.
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let lead = text.len() - text.trim_start().len();
        let trimmed = &text[lead..];
        let (title, body, body_start) = match trimmed.split_once('\n') {
            Some((first, rest))
                if first.trim().chars().count() <= 200
                    && rest.starts_with('\n')
                    && !rest.trim().is_empty()
                    && !first.trim_end().ends_with(['.', ':', ';', ',']) =>
            {
                let rest_start = lead + first.len() + 1;
                let skip = rest.len() - rest.trim_start().len();
                (
                    Some(first.trim().to_string()),
                    rest.trim().to_string(),
                    rest_start + skip,
                )
            }
            _ => (None, trimmed.trim().to_string(), lead),
        };
        let paragraphs = split_paragraphs(&body);
        Article {
            source_name: source_name.to_string(),
            title,
            body,
            body_start,
            paragraphs,
        }
    }

    /// An article from a title and a body taken as they are (no title detection), e.g. a
    /// shortened view of a longer article for prompts.
    pub fn with_body(source_name: &str, title: Option<String>, body: &str) -> Self {
        let body = body.trim().to_string();
        let paragraphs = split_paragraphs(&body);
        Article {
            source_name: source_name.to_string(),
            title,
            body,
            body_start: 0,
            paragraphs,
        }
    }

    /// The sentences of the body, paragraph by paragraph, with byte offsets into `body`.
    pub fn sentences(&self) -> Vec<Sentence> {
        let mut out = Vec::new();
        for (pi, &(ps, pe)) in self.paragraphs.iter().enumerate() {
            for (s, e) in split_sentences(&self.body[ps..pe]) {
                out.push(Sentence {
                    text: self.body[ps + s..ps + e].to_string(),
                    start: ps + s,
                    end: ps + e,
                    paragraph: pi,
                });
            }
        }
        out
    }

    /// Title and body joined the way prompts show the article.
    pub fn full_text(&self) -> String {
        match &self.title {
            Some(t) => format!("{t}\n\n{}", self.body),
            None => self.body.clone(),
        }
    }
}

/// Whether the text is JSON records rather than prose: its first non-blank line is a JSON
/// object with a string `text` (the batch and eval input format). Given to `brief run` such a
/// file would be "summarized" as braces and quotes; no news article starts that way.
fn looks_like_jsonl(text: &str) -> bool {
    let text = text.trim_start_matches('\u{feff}');
    let Some(first) = text.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return false;
    };
    first.starts_with('{')
        && serde_json::from_str::<serde_json::Value>(first)
            .is_ok_and(|v| v.get("text").is_some_and(serde_json::Value::is_string))
}

/// Whitespace, or an invisible format character (zero-width space / joiners, word joiner, BOM,
/// soft hyphen): a text made only of these has nothing to read.
pub fn is_blank(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200b}'
                | '\u{200c}'
                | '\u{200d}'
                | '\u{2060}'
                | '\u{feff}'
                | '\u{00ad}'
                | '\u{180e}'
        )
}

/// Byte spans of blank-line-separated paragraphs (leading/trailing space excluded).
fn split_paragraphs(body: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        match (blank, start) {
            (false, None) => start = Some(offset + (line.len() - line.trim_start().len())),
            (true, Some(s)) => {
                spans.push((s, offset));
                start = None;
            }
            _ => {}
        }
        offset += line.len();
    }
    if let Some(s) = start {
        spans.push((s, body.len()));
    }
    spans
        .into_iter()
        .map(|(s, e)| (s, s + body[s..e].trim_end().len()))
        .filter(|(s, e)| e > s)
        .collect()
}

/// Abbreviations that end with a period but do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Lt.", "Col.", "Sgt.", "Capt.", "Maj.", "Adm.", "Gov.",
    "Sen.", "Rep.", "Sec.", "Pres.", "St.", "Jr.", "Sr.", "Prof.", "No.", "vs.", "etc.", "e.g.",
    "i.e.", "U.S.", "U.K.", "U.N.", "E.U.", "Jan.", "Feb.", "Mar.", "Apr.", "Aug.", "Sept.",
    "Sep.", "Oct.", "Nov.", "Dec.", "Inc.", "Corp.", "Ltd.", "Co.",
];

/// Splits a paragraph into sentence spans on `.`, `!`, `?` (with closing quotes) followed by
/// whitespace and an upper-case letter, digit or opening quote; known abbreviations don't split.
pub fn split_sentences(par: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = par.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if matches!(c, '.' | '!' | '?') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '\'' | '”' | '’' | ')' | '.') {
                j += 1;
            }
            let end = if j < chars.len() {
                chars[j].0
            } else {
                par.len()
            };
            let next_is_space = j < chars.len() && chars[j].1.is_whitespace();
            let mut k = j;
            while k < chars.len() && chars[k].1.is_whitespace() {
                k += 1;
            }
            let next_starts = k < chars.len()
                && (chars[k].1.is_uppercase()
                    || chars[k].1.is_ascii_digit()
                    || matches!(chars[k].1, '"' | '“' | '‘' | '\'' | '('));
            let is_abbrev = c == '.' && is_abbreviation(word_before(&chars, i));
            if next_is_space && next_starts && !is_abbrev {
                let s = start + (par[start..].len() - par[start..].trim_start().len());
                if end > s {
                    spans.push((s, end));
                }
                start = chars[k].0;
                i = k;
                continue;
            }
        }
        i += 1;
    }
    let s = start + (par[start..].len() - par[start..].trim_start().len());
    let e = par.trim_end().len();
    if e > s {
        spans.push((s, e));
    }
    spans
}

/// The word that ends at `chars[i]` (inclusive), in characters. Only the last
/// `MAX_ABBREVIATION_CHARS` characters are looked at: longer words are never abbreviations, and
/// a long run without spaces must not make splitting quadratic.
fn word_before(chars: &[(usize, char)], i: usize) -> Vec<char> {
    const MAX_ABBREVIATION_CHARS: usize = 12;
    let mut word = Vec::new();
    for &(_, ch) in chars[..=i].iter().rev() {
        if ch.is_whitespace() || word.len() > MAX_ABBREVIATION_CHARS {
            break;
        }
        word.push(ch);
    }
    word.reverse();
    word
}

/// Whether a word ending in `.` is a known abbreviation (possibly after an opening bracket or
/// quote) or an initial such as "É." — counted in characters, never bytes.
fn is_abbreviation(word: Vec<char>) -> bool {
    let n = word.len();
    let text: String = word.iter().collect();
    let known = ABBREVIATIONS
        .iter()
        .any(|a| text.ends_with(a) && n <= a.chars().count() + 1);
    let initial = n == 2 && word[0].is_uppercase();
    known || initial
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_paragraphs() {
        let raw = "Headline Here\n\nFirst para. Second one.\n\nThird para.\n";
        let a = Article::from_text("t", raw);
        assert_eq!(&raw[a.body_start..a.body_start + 11], "First para.");
        assert_eq!(a.title.as_deref(), Some("Headline Here"));
        assert_eq!(a.paragraphs.len(), 2);
        let s = a.sentences();
        assert_eq!(s.len(), 3);
        assert_eq!(s[1].text, "Second one.");
        assert_eq!(&a.body[s[1].start..s[1].end], "Second one.");
        assert_eq!(s[2].paragraph, 1);
    }

    #[test]
    fn abbreviations_do_not_split() {
        let spans = split_sentences(
            "Gen. Abdourahamane Tchiani leads it. The U.S. Army stays. Dr. No left.",
        );
        assert_eq!(spans.len(), 3);
    }

    #[test]
    fn quotes_close_sentences() {
        let p = "“We confirmed it,” Phee said. “We want peace.” Then silence.";
        let spans = split_sentences(p);
        assert_eq!(spans.len(), 3, "{spans:?}");
        assert_eq!(&p[spans[1].0..spans[1].1], "“We want peace.”");
    }

    #[test]
    fn rejects_empty_binary_and_bad_utf8() {
        assert!(Article::from_bytes("x", b"   \n\n ")
            .unwrap_err()
            .to_string()
            .contains("empty"));
        assert!(Article::from_bytes("x", b"abc\0def")
            .unwrap_err()
            .to_string()
            .contains("binary"));
        assert!(Article::from_bytes("x", &[0x66, 0xff, 0xfe])
            .unwrap_err()
            .to_string()
            .contains("UTF-8"));
    }

    #[test]
    fn jsonl_records_are_recognized_but_prose_with_braces_is_not() {
        let records = "\n{\"id\": \"1\", \"text\": \"Talks collapsed.\"}\n{\"id\": \"2\"}";
        assert!(super::looks_like_jsonl(records));
        assert!(super::looks_like_jsonl(&format!("\u{feff}{records}")));
        // Braces in prose, JSON without a text field, or nothing, are not records.
        for text in [
            "{Update} The minister resigned on Friday.",
            "{\"note\": \"draft\"}\n\nThe minister resigned on Friday.",
            "",
        ] {
            assert!(!super::looks_like_jsonl(text), "{text}");
        }
    }

    #[test]
    fn multi_byte_whitespace_before_punctuation_does_not_panic() {
        for ws in [
            '\u{a0}', '\u{202f}', '\u{2009}', '\u{3000}', '\u{2003}', '\u{2028}', '\u{2029}',
            '\u{85}', '\u{1680}',
        ] {
            for p in ['.', '?', '!'] {
                let par = format!("Il demande pourquoi{ws}{p} Le ministre{ws}5{ws}km{p} Fin{p}");
                let spans = split_sentences(&par);
                assert!(!spans.is_empty(), "{ws:?} {p}");
                for (s, e) in spans {
                    assert!(par.is_char_boundary(s) && par.is_char_boundary(e));
                }
            }
        }
    }

    #[test]
    fn initials_are_counted_in_characters() {
        let p = "The plan was backed by É. Macron on Monday. Then it passed.";
        let spans = split_sentences(p);
        assert_eq!(spans.len(), 2, "{spans:?}");
        assert_eq!(
            &p[spans[0].0..spans[0].1],
            "The plan was backed by É. Macron on Monday."
        );
    }

    #[test]
    fn bom_counts_in_offsets_and_lone_cr_is_a_line_break() {
        let raw = "\u{feff}Headline\n\nFirst one. Second one.";
        let a = Article::from_bytes("t", raw.as_bytes()).unwrap();
        assert_eq!(a.title.as_deref(), Some("Headline"));
        let s = &a.sentences()[1];
        let (start, end) = (a.body_start + s.start, a.body_start + s.end);
        assert_eq!(&raw[start..end], "Second one.");

        let cr = "Headline\r\rFirst para.\r\rSecond para.\r";
        let a = Article::from_bytes("t", cr.as_bytes()).unwrap();
        assert_eq!(a.title.as_deref(), Some("Headline"));
        assert_eq!(a.paragraphs.len(), 2);
        let s = &a.sentences()[1];
        assert_eq!(
            &cr[a.body_start + s.start..a.body_start + s.end],
            "Second para."
        );
    }

    #[test]
    fn invisible_characters_alone_are_empty() {
        let e = Article::from_bytes("x", "\u{200b}\u{200d} \u{2060}\n\u{feff}".as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("empty"), "{e}");
    }

    #[test]
    fn no_title_when_first_line_is_a_sentence() {
        let a = Article::from_text("t", "This is a whole sentence.\n\nMore text.");
        assert!(a.title.is_none());
    }
}

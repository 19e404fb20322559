//! Summary text into sentences. A model's summary is split like article text; summaries that
//! come lower-cased and tokenized (" . " between sentences, as system outputs in CNN/DM and
//! XSum benchmarks are) are split on the spaced period too, since no capital follows it.

use crate::article::split_sentences;

/// The sentences of a summary, trimmed, bullet markers removed, empty ones skipped.
pub fn summary_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = strip_bullet(line.trim());
        for (s, e) in split_sentences(line) {
            for piece in split_spaced_stops(&line[s..e]) {
                let piece = piece.trim();
                if piece.chars().any(char::is_alphanumeric) {
                    out.push(piece.to_string());
                }
            }
        }
    }
    out
}

/// "- ", "* ", "• " or "1. " at the start of a line.
fn strip_bullet(line: &str) -> &str {
    for marker in ["- ", "* ", "• "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return rest.trim_start();
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits < 3 {
        if let Some(rest) = line[digits..].strip_prefix(". ") {
            return rest.trim_start();
        }
    }
    line
}

/// Splits after " . ", " ! " or " ? " (a stop with a space on both sides).
fn split_spaced_stops(s: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i + 2 < bytes.len() {
        if bytes[i] == b' ' && matches!(bytes[i + 1], b'.' | b'!' | b'?') && bytes[i + 2] == b' ' {
            // All three are ASCII, so i + 2 is a char boundary.
            pieces.push(&s[start..i + 2]);
            start = i + 3;
            i += 3;
            continue;
        }
        i += 1;
    }
    pieces.push(&s[start..]);
    pieces
}

#[cfg(test)]
mod tests {
    use super::summary_sentences;

    #[test]
    fn model_output_splits_like_articles() {
        let s = summary_sentences("The US paused aid. Niger's junta refused talks.\n");
        assert_eq!(s, ["The US paused aid.", "Niger's junta refused talks."]);
    }

    #[test]
    fn tokenized_lower_case_summaries_split_on_spaced_stops() {
        let s = summary_sentences(
            "natalia moon learned tagalog . the darwin woman moved to the philippines in 2012 .",
        );
        assert_eq!(
            s,
            [
                "natalia moon learned tagalog .",
                "the darwin woman moved to the philippines in 2012 ."
            ]
        );
    }

    #[test]
    fn bullets_and_blank_lines_are_not_sentences() {
        let s = summary_sentences("- First point.\n\n2. Second point.\n . \n");
        assert_eq!(s, ["First point.", "Second point."]);
    }
}

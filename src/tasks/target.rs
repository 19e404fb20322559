//! The target: what "favor" and "against" are about. Given by the user, or derived from the
//! headline and opening by the model as one short phrase — kept only if grounded in the text
//! (most of its content words occur there), else the headline is used.

use super::evidence::content_stems;
use crate::article::Article;
use crate::backends::Generator;
use crate::config::{ChatPrompt, GenerationConfig, YesNoPrompt};
use crate::error::Result;
use serde::Serialize;

/// Where the target came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetSource {
    /// `--target`.
    Given,
    /// The model's phrase, grounded in the text.
    Derived,
    /// The headline (or first sentence), when the model's phrase was not grounded.
    Headline,
}

/// The opening used to find the central issue: the first two sentences.
fn lead(article: &Article) -> String {
    let lead = article
        .sentences()
        .iter()
        .take(2)
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    without_share_bar(&lead).to_string()
}

fn share_bar_re() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"^\s*Share this with(?:\s|Email|Facebook|Messenger|Twitter|Pinterest|WhatsApp|Linkedin|LinkedIn|Copy this link)*",
        )
        .expect("valid regex")
    })
}

/// The text without a web page's leading share bar ("Share this withEmailFacebook…Copy this
/// link"), which some scraped articles open with: it is no part of the story.
fn without_share_bar(text: &str) -> &str {
    share_bar_re().find(text).map_or(text, |m| &text[m.end()..])
}

/// The target used when none is given or derived: the headline, or the opening words.
pub fn headline(article: &Article) -> String {
    article.title.clone().unwrap_or_else(|| {
        let first = article
            .sentences()
            .first()
            .map(|s| s.text.clone())
            .unwrap_or_default();
        without_share_bar(&first)
            .split_whitespace()
            .take(14)
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// Whether at least 60% of the phrase's content words occur in the article.
pub fn is_grounded(phrase: &str, article: &Article) -> bool {
    let words = content_stems(phrase);
    if words.is_empty() {
        return false;
    }
    let text = content_stems(&article.full_text());
    let found = words.iter().filter(|w| text.contains(w)).count();
    found * 10 >= words.len() * 6
}

/// Whether a phrase can be a target: a proposition with at least two content words, not a
/// topic word, a question, nor a pair of names ("Coelho and Costa working together" says who, not what).
pub fn is_proposition(phrase: &str) -> bool {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    let cap = |w: &&str| w.starts_with(char::is_uppercase);
    let and = words.iter().position(|w| *w == "and" || *w == "&");
    let pair_of_names = and
        .is_some_and(|i| i > 0 && words[..i].iter().all(cap) && words.get(i + 1).is_some_and(cap));
    // A question ("Who will be the new ECB president?") is not a position one can take.
    let question = phrase.trim_end().ends_with('?');
    content_stems(phrase).len() >= 2 && !pair_of_names && !question
}

/// Whether a stance target names an entity of the article ("Avery", "Hillary Clinton", "the
/// Bank of England", "Bashar al-Assad", "eBay") rather than stating an issue ("Britain leaving
/// the European Union"): at most eight words, each with a capital letter or a connector, and
/// the name occurs in the text. Stance toward an entity is what DSA labels ("who praises or
/// blames whom"), where a classifier trained on it is measured; toward an issue the chat model
/// is. An issue always has a lower-case word that is not a connector (its verb), so the capital
/// may sit anywhere in a word: name particles ("al-Assad", "el-Murr") and brands ("eBay") put
/// it after the first letter.
pub fn names_an_entity(target: &str, text: &str) -> bool {
    const CONNECTORS: &[&str] = &[
        "the", "of", "and", "for", "de", "del", "da", "du", "la", "le", "al", "bin", "van", "von",
        "der", "y", "&",
    ];
    let name = target.trim();
    let words: Vec<&str> = name.split_whitespace().collect();
    let capitalized = |w: &&str| w.chars().any(char::is_uppercase);
    !words.is_empty()
        && words.len() <= 8
        && words.iter().any(capitalized)
        && words
            .iter()
            .all(|w| capitalized(w) || CONNECTORS.contains(&w.to_lowercase().as_str()))
        && text.contains(name.strip_prefix("the ").unwrap_or(name))
}

/// Whether a target goes to the classifier trained on entity targets rather than to the chat
/// model: it names an entity of the article, or it states no issue at all — fewer than two
/// content words ("her", "during", "’", "governor"). The chat model is asked whether an actor
/// supports or opposes an issue, which such a target is not; the trained classifier has seen
/// targets like these in its training data (DSA), and on its held-out dev split sending them
/// there lifts macro-F1 from 0.663 to 0.677 (README, *A trained stance classifier*). Every
/// issue of the labelled articles has at least two content words, so none moves.
pub fn suits_entity_classifier(target: &str, text: &str) -> bool {
    names_an_entity(target, text) || content_stems(target).len() < 2
}

/// The most words a target may have.
const MAX_TARGET_WORDS: usize = 14;

/// Cuts an answer longer than `MAX_TARGET_WORDS` at its first clause boundary after at least
/// four words (a comma, a bracket or a clause word: "Timothy Geaney removed from his
/// profession's register for condoning …" → "Timothy Geaney removed from his profession's
/// register"): small models ignore the word limit, and the head of their answer is the issue.
fn shorten(answer: &str) -> String {
    const BOUNDARIES: &[&str] = &[
        "and", "to", "for", "after", "because", "due", "over", "while", "with", "as", "but",
    ];
    let words: Vec<&str> = answer.split_whitespace().collect();
    if words.len() <= MAX_TARGET_WORDS {
        return answer.to_string();
    }
    let cut = (4..=MAX_TARGET_WORDS).find(|&i| {
        words[i - 1].ends_with([',', ';', ':'])
            || words[i].starts_with('(')
            || BOUNDARIES.contains(&words[i])
    });
    match cut {
        Some(i) => words[..i]
            .join(" ")
            .trim_end_matches([',', ';', ':'])
            .to_string(),
        None => answer.to_string(),
    }
}

/// Cleans a model's answer into one phrase: first line, no quotes, labels or final period.
fn clean(answer: &str) -> String {
    let line = answer
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let line = line.trim_start_matches(|c: char| c == '-' || c == '*' || c.is_whitespace());
    let line = ["Central issue:", "Issue:", "Answer:"]
        .iter()
        .fold(line, |l, p| l.strip_prefix(p).unwrap_or(l));
    line.trim()
        .trim_matches(|c| matches!(c, '"' | '“' | '”' | '\'' | '*'))
        .trim_end_matches('.')
        .trim()
        .to_string()
}

/// Derives the target with `model`, falling back to the headline.
pub fn derive_target(
    model: &mut dyn Generator,
    prompt: &ChatPrompt,
    article: &Article,
) -> Result<(String, TargetSource)> {
    let messages = super::prompt_messages(
        prompt.system.as_deref(),
        &prompt.user,
        minijinja::context! { title => article.title, lead => lead(article) },
        "target",
    )?;
    let settings = GenerationConfig {
        max_new_tokens: prompt.max_new_tokens,
        ..Default::default()
    };
    let answer = shorten(&clean(&model.chat(&messages, &settings, &mut |_| {})?.text));
    let words = answer.split_whitespace().count();
    if (1..=MAX_TARGET_WORDS).contains(&words)
        && is_proposition(&answer)
        && is_grounded(&answer, article)
    {
        Ok((answer, TargetSource::Derived))
    } else {
        Ok((headline(article), TargetSource::Headline))
    }
}

/// How sure the model is that two phrases state the same issue: P(yes) of `prompt`.
pub fn same_issue(
    model: &mut dyn Generator,
    prompt: &YesNoPrompt,
    a: &str,
    b: &str,
) -> Result<f32> {
    let messages = super::prompt_messages(
        prompt.system.as_deref(),
        &prompt.user,
        minijinja::context! { a => a, b => b },
        "same_issue",
    )?;
    super::score::yes_probability(model, &messages, &prompt.yes, &prompt.no)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grounding_and_cleaning() {
        let a = Article::from_text("t", include_str!("../../evals/niger-us-security.txt"));
        assert!(is_grounded(
            "resuming the US security partnership with Niger",
            &a
        ));
        assert!(!is_grounded("climate policy in Norway", &a));
        assert_eq!(
            clean("\"US-Niger security cooperation.\"\nmore"),
            "US-Niger security cooperation"
        );
        assert_eq!(clean("Issue: troop withdrawal"), "troop withdrawal");
        // The issue's example of a bad target, and good ones from the dev set.
        assert!(!is_proposition("Coelho and Costa working together"));
        assert!(!is_proposition("immigration"));
        assert!(!is_proposition("Who will be the new ECB president?"));
        assert!(is_proposition(
            "Passos Coelho forms Portugal's next government"
        ));
        assert!(is_proposition("Dundee standing by Paul McGowan"));
        assert_eq!(
            headline(&a),
            "US Says It Plans to Resume Security Partnership With Niger"
        );
    }

    #[test]
    fn targets_without_an_issue_go_to_the_entity_classifier() {
        let text = "Ms Lee told her staff during the probe that Finland and Sweden joining NATO \
                    was welcome.";
        for not_an_issue in ["her", "during", "’", ".", "the probe", "governor"] {
            assert!(
                suits_entity_classifier(not_an_issue, text),
                "{not_an_issue}"
            );
        }
        assert!(suits_entity_classifier("Ms Lee", text));
        for issue in [
            "Finland and Sweden joining NATO",
            "Britain leaving the European Union",
            "raising the minimum wage",
        ] {
            assert!(!suits_entity_classifier(issue, text), "{issue}");
        }
    }

    #[test]
    fn entity_targets_are_names_in_the_text_issue_targets_are_not() {
        let text = "Kratz's claims would be easier to believe without mistakes in Avery's trial. \
                    The Bank of England raised rates; Hillary Clinton said so.";
        assert!(names_an_entity("Avery", text));
        assert!(names_an_entity("Hillary Clinton", text));
        assert!(names_an_entity("the Bank of England", text));
        // Capitals after a name particle or inside a brand; a long institution's name.
        let more = "Bashar al-Assad met eBay staff at the California Department of Forestry and \
                    Fire Protection.";
        assert!(names_an_entity("Bashar al-Assad", more));
        assert!(names_an_entity("eBay", more));
        assert!(names_an_entity(
            "the California Department of Forestry and Fire Protection",
            more
        ));
        assert!(!names_an_entity("Bashar al-Assad met eBay staff", more));
        // Issues: lower-case content words.
        assert!(!names_an_entity("Britain leaving the European Union", text));
        assert!(!names_an_entity(
            "the US resuming its partnership with Niger",
            text
        ));
        // A name the article does not contain, or no name at all.
        assert!(!names_an_entity("Donald Trump", text));
        assert!(!names_an_entity("the", text));
        assert!(!names_an_entity("  ", text));
    }

    #[test]
    fn long_answers_keep_their_head() {
        // Answers of the 1.5B on the second tuning half of evals/frank-actors.
        assert_eq!(
            shorten("Timothy Geaney removed from his profession's register for condoning and participating in an industry that violates and abuses children"),
            "Timothy Geaney removed from his profession's register"
        );
        assert_eq!(
            shorten("Grant Mitchell returns to EastEnders to say goodbye to his mother and be reunited with his brother"),
            "Grant Mitchell returns to EastEnders"
        );
        // Within the limit nothing changes.
        let short = "UKIP spending more than Tories, losing MEPs, and spending more on Labour";
        assert_eq!(shorten(short), short);
    }

    #[test]
    fn a_share_bar_is_no_part_of_the_lead() {
        let raw = "Share this withEmailFacebookTwitterPinterestWhatsAppLinkedinCopy this linkLandlords who let properties must apply for a licence. The council said so.";
        let a = Article::from_text("t", raw);
        assert!(
            lead(&a).starts_with("Landlords who let properties"),
            "{}",
            lead(&a)
        );
        assert!(headline(&a).starts_with("Landlords who let"));
    }
}

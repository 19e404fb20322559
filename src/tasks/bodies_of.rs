//! Bodies the text names as another's, which are that other actor: a country's own
//! government ("Hungary's right-wing Fidesz government" is Hungary), a country's football
//! body ("Tunisia Football Federation", "Morocco's FA": in a report that names it, "Tunisia"
//! is the national side the federation fields, so the country is the federation), and the
//! judges who decide a case (the court). Without these the finder lists each twice.

use super::actors::{Actor, ActorKind};
use super::gazetteer::{known, Known};
use super::orgs::{fold_into_only_fit, org_key};

/// The last words of a national sports governing body's name ("Football Federation",
/// "FA"), which a country name or demonym comes before.
const SPORTS_BODIES: &[&str] = &[
    "FA",
    "Football Association",
    "Football Federation",
    "Football Union",
    "Rugby Football Union",
    "Rugby Union",
    "Cricket Board",
    "Olympic Committee",
];

/// Words that show a country's mention is its state acting ("French government",
/// "Tunisian authorities"): such a country is not its football team.
const STATE_ORGANS: &[&str] = &[
    "government",
    "authorities",
    "forces",
    "military",
    "officials",
    "ministry",
    "minister",
    "embassy",
];

/// The group nouns that name a court's bench.
const BENCH: &[&str] = &["judges", "justices", "magistrates"];

/// Folds each of the three kinds of body into the actor it belongs to, when exactly one fits.
pub(super) fn merge_bodies_of_countries_and_courts(text: &str, actors: &mut Vec<Actor>) {
    // "Hungary's … Fidesz government" → Hungary.
    fold_into_only_fit(actors, |a, b| {
        a.kind == ActorKind::Government
            && a.name.ends_with(" government")
            && is_country(b)
            && possessor(text, a).as_deref() == Some(b.name.as_str())
    });
    // "Morocco's FA" → "Moroccan FA": one country's football bodies are one.
    fold_into_only_fit(actors, |a, b| {
        named_country(&a.name).is_none()
            && named_country(&b.name).is_some()
            && sports_body_of(text, a).is_some_and(|c| sports_body_of(text, b) == Some(c))
    });
    // "Tunisia" → "Tunisia Football Federation", which is an organization whatever its name.
    fold_into_only_fit(actors, |a, b| {
        is_country(a)
            && !acts_as_state(a)
            && sports_body_of(text, b).as_deref() == Some(a.name.as_str())
    });
    for a in actors.iter_mut() {
        if sports_body_of(text, a).is_some() {
            a.kind = ActorKind::Organization;
        }
    }
    // "appeal court judges" → the Court of Appeal.
    fold_into_only_fit(actors, |a, b| {
        a.kind != ActorKind::Person && names_a_bench(&a.name) && names_a_court(&b.name)
    });
}

/// The gazetteer's countries (its governments).
fn countries() -> impl Iterator<Item = &'static Known> {
    known().filter(|k| k.kind == ActorKind::Government)
}

/// Whether the actor is a country of the gazetteer.
fn is_country(a: &Actor) -> bool {
    a.kind == ActorKind::Government && countries().any(|k| k.name == a.name)
}

/// The country named at the start of an organization's name ("Moroccan" of "Moroccan FA").
fn named_country(name: &str) -> Option<&'static str> {
    countries()
        .find(|k| {
            k.aliases
                .iter()
                .any(|al| name.strip_prefix(al).is_some_and(|r| r.starts_with(' ')))
        })
        .map(|k| k.name)
}

/// Whether any mention shows the country as a state acting.
fn acts_as_state(a: &Actor) -> bool {
    a.mentions.iter().any(|m| {
        m.text
            .split_whitespace()
            .any(|w| STATE_ORGANS.contains(&w.to_lowercase().as_str()))
    })
}

/// The country whose football body the actor is: by name ("Tunisia Football Federation")
/// or by the possessive before every mention ("Morocco's FA").
fn sports_body_of(text: &str, a: &Actor) -> Option<String> {
    let key = org_key(&a.name);
    let is_body = SPORTS_BODIES
        .iter()
        .any(|b| key == *b || key.ends_with(&format!(" {b}")));
    if !is_body || a.kind == ActorKind::Person {
        return None;
    }
    match named_country(&key) {
        Some(c) => Some(c.to_string()),
        None => possessor(text, a),
    }
}

/// The country every mention of the actor is written as belonging to: "Hungary's
/// right-wing Fidesz government" (up to two lower-case words between).
fn possessor(text: &str, a: &Actor) -> Option<String> {
    let owners: Vec<Option<&'static str>> = a
        .mentions
        .iter()
        .map(|m| country_before(&text[..m.start]))
        .collect();
    let first = *owners.first()?;
    if owners.iter().all(|o| *o == first) {
        first.map(str::to_string)
    } else {
        None
    }
}

/// The country whose possessive ends `before`, skipping up to two lower-case words.
fn country_before(before: &str) -> Option<&'static str> {
    // Sentences glued by a lost space ("unanimously.Hungary's") start at the last stop.
    let words: Vec<&str> = before
        .split_whitespace()
        .rev()
        .take(3)
        .map(|w| w.rsplit(['.', '"', '“', '”', '(']).next().unwrap_or(w))
        .collect();
    let owner = words
        .iter()
        .position(|w| !w.starts_with(|c: char| c.is_lowercase()))?;
    let word = words[owner];
    let stem = word
        .strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))?;
    countries()
        .find(|k| k.aliases.contains(&stem))
        .map(|k| k.name)
}

/// "judges", "appeal court judges", "Three judges": a name whose head is a bench noun.
fn names_a_bench(name: &str) -> bool {
    name.split_whitespace()
        .last()
        .is_some_and(|w| BENCH.contains(&w.to_lowercase().as_str()))
}

/// "Court of Appeal", "High Court", "Court of Arbitration for Sport": a name whose head is
/// "Court" (last, or followed by "of" / "for"), or a tribunal.
fn names_a_court(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    words.iter().enumerate().any(|(i, w)| {
        (*w == "Court" || *w == "Tribunal")
            && words
                .get(i + 1)
                .is_none_or(|next| matches!(*next, "of" | "for"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::actors::find_all;

    fn actor(text: &str, name: &str, kind: ActorKind, forms: &[&str]) -> Actor {
        let mut a = Actor::new(name, kind);
        a.add_mentions(forms.iter().flat_map(|f| find_all(text, f, &[])).collect());
        a
    }

    /// An actor mentioned only by its name.
    fn named(text: &str, name: &str, kind: ActorKind) -> Actor {
        actor(text, name, kind, &[name])
    }

    #[test]
    fn a_countrys_possessive_government_is_the_country() {
        // FRANK (BBC), tune3.
        let text = "The EU objects to Hungary's tight controls.Hungary's right-wing Fidesz \
                    government of Prime Minister Viktor Orban is under sustained pressure.";
        let mut actors = vec![
            named(text, "Hungary", ActorKind::Government),
            named(text, "Fidesz government", ActorKind::Government),
        ];
        merge_bodies_of_countries_and_courts(text, &mut actors);
        assert_eq!(actors.len(), 1, "{actors:?}");
        assert_eq!(actors[0].name, "Hungary");
        assert!(actors[0].aliases.contains(&"Fidesz government".to_string()));
    }

    #[test]
    fn a_country_with_its_football_body_is_the_body() {
        // FRANK (BBC), the held-aside half.
        let text = "Tunisia had faced expulsion from the Nations Cup. The Tunisians were \
                    leading 1-0. The Tunisia Football Federation insists it never accused Caf. \
                    Morocco were punished in February, said Moroccan FA chief Fouzi Lekjaa. \
                    Cas reduced a fine imposed on Morocco's FA.";
        let mut actors = vec![
            actor(
                text,
                "Tunisia",
                ActorKind::Government,
                &["Tunisians", "Tunisia"],
            ),
            named(text, "Tunisia Football Federation", ActorKind::Organization),
            named(text, "Morocco", ActorKind::Government),
            named(text, "Moroccan FA", ActorKind::Organization),
            named(text, "FA", ActorKind::Organization),
        ];
        // "FA" alone: only the one inside "Morocco's FA".
        actors[4]
            .mentions
            .retain(|m| text[..m.start].ends_with("Morocco's "));
        merge_bodies_of_countries_and_courts(text, &mut actors);
        let names: Vec<&str> = actors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Tunisia Football Federation", "Moroccan FA"]);
        assert!(actors.iter().all(|a| a.kind == ActorKind::Organization));
        assert!(actors[0].aliases.contains(&"Tunisia".to_string()));
        assert!(actors[1].aliases.contains(&"Morocco".to_string()));
    }

    #[test]
    fn a_country_that_acts_as_a_state_stays_itself() {
        let text = "The French government said the French Football Federation must obey the \
                    law. France will fund the stadium.";
        let mut actors = vec![
            actor(
                text,
                "France",
                ActorKind::Government,
                &["French government", "France"],
            ),
            named(text, "French Football Federation", ActorKind::Organization),
        ];
        merge_bodies_of_countries_and_courts(text, &mut actors);
        assert_eq!(actors.len(), 2, "{actors:?}");
        assert_eq!(actors[0].kind, ActorKind::Government);
    }

    #[test]
    fn a_courts_judges_are_the_court_and_two_courts_keep_them_apart() {
        // FRANK (Daily Mail), the held-aside half.
        let text = "Barry Beavis lost his case at the Court of Appeal. Appeal court judges \
                    decided the size of the fine was fair.";
        let court = || named(text, "Court of Appeal", ActorKind::Organization);
        let judges = || named(text, "judges", ActorKind::Organization);
        let mut actors = vec![court(), judges()];
        merge_bodies_of_countries_and_courts(text, &mut actors);
        assert_eq!(actors.len(), 1, "{actors:?}");
        assert!(actors[0].aliases.contains(&"judges".to_string()));

        let mut two = vec![
            court(),
            judges(),
            actor(text, "High Court", ActorKind::Organization, &["Beavis"]),
        ];
        merge_bodies_of_countries_and_courts(text, &mut two);
        assert_eq!(two.len(), 3, "which court's judges is not said: {two:?}");
        assert!(!names_a_court("Supreme Court Parking"));
        assert!(names_a_court("Court of Arbitration for Sport"));
    }
}

//! What a name is, read from its words: an organization (parties, clubs, companies,
//! agencies), a government (ministries, councils, legislatures), a person, or a non-actor
//! (venues, places, events, competitions, works). The words decide; where they say nothing,
//! the shape does (two or more plain capitalized words, or a title, make a person).

use super::actors::ActorKind;
use super::lexicon::{
    GOVERNMENT_WORDS, INSTITUTION_WORDS, NON_ACTOR_WORDS, ORG_WORDS, ROLE_AFTER, TITLES,
    VENUE_COURTS,
};

/// What a chunk of capitalized words names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameClass {
    Actor(ActorKind),
    /// A place, venue, event, competition or work.
    NonActor,
    /// One plain word with no sign of what it is.
    Unknown,
}

/// The kind an organization-like name takes from its words.
pub fn kind_from_words(words: &[&str]) -> ActorKind {
    // "Montgomery County Police Department" is a police force, "UK Foreign Office" a ministry.
    let police = words.contains(&"Police");
    let ministry = words
        .windows(2)
        .any(|p| p[1] == "Office" && matches!(p[0], "Foreign" | "Home" | "Cabinet" | "Scotland"));
    if ministry || (!police && words.iter().any(|w| GOVERNMENT_WORDS.contains(w))) {
        ActorKind::Government
    } else if words.iter().any(|w| matches!(*w, "Bloc" | "Eurogroup")) {
        ActorKind::Bloc
    } else {
        ActorKind::Organization
    }
}

/// Classifies a name from its words, whether a title came before it, and the lower-case word
/// right after it ("Liverpool manager …" makes Liverpool an organization).
pub fn classify(words: &[&str], titled: bool, next_word: Option<&str>) -> NameClass {
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    let venue_court = words
        .windows(2)
        .any(|p| p[1] == "Court" && VENUE_COURTS.contains(&p[0]));
    if venue_court {
        return NameClass::NonActor;
    }
    if has(ORG_WORDS) || words.last().is_some_and(|w| INSTITUTION_WORDS.contains(w)) {
        return NameClass::Actor(kind_from_words(words));
    }
    if has(NON_ACTOR_WORDS) && !titled {
        return NameClass::NonActor;
    }
    if next_word.is_some_and(|n| ROLE_AFTER.contains(&n)) {
        return NameClass::Actor(ActorKind::Organization);
    }
    let acronym = words.len() == 1
        && words[0].chars().filter(|c| c.is_alphabetic()).count() >= 2
        && words[0]
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    if acronym {
        return NameClass::Actor(ActorKind::Organization);
    }
    if titled || words.iter().any(|w| TITLES.contains(w)) || words.len() >= 2 {
        return NameClass::Actor(ActorKind::Person);
    }
    NameClass::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;
    use ActorKind::*;

    #[test]
    fn kinds_from_the_dev_set() {
        // "Coelho's Social Democrats" is the party.
        assert_eq!(
            classify(&["Social", "Democrats"], false, None),
            NameClass::Actor(Organization)
        );
        // "Unite regional officer Steve Harley", "Liverpool manager Brendan Rodgers".
        assert_eq!(
            classify(&["Unite"], false, Some("regional")),
            NameClass::Actor(Organization)
        );
        assert_eq!(
            classify(&["Liverpool"], false, Some("manager")),
            NameClass::Actor(Organization)
        );
        assert_eq!(
            classify(&["Department", "for", "Education"], false, None),
            NameClass::Actor(Government)
        );
        assert_eq!(
            classify(&["Care", "Forum", "Wales"], false, None),
            NameClass::Actor(Organization)
        );
        assert_eq!(
            classify(&["UKIP"], false, None),
            NameClass::Actor(Organization)
        );
        // Venues and competitions are not actors, and never a person.
        assert_eq!(
            classify(&["McDiarmid", "Park"], false, None),
            NameClass::NonActor
        );
        assert_eq!(
            classify(&["Scottish", "Cup"], false, None),
            NameClass::NonActor
        );
        assert_eq!(
            classify(&["Africa", "Cup", "of", "Nations"], false, None),
            NameClass::NonActor
        );
        assert_eq!(
            classify(&["Dens", "Park"], false, None),
            NameClass::NonActor
        );
        assert_eq!(
            classify(&["Gary", "Locke"], false, None),
            NameClass::Actor(Person)
        );
        assert_eq!(classify(&["Nesbitt"], true, None), NameClass::Actor(Person));
        assert_eq!(classify(&["Cuadrilla"], false, None), NameClass::Unknown);
    }
}

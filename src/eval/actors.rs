//! Found actors against gold ones. Matching is alias-aware and case-insensitive: a found actor
//! matches a gold actor when any of its names equals any of the gold actor's names. Besides
//! precision and recall: kind accuracy over matched pairs, duplicates (a second found actor
//! matching a gold actor already matched) and non-actors (found actors matching none), with
//! every miss named so the report can list them per article.

use super::dataset::GoldActor;
use crate::tasks::actors::ActorKind;

/// A found actor, as far as scoring needs it.
#[derive(Debug, Clone)]
pub struct Found<'a> {
    pub name: &'a str,
    pub aliases: &'a [String],
    pub kind: ActorKind,
}

impl<'a> Found<'a> {
    /// A found actor as the finder returns it.
    pub fn of(a: &'a crate::tasks::actors::Actor) -> Self {
        Self {
            name: &a.name,
            aliases: &a.aliases,
            kind: a.kind,
        }
    }

    /// A found actor as a report lists it.
    pub fn of_report(a: &'a crate::report::ActorReport) -> Self {
        Self {
            name: &a.name,
            aliases: &a.aliases,
            kind: a.kind,
        }
    }
}

/// Counts and named misses for one article (or summed over many).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActorScore {
    pub gold: usize,
    pub predicted: usize,
    /// Gold actors some found actor matches.
    pub matched_gold: usize,
    /// Found actors that match some gold actor.
    pub matched_predicted: usize,
    /// Matched pairs whose gold actor has a kind.
    pub kind_checked: usize,
    pub kind_correct: usize,
    pub duplicates: usize,
    pub non_actors: usize,
    /// "missed X", "non-actor Y", "duplicate Z of X (also found as W)", "kind of X: got g,
    /// want p".
    pub misses: Vec<String>,
}

impl ActorScore {
    /// Adds another article's counts.
    pub fn add(&mut self, o: &ActorScore) {
        self.gold += o.gold;
        self.predicted += o.predicted;
        self.matched_gold += o.matched_gold;
        self.matched_predicted += o.matched_predicted;
        self.kind_checked += o.kind_checked;
        self.kind_correct += o.kind_correct;
        self.duplicates += o.duplicates;
        self.non_actors += o.non_actors;
    }
}

/// Honorifics and offices written before a name: "Mr Cameron", "Sir Peter Lampl" and
/// "Judge Michael Kay QC" are the same people as "Cameron", "Peter Lampl" and "Michael Kay".
const HONORIFICS: &[&str] = &[
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "miss",
    "dr",
    "dr.",
    "sir",
    "dame",
    "lord",
    "lady",
    "judge",
    "justice",
    "president",
    "sen.",
    "sen",
    "senator",
    "prosecutor",
    "administrator",
    "gen",
    "gen.",
];

/// Letters after a name that are not part of it.
const POST_NOMINALS: &[&str] = &["qc", "kc", "mp", "mep", "msp", "obe", "cbe", "mbe"];

/// A lower-cased name without a leading "the", honorifics before it or letters after it.
fn bare(s: &str) -> String {
    let l = s.trim().to_lowercase();
    let l = l.strip_prefix("the ").unwrap_or(&l);
    let mut words: Vec<&str> = l.split_whitespace().collect();
    while words.len() > 1 && HONORIFICS.contains(&words[0]) {
        words.remove(0);
    }
    while words.len() > 1 && words.last().is_some_and(|w| POST_NOMINALS.contains(w)) {
        words.pop();
    }
    words.join(" ")
}

/// Names compared case-insensitively, without a leading "the" ("the Dark Blues") and without
/// honorifics ("Mr. Passos Coelho" is "Passos Coelho").
fn forms<'a>(name: &'a str, aliases: &'a [String]) -> impl Iterator<Item = String> + 'a {
    std::iter::once(name)
        .chain(aliases.iter().map(String::as_str))
        .map(bare)
}

/// Whether a gold actor and a found one are the same (any name or alias, case-insensitive).
pub fn same_actor(gold: &GoldActor, name: &str, aliases: &[String]) -> bool {
    let g: Vec<String> = forms(&gold.name, &gold.aliases).collect();
    forms(name, aliases).any(|p| g.contains(&p))
}

/// The gold actor a found one stands for: the one whose name it carries, else the first
/// whose names it shares.
fn home(gold: &[GoldActor], f: &Found) -> Option<usize> {
    let name = bare(f.name);
    gold.iter()
        .position(|g| forms(&g.name, &g.aliases).any(|x| x == name))
        .or_else(|| gold.iter().position(|g| same_actor(g, f.name, f.aliases)))
}

fn kind_name(k: ActorKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// Scores one article's found actors.
pub fn score_actors(gold: &[GoldActor], found: &[Found]) -> ActorScore {
    let mut s = ActorScore {
        gold: gold.len(),
        predicted: found.len(),
        ..Default::default()
    };
    let mut taken: Vec<Option<usize>> = vec![None; gold.len()];
    for (i, f) in found.iter().enumerate() {
        let Some(g) = home(gold, f) else {
            s.non_actors += 1;
            s.misses.push(format!("non-actor {}", f.name));
            continue;
        };
        s.matched_predicted += 1;
        if let Some(first) = taken[g] {
            s.duplicates += 1;
            s.misses.push(format!(
                "duplicate {} of {} (also found as {})",
                f.name, gold[g].name, found[first].name
            ));
        } else {
            taken[g] = Some(i);
        }
    }
    for (g, t) in gold.iter().zip(&taken) {
        let matched = t.is_some() || found.iter().any(|f| same_actor(g, f.name, f.aliases));
        if !matched {
            s.misses.push(format!("missed {}", g.name));
            continue;
        }
        s.matched_gold += 1;
        let (Some(want), Some(i)) = (g.kind, *t) else {
            continue;
        };
        s.kind_checked += 1;
        if found[i].kind == want {
            s.kind_correct += 1;
        } else {
            s.misses.push(format!(
                "kind of {}: got {}, want {}",
                g.name,
                kind_name(found[i].kind),
                kind_name(want)
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::stance::Stance;

    fn gold(name: &str, aliases: &[&str], kind: ActorKind) -> GoldActor {
        GoldActor {
            name: name.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            kind: Some(kind),
            stance: Stance::Neutral,
        }
    }

    #[test]
    fn duplicates_non_actors_and_kinds() {
        let g = vec![
            gold(
                "Mike Nesbitt",
                &["Mr Nesbitt", "Nesbitt"],
                ActorKind::Person,
            ),
            gold("Ulster Unionists", &[], ActorKind::Organization),
            gold("Danny Kennedy", &["Mr Kennedy"], ActorKind::Person),
        ];
        let a1 = vec!["Nesbitt".to_string()];
        let a2: Vec<String> = vec![];
        let found = vec![
            Found {
                name: "Mike Nesbitt",
                aliases: &a1,
                kind: ActorKind::Person,
            },
            Found {
                name: "Mr. Nesbitt",
                aliases: &a1,
                kind: ActorKind::Person,
            },
            Found {
                name: "Ulster Unionists",
                aliases: &a2,
                kind: ActorKind::Person,
            },
            Found {
                name: "Stormont",
                aliases: &a2,
                kind: ActorKind::Government,
            },
        ];
        let s = score_actors(&g, &found);
        assert_eq!((s.gold, s.predicted), (3, 4));
        assert_eq!((s.matched_gold, s.matched_predicted), (2, 3));
        assert_eq!((s.duplicates, s.non_actors), (1, 1));
        assert_eq!((s.kind_checked, s.kind_correct), (2, 1));
        assert!(
            s.misses.contains(&"missed Danny Kennedy".to_string()),
            "{:?}",
            s.misses
        );
        assert!(s.misses.contains(
            &"duplicate Mr. Nesbitt of Mike Nesbitt (also found as Mike Nesbitt)".to_string()
        ));
        assert!(s
            .misses
            .contains(&"kind of Ulster Unionists: got person, want organization".to_string()));
        assert!(s.misses.contains(&"non-actor Stormont".to_string()));
    }

    #[test]
    fn honorifics_and_post_nominals_do_not_split_a_match() {
        let g = gold("Mr Cameron", &[], ActorKind::Person);
        assert!(same_actor(&g, "Cameron", &[]));
        let g = gold("Michael Kay", &["Judge Michael Kay QC"], ActorKind::Person);
        assert!(same_actor(&g, "Michael Kay QC", &[]));
        let g = gold("Sir Peter Lampl", &["Sir Peter"], ActorKind::Person);
        assert!(same_actor(&g, "Peter Lampl", &[]));
        // A judge of the High Court: "Mr Justice Warby" is Warby.
        let g = gold("Mr Justice Warby", &[], ActorKind::Person);
        assert!(same_actor(&g, "Warby", &[]));
        // A title alone is not stripped, and different people stay apart.
        assert_eq!(bare("Mr"), "mr");
        assert!(!same_actor(&g, "Peter Clarke", &[]));
    }
}

//! The actor finder on a bare text, and lookups that say what was found when they fail.

use brief::article::Article;
use brief::tasks::actors::{find_candidates, Actor};

/// The finder's candidates for `text` (no model).
pub fn find(text: &str) -> Vec<Actor> {
    find_candidates(&Article::from_text("t", text))
}

/// The candidate called `name`; the test fails listing every name found when there is none.
pub fn get<'a>(actors: &'a [Actor], name: &str) -> &'a Actor {
    let names: Vec<&str> = actors.iter().map(|a| a.name.as_str()).collect();
    actors
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("{name} not in {names:?}"))
}

/// The candidates' names, for failure messages.
pub fn names(actors: &[Actor]) -> Vec<&str> {
    actors.iter().map(|a| a.name.as_str()).collect()
}

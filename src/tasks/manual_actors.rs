//! Actors given by hand (`--actor`): the user names who to label, and each must occur in the
//! article so every label stays grounded in the text.

use super::actors::{find_all, Actor, ActorKind, Mention};
use crate::article::Article;
use crate::error::{BriefError, Result};

/// Actors given by hand (`--actor NAME` or `--actor NAME=alias1,alias2`); each must occur.
pub fn manual_actors(article: &Article, specs: &[String]) -> Result<Vec<Actor>> {
    let mut out = Vec::new();
    for spec in specs {
        let (name, aliases) = match spec.split_once('=') {
            Some((n, a)) => (
                n.trim(),
                a.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>(),
            ),
            None => (spec.trim(), vec![]),
        };
        if name.is_empty() {
            return Err(BriefError::Usage(format!(
                "--actor '{spec}': give a name, e.g. --actor \"United States=US,Washington\""
            )));
        }
        let forms: Vec<&str> = std::iter::once(name)
            .chain(aliases.iter().copied())
            .collect();
        let mut ms: Vec<Mention> = forms
            .iter()
            .flat_map(|f| find_all(&article.body, f, &[]))
            .collect();
        if ms.is_empty() {
            // Not as a whole word ("Brussel" in "Brussels attacker"): take it as written.
            ms = forms
                .iter()
                .flat_map(|f| {
                    article.body.match_indices(*f).map(|(i, _)| Mention {
                        text: f.to_string(),
                        start: i,
                        end: i + f.len(),
                    })
                })
                .collect();
        }
        if ms.is_empty() {
            return Err(BriefError::Usage(format!(
                "--actor '{}' does not occur in the article (nor do its aliases)",
                crate::report::shorten(name, 80)
            )));
        }
        let mut a = Actor::new(name, ActorKind::Other);
        if let Some(k) =
            super::gazetteer::known().find(|k| k.name == name || k.aliases.contains(&name))
        {
            a.kind = k.kind;
        }
        a.add_mentions(ms);
        out.push(a);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_actors_must_occur() {
        let a = Article::from_text("t", include_str!("../../evals/niger-us-security.txt"));
        let got = manual_actors(&a, &["United States=US,Washington".into()]).unwrap();
        assert_eq!(got[0].kind, ActorKind::Government);
        assert!(got[0].mentions.len() > 5);
        let e = manual_actors(&a, &["Atlantis".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("'Atlantis' does not occur"), "{e}");
    }
}

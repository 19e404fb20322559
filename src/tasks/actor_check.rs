//! The model confirms the finder's candidates: for each, one scored yes / no question — does
//! it act or take a position in the article, or is it only mentioned? The prompt is
//! article-first like the stance prompt, so the article is encoded once for all candidates.
//! Cheap (one short forward pass per candidate) and it cannot fail on malformed output.

use super::actors::Actor;
use super::score::yes_probability;
use crate::article::Article;
use crate::backends::Generator;
use crate::config::YesNoPrompt;
use crate::error::Result;

/// The candidates the model says act in the article (P(yes) ≥ `prompt.min_yes`), in order.
pub fn confirm_actors(
    model: &mut dyn Generator,
    prompt: &YesNoPrompt,
    view: &Article,
    candidates: Vec<Actor>,
) -> Result<Vec<Actor>> {
    let mut kept = Vec::with_capacity(candidates.len());
    for actor in candidates {
        let others: Vec<&String> = actor.aliases.iter().filter(|a| **a != actor.name).collect();
        let messages = super::prompt_messages(
            prompt.system.as_deref(),
            &prompt.user,
            minijinja::context! {
                title => view.title, article => view.body, actor => actor.name, aliases => others,
            },
            "actor check",
        )?;
        if yes_probability(model, &messages, &prompt.yes, &prompt.no)? >= prompt.min_yes {
            kept.push(actor);
        }
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::stand_in::StandIn;

    #[test]
    fn a_candidate_the_model_says_is_only_mentioned_is_dropped() {
        // From the FRANK tune set: Dundee acts, Celtic is a past opponent only mentioned.
        let raw = "Dundee stand by McGowan\n\nDundee have vowed to stand by Paul McGowan. He joined from Celtic in 2014.";
        let article = Article::from_text("t", raw);
        let candidates = vec![
            Actor::new("Dundee", crate::tasks::actors::ActorKind::Organization),
            Actor::new("Celtic", crate::tasks::actors::ActorKind::Organization),
        ];
        let prompt = YesNoPrompt {
            system: None,
            user: "Article:\n{{ title }}\n\n{{ article }}\n\nCandidate: {{ actor }}\nDoes it act? Answer yes or no.".into(),
            yes: vec!["yes".into(), "Yes".into()],
            no: vec!["no".into(), "No".into()],
            min_yes: 0.7,
        };
        // The club only mentioned gets P(yes) 0.2, everything else 0.9.
        let mut judge = StandIn::yes_no(|q| {
            if q.contains("Candidate: Celtic") {
                0.2
            } else {
                0.9
            }
        });
        let kept = confirm_actors(&mut judge, &prompt, &article, candidates).unwrap();
        let names: Vec<&str> = kept.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Dundee"]);
        assert_eq!(judge.asked.len(), 2);
        assert!(
            judge.asked[0].starts_with("Article:\nDundee stand by McGowan\n\nDundee have vowed")
        );
    }
}

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
    use crate::config::GenerationConfig;
    use crate::error::BriefError;
    use crate::runtime::chat::ChatMessage;
    use crate::runtime::generate::Generation;

    /// Answers "yes" (P 0.9) unless the question names a club from `mentioned_only`
    /// (P 0.2), and remembers each question.
    struct Judge {
        asked: Vec<String>,
    }

    impl Generator for Judge {
        fn name(&self) -> &str {
            "judge"
        }
        fn count_chat_tokens(&self, m: &[ChatMessage]) -> Result<usize> {
            Ok(m.iter().map(|x| x.content.len()).sum())
        }
        fn count_tokens(&self, t: &str) -> Result<usize> {
            Ok(t.len())
        }
        fn context_length(&self) -> usize {
            100_000
        }
        fn continuation_logprobs(
            &mut self,
            m: &[ChatMessage],
            c: &[String],
        ) -> Result<(Vec<f32>, usize)> {
            let q = m.last().map(|x| x.content.clone()).unwrap_or_default();
            let p_yes: f32 = if q.contains("Candidate: Celtic") {
                0.2
            } else {
                0.9
            };
            self.asked.push(q);
            // Candidates are yes words, then no words (two each).
            let (y, n) = ((p_yes / 2.0).ln(), ((1.0 - p_yes) / 2.0).ln());
            Ok((vec![y, y, n, n][..c.len()].to_vec(), 0))
        }
        fn set_prefix_reuse(&mut self, _: bool) {}
        fn chat(
            &mut self,
            _: &[ChatMessage],
            _: &GenerationConfig,
            _: &mut dyn FnMut(&str),
        ) -> Result<Generation> {
            Err(BriefError::Usage("not used".into()))
        }
    }

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
        let mut judge = Judge { asked: Vec::new() };
        let kept = confirm_actors(&mut judge, &prompt, &article, candidates).unwrap();
        let names: Vec<&str> = kept.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Dundee"]);
        assert_eq!(judge.asked.len(), 2);
        assert!(
            judge.asked[0].starts_with("Article:\nDundee stand by McGowan\n\nDundee have vowed")
        );
    }
}

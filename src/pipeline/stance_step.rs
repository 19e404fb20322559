//! The stance step of the pipeline: find (or take) the actors and the target, gather each
//! actor's evidence and label it.

use super::models::Classifier;
use super::{Given, Pipeline, StanceInputs};
use crate::article::Article;
use crate::config::GenerationConfig;
use crate::error::{BriefError, Result};
use crate::report::{ActorReport, Report};
use crate::runtime::chat::ChatMessage;
use crate::tasks::actors::{
    find_candidates, manual_actors, merge_proposals, parse_proposals, Actor,
};
use crate::tasks::evidence::evidence_for;
use crate::tasks::fit::{opening_that_fits, shorten};
use crate::tasks::stance::{lock, Stance, StanceQuery, StanceScores};
use crate::tasks::target::{derive_target, suits_entity_classifier, TargetSource};

impl Pipeline {
    /// The actors and the target stance is labelled toward (found, derived or given), without
    /// labelling anything; None when no classifier is loaded. `brief eval --no-labels` scores
    /// just these.
    pub fn actors_and_target(
        &mut self,
        article: &Article,
        given: &Given,
        say: &mut dyn FnMut(&str),
    ) -> Result<Option<StanceInputs>> {
        let Some(c) = self.classifier.as_mut() else {
            return Ok(None);
        };
        let view = prompt_view(c, article, say)?;
        // The target first: its short headline-and-opening prompt evicts the article's KV
        // prefix, which the actor check's questions then compute once and leave in place for
        // the summary and the stance questions that follow.
        let (target, source) = match &given.target {
            Some(t) => (t.trim().to_string(), TargetSource::Given),
            None => match (&c.cfg.prompts.target, &c.model) {
                (Some(p), Some(m)) => derive_target(lock(m).as_mut(), p, &view)?,
                _ => (
                    article.title.clone().unwrap_or_default(),
                    TargetSource::Headline,
                ),
            },
        };
        if target.is_empty() {
            return Err(BriefError::Usage(
                "the stance target is empty; pass --target TEXT".into(),
            ));
        }
        let actors = if given.actors.is_empty() {
            find_actors(c, article, &view, say)?
        } else {
            manual_actors(article, &given.actors)?
        };
        Ok(Some(StanceInputs {
            actors,
            target,
            source,
            view,
        }))
    }

    pub(super) fn stance(
        &mut self,
        article: &Article,
        inputs: StanceInputs,
        report: &mut Report,
        say: &mut dyn FnMut(&str),
    ) -> Result<()> {
        let StanceInputs {
            actors,
            target,
            source,
            view,
        } = inputs;
        let Some(c) = self.classifier.as_mut() else {
            return Ok(());
        };
        say(&format!(
            "target ({}): {target}",
            serde_json::to_value(source)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        ));
        if actors.is_empty() {
            say("no actors found in the article");
        }
        let sentences = article.sentences();
        let entity_target =
            c.entity.is_some() && suits_entity_classifier(&target, &article.full_text());
        let mut rows = Vec::new();
        for actor in &actors {
            let most = c.for_target(entity_target).max_evidence();
            let evidence = evidence_for(article, &sentences, actor, &target, most);
            let (stance, confidence, scores) = if evidence.is_empty() {
                // Nothing in the text shows a position.
                (Stance::Neutral, 1.0, StanceScores::new(0.0, 0.0, 1.0))
            } else {
                let ev = if entity_target {
                    // The trained encoder cuts each sentence to its own max_length.
                    evidence.iter().map(|e| e.sentence.clone()).collect()
                } else {
                    quoted_evidence(c, &evidence)?
                };
                let q = StanceQuery {
                    title: view.title.as_deref(),
                    article: &view.body,
                    actor: &actor.name,
                    aliases: &actor.aliases,
                    target: &target,
                    evidence: &ev,
                };
                let clf = c.for_target(entity_target);
                let scores = clf.classify(&q)?;
                let (s, conf) = scores.decide(clf.min_confidence());
                (s, conf, scores)
            };
            rows.push(ActorReport {
                name: actor.name.clone(),
                kind: actor.kind,
                aliases: actor.aliases.clone(),
                stance,
                confidence,
                scores,
                evidence,
            });
        }
        report.target = Some(target);
        report.target_source = Some(source);
        report.classifier = Some(c.for_target(entity_target).name().to_string());
        report.actors = Some(rows);
        Ok(())
    }
}

/// Deterministic candidates, plus what the classifier model proposes (asked for JSON, parsed
/// strictly, asked once more on malformed output), all grounded in the text.
fn find_actors(
    c: &mut Classifier,
    article: &Article,
    view: &Article,
    say: &mut dyn FnMut(&str),
) -> Result<Vec<Actor>> {
    let mut candidates = find_candidates(article);
    if let Some(p) = &c.actor_probe {
        candidates = crate::tasks::actor_probe::keep_acting(
            lock(&p.model).as_mut(),
            (&p.cfg, &p.head),
            view,
            article,
            candidates,
        )?;
    }
    let candidates = match (&c.cfg.prompts.actor_check, c.model.as_ref()) {
        (Some(check), Some(model)) => crate::tasks::actor_check::confirm_actors(
            lock(model).as_mut(),
            check,
            view,
            candidates,
        )?,
        _ => candidates,
    };
    let (Some(prompt), Some(model)) = (c.cfg.prompts.actors.clone(), c.model.as_ref()) else {
        return Ok(candidates);
    };
    let mut messages = crate::tasks::prompt_messages(
        prompt.system.as_deref(),
        &prompt.user,
        minijinja::context! { title => view.title, text => view.body },
        "actors",
    )?;
    let settings = GenerationConfig {
        max_new_tokens: prompt.max_new_tokens,
        ..Default::default()
    };
    let mut model = lock(model);
    let first = model.chat(&messages, &settings, &mut |_| {})?.text;
    let proposals = match parse_proposals(&first) {
        Ok(p) => p,
        Err(why) => {
            messages.push(ChatMessage::assistant(first));
            messages.push(ChatMessage::user(format!(
                "That was not valid ({why}). Answer only with the JSON list, nothing else."
            )));
            let second = model.chat(&messages, &settings, &mut |_| {})?.text;
            parse_proposals(&second).unwrap_or_else(|why| {
                say(&format!("the model's actor list was unusable ({why}); using the deterministic finder alone"));
                Vec::new()
            })
        }
    };
    Ok(merge_proposals(article, candidates, &proposals))
}

/// Tokens of a stance prompt kept for everything but the article: the question, the actor,
/// the quoted evidence (each sentence at most `EVIDENCE_TOKENS`) and the answer.
const STANCE_RESERVE_TOKENS: usize = 1024;
/// Most tokens of one evidence sentence quoted in a prompt (the report keeps it whole).
const EVIDENCE_TOKENS: usize = 160;

/// The article as the classifier's prompts show it: whole when it fits the classifier's
/// context budget, else its opening (each actor's evidence still comes from the whole text).
fn prompt_view(c: &Classifier, article: &Article, say: &mut dyn FnMut(&str)) -> Result<Article> {
    let Some(model) = c.model.as_ref() else {
        return Ok(article.clone());
    };
    let model = lock(model);
    let budget = c.cfg.context_budget.min(model.context_length());
    let room = budget.saturating_sub(STANCE_RESERVE_TOKENS).max(64);
    let (view, cut) = opening_that_fits(model.as_ref(), article, room)?;
    if cut {
        say(&format!(
            "the article is longer than {room} tokens: stance prompts show its opening, with each actor's evidence from the whole text"
        ));
    }
    Ok(view)
}

/// Evidence sentences as quoted in a prompt: each cut to `EVIDENCE_TOKENS` when a model will
/// read them (an NLI classifier truncates its premise itself).
fn quoted_evidence(
    c: &Classifier,
    evidence: &[crate::tasks::evidence::Evidence],
) -> Result<Vec<String>> {
    let Some(model) = c.model.as_ref() else {
        return Ok(evidence.iter().map(|e| e.sentence.clone()).collect());
    };
    let model = lock(model);
    evidence
        .iter()
        .map(|e| shorten(model.as_ref(), &e.sentence, EVIDENCE_TOKENS))
        .collect()
}

/// Checks the per-article stance inputs before any model is loaded, so a typo costs nothing:
/// the target must not be blank and every `--actor` must occur in the article. Returns the
/// actor specs with repeats merged (one row per name; aliases of repeats joined).
pub fn check_stance_inputs(
    article: &Article,
    actors: &[String],
    target: Option<&str>,
) -> Result<Vec<String>> {
    if let Some(problem) = target.and_then(target_problem) {
        return Err(BriefError::Usage(format!(
            "{problem}; give the issue stance is toward, e.g. --target \"the coup\""
        )));
    }
    let merged = merge_actor_specs(actors);
    manual_actors(article, &merged)?;
    Ok(merged)
}

/// Most characters of a target. An issue is a phrase ("Finland and Sweden joining NATO"); a
/// longer text is a paste gone wrong, and every stance prompt quotes the target in full.
const MAX_TARGET_CHARS: usize = 300;

/// What is wrong with a `--target`, if anything: blank, no letter or digit at all ("?!"),
/// which no classifier can read a position toward, or a paragraph rather than a phrase.
pub fn target_problem(target: &str) -> Option<String> {
    let target = target.trim();
    let chars = target.chars().count();
    if target.is_empty() {
        Some("--target is empty".into())
    } else if !target.chars().any(char::is_alphanumeric) {
        Some(format!("--target '{target}' has no words"))
    } else if chars > MAX_TARGET_CHARS {
        Some(format!(
            "--target '{}' is {chars} characters long, more than the {MAX_TARGET_CHARS} an issue takes",
            crate::report::shorten(target, 60)
        ))
    } else {
        None
    }
}

/// `NAME[=ALIASES]` specs with repeated names (case-insensitive) merged into one.
fn merge_actor_specs(specs: &[String]) -> Vec<String> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for spec in specs {
        let (name, aliases) = match spec.split_once('=') {
            Some((n, a)) => (n.trim(), a.split(',').map(str::trim).collect::<Vec<_>>()),
            None => (spec.trim(), Vec::new()),
        };
        let aliases = aliases
            .into_iter()
            .filter(|a| !a.is_empty())
            .map(String::from);
        match out
            .iter_mut()
            .find(|(n, _)| n.to_lowercase() == name.to_lowercase())
        {
            Some((_, have)) => {
                for a in aliases {
                    if !have.contains(&a) {
                        have.push(a);
                    }
                }
            }
            None => out.push((name.to_string(), aliases.collect())),
        }
    }
    out.into_iter()
        .map(|(n, a)| {
            if a.is_empty() {
                n
            } else {
                format!("{n}={}", a.join(","))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_actors_are_merged_into_one() {
        let specs: Vec<String> = [
            "France",
            "france=Paris",
            "US=Washington",
            "France=Paris,Élysée",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            merge_actor_specs(&specs),
            ["France=Paris,Élysée", "US=Washington"]
        );
    }

    #[test]
    fn stance_inputs_are_checked_before_any_model() {
        let a = Article::from_text("t", "Title\n\nFrance condemned the coup.");
        assert!(check_stance_inputs(&a, &[], Some("  ")).is_err());
        let long = "the coup ".repeat(40);
        let e = check_stance_inputs(&a, &[], Some(&long))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("359 characters long") && e.chars().count() < 200,
            "{e}"
        );
        let e = check_stance_inputs(&a, &["Atlantis".into()], None).unwrap_err();
        assert!(e.to_string().contains("does not occur"), "{e}");
        let e = check_stance_inputs(&a, &["Atlantis ".repeat(1000)], None).unwrap_err();
        assert!(e.to_string().chars().count() < 200, "{e}");
        let ok = check_stance_inputs(&a, &["France".into(), "France".into()], Some("the coup"));
        assert_eq!(ok.unwrap(), ["France"]);
    }
}

//! `brief eval`: runs the same pipeline as `brief run` over labelled examples and reports how
//! far to trust it — ROUGE and copying for summaries, accuracy / macro-F1 / F_avg and the
//! confusion matrix for stance, actor precision / recall / kinds / duplicates / non-actors,
//! agreement of the derived target with the gold issue, cost, and the worst examples.

pub mod actors;
pub mod dataset;
pub mod faithfulness;
pub mod interval;
pub mod metrics;
mod report;
mod summaries;
mod text;

pub use report::{Baseline, EvalReport, StancePrediction};

use crate::article::Article;
use crate::error::Result;
use crate::pipeline::{Given, Pipeline, Tasks};
use crate::tasks::actors::Actor;
use crate::tasks::stance::Stance;
use actors::{same_actor, score_actors, ActorScore, Found};
use dataset::Example;
use metrics::{stance_metrics, token_f1};
use report::{ActorMetrics, Cost, TargetMetrics, Worst};
use std::time::Instant;

/// Running totals of the actor and target scores over examples.
#[derive(Default)]
struct Tally {
    actors: ActorScore,
    target_f1: Vec<f64>,
    /// P(same issue) per example, where the model could judge.
    target_judged: Vec<f32>,
}

impl Tally {
    /// Scores one article's found actors, listing its misses in the report.
    fn actors(&mut self, rep: &mut EvalReport, ex: &Example, found: &[Found]) {
        let gold = ex.actors.as_deref().unwrap_or_default();
        let s = score_actors(gold, found);
        self.actors.add(&s);
        for g in gold {
            if !found.iter().any(|f| same_actor(g, f.name, f.aliases)) {
                rep.missed_actors.push(format!("{}: {}", ex.id, g.name));
            }
        }
        if !s.misses.is_empty() {
            rep.actor_misses
                .push(format!("{}: {}", ex.id, s.misses.join("; ")));
        }
    }

    /// Scores a derived target against the example's gold issue (when it has one).
    fn target(&mut self, rep: &mut EvalReport, ex: &Example, derived: &str, judged: Option<f32>) {
        let Some(issue) = ex.issue.as_deref().filter(|_| ex.target.is_none()) else {
            return;
        };
        let f1 = token_f1(issue, derived);
        self.target_f1.push(f1);
        self.target_judged.extend(judged);
        if f1 < 0.5 {
            rep.worst.push(Worst {
                id: ex.id.clone(),
                what: format!(
                    "target (token F1 {f1:.2}{})",
                    judged.map_or(String::new(), |p| format!(", judged same issue {p:.2}"))
                ),
                expected: issue.to_string(),
                got: derived.to_string(),
            });
        }
    }

    fn finish(self, rep: &mut EvalReport) {
        let a = self.actors;
        if a.gold > 0 {
            rep.actors = Some(ActorMetrics {
                precision: a.matched_predicted as f64 / a.predicted.max(1) as f64,
                recall: a.matched_gold as f64 / a.gold as f64,
                kind_accuracy: (a.kind_checked > 0)
                    .then(|| a.kind_correct as f64 / a.kind_checked as f64),
                duplicates: a.duplicates,
                non_actors: a.non_actors,
                gold: a.gold,
                predicted: a.predicted,
                matched_gold: a.matched_gold,
                matched_predicted: a.matched_predicted,
            });
        }
        if !self.target_f1.is_empty() {
            let n = self.target_f1.len();
            let judged = self.target_judged.len();
            rep.target = Some(TargetMetrics {
                n,
                token_f1: self.target_f1.iter().sum::<f64>() / n as f64,
                judged,
                agreement: (judged > 0).then(|| {
                    self.target_judged.iter().filter(|p| **p >= 0.5).count() as f64 / judged as f64
                }),
            });
        }
    }
}

/// What one article's actors-and-target pass returns: the actors, the target, and how sure
/// the model is that the target is the gold issue (when it could judge).
type ActorsTarget = (Vec<Actor>, String, Option<f32>);

/// Scores actors and target of every article example with `find` (no stance labels, no
/// summaries); `find` returns None to skip an example.
fn evaluate_actors(
    examples: &[Example],
    progress: &mut dyn FnMut(usize, &str),
    find: &mut dyn FnMut(&Example, &Article) -> Result<Option<ActorsTarget>>,
) -> EvalReport {
    let t0 = Instant::now();
    let mut rep = EvalReport::default();
    let mut tally = Tally::default();
    for (i, ex) in examples.iter().enumerate() {
        progress(i + 1, &ex.id);
        if ex.is_classifier_only() || ex.actors.as_ref().is_none_or(|a| a.is_empty()) {
            continue;
        }
        let article = Article::from_text(&ex.id, &ex.article_text());
        let (actors, target, judged) = match find(ex, &article) {
            Ok(Some(f)) => f,
            Ok(None) => continue,
            Err(e) => {
                rep.failed.push(format!("{}: {e}", ex.id));
                continue;
            }
        };
        rep.examples += 1;
        let view: Vec<Found> = actors.iter().map(Found::of).collect();
        tally.actors(&mut rep, ex, &view);
        tally.target(&mut rep, ex, &target, judged);
    }
    tally.finish(&mut rep);
    rep.cost.total_s = t0.elapsed().as_secs_f64();
    rep.cost.seconds_per_example = rep.cost.total_s / rep.examples.max(1) as f64;
    rep
}

/// Actor and target scores with the models (actors as `brief run` finds them, the derived
/// target judged against the gold issue) but no stance labels and no summaries: a dev set in
/// minutes rather than an hour.
pub fn evaluate_no_labels(
    pipeline: &mut Pipeline,
    examples: &[Example],
    progress: &mut dyn FnMut(usize, &str),
) -> Result<EvalReport> {
    let names = pipeline.model_names();
    let mut rep = evaluate_actors(examples, progress, &mut |ex, article| {
        let given = Given {
            actors: Vec::new(),
            target: ex.target.clone(),
        };
        let Some(found) = pipeline.actors_and_target(article, &given, &mut |_| {})? else {
            return Ok(None);
        };
        let judged = match &ex.issue {
            Some(issue) if ex.target.is_none() => pipeline.same_issue(issue, &found.target)?,
            _ => None,
        };
        Ok(Some((found.actors, found.target, judged)))
    });
    (rep.summarizer, rep.classifier) = names;
    Ok(rep)
}

/// Actor and target scores of the deterministic finder alone: no model is loaded, the target
/// is the headline fallback. Seconds for a dev set, so it is the loop to tune the finder in.
pub fn evaluate_finder(examples: &[Example], progress: &mut dyn FnMut(usize, &str)) -> EvalReport {
    evaluate_actors(examples, progress, &mut |_, article| {
        let actors = crate::tasks::actors::find_candidates(article);
        Ok(Some((
            actors,
            crate::tasks::target::headline(article),
            None,
        )))
    })
}

/// A checker-only example: the checker's verdict on the given summary, tallied (a failure is
/// listed, never fatal).
fn check_given_summary(
    pipeline: &mut Pipeline,
    ex: &Example,
    article: &Article,
    rep: &mut EvalReport,
    checker: &mut faithfulness::CheckerTally,
) {
    let (Some(summary), Some(consistent)) = (&ex.check_summary, ex.consistent) else {
        return;
    };
    match pipeline.check_summary(article, summary) {
        Ok(checked) => {
            rep.examples += 1;
            checker.add(&ex.id, consistent, checked);
        }
        Err(e) => rep.failed.push(format!("{}: {e}", ex.id)),
    }
}

/// Runs every example; `progress` is told after each one (for a progress bar).
pub fn evaluate(
    pipeline: &mut Pipeline,
    examples: &[Example],
    progress: &mut dyn FnMut(usize, &str),
) -> Result<EvalReport> {
    let t_all = Instant::now();
    let mut rep = EvalReport::default();
    (rep.summarizer, rep.classifier) = pipeline.model_names();
    let mut pairs: Vec<(Stance, Stance)> = Vec::new();
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    let mut tally = Tally::default();
    let mut summaries = summaries::SummaryTally::default();
    let mut checker = faithfulness::CheckerTally::default();
    for (i, ex) in examples.iter().enumerate() {
        let t0 = Instant::now();
        let article = Article::from_text(&ex.id, &ex.article_text());
        if ex.is_checker_only() {
            check_given_summary(pipeline, ex, &article, &mut rep, &mut checker);
            rep.per_example_s.push(t0.elapsed().as_secs_f64());
            progress(i + 1, &ex.id);
            continue;
        }
        let classifier_only = ex.is_classifier_only();
        let gold = ex.actors.clone().unwrap_or_default();
        let tasks = Tasks {
            summarize: ex.reference_summary.is_some() && !classifier_only,
            stance: !gold.is_empty(),
        };
        let given = given_inputs(ex, &gold, classifier_only);
        let report = match pipeline.run_tasks(&article, tasks, &given, &mut |_| {}, &mut |_| {}) {
            Ok(r) => r,
            // The summary is still scored when stance failed after it.
            Err(crate::error::BriefError::Partial { report, error }) => {
                rep.failed.push(format!("{}: {error}", ex.id));
                *report
            }
            Err(e) => {
                rep.failed.push(format!("{}: {e}", ex.id));
                progress(i + 1, &ex.id);
                continue;
            }
        };
        rep.examples += 1;
        summaries.add(ex, &report);
        if let Some(predicted) = &report.actors {
            if !classifier_only {
                let view: Vec<Found> = predicted.iter().map(Found::of_report).collect();
                tally.actors(&mut rep, ex, &view);
                if let Some(t) = &report.target {
                    let judged = match &ex.issue {
                        Some(issue) if ex.target.is_none() => pipeline.same_issue(issue, t)?,
                        _ => None,
                    };
                    tally.target(&mut rep, ex, t, judged);
                }
            }
            let target = report.target.clone().unwrap_or_default();
            let found = StanceFound {
                predicted,
                target: &target,
                classifier_only,
            };
            let first = pairs.len();
            pair_stances(&mut rep, ex, &gold, &found, &mut pairs);
            if pairs.len() > first {
                groups.push(first..pairs.len());
            }
        }
        rep.per_example_s.push(t0.elapsed().as_secs_f64());
        progress(i + 1, &ex.id);
    }

    rep.stance = stance_figures(&pairs, &groups);
    tally.finish(&mut rep);
    rep.faithfulness = checker.finish();
    finish_summaries(&mut rep, summaries, t_all.elapsed().as_secs_f64());
    Ok(rep)
}

/// Stance metrics with their intervals over examples (`groups`: each example's range of
/// `pairs`); none when no label was scored.
fn stance_figures(
    pairs: &[(Stance, Stance)],
    groups: &[std::ops::Range<usize>],
) -> Option<metrics::StanceMetrics> {
    if pairs.is_empty() {
        return None;
    }
    Some(metrics::StanceMetrics {
        intervals: interval::stance_intervals(pairs, groups, interval::RESAMPLES),
        ..stance_metrics(pairs)
    })
}

/// What the pipeline is given for one example: the gold actor of a classifier-only example
/// (its aliases with it), and the example's target when it has one.
fn given_inputs(ex: &Example, gold: &[dataset::GoldActor], classifier_only: bool) -> Given {
    let actors = match gold.first() {
        Some(g) if classifier_only => vec![if g.aliases.is_empty() {
            g.name.clone()
        } else {
            format!("{}={}", g.name, g.aliases.join(","))
        }],
        _ => Vec::new(),
    };
    Given {
        actors,
        target: ex.target.clone(),
    }
}

/// The stances brief found for one example, as `pair_stances` reads them.
struct StanceFound<'a> {
    predicted: &'a [crate::report::ActorReport],
    target: &'a str,
    classifier_only: bool,
}

/// Pairs each gold actor's stance with the one found for it (a miss is listed for
/// classifier-only examples), noting the first wrong labels among the worst examples.
fn pair_stances(
    rep: &mut EvalReport,
    ex: &Example,
    gold: &[dataset::GoldActor],
    found: &StanceFound,
    pairs: &mut Vec<(Stance, Stance)>,
) {
    for g in gold {
        let Some(p) = found
            .predicted
            .iter()
            .find(|p| same_actor(g, &p.name, &p.aliases))
        else {
            if found.classifier_only {
                rep.missed_actors.push(format!("{}: {}", ex.id, g.name));
            }
            continue;
        };
        pairs.push((g.stance, p.stance));
        rep.stance_predictions.push(StancePrediction {
            id: ex.id.clone(),
            actor: g.name.clone(),
            target: found.target.to_string(),
            gold: g.stance,
            predicted: p.stance,
            confidence: p.confidence,
            scores: [p.scores.favor, p.scores.against, p.scores.neutral],
            answers: p.scores.answers,
        });
        if p.stance != g.stance && rep.worst.len() < 10 {
            rep.worst.push(Worst {
                id: ex.id.clone(),
                what: format!("stance of {} toward {}", g.name, found.target),
                expected: g.stance.as_str().into(),
                got: format!("{} ({:.2})", p.stance.as_str(), p.confidence),
            });
        }
    }
}

/// Adds the summary metrics and their worst examples (first) and the run's cost.
fn finish_summaries(rep: &mut EvalReport, summaries: summaries::SummaryTally, total_s: f64) {
    let summary_tokens_per_s = summaries.tokens_per_s();
    let (metrics, mut worst) = summaries.finish();
    rep.summaries = metrics;
    worst.append(&mut rep.worst);
    rep.worst = worst;
    rep.cost = Cost {
        total_s,
        seconds_per_example: total_s / rep.examples.max(1) as f64,
        summary_tokens_per_s,
    };
}

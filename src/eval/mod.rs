//! `brief eval`: runs the same pipeline as `brief run` over labelled examples and reports how
//! far to trust it — ROUGE and copying for summaries, accuracy / macro-F1 / F_avg and the
//! confusion matrix for stance, actor precision and recall, cost, and the worst examples.

pub mod dataset;
pub mod metrics;
mod report;

pub use report::{Baseline, EvalReport};

use crate::article::Article;
use crate::error::Result;
use crate::pipeline::{Pipeline, Tasks};
use crate::tasks::stance::Stance;
use dataset::{Example, GoldActor};
use metrics::{length_ratio, novel_bigrams, rouge, stance_metrics};
use report::{ActorMetrics, Cost, SummaryMetrics, Worst};
use std::time::Instant;

/// Whether a gold actor and a predicted one are the same (any name or alias, case-insensitive).
fn same_actor(gold: &GoldActor, name: &str, aliases: &[String]) -> bool {
    let g: Vec<String> = std::iter::once(&gold.name)
        .chain(&gold.aliases)
        .map(|s| s.to_lowercase())
        .collect();
    std::iter::once(name)
        .chain(aliases.iter().map(String::as_str))
        .any(|p| g.contains(&p.to_lowercase()))
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
    let (mut rouges, mut ratios, mut novels) = (Vec::new(), Vec::new(), Vec::new());
    let mut pairs: Vec<(Stance, Stance)> = Vec::new();
    let mut actor_counts = ActorMetrics::default();
    let (mut gen_tokens, mut gen_s) = (0usize, 0f64);
    let mut worst_rouge: Vec<(f64, Worst)> = Vec::new();

    for (i, ex) in examples.iter().enumerate() {
        let t0 = Instant::now();
        let article = Article::from_text(&ex.id, &ex.article_text());
        let classifier_only = ex.is_classifier_only();
        let gold = ex.actors.clone().unwrap_or_default();
        let tasks = Tasks {
            summarize: ex.reference_summary.is_some() && !classifier_only,
            stance: !gold.is_empty(),
        };
        let actors = if classifier_only {
            let g = &gold[0];
            vec![if g.aliases.is_empty() {
                g.name.clone()
            } else {
                format!("{}={}", g.name, g.aliases.join(","))
            }]
        } else {
            Vec::new()
        };
        pipeline.set_stance_inputs(actors, ex.target.clone());
        let report = match pipeline.run_tasks(&article, tasks, &mut |_| {}, &mut |_| {}) {
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
        if let (Some(reference), Some(summary)) = (&ex.reference_summary, &report.summary) {
            let r = rouge(reference, summary);
            rouges.push(r);
            ratios.push(length_ratio(&ex.text, summary));
            novels.push(novel_bigrams(&ex.text, summary));
            worst_rouge.push((
                r.rouge1,
                Worst {
                    id: ex.id.clone(),
                    what: format!("summary (ROUGE-1 F1 {:.3})", r.rouge1),
                    expected: reference.to_string(),
                    got: summary.to_string(),
                },
            ));
            gen_tokens += report.tokens_out;
            gen_s += report.timings.decode_s;
        }
        if let Some(predicted) = &report.actors {
            if !classifier_only {
                actor_counts.gold += gold.len();
                actor_counts.predicted += predicted.len();
                actor_counts.matched_predicted += predicted
                    .iter()
                    .filter(|p| gold.iter().any(|g| same_actor(g, &p.name, &p.aliases)))
                    .count();
            }
            for g in &gold {
                match predicted
                    .iter()
                    .find(|p| same_actor(g, &p.name, &p.aliases))
                {
                    Some(p) => {
                        if !classifier_only {
                            actor_counts.matched_gold += 1;
                        }
                        pairs.push((g.stance, p.stance));
                        if p.stance != g.stance && rep.worst.len() < 10 {
                            rep.worst.push(Worst {
                                id: ex.id.clone(),
                                what: format!(
                                    "stance of {} toward {}",
                                    g.name,
                                    report.target.clone().unwrap_or_default()
                                ),
                                expected: g.stance.as_str().into(),
                                got: format!("{} ({:.2})", p.stance.as_str(), p.confidence),
                            });
                        }
                    }
                    None => rep.missed_actors.push(format!("{}: {}", ex.id, g.name)),
                }
            }
        }
        rep.per_example_s.push(t0.elapsed().as_secs_f64());
        progress(i + 1, &ex.id);
    }

    if !rouges.is_empty() {
        let n = rouges.len() as f64;
        let mean = |f: &dyn Fn(&metrics::Rouge) -> f64| rouges.iter().map(f).sum::<f64>() / n;
        rep.summaries = Some(SummaryMetrics {
            n: rouges.len(),
            rouge1: mean(&|r| r.rouge1),
            rouge2: mean(&|r| r.rouge2),
            rouge_lsum: mean(&|r| r.rouge_lsum),
            length_ratio: ratios.iter().sum::<f64>() / n,
            novel_bigrams: novels.iter().sum::<f64>() / n,
        });
    }
    if !pairs.is_empty() {
        rep.stance = Some(stance_metrics(&pairs));
    }
    if actor_counts.gold > 0 {
        actor_counts.precision =
            actor_counts.matched_predicted as f64 / actor_counts.predicted.max(1) as f64;
        actor_counts.recall = actor_counts.matched_gold as f64 / actor_counts.gold as f64;
        rep.actors = Some(actor_counts);
    }
    worst_rouge.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut worst: Vec<Worst> = worst_rouge.into_iter().take(3).map(|w| w.1).collect();
    worst.append(&mut rep.worst);
    rep.worst = worst;
    let total = t_all.elapsed().as_secs_f64();
    rep.cost = Cost {
        total_s: total,
        seconds_per_example: total / rep.examples.max(1) as f64,
        summary_tokens_per_s: if gen_s > 0.0 {
            gen_tokens as f64 / gen_s
        } else {
            0.0
        },
    };
    Ok(rep)
}

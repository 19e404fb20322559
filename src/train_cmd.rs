//! `brief train stance` at the CLI edge (progress bar, summary table), and the check that
//! keeps `brief eval` off a trained classifier's own training data.

use crate::cli::{GlobalArgs, TrainActorsArgs, TrainStanceArgs};
use anyhow::Result;
use brief::config::{resolve_model, Architecture, Defaults};
use brief::eval::dataset::Example;
use brief::train::distill::Distill;
use brief::train::probe::ProbeOptions;
use brief::train::{FitSettings, Phase, TrainOptions, TrainingReport};
use std::io::IsTerminal;

pub fn train_stance(g: &GlobalArgs, a: &TrainStanceArgs) -> Result<()> {
    let opts = train_options(g, a);
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{prefix} {bar:30} {pos}/{len} eta {eta} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    if g.quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut say = crate::commands::notice(g.quiet);
    let quiet = g.quiet;
    let mut log = ProgressLog::new(!quiet && !std::io::stderr().is_terminal());
    let probe = resolve_model(&opts.backbone)?.architecture == Architecture::GgufLlm;
    if probe && opts.distill.is_some() {
        anyhow::bail!(brief::BriefError::Usage(
            "--teacher distils into an encoder backbone (e.g. all-minilm-l6-v2); a probe on a \
             chat model learns from the gold labels only"
                .into()
        ));
    }
    let mut on_phase = |p: Phase| match p {
        Phase::Epoch(e) => {
            if !quiet {
                bar.suspend(|| {
                    eprintln!(
                        "brief: epoch {}: train loss {:.4}, dev macro-F1 {:.3}, F_avg {:.3} ({:.0} s)",
                        e.epoch, e.train_loss, e.dev_macro_f1, e.dev_f_avg, e.seconds
                    )
                });
            }
        }
        Phase::Caching(done, total) => {
            let what = if probe {
                "model states"
            } else {
                "frozen layers"
            };
            log.update(what, done, total);
            bar.set_prefix(what);
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
        Phase::Teacher(done, total) => {
            log.update("teacher", done, total);
            bar.set_prefix("teacher");
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
        Phase::Training(step, total, loss, f1) => {
            log.update("training steps", step, total);
            bar.set_prefix("training");
            bar.set_length(total as u64);
            bar.set_position(step as u64);
            bar.set_message(format!(
                "loss {loss:.3} dev macro-F1 {}",
                f1.map_or("-".into(), |f| format!("{f:.3}"))
            ));
        }
    };
    let report = if probe {
        brief::train::probe::train_probe(&opts, &mut say, &mut on_phase)?.report
    } else {
        brief::train::train_stance(&opts, &mut say, &mut on_phase)?.report
    };
    bar.finish_and_clear();
    print_summary(&report, &opts);
    Ok(())
}

/// `brief train actors`: extracts, cross-validates, fits and prints the threshold table.
pub fn train_actors(g: &GlobalArgs, a: &TrainActorsArgs) -> Result<()> {
    if !(0.0..=1.0).contains(&a.min_recall) || !a.l2.is_finite() || a.l2 <= 0.0 {
        anyhow::bail!("--min-recall must be in [0, 1] and --l2 a positive number");
    }
    let opts = brief::train::actor_probe::ActorTrainOptions {
        data: a.data.clone(),
        backbone: a.backbone.clone(),
        out: a.out.clone(),
        name: a.name.clone(),
        depths: a.depths.clone(),
        question: a
            .question
            .clone()
            .unwrap_or_else(|| brief::train::actor_probe::DEFAULT_QUESTION.into()),
        l2: a.l2,
        min_recall: a.min_recall,
        features: a.features.clone(),
        device: g.device.clone(),
        offline: g.offline,
        command: std::env::args().collect::<Vec<_>>().join(" "),
    };
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "model states {bar:30} {pos}/{len} articles eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    if g.quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut say = crate::commands::notice(g.quiet);
    let mut log = ProgressLog::new(!g.quiet && !std::io::stderr().is_terminal());
    let report =
        brief::train::actor_probe::train_actor_probe(&opts, &mut say, &mut |done, total| {
            log.update("articles read", done, total);
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        })?;
    bar.finish_and_clear();
    println!("threshold  held-out precision  held-out recall");
    for p in &report.cross_validation {
        let kept = if p.threshold == report.threshold {
            "  (chosen)"
        } else {
            ""
        };
        println!(
            "{:>9.2}  {:>18.3}  {:>15.3}{kept}",
            p.threshold, p.precision, p.recall
        );
    }
    println!(
        "{} candidates of {} articles ({} acting, {} kept without asking); features {:.0} s, \
         total {:.0} s; wrote {}",
        report.candidates,
        report.articles,
        report.acting,
        report.trusted,
        report.feature_seconds,
        report.total_seconds,
        opts.out.display()
    );
    Ok(())
}

/// A progress line per tenth of each phase when `on` (stderr is a log, not a terminal, and a
/// progress bar would show nothing until the end of a run that can take half an hour). Counts
/// arrive in batches, so a tenth is passed between two calls rather than hit exactly.
struct ProgressLog {
    on: bool,
    what: String,
    tenth: usize,
}

impl ProgressLog {
    fn new(on: bool) -> Self {
        ProgressLog {
            on,
            what: String::new(),
            tenth: 0,
        }
    }

    /// The line to log for `done` of `total` in phase `what`, if a new tenth was reached.
    fn line(&mut self, what: &str, done: usize, total: usize) -> Option<String> {
        if !self.on || total == 0 {
            return None;
        }
        if self.what != what {
            self.what = what.to_string();
            self.tenth = 0;
        }
        let tenth = (done * 10 / total).min(10);
        (tenth > self.tenth).then(|| {
            self.tenth = tenth;
            format!("brief: {what} {done}/{total}")
        })
    }

    fn update(&mut self, what: &str, done: usize, total: usize) {
        if let Some(l) = self.line(what, done, total) {
            eprintln!("{l}");
        }
    }
}

/// The epoch table and where the model went.
fn print_summary(report: &brief::train::TrainingReport, opts: &TrainOptions) {
    println!("epoch  train loss  dev macro-F1  dev F_avg  dev acc  seconds");
    for e in &report.epochs {
        println!(
            "{:>5}  {:>10.4}  {:>12.3}  {:>9.3}  {:>7.3}  {:>7.0}{}",
            e.epoch,
            e.train_loss,
            e.dev_macro_f1,
            e.dev_f_avg,
            e.dev_accuracy,
            e.seconds,
            if e.epoch == report.best_epoch {
                "  (kept)"
            } else {
                ""
            }
        );
    }
    println!(
        "wrote {} (features {:.0} s, total {:.0} s); use it with --classifier {}",
        opts.out.display(),
        report.cache_seconds,
        report.total_seconds,
        opts.out.join("brief.toml").display()
    );
}

/// The library's training options from the command line.
fn train_options(g: &GlobalArgs, a: &TrainStanceArgs) -> TrainOptions {
    TrainOptions {
        data: a.data.clone(),
        dev: a.dev.clone(),
        backbone: a.backbone.clone(),
        out: a.out.clone(),
        name: a.name.clone(),
        trained_layers: a.trained_layers,
        lora_rank: a.lora_rank,
        hidden: a.hidden,
        max_length: a.max_length,
        fit: FitSettings {
            seed: a.seed,
            epochs: a.epochs,
            batch_size: a.batch_size,
            lr: a.lr,
            head_lr: a.head_lr,
            class_weight_power: a.class_weight_power,
            target_dropout: a.target_dropout,
            patience: a.patience,
        },
        device: g.device.clone(),
        offline: g.offline,
        command: std::env::args().collect::<Vec<_>>().join(" "),
        probe: probe_options(a),
        distill: a.teacher.clone().map(|teacher| Distill {
            teacher,
            weight: a.distill_weight,
            temperature: a.distill_temperature,
        }),
    }
}

/// The probe settings from the command line (defaults where not given).
fn probe_options(a: &TrainStanceArgs) -> ProbeOptions {
    let d = ProbeOptions::default();
    ProbeOptions {
        questions: a.probe_question.clone(),
        depths: a.probe_depths.clone().unwrap_or(d.depths),
        max_train: a.max_train,
        max_dev: a.max_dev,
        features: a.features.clone(),
        l2: a.l2,
    }
}

/// Fails when the classifier `brief eval` would use was trained on any of `examples`.
/// With the default classifiers, the entity classifier is checked too.
pub fn refuse_overlap(g: &GlobalArgs, examples: &[Example]) -> Result<()> {
    let defaults = Defaults::load(g.config.as_deref())?;
    let names = match &g.classifier {
        Some(c) => vec![c.clone()],
        None => std::iter::once(defaults.classifier)
            .chain(defaults.entity_classifier)
            .collect(),
    };
    for name in names {
        let cfg = resolve_model(&name)?;
        let probe_report = cfg
            .stance
            .as_ref()
            .and_then(|s| s.probe.as_ref())
            .and_then(|p| p.training_report.clone());
        let report = match cfg.architecture {
            Architecture::EncoderClassifier => cfg.encoder_settings().training_report,
            _ => probe_report,
        };
        let Some(path) = report else {
            continue;
        };
        let report = TrainingReport::load(&brief::backends::encoder::beside_config(&cfg, &path))?;
        report.check_overlap(examples, &cfg.name)?;
    }
    Ok(())
}

/// `examples` without the articles the defaults' actor check was trained on (it runs with
/// the defaults' classifier only, as the pipeline loads it): they are left out with a notice,
/// so `brief eval evals/` still scores everything else; an error when nothing is left.
pub fn without_actor_training(g: &GlobalArgs, examples: Vec<Example>) -> Result<Vec<Example>> {
    let defaults = Defaults::load(g.config.as_deref())?;
    let Some(name) = defaults.actor_check.filter(|_| g.classifier.is_none()) else {
        return Ok(examples);
    };
    let cfg = resolve_model(&name)?;
    let Some(path) = cfg
        .actor_probe
        .as_ref()
        .and_then(|p| p.training_report.clone())
    else {
        return Ok(examples);
    };
    let path = brief::backends::encoder::beside_config(&cfg, &path);
    let report = brief::train::actor_probe::ActorTrainingReport::load(&path)?;
    let total = examples.len();
    let kept: Vec<Example> = examples
        .into_iter()
        .filter(|e| !report.trained_on(e))
        .collect();
    let left_out = total - kept.len();
    if kept.is_empty() {
        anyhow::bail!(brief::BriefError::Usage(format!(
            "all {total} eval example(s) overlap the training data of '{}' (the actor check); \
             score their actors with --finder-only, or use a --config without actor_check",
            cfg.name
        )));
    }
    if left_out > 0 && !g.quiet {
        eprintln!(
            "brief: {left_out} example(s) left out: their articles trained the actor check '{}' \
             (--finder-only scores them)",
            cfg.name
        );
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::ProgressLog;

    #[test]
    fn a_line_per_tenth_even_when_counts_come_in_batches() {
        let mut log = ProgressLog::new(true);
        let mut lines = Vec::new();
        for done in (32..15_498).step_by(32).chain([15_498]) {
            lines.extend(log.line("teacher", done, 15_498));
        }
        assert_eq!(lines.len(), 10, "{lines:?}");
        assert_eq!(
            lines.last().map(String::as_str),
            Some("brief: teacher 15498/15498")
        );
        // A new phase starts its tenths again; off, nothing is logged.
        assert!(log.line("training steps", 100, 1000).is_some());
        assert!(ProgressLog::new(false).line("x", 5, 10).is_none());
    }
}

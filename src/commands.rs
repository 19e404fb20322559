//! What each command does, in terms of the library.

use crate::cli::StanceArgs;
use crate::cli::{BatchCommand, Cli, Command, Format, GlobalArgs, ServeArgs, TrainCommand};
use anyhow::Result;
use brief::article::Article;
use brief::pipeline::{
    check_stance_inputs, GenerationOverrides, Given, Pipeline, PipelineOptions, Tasks,
};
use std::io::{IsTerminal, Write};

pub fn dispatch(cli: Cli) -> Result<()> {
    let g = &cli.global;
    match &cli.command {
        Command::Run { article, stance } => run(
            g,
            article,
            Tasks {
                summarize: true,
                stance: true,
            },
            stance,
        ),
        Command::Summarize { article } => run(
            g,
            article,
            Tasks {
                summarize: true,
                stance: false,
            },
            &StanceArgs {
                target: None,
                actors: vec![],
            },
        ),
        Command::Stance { article, stance } => run(
            g,
            article,
            Tasks {
                summarize: false,
                stance: true,
            },
            stance,
        ),
        Command::Models(m) => crate::models_cmd::models(g, m),
        Command::Serve(s) => serve(g, s),
        Command::Train(TrainCommand::Stance(a)) => crate::train_cmd::train_stance(g, a),
        Command::Train(TrainCommand::Actors(a)) => crate::train_cmd::train_actors(g, a),
        Command::Batch { merge, args } => match merge {
            Some(BatchCommand::Merge {
                outputs,
                inputs,
                out,
            }) => crate::batch_cmd::merge(g, outputs, inputs, out),
            None => crate::batch_cmd::batch(g, args, options(g)),
        },
        Command::Eval {
            files,
            limit,
            baseline,
            save_baseline,
            predictions,
            tolerance,
            finder_only,
            no_labels,
        } => eval(
            g,
            files,
            *limit,
            baseline.as_deref(),
            EvalWrites {
                baseline: save_baseline.as_deref(),
                predictions: predictions.as_deref(),
            },
            *tolerance,
            (*finder_only, *no_labels),
        ),
    }
}

pub fn notice(quiet: bool) -> impl FnMut(&str) {
    move |s: &str| {
        if !quiet {
            // Notices quote the article (its headline as the target): terminal-safe too.
            eprintln!("brief: {}", brief::report::terminal_safe(s));
        }
    }
}

pub fn options(g: &GlobalArgs) -> PipelineOptions {
    let a = &g.generation;
    PipelineOptions {
        defaults: g.config.clone(),
        summarizer: g.summarizer.clone(),
        classifier: g.classifier.clone(),
        device: g.device.clone(),
        offline: g.offline,
        generation: GenerationOverrides {
            max_new_tokens: a.max_new_tokens,
            temperature: a.temperature,
            top_p: a.top_p,
            top_k: a.top_k,
            repeat_penalty: a.repeat_penalty,
            seed: a.seed,
            num_beams: a.num_beams,
            length_penalty: a.length_penalty,
            no_repeat_ngram_size: a.no_repeat_ngram_size,
            min_new_tokens: a.min_new_tokens,
        },
        prefix_reuse: !g.no_prefix_cache,
        faithfulness: g.faithfulness,
        length: g.length,
    }
}

fn run(g: &GlobalArgs, path: &str, tasks: Tasks, st: &StanceArgs) -> Result<()> {
    // Check the input and the arguments before spending seconds on loading a model.
    let article = Article::read(path)?;
    let opts = options(g);
    let given = Given {
        actors: if tasks.stance {
            check_stance_inputs(&article, &st.actors, st.target.as_deref())?
        } else {
            Vec::new()
        },
        target: st.target.clone(),
    };
    let mut say = notice(g.quiet);
    let mut pipeline = Pipeline::load(&opts, tasks, &mut say)?;
    let stream = g.format == Format::Text
        && std::io::stdout().is_terminal()
        && pipeline.streams_final_summary();
    let mut out = std::io::stdout();
    let result = pipeline.run_tasks(
        &article,
        tasks,
        &given,
        &mut |t| {
            if stream {
                let _ = out.write_all(brief::report::terminal_safe(t).as_bytes());
                let _ = out.flush();
            }
        },
        &mut say,
    );
    match result {
        Ok(report) => print_report(g, tasks, stream, &report, &article),
        // What succeeded is shown before the error of what did not.
        Err(brief::BriefError::Partial { report, error }) => {
            print_report(g, tasks, stream, &report, &article)?;
            Err(brief::BriefError::Partial { report, error }.into())
        }
        Err(e) => Err(e.into()),
    }
}

fn print_report(
    g: &GlobalArgs,
    tasks: Tasks,
    stream: bool,
    report: &brief::report::Report,
    article: &Article,
) -> Result<()> {
    match g.format {
        Format::Json => println!("{}", report.to_json()),
        Format::Html => print!("{}", brief::render::report_html(report, article)?),
        Format::Text | Format::Markdown => {
            if stream && tasks.summarize {
                println!();
            }
            print!("{}", report.to_text(stream));
        }
    }
    Ok(())
}

fn serve(g: &GlobalArgs, s: &ServeArgs) -> Result<()> {
    let opts = brief::serve::ServeOptions {
        host: s.host.clone(),
        port: s.port,
        api_key: s.api_key.clone(),
        queue: s.queue.max(1),
        timeout: std::time::Duration::from_secs(s.timeout.max(1)),
        max_body: s.max_body_kib.max(1).saturating_mul(1024),
        verbose: !g.quiet,
    };
    let pipeline = options(g);
    Ok(brief::serve::serve(opts, pipeline)?)
}

/// Files an eval run writes besides its report.
struct EvalWrites<'a> {
    /// `--save-baseline`
    baseline: Option<&'a std::path::Path>,
    /// `--predictions`
    predictions: Option<&'a std::path::Path>,
}

fn eval(
    g: &GlobalArgs,
    files: &[std::path::PathBuf],
    limit: Option<usize>,
    baseline: Option<&std::path::Path>,
    writes: EvalWrites,
    tolerance: f64,
    (finder_only, no_labels): (bool, bool),
) -> Result<()> {
    use brief::eval::{dataset, evaluate_finder, Baseline};
    let files = if files.is_empty() {
        vec![std::path::PathBuf::from("evals")]
    } else {
        files.to_vec()
    };
    let base = baseline.map(Baseline::load).transpose()?;
    let (mut examples, bad) = dataset::load(&files)?;
    if let Some(n) = limit {
        examples.truncate(n);
    }
    if examples.is_empty() {
        anyhow::bail!(
            "no usable examples in {} ({} malformed line(s))",
            files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            bad.len()
        );
    }
    for b in &bad {
        eprintln!(
            "brief: {}:{}: skipped malformed line: {}",
            b.file, b.line, b.error
        );
    }
    // Actors come from the trained check, scored stance labels from a trained classifier.
    if !finder_only {
        examples = crate::train_cmd::without_actor_training(g, examples)?;
    }
    if !finder_only && !no_labels {
        crate::train_cmd::refuse_overlap(g, &examples)?;
    }
    let (mut report, (s, c)) = if finder_only {
        (evaluate_finder(&examples, &mut |_, _| {}), (None, None))
    } else {
        eval_models(g, &examples, no_labels)?
    };
    report.bad_lines = bad;
    // The baseline is saved before anything is printed: a reader that goes away early
    // (`| head`) must not cost the run's result.
    if let Some(p) = writes.baseline {
        save_baseline((s, c), &report, &files, tolerance, p)?;
    }
    if let Some(p) = writes.predictions {
        write_predictions(&report.stance_predictions, p)?;
    }
    match g.format {
        Format::Json => println!("{}", report.to_json()),
        Format::Markdown => print!("{}", report.render(true)),
        Format::Html => print!("{}", brief::render::eval_html(&report)?),
        // The failures it lists quote the eval file's texts: as terminal-safe as `brief run`.
        Format::Text => print!("{}", brief::report::terminal_safe(&report.render(false))),
    }
    if let Some(b) = base {
        let reg = b.regressions(&report);
        if !reg.is_empty() {
            anyhow::bail!(
                "{} regression(s) against the baseline: {}",
                reg.len(),
                reg.join("; ")
            );
        }
        eprintln!("brief: no regression against the baseline");
    }
    Ok(())
}

/// Writes `brief eval --predictions`: one JSON object per gold actor's stance.
fn write_predictions(
    predictions: &[brief::eval::StancePrediction],
    path: &std::path::Path,
) -> Result<()> {
    let mut out = String::new();
    for p in predictions {
        out.push_str(&serde_json::to_string(p)?);
        out.push('\n');
    }
    std::fs::write(path, out).map_err(|e| brief::BriefError::io(path, e))?;
    eprintln!(
        "brief: {} stance prediction(s) written to {}",
        predictions.len(),
        path.display()
    );
    Ok(())
}

/// Config names of the summarizer and classifier an eval ran with.
type ModelNames = (Option<String>, Option<String>);

/// Loads the models the examples need and runs them; the report and the model names.
fn eval_models(
    g: &GlobalArgs,
    examples: &[brief::eval::dataset::Example],
    no_labels: bool,
) -> Result<(brief::eval::EvalReport, ModelNames)> {
    let tasks = Tasks {
        summarize: !no_labels
            && examples.iter().any(|e| {
                (e.reference_summary.is_some() && !e.is_classifier_only()) || e.is_checker_only()
            }),
        stance: examples
            .iter()
            .any(|e| e.actors.as_ref().is_some_and(|a| !a.is_empty())),
    };
    if g.faithfulness == Some(brief::config::FaithfulnessMode::Off)
        && examples.iter().any(|e| e.is_checker_only())
    {
        anyhow::bail!(
            "checker-only examples (check_summary + consistent) need the checker: drop --faithfulness off"
        );
    }
    let mut say = notice(g.quiet);
    let mut pipeline = Pipeline::load(&options(g), tasks, &mut say)?;
    let bar = indicatif::ProgressBar::new(examples.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("eval {bar:30} {pos}/{len} eta {eta} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    if g.quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut progress = |i: usize, id: &str| {
        bar.set_position(i as u64);
        bar.set_message(id.to_string());
    };
    let report = if no_labels {
        brief::eval::evaluate_no_labels(&mut pipeline, examples, &mut progress)?
    } else {
        brief::eval::evaluate(&mut pipeline, examples, &mut progress)?
    };
    bar.finish_and_clear();
    Ok((report, pipeline.model_names()))
}

fn save_baseline(
    (s, c): ModelNames,
    report: &brief::eval::EvalReport,
    files: &[std::path::PathBuf],
    tolerance: f64,
    path: &std::path::Path,
) -> Result<()> {
    let files = files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    brief::eval::Baseline {
        tolerance,
        tolerances: Default::default(),
        metrics: report.key_metrics(),
        note: format!(
            "summarizer {}, classifier {}, {} examples from {files}",
            s.unwrap_or_default(),
            c.unwrap_or_default(),
            report.examples,
        ),
    }
    .save(path)?;
    eprintln!("brief: baseline saved to {}", path.display());
    Ok(())
}

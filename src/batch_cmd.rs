//! `brief batch` and `brief batch merge` at the CLI edge: turn flags into batch options, draw
//! the progress bar, print the closing line, and map outcomes to exit codes.

use crate::cli::{BatchArgs, BatchTask, GlobalArgs};
use crate::commands::notice;
use anyhow::Result;
use brief::batch::{self, shard::Shard, BatchOptions, RecordsFailed};
use brief::pipeline::{Given, PipelineOptions, Tasks};
use std::path::{Path, PathBuf};

pub fn batch(g: &GlobalArgs, args: &BatchArgs, pipeline: PipelineOptions) -> Result<()> {
    let Some(out) = args.out.clone() else {
        anyhow::bail!(brief::BriefError::Usage(
            "give --out OUT.jsonl (results are appended there, and a rerun resumes from it)".into()
        ));
    };
    if args.inputs.is_empty() {
        anyhow::bail!(brief::BriefError::Usage(
            "give at least one INPUT: a JSONL file, a folder of .txt files, or -".into()
        ));
    }
    if args.workers == 0 {
        anyhow::bail!(brief::BriefError::Usage(
            "--workers must be at least 1".into()
        ));
    }
    let tasks = Tasks {
        summarize: args.tasks.contains(&BatchTask::Summarize),
        stance: args.tasks.contains(&BatchTask::Stance),
    };
    if let Some(problem) = args
        .stance
        .target
        .as_deref()
        .and_then(brief::pipeline::target_problem)
    {
        anyhow::bail!(brief::BriefError::Usage(format!(
            "{problem}; give the issue stance is toward, or leave it out to derive it per article"
        )));
    }
    let opts = BatchOptions {
        inputs: args.inputs.clone(),
        out,
        tasks,
        workers: args.workers,
        shard: Shard::choose(args.shard.as_deref(), args.shards)?,
        max_chars: args.max_chars,
        pipeline,
        given: Given {
            actors: args.stance.actors.clone(),
            target: args.stance.target.clone(),
        },
    };
    let bar = progress_bar(g.quiet);
    let mut say = notice(g.quiet);
    if let Some(s) = opts.shard {
        say(&format!("shard {}/{}", s.index, s.count));
    }
    let summary = batch::run(&opts, &mut say, &bar)?;
    bar.finish_and_clear();
    say(&summary.line());
    if summary.failed > 0 {
        return Err(RecordsFailed {
            failed: summary.failed,
            total: summary.done,
        }
        .into());
    }
    Ok(())
}

fn progress_bar(quiet: bool) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "batch {bar:30} {pos}/{len} {per_sec} eta {eta} {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    if quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar
}

pub fn merge(g: &GlobalArgs, outputs: &[PathBuf], inputs: &[String], out: &Path) -> Result<()> {
    let rep = batch::merge::merge(outputs, inputs, out)?;
    let mut say = notice(g.quiet);
    say(&format!(
        "{} lines written to {}",
        rep.written,
        out.display()
    ));
    for (what, ids) in [
        ("missing", &rep.missing),
        ("failed", &rep.failed),
        ("duplicated (first kept)", &rep.duplicated),
    ] {
        if !ids.is_empty() {
            eprintln!("brief: {what} ({}): {}", ids.len(), ids.join(", "));
        }
    }
    if !rep.complete() {
        return Err(RecordsFailed {
            failed: rep.missing.len() + rep.failed.len() + rep.duplicated.len(),
            total: rep.written + rep.missing.len(),
        }
        .into());
    }
    Ok(())
}

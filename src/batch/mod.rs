//! `brief batch`: many articles in one process. Models load once per worker; each worker owns
//! its own pipeline (built on its own thread, so nothing model-side is shared); results are
//! appended to one JSONL file as they finish, which makes a rerun resume where the last one
//! stopped. A bad record becomes an error line and the batch goes on.

pub mod input;
pub mod merge;
pub mod output;
pub mod shard;

use crate::article::Article;
use crate::error::{BriefError, Result};
use crate::pipeline::{Given, Pipeline, PipelineOptions, Tasks};
use input::{Input, Record, RecordError};
use output::Output;
use shard::Shard;
use std::path::PathBuf;
use std::sync::{mpsc, Mutex};
use std::time::Instant;

/// What a batch run does.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    pub inputs: Vec<String>,
    pub out: PathBuf,
    pub tasks: Tasks,
    pub workers: usize,
    pub shard: Option<Shard>,
    /// Longer articles (in characters) become `too_long` error lines.
    pub max_chars: usize,
    pub pipeline: PipelineOptions,
    /// Actors and target given on the command line, the same for every article.
    pub given: Given,
}

/// How a batch run went.
#[derive(Debug, Clone, Default)]
pub struct BatchSummary {
    /// Records of this shard in the input.
    pub total: usize,
    pub done: usize,
    /// Already in the output file from an earlier run.
    pub skipped: usize,
    pub failed: usize,
    pub wall_s: f64,
}

impl BatchSummary {
    /// The closing line: counts, wall time and throughput.
    pub fn line(&self) -> String {
        let per_hour = if self.wall_s > 0.0 {
            self.done as f64 * 3600.0 / self.wall_s
        } else {
            0.0
        };
        format!(
            "{} done, {} skipped (already in the output), {} failed, {:.1} s, {per_hour:.0} articles/hour",
            self.done, self.skipped, self.failed, self.wall_s
        )
    }
}

/// Some records failed (their lines say why): the CLI's exit code 3.
#[derive(Debug, thiserror::Error)]
#[error("{failed} of {total} record(s) failed; their lines in the output say why")]
pub struct RecordsFailed {
    pub failed: usize,
    pub total: usize,
}

/// Runs a batch. `say` gets notices; `bar` follows progress (position = finished records).
pub fn run(
    opts: &BatchOptions,
    say: &mut dyn FnMut(&str),
    bar: &indicatif::ProgressBar,
) -> Result<BatchSummary> {
    let t0 = Instant::now();
    let mut records = input::read_inputs(&opts.inputs)?;
    let dups = input::duplicate_ids(&records);
    if !dups.is_empty() {
        return Err(BriefError::Usage(format!(
            "duplicate input ids ({}): {}",
            dups.len(),
            dups.join(", ")
        )));
    }
    if let Some(s) = opts.shard {
        records.retain(|r| s.contains(&r.id));
    }
    let (mut out, resume) = Output::open(&opts.out)?;
    if resume.trimmed_bytes > 0 {
        say(&format!(
            "trimmed a torn last line ({} bytes) from {}",
            resume.trimmed_bytes,
            opts.out.display()
        ));
    }
    let mut summary = BatchSummary {
        total: records.len(),
        ..Default::default()
    };
    let (todo, skipped): (Vec<Record>, Vec<Record>) = records
        .into_iter()
        .partition(|r| !resume.done.contains(&r.id));
    summary.skipped = skipped.len();
    bar.set_length(todo.len() as u64);
    let mut on_result =
        |id: String, result: std::result::Result<serde_json::Value, RecordError>| {
            let line = match result {
                Ok(v) => v,
                Err(e) => serde_json::json!({"id": id, "error": e}),
            };
            let failed = line.get("error").is_some() || line.get("errors").is_some();
            out.append(&line)?;
            summary.done += 1;
            summary.failed += usize::from(failed);
            bar.inc(1);
            Ok(())
        };
    run_workers(opts, todo, say, &mut on_result)?;
    summary.wall_s = t0.elapsed().as_secs_f64();
    Ok(summary)
}

type Job = (String, Input);
type Outcome = (String, std::result::Result<serde_json::Value, RecordError>);

/// Loads one pipeline per worker here (so a load failure stops the batch before any record is
/// touched, and download notices reach `say`), moves each to its own thread, and hands results
/// to `on_result` on this thread (the only writer of the output). Records already known to be
/// bad never reach a worker.
fn run_workers(
    opts: &BatchOptions,
    todo: Vec<Record>,
    say: &mut dyn FnMut(&str),
    on_result: &mut dyn FnMut(
        String,
        std::result::Result<serde_json::Value, RecordError>,
    ) -> Result<()>,
) -> Result<()> {
    let (job_tx, job_rx) = mpsc::channel::<Job>();
    let mut pending = 0usize;
    for r in todo {
        match r.body {
            Ok(input) => {
                pending += 1;
                let _ = job_tx.send((r.id, input));
            }
            Err(e) => on_result(r.id, Err(e))?,
        }
    }
    drop(job_tx);
    if pending == 0 {
        return Ok(());
    }
    let pipelines = (0..opts.workers.clamp(1, pending))
        .map(|_| Pipeline::load(&opts.pipeline, opts.tasks, say))
        .collect::<Result<Vec<_>>>()?;
    let job_rx = Mutex::new(job_rx);
    let (res_tx, res_rx) = mpsc::channel::<Outcome>();
    std::thread::scope(|scope| {
        for pipeline in pipelines {
            let (rx, tx) = (&job_rx, res_tx.clone());
            scope.spawn(move || worker(pipeline, opts, rx, &tx));
        }
        drop(res_tx);
        for (id, result) in res_rx {
            on_result(id, result)?;
        }
        Ok(())
    })
}

/// One worker: takes jobs with its own pipeline until none are left.
fn worker(
    mut pipeline: Pipeline,
    opts: &BatchOptions,
    jobs: &Mutex<mpsc::Receiver<Job>>,
    results: &mpsc::Sender<Outcome>,
) {
    loop {
        let next = jobs.lock().ok().and_then(|rx| rx.recv().ok());
        let Some((id, input)) = next else { return };
        let result = process(&mut pipeline, opts, &id, input);
        if results.send((id, result)).is_err() {
            return;
        }
    }
}

/// One article: checked like `brief run` checks a file, then the pipeline; the report JSON
/// with its `id`, or the reason it failed.
fn process(
    pipeline: &mut Pipeline,
    opts: &BatchOptions,
    id: &str,
    input: Input,
) -> std::result::Result<serde_json::Value, RecordError> {
    let mut bytes = match &input.title {
        Some(t) => format!("{}\n\n", t.trim()).into_bytes(),
        None => Vec::new(),
    };
    bytes.extend(input.text);
    let chars = String::from_utf8_lossy(&bytes).chars().count();
    if chars > opts.max_chars {
        return Err(RecordError::new(
            "too_long",
            format!("{chars} characters, over --max-chars {}", opts.max_chars),
        ));
    }
    let article = Article::from_bytes(id, &bytes)
        .map_err(|e| RecordError::new("bad_input", e.to_string()))?;
    let given = &opts.given;
    let report = match pipeline.run_tasks(&article, opts.tasks, given, &mut |_| {}, &mut |_| {}) {
        Ok(r) => r,
        Err(BriefError::Partial { report, .. }) => *report,
        Err(e) => {
            let kind = if e.is_usage() { "bad_input" } else { "model" };
            return Err(RecordError::new(kind, e.to_string()));
        }
    };
    let mut value = serde_json::to_value(&report)
        .map_err(|e| RecordError::new("model", format!("report not serializable: {e}")))?;
    if let Some(map) = value.as_object_mut() {
        map.insert("id".into(), serde_json::Value::String(id.to_string()));
    }
    Ok(value)
}

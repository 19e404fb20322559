//! The model worker: one OS thread that loads the pipeline and owns it for the life of the
//! server (the models keep per-request KV caches, so one thread serves one request at a time). Requests
//! reach it through a bounded queue and get their answer on a oneshot channel, so model code
//! never runs on the async runtime's threads.

use crate::article::Article;
use crate::error::BriefError;
use crate::pipeline::{Given, Pipeline, PipelineOptions, Tasks};
use crate::report::Report;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::{mpsc, oneshot, Notify};

/// What one request asks of the pipeline.
pub struct Job {
    pub article: Article,
    pub tasks: Tasks,
    /// Hand-given actors (`NAME` or `NAME=aliases`); empty = find them.
    pub actors: Vec<String>,
    pub target: Option<String>,
    /// Progress for a streaming response; `None` when the client waits for the whole report.
    pub events: Option<mpsc::UnboundedSender<Event>>,
    pub reply: oneshot::Sender<JobResult>,
}

/// Progress of a job, as it happens.
#[derive(Debug)]
pub enum Event {
    /// The worker took the job off the queue.
    Started,
    /// Summary text as it is generated (with a faithfulness check: the checked summary, in
    /// one piece, once it is final).
    Summary(String),
    /// A notice (the target chosen, no actors found).
    Notice(String),
}

/// The report, with the article its offsets point into (for the HTML view).
pub type JobResult = Result<(Report, Article), JobError>;

/// Why a job failed, already sorted into "the request was bad" and "we failed".
#[derive(Debug, Clone)]
pub struct JobError {
    pub kind: JobErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobErrorKind {
    /// The article, actors or target given cannot be used.
    BadInput,
    /// The server is stopping and did not start the job.
    ShuttingDown,
    /// Anything else: a model failed, a bug.
    Internal,
}

impl From<BriefError> for JobError {
    fn from(e: BriefError) -> Self {
        let kind = match e {
            BriefError::BadArticle { .. } | BriefError::Usage(_) => JobErrorKind::BadInput,
            _ => JobErrorKind::Internal,
        };
        JobError {
            kind,
            message: e.to_string(),
        }
    }
}

/// Where the worker stands, shared with the HTTP side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    Loading,
    Ready {
        summarizer: Option<String>,
        classifier: Option<String>,
        device: String,
    },
    Failed(String),
}

/// State both sides see.
pub struct Shared {
    phase: Mutex<Phase>,
    /// Set on SIGINT/SIGTERM: the job in flight finishes, queued ones are refused.
    pub stopping: AtomicBool,
    /// Mean seconds per job (exponential average, in milliseconds), for `Retry-After`.
    job_ms: AtomicU64,
    /// Woken when loading fails, so the server stops.
    pub failed: Notify,
}

impl Shared {
    fn new() -> Self {
        Self {
            phase: Mutex::new(Phase::Loading),
            stopping: AtomicBool::new(false),
            job_ms: AtomicU64::new(0),
            failed: Notify::new(),
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
            .lock()
            .map(|p| p.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    fn set_phase(&self, phase: Phase) {
        match self.phase.lock() {
            Ok(mut p) => *p = phase,
            Err(p) => *p.into_inner() = phase,
        }
    }

    /// Seconds a client should wait before retrying when `queued` jobs are ahead.
    pub fn retry_after_s(&self, queued: usize) -> u64 {
        let per_job = self.job_ms.load(Ordering::Relaxed).max(1000);
        (per_job * queued.max(1) as u64).div_ceil(1000)
    }

    fn record(&self, ms: u64) {
        let old = self.job_ms.load(Ordering::Relaxed);
        let new = if old == 0 { ms } else { (old * 3 + ms) / 4 };
        self.job_ms.store(new, Ordering::Relaxed);
    }
}

/// The HTTP side's end of the worker.
pub struct Worker {
    pub queue: mpsc::Sender<Job>,
    pub shared: Arc<Shared>,
}

/// Starts the worker thread: it loads the models (`say` gets the load notices), then serves
/// jobs until the queue's senders are all gone. It is not joined: once the HTTP side has
/// answered every open request, a job still running has nobody waiting for it (its request
/// timed out or its client left), and ending the process ends it.
pub fn start(
    opts: PipelineOptions,
    queue_len: usize,
    mut say: impl FnMut(&str) + Send + 'static,
) -> std::io::Result<Worker> {
    let (tx, rx) = mpsc::channel(queue_len.max(1));
    let shared = Arc::new(Shared::new());
    let state = shared.clone();
    std::thread::Builder::new()
        .name("brief-model".into())
        .spawn(move || {
            let all = Tasks {
                summarize: true,
                stance: true,
            };
            match Pipeline::load(&opts, all, &mut say) {
                Ok(pipeline) => {
                    let (summarizer, classifier) = pipeline.model_names();
                    state.set_phase(Phase::Ready {
                        summarizer,
                        classifier,
                        device: format!("{:?}", pipeline.device()),
                    });
                    say("models loaded, ready");
                    serve_jobs(pipeline, rx, &state);
                }
                Err(e) => {
                    state.set_phase(Phase::Failed(e.to_string()));
                    state.failed.notify_one();
                }
            }
        })?;
    Ok(Worker { queue: tx, shared })
}

fn serve_jobs(mut pipeline: Pipeline, mut rx: mpsc::Receiver<Job>, state: &Shared) {
    while let Some(job) = rx.blocking_recv() {
        if job.reply.is_closed() {
            // The client left or its time ran out while it waited: skip the work.
            continue;
        }
        if state.stopping.load(Ordering::SeqCst) {
            let _ = job.reply.send(Err(JobError {
                kind: JobErrorKind::ShuttingDown,
                message: "the server is shutting down; retry elsewhere or later".into(),
            }));
            continue;
        }
        let t0 = Instant::now();
        let result = run_job(&mut pipeline, &job);
        state.record(t0.elapsed().as_millis() as u64);
        let _ = job.reply.send(result.map(|r| (r, job.article)));
    }
}

fn run_job(pipeline: &mut Pipeline, job: &Job) -> Result<Report, JobError> {
    let send = |e: Event| {
        if let Some(tx) = &job.events {
            let _ = tx.send(e);
        }
    };
    send(Event::Started);
    let given = Given {
        actors: job.actors.clone(),
        target: job.target.clone(),
    };
    // A panic in model code must not take the server down: answer 500 and go on.
    match catch_unwind(AssertUnwindSafe(|| {
        pipeline.run_tasks(
            &job.article,
            job.tasks,
            &given,
            &mut |t| send(Event::Summary(t.to_string())),
            &mut |n| send(Event::Notice(n.to_string())),
        )
    })) {
        Ok(Ok(r)) => Ok(r),
        // Part of the work succeeded: answer with it; the report's `errors` say what failed.
        Ok(Err(BriefError::Partial { report, .. })) => Ok(*report),
        Ok(Err(e)) => Err(JobError::from(e)),
        Err(_) => Err(JobError {
            kind: JobErrorKind::Internal,
            message: "the model worker failed on this article (a bug: please report it)".into(),
        }),
    }
}

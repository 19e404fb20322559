//! The HTTP handlers: the page, health, models, and `POST /v1/brief`, which checks the request,
//! queues it for the model worker and answers with the report (JSON or HTML), or streams
//! progress as NDJSON.

use super::errors::ApiError;
use super::worker::{Event, Job, JobError, JobErrorKind, JobResult, Phase};
use super::App;
use crate::article::Article;
use crate::pipeline::{check_stance_inputs, Tasks};
use crate::render;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// The body of `POST /v1/brief`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefRequest {
    /// The article: UTF-8 text; a first line followed by a blank line is the title.
    pub text: String,
    /// Replaces the title brief would take from the text's first line.
    pub title: Option<String>,
    /// What stance is toward; derived from the article when absent.
    pub target: Option<String>,
    /// Actors fixed by hand: `NAME` or `NAME=alias1,alias2`.
    #[serde(default)]
    pub actors: Vec<String>,
    /// Which tasks to run (default both).
    pub tasks: Option<Vec<TaskName>>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TaskName {
    Summarize,
    Stance,
}

/// `?format=json|html&stream=true`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct BriefQuery {
    #[serde(default)]
    pub format: OutFormat,
    #[serde(default)]
    pub stream: bool,
}

#[derive(Debug, Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum OutFormat {
    #[default]
    Json,
    Html,
}

/// `GET /`: the page.
pub async fn page(State(app): State<Arc<App>>) -> Response {
    let nonce = render::nonce();
    let models = match app.worker.shared.phase() {
        Phase::Ready {
            summarizer,
            classifier,
            ..
        } => format!(
            "summary: {} · stance: {}",
            summarizer.unwrap_or_default(),
            classifier.unwrap_or_default()
        ),
        Phase::Loading => "loading models…".into(),
        Phase::Failed(_) => "models failed to load".into(),
    };
    match render::serve_page(&nonce, app.auth, &models) {
        Ok(html) => {
            let mut res = Html(html).into_response();
            if let Ok(v) = HeaderValue::from_str(&render::serve_csp(&nonce)) {
                res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
            }
            res
        }
        Err(e) => ApiError::internal(e.to_string()).into_response(),
    }
}

/// `GET /healthz`: 200 once the models are loaded, 503 before (and after a failed load).
pub async fn healthz(State(app): State<Arc<App>>) -> Response {
    let queued = app.queued();
    match app.worker.shared.phase() {
        Phase::Ready { .. } => {
            axum::Json(json!({"status": "ready", "queued": queued})).into_response()
        }
        Phase::Loading => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"status": "loading"})),
        )
            .into_response(),
        Phase::Failed(m) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"status": "failed", "error": {"kind": "load_failed", "message": m}})),
        )
            .into_response(),
    }
}

/// `GET /v1/models`: what the server runs, and every model it knows.
pub async fn models(State(app): State<Arc<App>>) -> Response {
    let known: Vec<serde_json::Value> = crate::config::builtin_models()
        .unwrap_or_default()
        .iter()
        .map(|c| json!({"name": c.name, "architecture": c.architecture, "tasks": c.tasks, "cached": crate::fetch::is_cached(c)}))
        .collect();
    let loaded = match app.worker.shared.phase() {
        Phase::Ready {
            summarizer,
            classifier,
            device,
        } => {
            json!({"ready": true, "summarizer": summarizer, "classifier": classifier, "device": device})
        }
        _ => json!({"ready": false}),
    };
    axum::Json(json!({"loaded": loaded, "known": known})).into_response()
}

/// `POST /v1/brief`.
pub async fn brief(
    State(app): State<Arc<App>>,
    query: Result<Query<BriefQuery>, axum::extract::rejection::QueryRejection>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| {
        ApiError::bad_input(format!(
            "{}; use ?format=json|html and stream=true|false",
            e.body_text()
        ))
    })?;
    let req: BriefRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_input(format!(
            "the body must be JSON {{text, title?, target?, actors?, tasks?}}: {e}"
        ))
    })?;
    let (events_tx, events) = if q.stream {
        let (t, r) = mpsc::unbounded_channel();
        (Some(t), Some(r))
    } else {
        (None, None)
    };
    let (reply_tx, reply) = oneshot::channel();
    let job = job_of(req, events_tx, reply_tx)?;
    app.enqueue(job)?;
    let deadline = tokio::time::Instant::now() + app.timeout;
    match events {
        Some(events) => Ok(stream(events, reply, q.format, deadline)),
        None => {
            let done = tokio::time::timeout_at(deadline, reply)
                .await
                .map_err(|_| timeout())?;
            let (report, article) = finished(done)?;
            match q.format {
                OutFormat::Json => Ok(axum::Json(report).into_response()),
                OutFormat::Html => render::report_html(&report, &article)
                    .map(|h| Html(h).into_response())
                    .map_err(|e| ApiError::internal(e.to_string())),
            }
        }
    }
}

fn timeout() -> ApiError {
    ApiError::unavailable(
        "timeout",
        "the request took longer than the server's --timeout (it may be queued behind others)",
        5,
    )
}

/// Checks the request and turns it into a job.
fn job_of(
    req: BriefRequest,
    events: Option<mpsc::UnboundedSender<Event>>,
    reply: oneshot::Sender<JobResult>,
) -> Result<Job, ApiError> {
    let mut article = Article::from_bytes("request", req.text.as_bytes())
        .map_err(|e| ApiError::bad_pipeline_input(&e.to_string()))?;
    if let Some(t) = req
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        article.title = Some(t.to_string());
    }
    let names = req
        .tasks
        .unwrap_or_else(|| vec![TaskName::Summarize, TaskName::Stance]);
    let tasks = Tasks {
        summarize: names.contains(&TaskName::Summarize),
        stance: names.contains(&TaskName::Stance),
    };
    if !tasks.summarize && !tasks.stance {
        return Err(ApiError::bad_input(
            "tasks is empty; give \"summarize\", \"stance\" or both (or leave it out)",
        ));
    }
    let target = req.target.map(|t| t.trim().to_string());
    if target.as_deref() == Some("") {
        return Err(ApiError::bad_input(
            "target is empty; leave it out to derive it",
        ));
    }
    // Actors that do not occur are refused before the request waits in the queue.
    let actors = if tasks.stance {
        check_stance_inputs(&article, &req.actors, target.as_deref())
            .map_err(|e| ApiError::bad_pipeline_input(&e.to_string()))?
    } else {
        req.actors
    };
    Ok(Job {
        article,
        tasks,
        actors,
        target,
        events,
        reply,
    })
}

/// The worker's answer as a report, or the error it maps to.
fn finished(
    done: Result<JobResult, oneshot::error::RecvError>,
) -> Result<(crate::report::Report, Article), ApiError> {
    match done {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(e)) => Err(job_error(e)),
        Err(_) => Err(ApiError::unavailable(
            "unavailable",
            "the model worker stopped (the models failed to load, or the server is stopping)",
            5,
        )),
    }
}

fn job_error(e: JobError) -> ApiError {
    match e.kind {
        JobErrorKind::BadInput => ApiError::bad_pipeline_input(&e.message),
        JobErrorKind::ShuttingDown => ApiError::unavailable("shutting_down", e.message, 5),
        JobErrorKind::Internal => ApiError::internal(e.message),
    }
}

/// NDJSON progress: `started`, `summary` (text as generated), `notice`, then one `done` with the
/// report (and with `format=html`, the report's HTML fragment), or one `error`.
fn stream(
    events: mpsc::UnboundedReceiver<Event>,
    reply: oneshot::Receiver<JobResult>,
    format: OutFormat,
    deadline: tokio::time::Instant,
) -> Response {
    struct St {
        events: mpsc::UnboundedReceiver<Event>,
        reply: Option<oneshot::Receiver<JobResult>>,
    }
    let st = St {
        events,
        reply: Some(reply),
    };
    let lines = futures_util::stream::unfold(st, move |mut st| async move {
        let line = match tokio::time::timeout_at(deadline, st.events.recv()).await {
            Ok(Some(Event::Started)) => json!({"event": "started"}),
            Ok(Some(Event::Summary(t))) => json!({"event": "summary", "text": t}),
            Ok(Some(Event::Notice(m))) => json!({"event": "notice", "message": m}),
            Ok(None) => {
                // The worker dropped the event sender: the job is over (or was never run).
                let reply = st.reply.take()?;
                match tokio::time::timeout_at(deadline, reply).await {
                    Ok(done) => final_line(done, format),
                    Err(_) => error_line(timeout()),
                }
            }
            Err(_) => {
                st.reply.take()?;
                error_line(timeout())
            }
        };
        let mut bytes = serde_json::to_vec(&line).unwrap_or_default();
        bytes.push(b'\n');
        Some((Ok::<_, std::convert::Infallible>(bytes), st))
    });
    let mut res = Response::new(Body::from_stream(lines));
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    res
}

fn error_line(e: ApiError) -> serde_json::Value {
    let mut v = e.body();
    v["event"] = "error".into();
    v
}

fn final_line(
    done: Result<JobResult, oneshot::error::RecvError>,
    format: OutFormat,
) -> serde_json::Value {
    match finished(done) {
        Ok((report, article)) => {
            let mut v = json!({"event": "done", "report": report});
            if format == OutFormat::Html {
                match render::report_fragment(&report, &article) {
                    Ok(h) => v["html"] = h.into(),
                    Err(e) => return error_line(ApiError::internal(e.to_string())),
                }
            }
            v
        }
        Err(e) => error_line(e),
    }
}

//! `brief serve`: the models loaded once, behind a small HTTP API and a web page.
//!
//! One model worker thread owns the pipeline (see `worker`); axum handlers on a small tokio
//! runtime check requests, queue them (bounded: a full queue answers 503 with `Retry-After`)
//! and await the answer with a deadline. Bound to localhost unless an API key is set, and then
//! every request must carry it as a Bearer token.

mod api;
mod errors;
mod worker;

use crate::error::{BriefError, Result};
use crate::pipeline::PipelineOptions;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use errors::ApiError;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::error::TrySendError;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// How the server listens and how much it accepts.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub host: String,
    pub port: u16,
    /// Required to bind to anything but loopback; then required on every request.
    pub api_key: Option<String>,
    /// Requests waiting for the model worker beyond the one it runs.
    pub queue: usize,
    /// Longest a request may wait and run, in total.
    pub timeout: Duration,
    /// Largest request body, in bytes.
    pub max_body: usize,
    /// Log requests and load notices on stderr.
    pub verbose: bool,
}

/// What every handler sees.
pub struct App {
    worker: worker::Worker,
    auth: bool,
    key: Option<String>,
    timeout: Duration,
    queue_len: usize,
    verbose: bool,
}

impl App {
    /// Jobs waiting in the queue now.
    fn queued(&self) -> usize {
        self.queue_len - self.worker.queue.capacity()
    }

    /// Queues a job, or says why not (503 busy / stopping / failed).
    fn enqueue(&self, job: worker::Job) -> std::result::Result<(), ApiError> {
        let shared = &self.worker.shared;
        if shared.stopping.load(Ordering::SeqCst) {
            return Err(ApiError::unavailable(
                "shutting_down",
                "the server is shutting down",
                5,
            ));
        }
        if let worker::Phase::Failed(m) = shared.phase() {
            return Err(ApiError::internal(format!(
                "the models failed to load: {m}"
            )));
        }
        match self.worker.queue.try_send(job) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => Err(ApiError::unavailable(
                "busy",
                format!("all {} queue places are taken; retry later", self.queue_len),
                shared.retry_after_s(self.queue_len),
            )),
            Err(TrySendError::Closed(_)) => Err(ApiError::unavailable(
                "unavailable",
                "the model worker has stopped",
                5,
            )),
        }
    }
}

/// Addresses `host:port` resolves to, and whether they are all loopback.
fn resolve(host: &str, port: u16) -> Result<(Vec<SocketAddr>, bool)> {
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| BriefError::Usage(format!("--host {host}: {e}")))?
        .collect();
    if addrs.is_empty() {
        return Err(BriefError::Usage(format!(
            "--host {host} resolves to no address"
        )));
    }
    let local = addrs.iter().all(|a| a.ip().is_loopback());
    Ok((addrs, local))
}

/// Runs the server until SIGINT or SIGTERM (or until the models fail to load).
pub fn serve(opts: ServeOptions, pipeline: PipelineOptions) -> Result<()> {
    let key = opts.api_key.clone().filter(|k| !k.trim().is_empty());
    let (addrs, local) = resolve(&opts.host, opts.port)?;
    if !local && key.is_none() {
        return Err(BriefError::Usage(format!(
            "--host {} is reachable from other machines; set an API key with --api-key KEY (or BRIEF_API_KEY) to bind there",
            opts.host
        )));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| BriefError::Server(format!("cannot start the async runtime: {e}")))?;
    rt.block_on(run(opts, pipeline, key, addrs))
}

async fn run(
    opts: ServeOptions,
    pipeline: PipelineOptions,
    key: Option<String>,
    addrs: Vec<SocketAddr>,
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(&addrs[..])
        .await
        .map_err(|e| {
            BriefError::Server(format!("cannot listen on {}:{}: {e}", opts.host, opts.port))
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| BriefError::Server(e.to_string()))?;
    let verbose = opts.verbose;
    let worker = worker::start(pipeline, opts.queue, move |s: &str| {
        if verbose {
            eprintln!("brief: {s}");
        }
    })
    .map_err(|e| BriefError::Server(format!("cannot start the model worker: {e}")))?;
    let shared = worker.shared.clone();
    let app = Arc::new(App {
        auth: key.is_some(),
        key,
        timeout: opts.timeout,
        queue_len: opts.queue.max(1),
        verbose,
        worker,
    });
    let router = router(app.clone(), &opts);
    // Printed on stdout (and flushed) so scripts and tests can read the port of --port 0.
    println!("listening on http://{addr}");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let stop_shared = shared.clone();
    let served = axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            let failed = tokio::select! {
                _ = signal() => false,
                _ = stop_shared.failed.notified() => true,
            };
            stop_shared.stopping.store(true, Ordering::SeqCst);
            if !failed && verbose {
                eprintln!("brief: stopping: finishing the request in flight, refusing queued ones");
            }
        })
        .await;
    // Every open request has its answer now (graceful shutdown waited for them).
    drop(app);
    if let worker::Phase::Failed(m) = shared.phase() {
        return Err(BriefError::Server(format!(
            "the models failed to load: {m}"
        )));
    }
    served.map_err(|e| BriefError::Server(e.to_string()))
}

/// SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// The routes and the layers around them (outermost last): body limit, timeout, API key,
/// JSON errors, request log.
fn router(app: Arc<App>, opts: &ServeOptions) -> Router {
    Router::new()
        .route("/", get(api::page))
        .route("/healthz", get(api::healthz))
        .route("/v1/models", get(api::models))
        .route("/v1/brief", post(api::brief))
        .layer(RequestBodyLimitLayer::new(opts.max_body))
        .layer(axum::extract::DefaultBodyLimit::disable())
        // A little beyond the handlers' own deadline, so theirs answers first and this one
        // only catches what hangs elsewhere.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            opts.timeout + Duration::from_secs(5),
        ))
        .layer(middleware::from_fn_with_state(app.clone(), require_key))
        .layer(middleware::map_response(errors::json_errors))
        .layer(middleware::from_fn_with_state(app.clone(), log))
        .with_state(app)
}

/// With an API key set, every request needs `Authorization: Bearer KEY`.
async fn require_key(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let Some(key) = &app.key else {
        return next.run(req).await;
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(g) if same(g.as_bytes(), key.as_bytes()) => next.run(req).await,
        Some(_) => {
            ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "wrong API key").into_response()
        }
        None => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this server needs an API key: send Authorization: Bearer KEY",
        )
        .into_response(),
    }
}

/// Compares in time independent of where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// One line per request on stderr: method, path, status, seconds.
async fn log(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let t0 = Instant::now();
    let res = next.run(req).await;
    if app.verbose {
        eprintln!(
            "brief: {method} {path} {} {:.2}s",
            res.status().as_u16(),
            t0.elapsed().as_secs_f64()
        );
    }
    res
}

#[cfg(test)]
mod tests {
    #[test]
    fn loopback_is_local_and_others_are_not() {
        assert!(super::resolve("127.0.0.1", 0).unwrap().1);
        assert!(super::resolve("::1", 0).unwrap().1);
        assert!(!super::resolve("0.0.0.0", 0).unwrap().1);
        assert!(super::same(b"abc", b"abc"));
        assert!(!super::same(b"abc", b"abd"));
        assert!(!super::same(b"abc", b"abcd"));
    }
}

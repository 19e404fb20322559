//! Plain HTTPS downloads for the package-registry mirror: the platform's certificate store
//! (so corporate proxies work), progress bars on stderr, and errors that say what broke.

use crate::error::{BriefError, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::Duration;

/// An agent that trusts the system's roots and gives up on unreachable hosts quickly.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                .build(),
        )
        .timeout_connect(Some(Duration::from_secs(20)))
        .timeout_recv_body(Some(Duration::from_secs(120)))
        .user_agent(concat!("brief/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// One-line description of a failed request to `url`.
pub fn describe(url: &str, e: &ureq::Error) -> String {
    let host = url.split('/').nth(2).unwrap_or(url);
    match e {
        ureq::Error::StatusCode(404) => format!("{url} not found (404)"),
        ureq::Error::StatusCode(c) => format!("{host} answered HTTP {c}"),
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => {
            format!("cannot reach {host} (no network?)")
        }
        ureq::Error::Io(io) => format!("cannot reach {host} ({io})"),
        ureq::Error::Timeout(_) => format!("{host} timed out"),
        other => format!("{host}: {other}"),
    }
}

/// GETs a JSON document (asking for the PyPI Simple API's JSON form).
pub fn get_json(agent: &ureq::Agent, url: &str) -> std::result::Result<serde_json::Value, String> {
    let mut resp = agent
        .get(url)
        .header("Accept", "application/vnd.pypi.simple.v1+json")
        .call()
        .map_err(|e| describe(url, &e))?;
    resp.body_mut()
        .with_config()
        .limit(64 << 20)
        .read_json()
        .map_err(|e| describe(url, &e))
}

/// How many times one download is tried before giving up, and the first pause between tries
/// (doubled after each).
const ATTEMPTS: u32 = 5;
const FIRST_BACKOFF: Duration = Duration::from_millis(500);

/// Why one try of a download ended early.
enum Break {
    /// Worth another try (connection dropped, timeout, server error).
    Transient(String),
    /// Not (404, a local write error).
    Fatal(BriefError),
}

/// Streams `url` into `dest` with a progress bar labelled `label`. A connection that drops
/// is retried with exponential backoff, resuming with an HTTP Range request where the server
/// allows it (206), else starting the file again; after `ATTEMPTS` tries it is an error and
/// `dest` is left for the caller to delete.
pub fn download_to(agent: &ureq::Agent, url: &str, dest: &Path, label: &str) -> Result<u64> {
    let fail = |m: String| BriefError::FetchFailed {
        model: label.to_string(),
        attempts: m,
    };
    let bar = ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} {bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(label.to_string());
    let mut out = std::fs::File::create(dest).map_err(|e| BriefError::io_write(dest, e))?;
    let mut done = 0u64;
    let mut backoff = FIRST_BACKOFF;
    let mut first_failure = None;
    for attempt in 1..=ATTEMPTS {
        match try_once(agent, url, dest, &mut out, &mut done, &bar) {
            Ok(()) => {
                bar.finish_and_clear();
                return Ok(done);
            }
            Err(Break::Fatal(e)) => {
                bar.abandon();
                return Err(e);
            }
            Err(Break::Transient(why)) if attempt < ATTEMPTS => {
                bar.set_message(format!("{label} (retry {attempt}: {why})"));
                first_failure.get_or_insert(why);
                std::thread::sleep(backoff);
                backoff *= 2;
            }
            Err(Break::Transient(why)) => {
                bar.abandon();
                let first = first_failure
                    .filter(|f| *f != why)
                    .map(|f| format!("first: {f}; last: "))
                    .unwrap_or_default();
                return Err(fail(format!(
                    "download of {url} failed {ATTEMPTS} times ({first}{why}); nothing was kept, pull again"
                )));
            }
        }
    }
    Err(fail(format!("download of {url} was not tried")))
}

/// One request: from byte `done` on (a Range request) when something is already written.
/// On return `done` is how many bytes of the file `out` holds.
fn try_once(
    agent: &ureq::Agent,
    url: &str,
    dest: &Path,
    out: &mut std::fs::File,
    done: &mut u64,
    bar: &ProgressBar,
) -> std::result::Result<(), Break> {
    let mut req = agent.get(url);
    if *done > 0 {
        req = req.header("Range", format!("bytes={done}-"));
    }
    let mut resp = req.call().map_err(|e| match e {
        ureq::Error::StatusCode(c) if c < 500 && c != 408 && c != 429 => {
            Break::Fatal(BriefError::FetchFailed {
                model: url.to_string(),
                attempts: describe(url, &e),
            })
        }
        other => Break::Transient(describe(url, &other)),
    })?;
    let write_err = |e: std::io::Error| Break::Fatal(BriefError::io_write(dest, e));
    let length = resp
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if resp.status().as_u16() != 206 && *done > 0 {
        // The server ignored the range: start the file again.
        out.set_len(0).map_err(write_err)?;
        out.seek(SeekFrom::Start(0)).map_err(write_err)?;
        *done = 0;
    }
    let total = length.map(|l| l + *done);
    bar.set_length(total.unwrap_or(0));
    bar.set_position(*done);
    let mut reader = resp.body_mut().with_config().limit(u64::MAX).reader();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).map_err(|e| {
            let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
            Break::Transient(format!("interrupted after {done}{of} bytes: {e}"))
        })?;
        if n == 0 {
            break;
        }
        out.write_all(&buf[..n]).map_err(write_err)?;
        *done += n as u64;
        bar.set_position(*done);
    }
    out.flush().map_err(write_err)?;
    match total {
        Some(t) if *done != t => Err(Break::Transient(format!(
            "the connection closed after {done} of {t} bytes"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};

    /// A server on 127.0.0.1 whose first answer breaks off after `cut` bytes; later answers
    /// honour a Range request when `ranges` is set. Returns the URL and the Range headers seen.
    fn flaky_server(body: Vec<u8>, cut: usize, ranges: bool) -> (String, Arc<Mutex<Vec<String>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/part.whl", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for (i, conn) in listener.incoming().take(3).enumerate() {
                let mut conn = conn.unwrap();
                let mut range = None;
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if line.trim().is_empty() {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("range: bytes=") {
                        range = v.trim().trim_end_matches('-').parse::<usize>().ok();
                    }
                }
                log.lock().unwrap().push(format!("{range:?}"));
                let from = if ranges { range.unwrap_or(0) } else { 0 };
                let status = if from > 0 {
                    "206 Partial Content"
                } else {
                    "200 OK"
                };
                let rest = &body[from..];
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    rest.len()
                );
                conn.write_all(head.as_bytes()).unwrap();
                let n = if i == 0 { cut } else { rest.len() };
                let _ = conn.write_all(&rest[..n]);
            }
        });
        (url, seen)
    }

    fn body() -> Vec<u8> {
        (0..200_000u32).map(|i| (i % 251) as u8).collect()
    }

    #[test]
    fn a_dropped_connection_resumes_with_a_range_request() {
        let (url, seen) = flaky_server(body(), 70_000, true);
        let d = tempfile::tempdir().unwrap();
        let dest = d.path().join("part");
        let n = download_to(&agent(), &url, &dest, "test").unwrap();
        assert_eq!(n, 200_000);
        assert_eq!(std::fs::read(&dest).unwrap(), body());
        assert_eq!(*seen.lock().unwrap(), ["None", "Some(70000)"]);
    }

    #[test]
    fn a_server_without_ranges_is_downloaded_again_whole() {
        let (url, seen) = flaky_server(body(), 70_000, false);
        let d = tempfile::tempdir().unwrap();
        let dest = d.path().join("part");
        download_to(&agent(), &url, &dest, "test").unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), body());
        assert_eq!(seen.lock().unwrap().len(), 2);
    }
}

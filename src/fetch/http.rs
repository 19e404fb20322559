//! Plain HTTPS downloads for the package-registry mirror: the platform's certificate store
//! (so corporate proxies work), progress bars on stderr, and errors that say what broke.

use crate::error::{BriefError, Result};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{Read, Write};
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

/// Streams `url` into `dest` with a progress bar labelled `label`. A body that ends early is
/// an error ("interrupted"); `dest` is then left for the caller to delete.
pub fn download_to(agent: &ureq::Agent, url: &str, dest: &Path, label: &str) -> Result<u64> {
    let fail = |m: String| BriefError::FetchFailed {
        model: label.to_string(),
        attempts: m,
    };
    let mut resp = agent.get(url).call().map_err(|e| fail(describe(url, &e)))?;
    let total = resp
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let bar = ProgressBar::with_draw_target(total, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} {bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(label.to_string());
    let mut reader = resp.body_mut().with_config().limit(u64::MAX).reader();
    let mut out = std::fs::File::create(dest).map_err(|e| BriefError::io(dest, e))?;
    let mut buf = vec![0u8; 1 << 16];
    let mut done = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(n) => n,
            Err(e) => {
                bar.abandon();
                let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
                return Err(fail(format!(
                    "download of {url} interrupted after {done}{of} bytes ({e}); nothing was kept, pull again"
                )));
            }
        };
        if n == 0 {
            break;
        }
        out.write_all(&buf[..n])
            .map_err(|e| BriefError::io(dest, e))?;
        done += n as u64;
        bar.set_position(done);
    }
    out.flush().map_err(|e| BriefError::io(dest, e))?;
    bar.finish_and_clear();
    if let Some(t) = total {
        if done != t {
            return Err(fail(format!(
                "download of {url} interrupted after {done} of {t} bytes; nothing was kept, pull again"
            )));
        }
    }
    Ok(done)
}

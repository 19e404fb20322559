//! HTML views of brief's results: one self-contained file (inline CSS and JS, no network) per
//! report or eval run, and the page `brief serve` shows. The Report stays the single source of
//! truth; this module only turns it (plus the article text its offsets point into) into HTML.
//! Templates are minijinja files embedded in the binary, auto-escaped, so article text can
//! never become markup.

mod eval_html;
mod report_html;

pub use eval_html::eval_html;
pub use report_html::{report_fragment, report_html, ReportView};

use crate::error::{BriefError, Result};
use minijinja::Environment;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// The embedded templates, by name. Names ending in `.html` are HTML-escaped.
const TEMPLATES: &[(&str, &str)] = &[
    ("head.html", include_str!("templates/head.html")),
    ("style.css", include_str!("templates/style.css")),
    ("report.js", include_str!("templates/report.js")),
    (
        "report_body.html",
        include_str!("templates/report_body.html"),
    ),
    ("report.html", include_str!("templates/report.html")),
    ("eval.html", include_str!("templates/eval.html")),
    ("page.js", include_str!("templates/page.js")),
    ("page.html", include_str!("templates/page.html")),
];

/// One environment for the whole process: templates are parsed once.
fn env() -> Result<&'static Environment<'static>> {
    static ENV: OnceLock<std::result::Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, src) in TEMPLATES {
            env.add_template(name, src).map_err(|e| e.to_string())?;
        }
        Ok(env)
    })
    .as_ref()
    .map_err(|e| BriefError::Template(format!("embedded HTML templates: {e}")))
}

/// Renders an embedded template with `ctx`.
pub(crate) fn render(name: &str, ctx: minijinja::Value) -> Result<String> {
    env()?
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| BriefError::Template(format!("{name}: {e:#}")))
}

/// A fresh nonce for the page's Content-Security-Policy: only scripts carrying it run, so even
/// a markup bug could not run a script smuggled in with an article.
pub fn nonce() -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let digest = Sha256::digest(format!("{t}:{n}:{}", std::process::id()));
    hex::encode(&digest[..16])
}

/// The Content-Security-Policy of a standalone file: nothing may load from anywhere, only the
/// file's own script (by nonce) runs, inline styles are allowed.
pub fn offline_csp(nonce: &str) -> String {
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; \
         img-src data:; base-uri 'none'; form-action 'none'"
    )
}

/// The page of `brief serve`: the form, and an empty place where reports appear.
/// `auth` shows the API-key field.
pub fn serve_page(nonce: &str, auth: bool, models: &str) -> Result<String> {
    render(
        "page.html",
        minijinja::context! { nonce, auth, models, csp => serve_csp(nonce) },
    )
}

/// The served page may also talk to its own server.
pub fn serve_csp(nonce: &str) -> String {
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; \
         connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'"
    )
}

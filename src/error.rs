//! The library's error type: one variant per thing a user can get wrong or meet,
//! each rendering as one line that says what happened and what to do.

use std::path::PathBuf;

/// Everything brief's library can fail with. The CLI prints `Display` as one line.
#[derive(Debug, thiserror::Error)]
pub enum BriefError {
    #[error("article {source_name}: {reason}")]
    BadArticle { source_name: String, reason: String },

    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("bad config {origin}: {message}")]
    BadConfig { origin: String, message: String },

    #[error("unknown model '{name}'; known models: {known} (or pass a path to a .toml config)")]
    UnknownModel { name: String, known: String },

    #[error("model '{model}' is not cached and brief is offline (--offline or HF_HUB_OFFLINE=1); run `brief models pull {model}` with network access first")]
    OfflineNotCached { model: String },

    #[error("could not fetch model '{model}' from any source: {attempts}")]
    FetchFailed { model: String, attempts: String },

    #[error("checksum mismatch for {file}: expected sha256 {expected}, got {actual}; the file was removed, run the pull again")]
    ChecksumMismatch {
        file: String,
        expected: String,
        actual: String,
    },

    #[error("disk full while writing {}; free some space (or point HF_HOME elsewhere) and pull again", path.display())]
    DiskFull { path: PathBuf },

    #[error("model file {} is not a usable GGUF ({reason}); remove it and run `brief models pull` again", path.display())]
    CorruptModel { path: PathBuf, reason: String },

    #[error("model file {} is not usable ({reason}); remove it and run `brief models pull` again", path.display())]
    BadModelFile { path: PathBuf, reason: String },

    #[error("tokenizer: {0}")]
    Tokenizer(String),

    #[error("chat template: {0}")]
    Template(String),

    #[error("device: {0}")]
    Device(String),

    #[error("model run failed: {0}")]
    Model(#[from] candle_core::Error),

    #[error("{0}")]
    Usage(String),

    /// `brief serve` could not start or keep running (address in use, runtime, worker).
    #[error("serve: {0}")]
    Server(String),
}

/// Short alias used across the library.
pub type Result<T> = std::result::Result<T, BriefError>;

impl BriefError {
    /// Wraps an I/O error with the path it concerns, turning "no space left" into `DiskFull`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if source.kind() == std::io::ErrorKind::StorageFull {
            BriefError::DiskFull { path }
        } else {
            BriefError::Io { path, source }
        }
    }
}

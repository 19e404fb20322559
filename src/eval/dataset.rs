//! Labelled examples: `evals/*.jsonl`, one JSON object a line (format in `evals/README.md`).
//! A malformed line is reported with its file and line number and counted; it never stops the
//! rest of the file.

use crate::error::{BriefError, Result};
use crate::tasks::actors::ActorKind;
use crate::tasks::stance::Stance;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A gold actor: its name, other names, and stance toward the example's target.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GoldActor {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// What sort of actor it is, when labelled: scored as kind accuracy.
    #[serde(default)]
    pub kind: Option<ActorKind>,
    pub stance: Stance,
}

/// One labelled example.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    pub text: String,
    #[serde(default)]
    pub reference_summary: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    /// The gold central issue. Unlike `target` it is not given to brief: brief derives its own
    /// target and is scored on how well it agrees with this one.
    #[serde(default)]
    pub issue: Option<String>,
    #[serde(default)]
    pub actors: Option<Vec<GoldActor>>,
    /// A summary to check against `text` (a checker-only example): only the faithfulness
    /// checker runs, and its verdict is scored against `consistent`.
    #[serde(default)]
    pub check_summary: Option<String>,
    /// Whether `check_summary` is fully consistent with the article (human judgement).
    #[serde(default)]
    pub consistent: Option<bool>,
    pub source: String,
    pub license: String,
}

impl Example {
    /// One actor with an explicit target over a one-sentence text: scored by the classifier
    /// alone (no summary, no actor extraction).
    pub fn is_classifier_only(&self) -> bool {
        let one_actor = self.actors.as_ref().is_some_and(|a| a.len() == 1);
        let sentences = crate::article::split_sentences(self.text.trim()).len();
        one_actor && self.target.is_some() && self.title.is_none() && sentences <= 1
    }

    /// A summary with a human consistency verdict: scored by the checker alone.
    pub fn is_checker_only(&self) -> bool {
        self.check_summary.is_some() && self.consistent.is_some()
    }

    /// The article text as brief reads it (title line, blank line, body).
    pub fn article_text(&self) -> String {
        match &self.title {
            Some(t) => format!("{t}\n\n{}", self.text),
            None => self.text.clone(),
        }
    }
}

/// A line that could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct BadLine {
    pub file: String,
    pub line: usize,
    pub error: String,
}

/// The given files, with each folder replaced by its `*.jsonl` files (sorted): how eval and
/// `brief batch merge` take "files or folders of them".
pub fn jsonl_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| BriefError::input(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "jsonl"))
                .collect();
            v.sort();
            files.extend(v);
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

/// Reads every example of the given files or folders (folders: their `*.jsonl`, sorted).
pub fn load(paths: &[PathBuf]) -> Result<(Vec<Example>, Vec<BadLine>)> {
    let files = jsonl_files(paths)?;
    if files.is_empty() {
        return Err(BriefError::Usage("no .jsonl files to evaluate".into()));
    }
    let (mut examples, mut bad) = (Vec::new(), Vec::new());
    for f in files {
        let (e, b) = load_file(&f)?;
        examples.extend(e);
        bad.extend(b);
    }
    Ok((examples, bad))
}

/// Reads one JSONL file line by line as bytes: a line that is not UTF-8, not JSON, not an
/// example, or repeats an id seen before is reported with its line number and skipped.
fn load_file(path: &Path) -> Result<(Vec<Example>, Vec<BadLine>)> {
    let bytes = std::fs::read(path).map_err(|e| BriefError::input(path, e))?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let (mut examples, mut bad) = (Vec::new(), Vec::new());
    let mut seen = std::collections::HashSet::new();
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let err = |error: String| BadLine {
            file: path.display().to_string(),
            line: i + 1,
            error,
        };
        let Ok(line) = std::str::from_utf8(raw) else {
            bad.push(err("not valid UTF-8".into()));
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Example>(line) {
            Ok(e) if e.text.chars().all(crate::article::is_blank) => {
                bad.push(err("empty text".into()))
            }
            Ok(e) if !seen.insert(e.id.clone()) => bad.push(err(format!(
                "duplicate id '{}' (the first one is kept)",
                e.id
            ))),
            Ok(e) => examples.push(e),
            Err(e) => bad.push(err(e.to_string())),
        }
    }
    Ok((examples, bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_counted_not_fatal() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.jsonl");
        std::fs::write(
            &p,
            concat!(
                r#"{"id": "a", "text": "France condemned the coup.", "target": "the coup", "actors": [{"name": "France", "stance": "against"}], "source": "s", "license": "l"}"#,
                "\n{not json\n\n",
                r#"{"id": "b", "text": "x", "source": "s"}"#,
                "\n",
                r#"{"id": "c", "title": "T", "text": "One. Two.", "reference_summary": "One.", "source": "s", "license": "l"}"#,
                "\n"
            ),
        )
        .unwrap();
        let (ex, bad) = load(&[d.path().to_path_buf()]).unwrap();
        assert_eq!(ex.len(), 2);
        assert_eq!(bad.len(), 2);
        assert_eq!((bad[0].line, bad[1].line), (2, 4));
        assert!(bad[1].error.contains("license"), "{}", bad[1].error);
        assert!(ex[0].is_classifier_only());
        assert!(!ex[1].is_classifier_only());
    }

    #[test]
    fn bom_bad_bytes_and_duplicate_ids_are_per_line() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.jsonl");
        let good = |id: &str| {
            format!(
                r#"{{"id": "{id}", "title": "T", "text": "One. Two.", "reference_summary": "One.", "source": "s", "license": "l"}}"#
            )
        };
        let mut bytes = b"\xef\xbb\xbf".to_vec();
        bytes.extend(good("a").as_bytes());
        bytes.extend(b"\n{\"id\": \"b\xff\"}\n");
        bytes.extend(good("c").as_bytes());
        bytes.extend(b"\n");
        bytes.extend(good("a").as_bytes());
        std::fs::write(&p, bytes).unwrap();
        let (ex, bad) = load(&[p]).unwrap();
        let ids: Vec<&str> = ex.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!((bad[0].line, bad[0].error.as_str()), (2, "not valid UTF-8"));
        assert_eq!(bad[1].line, 4);
        assert!(
            bad[1].error.contains("duplicate id 'a'"),
            "{}",
            bad[1].error
        );
    }
}

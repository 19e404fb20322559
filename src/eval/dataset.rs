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

/// Reads every example of the given files or folders (folders: their `*.jsonl`, sorted).
pub fn load(paths: &[PathBuf]) -> Result<(Vec<Example>, Vec<BadLine>)> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| BriefError::io(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "jsonl"))
                .collect();
            v.sort();
            files.extend(v);
        } else {
            files.push(p.clone());
        }
    }
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

fn load_file(path: &Path) -> Result<(Vec<Example>, Vec<BadLine>)> {
    let text = std::fs::read_to_string(path).map_err(|e| BriefError::io(path, e))?;
    let (mut examples, mut bad) = (Vec::new(), Vec::new());
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |error: String| BadLine {
            file: path.display().to_string(),
            line: i + 1,
            error,
        };
        match serde_json::from_str::<Example>(line) {
            Ok(e) if e.text.trim().is_empty() => bad.push(err("empty text".into())),
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
}

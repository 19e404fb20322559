//! `brief batch merge`: joins the outputs of shards into one file and checks the whole — every
//! input id exactly once, none missing, failures listed — so a job spread over machines can be
//! trusted (or rerun for what is missing) before anyone reads the results.

use super::input::{read_inputs, Record};
use crate::error::{BriefError, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What a merge found.
#[derive(Debug, Default)]
pub struct MergeReport {
    pub written: usize,
    /// Ids in the inputs with no line in any shard output.
    pub missing: Vec<String>,
    /// Ids whose line is an error (or has task errors).
    pub failed: Vec<String>,
    /// Ids with more than one line across the outputs (the first is kept).
    pub duplicated: Vec<String>,
}

impl MergeReport {
    /// Whether every input id is present once and succeeded.
    pub fn complete(&self) -> bool {
        self.missing.is_empty() && self.failed.is_empty() && self.duplicated.is_empty()
    }
}

/// Merges `outputs` (files, or folders of `*.jsonl`) into `dest`. With `inputs`, lines are
/// written in input order and missing ids are listed; without, in the order read.
pub fn merge(outputs: &[PathBuf], inputs: &[String], dest: &Path) -> Result<MergeReport> {
    let mut rep = MergeReport::default();
    let mut lines: Vec<(String, serde_json::Value)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for file in crate::eval::dataset::jsonl_files(outputs)? {
        let text = std::fs::read_to_string(&file).map_err(|e| BriefError::input(&file, e))?;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(line).map_err(|e| {
                BriefError::Usage(format!(
                    "{}:{}: not a brief batch line ({e}); was the shard still running?",
                    file.display(),
                    i + 1
                ))
            })?;
            let Some(id) = v.get("id").and_then(|x| x.as_str()).map(String::from) else {
                return Err(BriefError::Usage(format!(
                    "{}:{}: a line without an id",
                    file.display(),
                    i + 1
                )));
            };
            if index.contains_key(&id) {
                rep.duplicated.push(id);
                continue;
            }
            index.insert(id.clone(), lines.len());
            lines.push((id, v));
        }
    }
    let order: Vec<usize> = if inputs.is_empty() {
        (0..lines.len()).collect()
    } else {
        let records: Vec<Record> = read_inputs(inputs)?;
        let mut order = Vec::new();
        for r in records {
            match index.get(&r.id) {
                Some(&k) => order.push(k),
                None => rep.missing.push(r.id),
            }
        }
        order
    };
    let mut text = String::new();
    for k in order {
        let (id, v) = &lines[k];
        if v.get("error").is_some() || v.get("errors").is_some() {
            rep.failed.push(id.clone());
        }
        text.push_str(&v.to_string());
        text.push('\n');
        rep.written += 1;
    }
    std::fs::write(dest, text).map_err(|e| BriefError::io_write(dest, e))?;
    Ok(rep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_orders_by_input_and_lists_what_is_wrong() {
        let d = tempfile::tempdir().unwrap();
        let input = d.path().join("in.jsonl");
        let ids = ["a", "b", "c", "d"];
        let lines: Vec<String> = ids
            .iter()
            .map(|i| format!("{{\"id\": \"{i}\", \"text\": \"x\"}}"))
            .collect();
        std::fs::write(&input, lines.join("\n")).unwrap();
        let shards = d.path().join("shards");
        std::fs::create_dir(&shards).unwrap();
        std::fs::write(shards.join("0.jsonl"), "{\"id\":\"c\",\"summary\":\"s\"}\n{\"id\":\"a\",\"error\":{\"kind\":\"bad_input\",\"message\":\"m\"}}\n").unwrap();
        std::fs::write(
            shards.join("1.jsonl"),
            "{\"id\":\"b\",\"summary\":\"s\"}\n{\"id\":\"c\",\"summary\":\"again\"}\n",
        )
        .unwrap();
        let dest = d.path().join("all.jsonl");
        let rep = merge(&[shards], &[input.display().to_string()], &dest).unwrap();
        assert_eq!(rep.missing, ["d"]);
        assert_eq!(rep.failed, ["a"]);
        assert_eq!(rep.duplicated, ["c"]);
        assert!(!rep.complete());
        let out = std::fs::read_to_string(&dest).unwrap();
        let got: Vec<String> = out
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(got, ["a", "b", "c"]);
    }
}

//! Lists the deterministic actor finder's candidates for every article of a JSONL file (one
//! JSON object per line with `id` and `text`, e.g. ../shared/evaldata/frank/articles-validation.jsonl),
//! one line of JSON per article. Run it before and after a change to the finder and diff the
//! two outputs: that shows every article a rule touches, labelled or not.
//!
//! `cargo run --release --example list_candidates -- FILE.jsonl > before.jsonl`

use anyhow::{Context, Result};
use brief::article::Article;
use brief::tasks::actors::find_candidates;
use std::io::BufRead;

fn main() -> Result<()> {
    let path = std::env::args()
        .nth(1)
        .context("usage: list_candidates FILE.jsonl (objects with id and text)")?;
    let file = std::fs::File::open(&path).with_context(|| format!("cannot open {path}"))?;
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{path}: cannot read line {}", n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(&line).with_context(|| format!("{path}:{}: not JSON", n + 1))?;
        let (Some(id), Some(text)) = (v["id"].as_str(), v["text"].as_str()) else {
            eprintln!("{path}:{}: no id or text, skipped", n + 1);
            continue;
        };
        let article = Article::from_text(id, text);
        let found: Vec<serde_json::Value> = find_candidates(&article)
            .iter()
            .map(|a| serde_json::json!({ "name": a.name, "kind": a.kind, "aliases": a.aliases }))
            .collect();
        println!("{}", serde_json::json!({ "id": id, "found": found }));
    }
    Ok(())
}

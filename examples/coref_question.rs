//! Measures whether the chat model can tell that two of the finder's candidates are one actor
//! ("the Bulls" = Hereford United): for every one-word non-person candidate A and every other
//! non-person candidate B of each article, it scores "In this article, does "A" refer to B?"
//! (and a "another name for B" wording) as yes / no after the article, and prints one JSON line
//! per pair, with `same` (both match one gold actor) when the file has gold actors, to see
//! whether the answers separate (README, "Duplicates: a model-scored coreference question").
//! Needs the model in the cache (`brief models pull qwen2.5-coder-1.5b-instruct`).
//!
//! `cargo run --release --example coref_question -- evals/frank-actors/tune3.jsonl > pairs.jsonl`

use anyhow::{Context, Result};
use brief::article::Article;
use brief::eval::actors::same_actor;
use brief::eval::dataset::GoldActor;
use brief::runtime::chat::ChatMessage;
use brief::tasks::actors::{find_candidates, Actor, ActorKind};
use brief::tasks::score::yes_probability;
use std::io::BufRead;

/// Characters of the article shown (the pipeline's view of a long article is its opening too).
const VIEW_CHARS: usize = 9000;

fn main() -> Result<()> {
    let path = std::env::args()
        .nth(1)
        .context("usage: coref_question FILE.jsonl (objects with id and text)")?;
    let cfg = brief::config::resolve_model("qwen2.5-coder-1.5b-instruct")?;
    let local =
        brief::fetch::ensure_model(&cfg, &brief::fetch::FetchOptions::new(true), &mut |s| {
            eprintln!("{s}")
        })?;
    let mut model = brief::backends::load_generator(&cfg, &local, &candle_core::Device::Cpu)?;
    let file = std::fs::File::open(&path).with_context(|| format!("cannot open {path}"))?;
    for line in std::io::BufReader::new(file).lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let (Some(id), Some(text)) = (v["id"].as_str(), v["text"].as_str()) else {
            continue;
        };
        let article = Article::from_text(id, text);
        let view: String = article.body.chars().take(VIEW_CHARS).collect();
        let head = format!(
            "Article:\n{}\n\n{view}\n\n",
            article.title.clone().unwrap_or_default()
        );
        let gold: Vec<GoldActor> = serde_json::from_value(v["actors"].clone()).unwrap_or_default();
        let found = find_candidates(&article);
        let bodies: Vec<&Actor> = found
            .iter()
            .filter(|a| a.kind != ActorKind::Person)
            .collect();
        for a in bodies.iter().filter(|a| !a.name.contains(' ')) {
            for b in bodies.iter().filter(|b| b.name != a.name) {
                let mut row = serde_json::json!({
                    "id": id, "a": a.name, "b": b.name, "same": one_gold_actor(&gold, a, b),
                });
                for (key, question) in questions(&a.name, &b.name) {
                    let messages = [ChatMessage::user(format!("{head}{question}"))];
                    let p = yes_probability(
                        model.as_mut(),
                        &messages,
                        &["yes".into(), "Yes".into()],
                        &["no".into(), "No".into()],
                    )?;
                    row[key] = serde_json::json!(p);
                }
                println!("{row}");
            }
        }
        eprintln!("{id} done");
    }
    Ok(())
}

/// Whether both candidates match the same gold actor (None without gold actors).
fn one_gold_actor(gold: &[GoldActor], a: &Actor, b: &Actor) -> Option<bool> {
    let home = |x: &Actor| gold.iter().position(|g| same_actor(g, &x.name, &x.aliases));
    (!gold.is_empty()).then(|| home(a).is_some() && home(a) == home(b))
}

/// The two wordings measured.
fn questions(a: &str, b: &str) -> [(&'static str, String); 2] {
    [
        (
            "refer",
            format!("In this article, does \"{a}\" refer to {b}? Answer yes or no."),
        ),
        (
            "other",
            format!(
                "In this article, is \"{a}\" another name (a short name, nickname or \
                 abbreviation) for {b}? Answer yes or no."
            ),
        ),
    ]
}

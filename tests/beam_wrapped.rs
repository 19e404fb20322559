//! Beam search on a family that runs on candle-transformers' own model (gemma3 here): each
//! beam is a clone of the model with its own cache. If a beam ever continued the wrong cache,
//! its score would differ from a fresh pass over its tokens. Token level only: brief cannot
//! build Gemma's tokenizer from GGUF metadata.

mod common;
use brief::backends::gguf_llm::{open_gguf, wrapped::Wrapped};
use brief::config::GenerationConfig;
use brief::runtime::beam::beam_search;
use brief::runtime::generate::{CausalLm, Session};
use common::*;

#[test]
fn gemma3_beam_scores_equal_a_fresh_rescoring() {
    let cfg = root().join("tests/fixtures/gemma-3-270m.toml");
    let out = run(brief().args(["models", "pull", cfg.to_str().unwrap(), "--quiet"]));
    assert_eq!(out.0, 0, "pull failed: {}", out.2);
    let path = out
        .1
        .lines()
        .next()
        .and_then(|l| l.split('\t').nth(1))
        .unwrap();
    let (ct, mut file) = open_gguf(std::path::Path::new(path)).unwrap();
    let model = Wrapped::load("gemma3", ct, &mut file, &candle_core::Device::Cpu).unwrap();
    let mut session = Session::new(model);

    // <bos> and a few ordinary vocabulary ids: any prompt will do for a consistency check.
    let prompt: Vec<u32> = vec![2, 818, 5279, 529, 7001, 563, 496];
    let settings = GenerationConfig {
        num_beams: 3,
        max_new_tokens: 12,
        ..Default::default()
    };
    let (first, _) = session.prefill(&prompt).unwrap();
    let first: Vec<f32> = first.to_vec1().unwrap();
    let mut pos = prompt.len();
    let model = &mut session.model;
    let mut step = |parents: &[usize], tokens: &[u32]| {
        let l = model
            .beam_step(parents, tokens, pos)?
            .expect("gemma3 supports beams");
        pos += 1;
        Ok(l.to_vec2()?)
    };
    let best = beam_search(first, &prompt, &[1], &settings, &mut step).unwrap();
    assert!(session.model.end_beams());
    assert!(!best.tokens.is_empty());

    let rescored = session
        .score(&prompt, std::slice::from_ref(&best.tokens))
        .unwrap()
        .0[0];
    let expect = rescored / best.tokens.len() as f32;
    assert!(
        (best.score - expect).abs() < 2e-3,
        "beam score {} vs rescored {expect}",
        best.score
    );
}

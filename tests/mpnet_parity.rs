//! brief's MPNet (its BERT encoder with MPNet's weight names, positions from 2 and relative
//! position bias) against transformers' `MPNetModel` on the tiny random fixture, loaded
//! through a model config exactly as `brief train stance --backbone all-mpnet-base-v2` loads
//! the real one (config.json without `type_vocab_size`, tokenizer.json with `<s>`/`</s>`).

mod common;
use common::*;

use brief::backends::encoder::{load_backbone, Batch};
use brief::config::resolve_model;
use brief::fetch::{ensure_model, FetchOptions};
use candle_core::{DType, Device, IndexOp, Tensor};

#[test]
fn mpnet_forward_matches_transformers() {
    let home = tempfile::tempdir().expect("temp dir");
    std::env::set_var("HF_HOME", home.path());
    std::env::remove_var("HF_HUB_CACHE");
    let dir = root().join("tests/fixtures/tiny/mpnet");
    let cfg = resolve_model(dir.join("brief.toml").to_str().unwrap()).expect("config");
    let files = ensure_model(&cfg, &FetchOptions::default(), &mut |_| {}).expect("local files");
    let backbone = load_backbone(&cfg, &files, &Device::Cpu).expect("loads as a backbone");
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("reference.json")).unwrap())
            .unwrap();
    let cases = r["cases"].as_array().unwrap();
    let encoded: Vec<_> = cases
        .iter()
        .map(|c| {
            let e = backbone
                .encoder
                .encode(c["text"].as_str().unwrap(), &[], "")
                .unwrap();
            assert_eq!(
                e.ids,
                json_u32s(&c["input_ids"]),
                "token ids of {}",
                c["text"]
            );
            e
        })
        .collect();
    let refs: Vec<_> = encoded.iter().collect();
    let zeros = Tensor::zeros((refs.len(), 32), DType::F32, &Device::Cpu).unwrap();
    let batch = Batch::new(&refs, zeros, &Device::Cpu).unwrap();
    assert!(
        batch
            .mask
            .to_vec2::<u32>()
            .unwrap()
            .iter()
            .flatten()
            .any(|m| *m == 0),
        "the batch must exercise padding"
    );
    let hidden = backbone
        .bert
        .forward(&batch.ids, &batch.types, &batch.mask)
        .unwrap();
    let mut worst = 0f32;
    for (i, c) in cases.iter().enumerate() {
        let want = c["hidden"].as_array().unwrap();
        let got: Vec<Vec<f32>> = hidden.i((i, ..want.len())).unwrap().to_vec2().unwrap();
        for (g, w) in got.iter().zip(want) {
            for (a, b) in g.iter().zip(json_f32s(w)) {
                worst = worst.max((a - b).abs());
            }
        }
    }
    assert!(
        worst <= 1e-4,
        "brief's MPNet differs from transformers by {worst:e}"
    );
}

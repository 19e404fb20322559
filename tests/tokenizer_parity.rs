//! Token ids of the tokenizer brief builds from GGUF metadata equal the reference
//! (transformers' GGUF conversion; see scripts/gen_tokenizer_fixtures.py) on real models:
//! plain English, the sample article, digits, whitespace runs, accents, non-Latin text,
//! emoji and chat special tokens.

mod common;
use brief::backends::gguf_llm::open_gguf;
use brief::runtime::tokenizer::tokenizer_from_gguf;
use common::*;

#[test]
fn gguf_tokenizers_match_reference_ids() {
    ensure_test_models();
    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/tokenizer_parity.json")).unwrap(),
    )
    .unwrap();
    let models = fixture.as_object().unwrap();
    assert!(models.len() >= 2, "fixture covers the test models");
    for (name, entry) in models {
        let path = model_path(name);
        assert_eq!(
            brief::fetch::sha256_file(&path).unwrap(),
            entry["gguf_sha256"].as_str().unwrap(),
            "{name}: fixture was made from another file"
        );
        let (ct, _) = open_gguf(&path).unwrap();
        let tok = tokenizer_from_gguf(&ct.metadata).unwrap();
        let cases = entry["cases"].as_array().unwrap();
        assert!(cases.len() >= 10);
        for case in cases {
            let text = case["text"].as_str().unwrap();
            let want: Vec<u32> = case["ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as u32)
                .collect();
            let got = tok.encode(text, false).unwrap().get_ids().to_vec();
            assert_eq!(got, want, "{name}: ids differ for {text:?}");
            // And decoding gives the text back.
            assert_eq!(
                tok.decode(&got, false).unwrap(),
                text,
                "{name}: round trip of {text:?}"
            );
        }
    }
}

//! Tokenizers: a `tokenizer.json` when a config names one, otherwise one built from the GGUF
//! metadata (vocabulary, merges, token types, and the pre-tokenizer `tokenizer.ggml.pre` names),
//! expressed as a `tokenizer.json` document so the `tokenizers` crate does the work.

use crate::error::{BriefError, Result};
use candle_core::quantized::gguf_file::Value;
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use tokenizers::Tokenizer;

/// The split regex of Qwen2 (and of llama-bpe, which groups digits by up to three).
const QWEN2_SPLIT: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
const LLAMA3_SPLIT: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

/// The pre-tokenizer names (`tokenizer.ggml.pre`) this builder knows.
pub const SUPPORTED_PRE: &[&str] = &[
    "qwen2",
    "deepseek-r1-qwen",
    "llama-bpe",
    "llama3",
    "smollm",
    "gpt2",
    "default",
];

/// Special token ids the runtime needs.
#[derive(Debug, Clone, Default)]
pub struct SpecialTokens {
    pub bos: Option<u32>,
    pub eos: Option<u32>,
    pub add_bos: bool,
}

fn md_str<'a>(md: &'a HashMap<String, Value>, key: &str) -> Option<&'a str> {
    md.get(key)
        .and_then(|v| v.to_string().ok())
        .map(String::as_str)
}

fn md_u32(md: &HashMap<String, Value>, key: &str) -> Option<u32> {
    md.get(key).and_then(|v| {
        v.to_u32()
            .ok()
            .or_else(|| v.to_i32().ok().map(|x| x as u32))
    })
}

/// BOS/EOS ids and whether BOS is prepended, from the GGUF metadata.
pub fn special_tokens(md: &HashMap<String, Value>) -> SpecialTokens {
    SpecialTokens {
        bos: md_u32(md, "tokenizer.ggml.bos_token_id"),
        eos: md_u32(md, "tokenizer.ggml.eos_token_id"),
        add_bos: md
            .get("tokenizer.ggml.add_bos_token")
            .and_then(|v| v.to_bool().ok())
            .unwrap_or(false),
    }
}

/// Builds the tokenizer a GGUF file describes.
pub fn tokenizer_from_gguf(md: &HashMap<String, Value>) -> Result<Tokenizer> {
    let doc = tokenizer_json_from_gguf(md)?;
    let text = serde_json::to_string(&doc).map_err(|e| BriefError::Tokenizer(e.to_string()))?;
    text.parse::<Tokenizer>()
        .map_err(|e| BriefError::Tokenizer(format!("building from GGUF metadata: {e}")))
}

fn string_array(md: &HashMap<String, Value>, key: &str) -> Result<Vec<String>> {
    let v = md.get(key).ok_or_else(|| {
        BriefError::Tokenizer(format!(
            "GGUF has no {key}; name a tokenizer.json in the config"
        ))
    })?;
    let arr = v
        .to_vec()
        .map_err(|e| BriefError::Tokenizer(format!("{key}: {e}")))?;
    arr.iter()
        .map(|x| {
            x.to_string()
                .cloned()
                .map_err(|e| BriefError::Tokenizer(format!("{key}: {e}")))
        })
        .collect()
}

/// The `tokenizer.json` document equivalent to the GGUF's tokenizer.
pub fn tokenizer_json_from_gguf(md: &HashMap<String, Value>) -> Result<Json> {
    let model = md_str(md, "tokenizer.ggml.model").unwrap_or("");
    if model != "gpt2" {
        return Err(BriefError::Tokenizer(format!(
            "GGUF tokenizer model '{model}' cannot be built from metadata yet (only byte-level BPE, 'gpt2'); name a tokenizer.json under [tokenizer] in the config"
        )));
    }
    let pre = md_str(md, "tokenizer.ggml.pre").unwrap_or("default");
    let tokens = string_array(md, "tokenizer.ggml.tokens")?;
    let merges = string_array(md, "tokenizer.ggml.merges")?;
    let types: Vec<i32> = match md
        .get("tokenizer.ggml.token_type")
        .and_then(|v| v.to_vec().ok())
    {
        Some(a) => a.iter().map(|x| x.to_i32().unwrap_or(1)).collect(),
        None => vec![1; tokens.len()],
    };

    let split = |re: &str| json!({"type": "Split", "pattern": {"Regex": re}, "behavior": "Isolated", "invert": false});
    let byte_level = |use_regex: bool| json!({"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": use_regex});
    let (normalizer, pre_tokenizer, ignore_merges) = match pre {
        "qwen2" | "deepseek-r1-qwen" => (
            json!({"type": "NFC"}),
            json!({"type": "Sequence", "pretokenizers": [split(QWEN2_SPLIT), byte_level(false)]}),
            false,
        ),
        "llama-bpe" | "llama3" => (
            Json::Null,
            json!({"type": "Sequence", "pretokenizers": [split(LLAMA3_SPLIT), byte_level(false)]}),
            true,
        ),
        "smollm" => (
            Json::Null,
            json!({"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": true}, byte_level(true)]}),
            false,
        ),
        "gpt2" | "default" => (Json::Null, byte_level(true), false),
        other => {
            return Err(BriefError::Tokenizer(format!(
                "unknown GGUF pre-tokenizer '{other}'; supported: {}; or name a tokenizer.json in the config",
                SUPPORTED_PRE.join(", ")
            )))
        }
    };

    let mut vocab = serde_json::Map::with_capacity(tokens.len());
    let mut added = Vec::new();
    for (id, tok) in tokens.iter().enumerate() {
        vocab.insert(tok.clone(), json!(id));
        // 3 = control, 4 = user-defined: matched whole, before pre-tokenization.
        let ty = types.get(id).copied().unwrap_or(1);
        if ty == 3 || ty == 4 {
            added.push(json!({
                "id": id, "content": tok, "single_word": false, "lstrip": false,
                "rstrip": false, "normalized": false, "special": ty == 3
            }));
        }
    }
    Ok(json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added,
        "normalizer": normalizer,
        "pre_tokenizer": pre_tokenizer,
        "post_processor": null,
        "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
        "model": {
            "type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
            "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false,
            "ignore_merges": ignore_merges, "vocab": vocab, "merges": merges
        }
    }))
}

/// Tokens `text` takes without special tokens.
pub fn count_plain(tokenizer: &Tokenizer, text: &str) -> Result<usize> {
    Ok(tokenizer
        .encode(text, false)
        .map_err(|e| BriefError::Tokenizer(e.to_string()))?
        .len())
}

/// Token ids of each text, without special tokens (candidate continuations to score).
pub fn encode_plain_all(tokenizer: &Tokenizer, texts: &[String]) -> Result<Vec<Vec<u32>>> {
    texts
        .iter()
        .map(|t| {
            tokenizer
                .encode(t.as_str(), false)
                .map(|e| e.get_ids().to_vec())
                .map_err(|e| BriefError::Tokenizer(e.to_string()))
        })
        .collect()
}

/// GGUF tokenizer metadata for tests: a byte-level BPE vocabulary of `tokens` (those written
/// `<|…|>` are special) with `merges`, pre-tokenized as `pre`.
#[cfg(test)]
pub(crate) fn test_metadata(tokens: &[&str], merges: &[&str], pre: &str) -> HashMap<String, Value> {
    let strings =
        |v: &[&str]| Value::Array(v.iter().map(|t| Value::String(t.to_string())).collect());
    let mut md = HashMap::new();
    md.insert("tokenizer.ggml.model".into(), Value::String("gpt2".into()));
    md.insert("tokenizer.ggml.pre".into(), Value::String(pre.into()));
    md.insert("tokenizer.ggml.tokens".into(), strings(tokens));
    md.insert(
        "tokenizer.ggml.token_type".into(),
        Value::Array(
            tokens
                .iter()
                .map(|t| Value::I32(if t.starts_with("<|") { 3 } else { 1 }))
                .collect(),
        ),
    );
    md.insert("tokenizer.ggml.merges".into(), strings(merges));
    md
}

/// A tiny byte-level tokenizer whose only tokens are single bytes: "中" (E4 B8 AD) is three
/// tokens, so tests can cut a character in half.
#[cfg(test)]
pub(crate) fn byte_level_for_tests() -> Tokenizer {
    let md = test_metadata(&["a", "b", "ä", "¸", "Ń", "<|im_end|>"], &[], "gpt2");
    match tokenizer_from_gguf(&md) {
        Ok(t) => t,
        Err(e) => panic!("test tokenizer: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy byte-level BPE vocabulary shaped like a GGUF's metadata.
    fn toy(pre: &str) -> HashMap<String, Value> {
        let tokens = ["a", "b", "ab", "Ġ", "Ġab", "<|im_end|>", "1", "2", "12"];
        test_metadata(&tokens, &["a b", "Ġ ab", "1 2"], pre)
    }

    #[test]
    fn builds_bpe_with_special_tokens() {
        let t = tokenizer_from_gguf(&toy("qwen2")).unwrap();
        let ids = t
            .encode("ab ab<|im_end|>", false)
            .unwrap()
            .get_ids()
            .to_vec();
        assert_eq!(ids, vec![2, 4, 5]);
        assert_eq!(t.decode(&[2, 4], false).unwrap(), "ab ab");
    }

    #[test]
    fn smollm_splits_digits() {
        let t = tokenizer_from_gguf(&toy("smollm")).unwrap();
        assert_eq!(t.encode("12", false).unwrap().get_ids(), &[6, 7]);
        let t = tokenizer_from_gguf(&toy("gpt2")).unwrap();
        assert_eq!(t.encode("12", false).unwrap().get_ids(), &[8]);
    }

    #[test]
    fn unknown_pre_is_a_clear_error() {
        let e = tokenizer_from_gguf(&toy("klingon"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown GGUF pre-tokenizer 'klingon'") && e.contains("qwen2"),
            "{e}"
        );
    }
}

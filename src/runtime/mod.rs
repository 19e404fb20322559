//! What every backend shares: device choice, tokenizers, chat templates, the decoding loop.

pub mod beam;
pub mod chat;
pub mod device;
pub mod generate;
pub mod tokenizer;

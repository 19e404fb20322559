//! The tasks brief performs on an article, each talking to a backend trait, never a model type.

pub mod summarize;

//! The tasks brief performs on an article, each talking to a backend trait, never a model type.

pub mod actors;
pub mod evidence;
pub mod gazetteer;
pub mod stance;
pub mod summarize;
pub mod target;

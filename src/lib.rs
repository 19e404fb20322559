//! brief: a faithful short summary of a news article, computed locally by open models that
//! brief downloads itself and runs with candle.
//!
//! Data flows one way: `article` → `fetch` (weights on disk) → `backends` (models behind
//! traits) → `tasks` (summarize) → `report` → `render` (HTML). `pipeline` wires them for the
//! CLI, `serve` (HTTP) and library users.

pub mod article;
pub mod backends;
pub mod batch;
pub mod config;
pub mod error;
pub mod fetch;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod runtime;
pub mod serve;
pub mod tasks;
pub mod train;

pub use error::{BriefError, Result};
pub mod eval;
pub mod faithfulness;

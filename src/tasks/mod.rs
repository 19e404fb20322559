//! The tasks brief performs on an article, each talking to a backend trait, never a model type.

pub mod actor_check;
pub mod actor_probe;
pub mod actors;
mod agency;
mod bodies_of;
mod countries;
pub mod encoder_stance;
pub mod evidence;
pub mod fit;
pub mod gazetteer;
mod head_file;
mod kinds;
mod lexicon;
pub mod llm_stance;
mod manual_actors;
mod named;
mod names;
mod nicknames;
pub mod nli_stance;
mod orgs;
pub mod probe_stance;
mod proposals;
pub mod score;
pub mod stance;
#[cfg(test)]
mod stand_in;
pub mod summarize;
pub mod target;

use crate::error::{BriefError, Result};
use crate::runtime::chat::ChatMessage;

/// Renders a task prompt (minijinja `user` template with `ctx`, optional system text) into the
/// chat messages every task sends; `what` names the prompt in errors.
pub fn prompt_messages(
    system: Option<&str>,
    user: &str,
    ctx: minijinja::Value,
    what: &str,
) -> Result<Vec<ChatMessage>> {
    let user = minijinja::Environment::new()
        .render_str(user, ctx)
        .map_err(|e| BriefError::Template(format!("{what} prompt: {e}")))?;
    let mut messages = Vec::new();
    if let Some(s) = system {
        messages.push(ChatMessage::system(s));
    }
    messages.push(ChatMessage::user(user));
    Ok(messages)
}

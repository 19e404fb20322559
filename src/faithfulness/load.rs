//! Building the checker a pipeline uses: by default the summarizer judges its own summary
//! (sharing the article's KV prefix); `[faithfulness] checker = NAME` in the defaults names
//! an NLI cross-encoder or another chat model instead. The summarizer always does repairs.

use super::judge::ChatChecker;
use super::{LlmJudge, LlmRewriter, NliJudge, SupportJudge};
use crate::backends::load_pair_classifier;
use crate::config::{resolve_model, Architecture, ModelConfig};
use crate::error::{BriefError, Result};
use crate::fetch::{ensure_model, FetchOptions};
use crate::tasks::stance::SharedGenerator;
use candle_core::Device;

/// A judge for support and the summarizer as rewriter.
pub struct Checker {
    pub judge: Box<dyn SupportJudge>,
    pub rewriter: LlmRewriter,
}

/// Loads (or reuses) a chat model by config, telling `say` what it does.
pub type GetGenerator<'a> =
    dyn FnMut(&ModelConfig, &mut dyn FnMut(&str)) -> Result<SharedGenerator> + 'a;

/// The checker for summaries made by `summarizer` (its config and loaded model).
pub fn load_checker(
    summarizer: (&ModelConfig, &SharedGenerator),
    checker: Option<&str>,
    (fetch, device): (&FetchOptions, &Device),
    get: &mut GetGenerator,
    say: &mut dyn FnMut(&str),
) -> Result<Checker> {
    let (cfg, model) = summarizer;
    let system = cfg
        .prompts
        .summarize
        .as_ref()
        .and_then(|p| p.system.clone());
    let own = cfg.faithfulness.clone().unwrap_or_default();
    let chat = ChatChecker::new(model.clone(), own, system, cfg.context_budget);
    let rewriter = LlmRewriter(chat.clone());
    let judge: Box<dyn SupportJudge> = match checker {
        None => Box::new(LlmJudge {
            name: cfg.name.clone(),
            chat,
        }),
        Some(name) => {
            let c = resolve_model(name)?;
            let settings = c.faithfulness.clone().unwrap_or_default();
            match c.architecture {
                Architecture::Nli => {
                    let files = ensure_model(&c, fetch, say)?;
                    let pairs = load_pair_classifier(&c, &files, device)?;
                    Box::new(NliJudge::new(&c.name, pairs, settings)?)
                }
                Architecture::GgufLlm | Architecture::T5 => {
                    let m = get(&c, say)?;
                    Box::new(LlmJudge {
                        name: c.name.clone(),
                        chat: ChatChecker::new(m, settings, None, c.context_budget),
                    })
                }
                Architecture::EncoderClassifier => {
                    return Err(BriefError::Usage(format!(
                        "model '{}' is a stance classifier; a summary checker must be an nli or chat model",
                        c.name
                    )))
                }
            }
        }
    };
    Ok(Checker { judge, rewriter })
}

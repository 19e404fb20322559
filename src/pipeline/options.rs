//! What a caller asks of the pipeline: which models, which tasks, what is given (actors,
//! target) and the command line's generation overrides.

use crate::config::{
    resolve_model, Defaults, FaithfulnessMode, GenerationConfig, ModelConfig, SummaryLength, Task,
};
use crate::error::{BriefError, Result};
use std::path::PathBuf;

/// Overrides of a config's generation settings from the command line.
#[derive(Debug, Clone, Default)]
pub struct GenerationOverrides {
    pub max_new_tokens: Option<usize>,
    pub temperature: Option<f64>,
    pub top_p: Option<f64>,
    pub top_k: Option<usize>,
    pub repeat_penalty: Option<f32>,
    pub seed: Option<u64>,
    pub num_beams: Option<usize>,
    pub length_penalty: Option<f32>,
    pub no_repeat_ngram_size: Option<usize>,
    pub min_new_tokens: Option<usize>,
}

impl GenerationOverrides {
    /// The config's settings with these overrides applied.
    pub fn apply(&self, base: &GenerationConfig) -> GenerationConfig {
        let mut g = base.clone();
        if let Some(v) = self.max_new_tokens {
            g.max_new_tokens = v;
        }
        if let Some(v) = self.temperature {
            g.temperature = v;
        }
        if self.top_p.is_some() {
            g.top_p = self.top_p;
        }
        if self.top_k.is_some() {
            g.top_k = self.top_k;
        }
        if let Some(v) = self.repeat_penalty {
            g.repeat_penalty = v;
        }
        if let Some(v) = self.seed {
            g.seed = v;
        }
        if let Some(v) = self.num_beams {
            g.num_beams = v;
        }
        if let Some(v) = self.length_penalty {
            g.length_penalty = v;
        }
        if let Some(v) = self.no_repeat_ngram_size {
            g.no_repeat_ngram_size = v;
        }
        if let Some(v) = self.min_new_tokens {
            g.min_new_tokens = v;
        }
        g
    }
}

/// Which tasks a run performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tasks {
    pub summarize: bool,
    pub stance: bool,
}

/// What the caller fixes about one article's stance: actors given by hand (`NAME` or
/// `NAME=alias1,alias2`; empty = find them) and the target (None = derive it). Passed with each
/// article, never stored in the pipeline, so one loaded pipeline serves articles whose inputs
/// differ (eval examples, server requests) and can move between threads.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub actors: Vec<String>,
    pub target: Option<String>,
}

/// Everything that chooses models and how to run them.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// A defaults file replacing the built-in `models/default.toml`.
    pub defaults: Option<PathBuf>,
    pub summarizer: Option<String>,
    pub classifier: Option<String>,
    pub device: String,
    pub offline: bool,
    pub generation: GenerationOverrides,
    /// Reuse the KV cache of a shared prompt prefix across calls (on by default).
    pub prefix_reuse: bool,
    /// How summaries are checked (`--faithfulness`); the defaults file's when unset.
    pub faithfulness: Option<FaithfulnessMode>,
    /// How long a summary to ask for (`--length`); the defaults file's when unset.
    pub length: Option<SummaryLength>,
}

impl Default for PipelineOptions {
    fn default() -> Self {
        Self {
            defaults: None,
            summarizer: None,
            classifier: None,
            device: "auto".into(),
            offline: false,
            generation: GenerationOverrides::default(),
            prefix_reuse: true,
            faithfulness: None,
            length: None,
        }
    }
}

impl PipelineOptions {
    /// The summarizer's config when `tasks` summarize, after checking the command-line
    /// generation overrides against it — before anything is downloaded or loaded. Checked
    /// even when nothing is generated: a bad flag is an error, never ignored.
    pub(super) fn summarizer_config(&self, tasks: Tasks) -> Result<Option<ModelConfig>> {
        if !tasks.summarize {
            self.generation
                .apply(&GenerationConfig::default())
                .check()
                .map_err(|m| BriefError::Usage(format!("{m} (command-line override)")))?;
            return Ok(None);
        }
        let cfg = self.config_for(Task::Summarize)?;
        self.generation
            .apply(&cfg.generation)
            .check()
            .map_err(|m| {
                BriefError::Usage(format!(
                    "{m} (after command-line overrides of '{}')",
                    cfg.name
                ))
            })?;
        Ok(Some(cfg))
    }

    pub(super) fn config_for(&self, task: Task) -> Result<ModelConfig> {
        let (chosen, what) = match task {
            Task::Summarize => (&self.summarizer, "summarize"),
            Task::Stance => (&self.classifier, "label stance"),
        };
        let name = match chosen {
            Some(n) => n.clone(),
            None => {
                let d = Defaults::load(self.defaults.as_deref())?;
                match task {
                    Task::Summarize => d.summarizer,
                    Task::Stance => d.classifier,
                }
            }
        };
        let cfg = resolve_model(&name)?;
        if !cfg.tasks.contains(&task) {
            return Err(BriefError::Usage(format!(
                "model '{}' cannot {what} (its tasks: {:?})",
                cfg.name, cfg.tasks
            )));
        }
        Ok(cfg)
    }
}

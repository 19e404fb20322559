//! The pipeline: resolve configs, make sure weights are on disk, load models, run the tasks
//! and build a Report. The CLI is a thin layer over this.

use crate::article::Article;
use crate::backends::{load_generator, Generator};
use crate::config::{resolve_model, Defaults, GenerationConfig, ModelConfig, Task};
use crate::error::{BriefError, Result};
use crate::fetch::{ensure_model, FetchOptions};
use crate::report::{Report, Timings};
use crate::runtime::device::select_device;
use crate::tasks::summarize::summarize;
use candle_core::Device;
use std::path::PathBuf;
use std::time::Instant;

/// Overrides of a config's generation settings from the command line.
#[derive(Debug, Clone, Default)]
pub struct GenerationOverrides {
    pub max_new_tokens: Option<usize>,
    pub temperature: Option<f64>,
    pub top_p: Option<f64>,
    pub top_k: Option<usize>,
    pub repeat_penalty: Option<f32>,
    pub seed: Option<u64>,
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
        g
    }
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
        }
    }
}

impl PipelineOptions {
    /// The summarizer config these options select.
    pub fn summarizer_config(&self) -> Result<ModelConfig> {
        let name = match &self.summarizer {
            Some(n) => n.clone(),
            None => Defaults::load(self.defaults.as_deref())?.summarizer,
        };
        let cfg = resolve_model(&name)?;
        if !cfg.tasks.contains(&Task::Summarize) {
            return Err(BriefError::Usage(format!(
                "model '{}' cannot summarize (its tasks: {:?})",
                cfg.name, cfg.tasks
            )));
        }
        Ok(cfg)
    }
}

/// A loaded summarizer, ready for many articles.
pub struct Pipeline {
    summarizer_cfg: ModelConfig,
    summarizer: Box<dyn Generator>,
    generation: GenerationConfig,
    load_s: f64,
    device: Device,
}

impl Pipeline {
    /// Resolves, pulls (unless offline) and loads the models. `say` gets stderr notices.
    pub fn load(opts: &PipelineOptions, say: &mut dyn FnMut(&str)) -> Result<Self> {
        let t0 = Instant::now();
        let cfg = opts.summarizer_config()?;
        let device = select_device(&opts.device)?;
        let files = ensure_model(&cfg, &FetchOptions::new(opts.offline), say)?;
        let summarizer = load_generator(&cfg, &files, &device)?;
        let generation = opts.generation.apply(&cfg.generation);
        Ok(Self {
            summarizer_cfg: cfg,
            summarizer,
            generation,
            load_s: t0.elapsed().as_secs_f64(),
            device,
        })
    }

    /// The device models run on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Summarizes one article; `on_text` receives the summary as it is generated.
    pub fn summarize(
        &mut self,
        article: &Article,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Report> {
        let t0 = Instant::now();
        let prompt = self
            .summarizer_cfg
            .prompts
            .summarize
            .clone()
            .ok_or_else(|| BriefError::BadConfig {
                origin: self.summarizer_cfg.name.clone(),
                message: "no [prompts.summarize]".into(),
            })?;
        let mut first_text: Option<f64> = None;
        let s = summarize(
            self.summarizer.as_mut(),
            &prompt,
            article,
            &self.generation,
            self.summarizer_cfg.context_budget,
            &mut |t: &str| {
                first_text.get_or_insert_with(|| t0.elapsed().as_secs_f64());
                on_text(t)
            },
        )?;
        let rate = |n: usize, d: std::time::Duration| {
            if d.as_secs_f64() > 0.0 {
                n as f64 / d.as_secs_f64()
            } else {
                0.0
            }
        };
        let timings = Timings {
            load_s: self.load_s,
            prefill_s: s.prefill.as_secs_f64(),
            decode_s: s.decode.as_secs_f64(),
            total_s: self.load_s + t0.elapsed().as_secs_f64(),
            first_text_s: self.load_s + first_text.unwrap_or_else(|| t0.elapsed().as_secs_f64()),
            prefill_tokens_per_s: rate(s.tokens_prefilled, s.prefill),
            decode_tokens_per_s: rate(s.tokens_out, s.decode),
        };
        // Load time is charged to the first article only.
        self.load_s = 0.0;
        Ok(Report {
            source: article.source_name.clone(),
            title: article.title.clone(),
            summary: s.text,
            summarizer: self.summarizer.name().to_string(),
            tokens_in: s.tokens_in,
            tokens_out: s.tokens_out,
            parts: s.parts,
            timings,
        })
    }
}

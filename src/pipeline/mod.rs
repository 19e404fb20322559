//! The pipeline: resolve configs, make sure weights are on disk, load each model once, run the
//! tasks and build a Report. The CLI is a thin layer over this. `options`: what a caller asks;
//! `models`: loading the stance side; `summary_step` and `stance_step`: the two tasks.

use crate::article::Article;
use crate::backends::load_generator;
use crate::config::{Defaults, FaithfulnessMode, GenerationConfig, ModelConfig, SummaryLength};
use crate::error::{BriefError, Result};
use crate::faithfulness::load::{load_checker, Checker};
use crate::fetch::{ensure_model, FetchOptions};
use crate::report::{Report, TaskError, Timings};
use crate::runtime::device::select_device;
use crate::tasks::actors::Actor;
use crate::tasks::stance::{lock, share, SharedGenerator};
use crate::tasks::target::TargetSource;
use candle_core::Device;
use std::time::Instant;

mod models;
mod options;
mod stance_step;
mod summary_step;

use models::{load_stance, weights_key, Classifier};
pub use options::{GenerationOverrides, Given, PipelineOptions, Tasks};
pub use stance_step::{check_stance_inputs, target_problem};

/// What stance is labelled about in one article: who, toward what, and the article as the
/// classifier's prompts show it (shortened when it is too long for the model).
pub struct StanceInputs {
    pub actors: Vec<Actor>,
    pub target: String,
    pub source: TargetSource,
    pub view: Article,
}

/// Loaded models, ready for many articles.
pub struct Pipeline {
    summarizer: Option<(ModelConfig, SharedGenerator)>,
    /// Checks summaries against their article (None when faithfulness is off).
    checker: Option<Checker>,
    faithfulness: FaithfulnessMode,
    length: SummaryLength,
    classifier: Option<Classifier>,
    generation: GenerationConfig,
    load_s: f64,
    device: Device,
}

impl Pipeline {
    /// Resolves, pulls (unless offline) and loads the models `tasks` need — one instance per
    /// distinct config. `say` gets stderr notices.
    pub fn load(opts: &PipelineOptions, tasks: Tasks, say: &mut dyn FnMut(&str)) -> Result<Self> {
        let t0 = Instant::now();
        let device = select_device(&opts.device)?;
        let fetch = FetchOptions::new(opts.offline);
        let mut loaded: Vec<(String, SharedGenerator)> = Vec::new();
        let mut get = |cfg: &ModelConfig, say: &mut dyn FnMut(&str)| -> Result<SharedGenerator> {
            // Configs that differ only in their task settings (a trained probe beside the
            // chat model it reads) share one loaded model.
            let key = weights_key(cfg);
            if let Some((_, m)) = loaded.iter().find(|(k, _)| *k == key) {
                return Ok(m.clone());
            }
            let files = ensure_model(cfg, &fetch, say)?;
            let mut g = load_generator(cfg, &files, &device)?;
            g.set_prefix_reuse(opts.prefix_reuse);
            let shared = share(g);
            loaded.push((key, shared.clone()));
            Ok(shared)
        };
        let summarizer = match opts.summarizer_config(tasks)? {
            Some(cfg) => {
                let m = get(&cfg, say)?;
                Some((cfg, m))
            }
            None => None,
        };
        let defaults = Defaults::load(opts.defaults.as_deref())?;
        let faithfulness = opts.faithfulness.unwrap_or(defaults.faithfulness.mode);
        let length = opts.length.unwrap_or(defaults.summarize.length);
        let checker = match &summarizer {
            Some((cfg, m)) if faithfulness != FaithfulnessMode::Off => Some(load_checker(
                (cfg, m),
                defaults.faithfulness.checker.as_deref(),
                (&fetch, &device),
                &mut get,
                say,
            )?),
            _ => None,
        };
        let classifier = if tasks.stance {
            Some(load_stance(
                opts,
                &defaults,
                (&fetch, &device),
                &mut get,
                say,
            )?)
        } else {
            None
        };
        let generation = match &summarizer {
            // Checked above, before loading.
            Some((cfg, _)) => opts.generation.apply(&cfg.generation),
            None => GenerationConfig::default(),
        };
        Ok(Self {
            summarizer,
            checker,
            faithfulness,
            length,
            classifier,
            generation,
            load_s: t0.elapsed().as_secs_f64(),
            device,
        })
    }

    /// The device models run on.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Runs the loaded tasks on one article; `on_text` receives the summary as it is generated
    /// (with a faithfulness checker: the checked summary, once),
    /// `say` gets notices (actors found, target chosen).
    pub fn run(
        &mut self,
        article: &Article,
        given: &Given,
        on_text: &mut dyn FnMut(&str),
        say: &mut dyn FnMut(&str),
    ) -> Result<Report> {
        let all = Tasks {
            summarize: true,
            stance: true,
        };
        self.run_tasks(article, all, given, on_text, say)
    }

    /// Starts recording the features the classifier reads (a trained probe's model states,
    /// one entry per labelled actor): what `brief train stance` learns from. None when the
    /// classifier reads none.
    pub fn record_stance_features(&mut self) -> Option<crate::tasks::stance::FeatureSink> {
        self.classifier.as_mut()?.stance.record_features()
    }

    /// Config names of the loaded summarizer and classifier.
    pub fn model_names(&self) -> (Option<String>, Option<String>) {
        (
            self.summarizer.as_ref().map(|(c, _)| c.name.clone()),
            self.classifier.as_ref().map(|c| c.cfg.name.clone()),
        )
    }

    /// How sure the classifier's model is that `a` and `b` state the same issue (its
    /// `[prompts.same_issue]` question, scored); None when it has no such model or prompt.
    pub fn same_issue(&mut self, a: &str, b: &str) -> Result<Option<f32>> {
        let Some(c) = self.classifier.as_ref() else {
            return Ok(None);
        };
        match (&c.cfg.prompts.same_issue, &c.model) {
            (Some(p), Some(m)) => {
                crate::tasks::target::same_issue(lock(m).as_mut(), p, a, b).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// Runs those of the loaded tasks that `tasks` selects.
    pub fn run_tasks(
        &mut self,
        article: &Article,
        tasks: Tasks,
        given: &Given,
        on_text: &mut dyn FnMut(&str),
        say: &mut dyn FnMut(&str),
    ) -> Result<Report> {
        let t0 = Instant::now();
        let mut report = Report::new(article);
        let mut timings = Timings {
            load_s: self.load_s,
            ..Default::default()
        };
        // Actors and target come first: deriving the target asks the model about the opening,
        // which would otherwise sit between the summary and the stance prompts and evict the
        // article's KV prefix that both start with.
        let t1 = Instant::now();
        let inputs = match &self.classifier {
            Some(_) if tasks.stance => Some(self.actors_and_target(article, given, say)),
            _ => None,
        };
        timings.stance_s = t1.elapsed().as_secs_f64();
        let (prefilled, generated) = if tasks.summarize {
            self.summarize_into(article, &mut report, &mut timings, t0, on_text)?
        } else {
            (0, 0)
        };

        // A summary already made is never thrown away because stance fails after it.
        let mut failed = None;
        if let Some(inputs) = inputs {
            let t2 = Instant::now();
            let result = inputs.and_then(|i| match i {
                Some(i) => self.stance(article, i, &mut report, say),
                None => Ok(()),
            });
            timings.stance_s += t2.elapsed().as_secs_f64();
            match result {
                Err(e) if report.summary.is_some() => failed = Some(e),
                other => other?,
            }
        }

        let rate = |n: usize, d: f64| if d > 0.0 { n as f64 / d } else { 0.0 };
        timings.total_s = self.load_s + t0.elapsed().as_secs_f64();
        timings.prefill_tokens_per_s = rate(prefilled, timings.prefill_s);
        timings.decode_tokens_per_s = rate(generated, timings.decode_s);
        report.timings = timings;
        // Load time is charged to the first article only.
        self.load_s = 0.0;
        match failed {
            Some(error) => {
                report.errors.push(TaskError {
                    task: "stance".into(),
                    message: error.to_string(),
                });
                Err(BriefError::Partial {
                    report: Box::new(report),
                    error: Box::new(error),
                })
            }
            None => Ok(report),
        }
    }
}

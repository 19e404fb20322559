//! The pipeline: resolve configs, make sure weights are on disk, load each model once, run the
//! tasks and build a Report. The CLI is a thin layer over this.

use crate::article::Article;
use crate::backends::{load_generator, load_pair_classifier};
use crate::config::{
    resolve_model, Defaults, FaithfulnessMode, GenerationConfig, ModelConfig, StanceMode,
    SummaryLength, Task,
};
use crate::config::{ActorProbeConfig, Architecture};
use crate::error::{BriefError, Result};
use crate::faithfulness::{
    self,
    load::{load_checker, Checker},
    Checked, Review,
};
use crate::fetch::{ensure_model, FetchOptions};
use crate::report::{ActorReport, Report, TaskError, Timings};
use crate::runtime::chat::ChatMessage;
use crate::runtime::device::select_device;
use crate::tasks::actor_probe::ActorHead;
use crate::tasks::actors::{
    find_candidates, manual_actors, merge_proposals, parse_proposals, Actor,
};
use crate::tasks::encoder_stance::EncoderStance;
use crate::tasks::evidence::evidence_for;
use crate::tasks::fit::{opening_that_fits, shorten};
use crate::tasks::nli_stance::NliStance;
use crate::tasks::probe_stance::ProbeStance;
use crate::tasks::stance::{
    lock, share, LlmStance, SharedGenerator, Stance, StanceClassifier, StanceQuery, StanceScores,
};
use crate::tasks::summarize::summarize;
use crate::tasks::target::{derive_target, names_an_entity, TargetSource};
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
    fn summarizer_config(&self, tasks: Tasks) -> Result<Option<ModelConfig>> {
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

    fn config_for(&self, task: Task) -> Result<ModelConfig> {
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

struct Classifier {
    cfg: ModelConfig,
    /// The generating model behind the classifier, when it has one (it then also proposes
    /// actors and derives the target); an NLI cross-encoder has none.
    model: Option<SharedGenerator>,
    stance: Box<dyn StanceClassifier>,
    /// The defaults' `entity_classifier`, for targets that name an entity of the article.
    entity: Option<Box<dyn StanceClassifier>>,
    /// The defaults' `actor_check`: a trained probe keeping the candidates that act.
    actor_probe: Option<ActorProbe>,
}

/// A chat model and the trained head that judges, from its states, whether a candidate acts.
struct ActorProbe {
    cfg: ActorProbeConfig,
    head: ActorHead,
    model: SharedGenerator,
}

impl Classifier {
    /// The classifier for a target: the entity classifier when there is one and the target
    /// names an entity of the article, else the main one.
    fn for_target(&mut self, entity_target: bool) -> &mut dyn StanceClassifier {
        match self.entity.as_mut() {
            Some(e) if entity_target => e.as_mut(),
            _ => self.stance.as_mut(),
        }
    }
}

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

    /// The actors and the target stance is labelled toward (found, derived or given), without
    /// labelling anything; None when no classifier is loaded. `brief eval --no-labels` scores
    /// just these.
    pub fn actors_and_target(
        &mut self,
        article: &Article,
        given: &Given,
        say: &mut dyn FnMut(&str),
    ) -> Result<Option<StanceInputs>> {
        let Some(c) = self.classifier.as_mut() else {
            return Ok(None);
        };
        let view = prompt_view(c, article, say)?;
        let actors = if given.actors.is_empty() {
            find_actors(c, article, &view, say)?
        } else {
            manual_actors(article, &given.actors)?
        };
        let (target, source) = match &given.target {
            Some(t) => (t.trim().to_string(), TargetSource::Given),
            None => match (&c.cfg.prompts.target, &c.model) {
                (Some(p), Some(m)) => derive_target(lock(m).as_mut(), p, &view)?,
                _ => (
                    article.title.clone().unwrap_or_default(),
                    TargetSource::Headline,
                ),
            },
        };
        if target.is_empty() {
            return Err(BriefError::Usage(
                "the stance target is empty; pass --target TEXT".into(),
            ));
        }
        Ok(Some(StanceInputs {
            actors,
            target,
            source,
            view,
        }))
    }

    /// Summarizes with the loaded summarizer (if any) into `report` and `timings`; returns the
    /// prompt tokens computed and the tokens generated, for the throughput figures.
    fn summarize_into(
        &mut self,
        article: &Article,
        report: &mut Report,
        timings: &mut Timings,
        t0: Instant,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<(usize, usize)> {
        let Some((cfg, model)) = self.summarizer.as_ref() else {
            return Ok((0, 0));
        };
        let prompt = cfg
            .prompts
            .summarize
            .clone()
            .ok_or_else(|| BriefError::BadConfig {
                origin: cfg.name.clone(),
                message: "no [prompts.summarize]".into(),
            })?;
        let mut first_text: Option<f64> = None;
        // With a checker the draft is not the summary: `on_text` gets the checked text once.
        let streams = self.checker.is_none();
        let s = summarize(
            lock(model).as_mut(),
            &prompt,
            self.length,
            article,
            &self.generation,
            cfg.context_budget,
            &mut |t: &str| {
                if streams {
                    first_text.get_or_insert_with(|| t0.elapsed().as_secs_f64());
                    on_text(t)
                }
            },
        )?;
        timings.prefill_s += s.prefill.as_secs_f64();
        timings.decode_s += s.decode.as_secs_f64();
        report.summarizer = Some(cfg.name.clone());
        report.tokens_in += s.tokens_in;
        report.tokens_out += s.tokens_out;
        report.parts = Some(s.parts);
        let t1 = Instant::now();
        self.check_into(article, &s.text, report)?;
        timings.check_s = t1.elapsed().as_secs_f64();
        if !streams {
            first_text = Some(t0.elapsed().as_secs_f64());
            on_text(report.summary.as_deref().unwrap_or_default());
        }
        timings.first_text_s =
            self.load_s + first_text.unwrap_or_else(|| t0.elapsed().as_secs_f64());
        Ok((s.tokens_prefilled, s.tokens_out))
    }

    /// Checks (and in `repair` mode repairs) `summary` into `report`; with no checker the
    /// summary goes in as generated.
    fn check_into(&mut self, article: &Article, summary: &str, report: &mut Report) -> Result<()> {
        let Some(ch) = self.checker.as_mut() else {
            report.summary = Some(summary.to_string());
            return Ok(());
        };
        let checked = faithfulness::review(
            article,
            summary,
            Review {
                judge: ch.judge.as_mut(),
                rewriter: Some(&mut ch.rewriter),
                mode: self.faithfulness,
                max_sentences: self.length.max_sentences(),
            },
        )?;
        report.summary = Some(checked.text);
        report.summary_sentences = Some(checked.sentences);
        report.dropped = Some(checked.dropped);
        report.faithfulness = Some(checked.tally);
        Ok(())
    }

    /// Checks a given summary of `article` sentence by sentence (`flag` mode: nothing is
    /// changed). `brief eval` scores checker-only examples with it.
    pub fn check_summary(&mut self, article: &Article, summary: &str) -> Result<Checked> {
        let Some(ch) = self.checker.as_mut() else {
            return Err(BriefError::Usage(
                "checking a summary needs the summarizer and --faithfulness flag or repair".into(),
            ));
        };
        faithfulness::review(
            article,
            summary,
            Review {
                judge: ch.judge.as_mut(),
                rewriter: None,
                mode: FaithfulnessMode::Flag,
                max_sentences: self.length.max_sentences(),
            },
        )
    }

    /// Whether the summary text streamed while it is generated is the final one (it is not
    /// when a check may still repair or drop sentences).
    pub fn streams_final_summary(&self) -> bool {
        self.checker.is_none()
    }

    fn stance(
        &mut self,
        article: &Article,
        inputs: StanceInputs,
        report: &mut Report,
        say: &mut dyn FnMut(&str),
    ) -> Result<()> {
        let StanceInputs {
            actors,
            target,
            source,
            view,
        } = inputs;
        let Some(c) = self.classifier.as_mut() else {
            return Ok(());
        };
        say(&format!(
            "target ({}): {target}",
            serde_json::to_value(source)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        ));
        if actors.is_empty() {
            say("no actors found in the article");
        }
        let sentences = article.sentences();
        let entity_target = c.entity.is_some() && names_an_entity(&target, &article.full_text());
        let mut rows = Vec::new();
        for actor in &actors {
            let most = c.for_target(entity_target).max_evidence();
            let evidence = evidence_for(article, &sentences, actor, &target, most);
            let (stance, confidence, scores) = if evidence.is_empty() {
                // Nothing in the text shows a position.
                (
                    Stance::Neutral,
                    1.0,
                    StanceScores {
                        favor: 0.0,
                        against: 0.0,
                        neutral: 1.0,
                    },
                )
            } else {
                let ev = if entity_target {
                    // The trained encoder cuts each sentence to its own max_length.
                    evidence.iter().map(|e| e.sentence.clone()).collect()
                } else {
                    quoted_evidence(c, &evidence)?
                };
                let q = StanceQuery {
                    title: view.title.as_deref(),
                    article: &view.body,
                    actor: &actor.name,
                    aliases: &actor.aliases,
                    target: &target,
                    evidence: &ev,
                };
                let clf = c.for_target(entity_target);
                let scores = clf.classify(&q)?;
                let (s, conf) = scores.decide(clf.min_confidence());
                (s, conf, scores)
            };
            rows.push(ActorReport {
                name: actor.name.clone(),
                kind: actor.kind,
                aliases: actor.aliases.clone(),
                stance,
                confidence,
                scores,
                evidence,
            });
        }
        report.target = Some(target);
        report.target_source = Some(source);
        report.classifier = Some(c.for_target(entity_target).name().to_string());
        report.actors = Some(rows);
        Ok(())
    }
}

/// What makes two configs the same loaded model: architecture, weights, tokenizer, chat
/// template and runtime settings (not name, prompts or task settings).
fn weights_key(cfg: &ModelConfig) -> String {
    format!(
        "{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        cfg.architecture.as_str(),
        cfg.weights,
        cfg.tokenizer,
        cfg.chat_template,
        cfg.runtime,
        cfg.context_length,
        cfg.generation.stop
    )
}

/// Loads (or reuses) the generating model of a config, telling `say` what it does.
type LoadGenerator<'a> =
    dyn FnMut(&ModelConfig, &mut dyn FnMut(&str)) -> Result<SharedGenerator> + 'a;

/// Loads the stance classifier `cfg` names: a trained encoder or an NLI cross-encoder on
/// their own, or a chat model through `get` (shared with the summarizer when it is the same
/// config).
fn load_classifier(
    cfg: ModelConfig,
    fetch: &FetchOptions,
    device: &Device,
    get: &mut LoadGenerator,
    say: &mut dyn FnMut(&str),
) -> Result<Classifier> {
    let (model, stance): (Option<SharedGenerator>, Box<dyn StanceClassifier>) =
        match cfg.architecture {
            Architecture::EncoderClassifier => {
                let files = ensure_model(&cfg, fetch, say)?;
                let model = crate::backends::encoder::load_classifier(&cfg, &files, device)?;
                let settings = cfg.encoder_settings();
                (
                    None,
                    Box::new(EncoderStance::new(&cfg.name, model, settings)),
                )
            }
            Architecture::Nli => {
                let files = ensure_model(&cfg, fetch, say)?;
                let pairs = load_pair_classifier(&cfg, &files, device)?;
                (None, Box::new(NliStance::new(pairs, cfg.nli_settings())?))
            }
            _ => {
                let stance_cfg = cfg.stance.clone().ok_or_else(|| BriefError::BadConfig {
                    origin: cfg.name.clone(),
                    message: "no [stance] section".into(),
                })?;
                let model = get(&cfg, say)?;
                let stance: Box<dyn StanceClassifier> = match stance_cfg.mode {
                    StanceMode::Probe => {
                        let probe = stance_cfg.probe.as_ref();
                        let head = probe
                            .and_then(|p| p.head.as_ref())
                            .map(|h| crate::backends::encoder::beside_config(&cfg, h));
                        if let Some(h) = &head {
                            let want = probe.and_then(|p| p.head_sha256.as_deref());
                            crate::backends::encoder::check_head(h, want)?;
                        }
                        Box::new(ProbeStance::new(
                            &cfg.name,
                            model.clone(),
                            stance_cfg,
                            head.as_deref(),
                        )?)
                    }
                    _ => Box::new(LlmStance::new(&cfg.name, model.clone(), stance_cfg)),
                };
                (Some(model), stance)
            }
        };
    Ok(Classifier {
        cfg,
        model,
        stance,
        entity: None,
        actor_probe: None,
    })
}

/// Gives `c` the defaults' `entity_classifier`. Optional: when it cannot be loaded (offline
/// and never pulled, say) the main classifier labels every target, and `say` tells the user.
fn attach_entity_classifier(
    c: &mut Classifier,
    name: &str,
    (fetch, device): (&FetchOptions, &Device),
    get: &mut LoadGenerator,
    say: &mut dyn FnMut(&str),
) {
    let loaded = resolve_model(name).and_then(|cfg| {
        if !cfg.tasks.contains(&Task::Stance) {
            return Err(BriefError::Usage(format!(
                "it cannot label stance (its tasks: {:?})",
                cfg.tasks
            )));
        }
        load_classifier(cfg, fetch, device, get, say)
    });
    match loaded {
        Ok(e) => c.entity = Some(e.stance),
        Err(e) => say(&format!(
            "entity classifier '{name}' not loaded ({e}); '{}' labels every target \
             (`brief models pull {name}` fetches it)",
            c.cfg.name
        )),
    }
}

/// The stance classifier with what the defaults add to it: the entity classifier and the
/// actor check, both only with the defaults' own classifier (a classifier named on the
/// command line labels every target and decides the actors).
fn load_stance(
    opts: &PipelineOptions,
    defaults: &Defaults,
    (fetch, device): (&FetchOptions, &Device),
    get: &mut LoadGenerator,
    say: &mut dyn FnMut(&str),
) -> Result<Classifier> {
    let mut c = load_classifier(opts.config_for(Task::Stance)?, fetch, device, get, say)?;
    if opts.classifier.is_some() {
        return Ok(c);
    }
    if let Some(name) = &defaults.entity_classifier {
        attach_entity_classifier(&mut c, name, (fetch, device), get, say);
    }
    if let Some(name) = &defaults.actor_check {
        c.actor_probe = Some(load_actor_probe(name, get, say)?);
    }
    Ok(c)
}

/// Loads the defaults' `actor_check`: a GGUF chat model config with a trained `[actor_probe]`
/// (its model shared with the summarizer's when the weights are the same).
fn load_actor_probe(
    name: &str,
    get: &mut LoadGenerator,
    say: &mut dyn FnMut(&str),
) -> Result<ActorProbe> {
    let cfg = resolve_model(name)?;
    let bad = |m: &str| BriefError::BadConfig {
        origin: cfg.name.clone(),
        message: m.to_string(),
    };
    let probe = cfg
        .actor_probe
        .clone()
        .ok_or_else(|| bad("actor_check names a config without [actor_probe]"))?;
    let head_file = probe.head.as_ref().ok_or_else(|| {
        bad("[actor_probe] has no trained head; train one with `brief train actors`")
    })?;
    let head_path = crate::backends::encoder::beside_config(&cfg, head_file);
    crate::backends::encoder::check_head(&head_path, probe.head_sha256.as_deref())?;
    let head = ActorHead::load(&head_path)?;
    let model = get(&cfg, say)?;
    Ok(ActorProbe {
        cfg: probe,
        head,
        model,
    })
}

/// Deterministic candidates, plus what the classifier model proposes (asked for JSON, parsed
/// strictly, asked once more on malformed output), all grounded in the text.
fn find_actors(
    c: &mut Classifier,
    article: &Article,
    view: &Article,
    say: &mut dyn FnMut(&str),
) -> Result<Vec<Actor>> {
    let mut candidates = find_candidates(article);
    if let Some(p) = &c.actor_probe {
        candidates = crate::tasks::actor_probe::keep_acting(
            lock(&p.model).as_mut(),
            (&p.cfg, &p.head),
            view,
            article,
            candidates,
        )?;
    }
    let candidates = match (&c.cfg.prompts.actor_check, c.model.as_ref()) {
        (Some(check), Some(model)) => crate::tasks::actor_check::confirm_actors(
            lock(model).as_mut(),
            check,
            view,
            candidates,
        )?,
        _ => candidates,
    };
    let (Some(prompt), Some(model)) = (c.cfg.prompts.actors.clone(), c.model.as_ref()) else {
        return Ok(candidates);
    };
    let mut messages = crate::tasks::prompt_messages(
        prompt.system.as_deref(),
        &prompt.user,
        minijinja::context! { title => view.title, text => view.body },
        "actors",
    )?;
    let settings = GenerationConfig {
        max_new_tokens: prompt.max_new_tokens,
        ..Default::default()
    };
    let mut model = lock(model);
    let first = model.chat(&messages, &settings, &mut |_| {})?.text;
    let proposals = match parse_proposals(&first) {
        Ok(p) => p,
        Err(why) => {
            messages.push(ChatMessage::assistant(first));
            messages.push(ChatMessage::user(format!(
                "That was not valid ({why}). Answer only with the JSON list, nothing else."
            )));
            let second = model.chat(&messages, &settings, &mut |_| {})?.text;
            parse_proposals(&second).unwrap_or_else(|why| {
                say(&format!("the model's actor list was unusable ({why}); using the deterministic finder alone"));
                Vec::new()
            })
        }
    };
    Ok(merge_proposals(article, candidates, &proposals))
}

/// Tokens of a stance prompt kept for everything but the article: the question, the actor,
/// the quoted evidence (each sentence at most `EVIDENCE_TOKENS`) and the answer.
const STANCE_RESERVE_TOKENS: usize = 1024;
/// Most tokens of one evidence sentence quoted in a prompt (the report keeps it whole).
const EVIDENCE_TOKENS: usize = 160;

/// The article as the classifier's prompts show it: whole when it fits the classifier's
/// context budget, else its opening (each actor's evidence still comes from the whole text).
fn prompt_view(c: &Classifier, article: &Article, say: &mut dyn FnMut(&str)) -> Result<Article> {
    let Some(model) = c.model.as_ref() else {
        return Ok(article.clone());
    };
    let model = lock(model);
    let budget = c.cfg.context_budget.min(model.context_length());
    let room = budget.saturating_sub(STANCE_RESERVE_TOKENS).max(64);
    let (view, cut) = opening_that_fits(model.as_ref(), article, room)?;
    if cut {
        say(&format!(
            "the article is longer than {room} tokens: stance prompts show its opening, with each actor's evidence from the whole text"
        ));
    }
    Ok(view)
}

/// Evidence sentences as quoted in a prompt: each cut to `EVIDENCE_TOKENS` when a model will
/// read them (an NLI classifier truncates its premise itself).
fn quoted_evidence(
    c: &Classifier,
    evidence: &[crate::tasks::evidence::Evidence],
) -> Result<Vec<String>> {
    let Some(model) = c.model.as_ref() else {
        return Ok(evidence.iter().map(|e| e.sentence.clone()).collect());
    };
    let model = lock(model);
    evidence
        .iter()
        .map(|e| shorten(model.as_ref(), &e.sentence, EVIDENCE_TOKENS))
        .collect()
}

/// Checks the per-article stance inputs before any model is loaded, so a typo costs nothing:
/// the target must not be blank and every `--actor` must occur in the article. Returns the
/// actor specs with repeats merged (one row per name; aliases of repeats joined).
pub fn check_stance_inputs(
    article: &Article,
    actors: &[String],
    target: Option<&str>,
) -> Result<Vec<String>> {
    if target.is_some_and(|t| t.trim().is_empty()) {
        return Err(BriefError::Usage(
            "--target is empty; give the issue stance is toward, e.g. --target \"the coup\"".into(),
        ));
    }
    let merged = merge_actor_specs(actors);
    manual_actors(article, &merged)?;
    Ok(merged)
}

/// `NAME[=ALIASES]` specs with repeated names (case-insensitive) merged into one.
fn merge_actor_specs(specs: &[String]) -> Vec<String> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for spec in specs {
        let (name, aliases) = match spec.split_once('=') {
            Some((n, a)) => (n.trim(), a.split(',').map(str::trim).collect::<Vec<_>>()),
            None => (spec.trim(), Vec::new()),
        };
        let aliases = aliases
            .into_iter()
            .filter(|a| !a.is_empty())
            .map(String::from);
        match out
            .iter_mut()
            .find(|(n, _)| n.to_lowercase() == name.to_lowercase())
        {
            Some((_, have)) => {
                for a in aliases {
                    if !have.contains(&a) {
                        have.push(a);
                    }
                }
            }
            None => out.push((name.to_string(), aliases.collect())),
        }
    }
    out.into_iter()
        .map(|(n, a)| {
            if a.is_empty() {
                n
            } else {
                format!("{n}={}", a.join(","))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_actors_are_merged_into_one() {
        let specs: Vec<String> = [
            "France",
            "france=Paris",
            "US=Washington",
            "France=Paris,Élysée",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            merge_actor_specs(&specs),
            ["France=Paris,Élysée", "US=Washington"]
        );
    }

    #[test]
    fn stance_inputs_are_checked_before_any_model() {
        let a = Article::from_text("t", "Title\n\nFrance condemned the coup.");
        assert!(check_stance_inputs(&a, &[], Some("  ")).is_err());
        let e = check_stance_inputs(&a, &["Atlantis".into()], None).unwrap_err();
        assert!(e.to_string().contains("does not occur"), "{e}");
        let ok = check_stance_inputs(&a, &["France".into(), "France".into()], Some("the coup"));
        assert_eq!(ok.unwrap(), ["France"]);
    }

    #[test]
    fn a_probe_shares_its_chat_model_but_another_model_does_not() {
        let chat = resolve_model("qwen2.5-coder-1.5b-instruct").unwrap();
        let mut probe = chat.clone();
        probe.name = "qwen-probe".into();
        if let Some(st) = probe.stance.as_mut() {
            st.mode = StanceMode::Probe;
            st.user = "{{ question }}".into();
        }
        assert_eq!(weights_key(&chat), weights_key(&probe));
        let small = resolve_model("qwen2.5-coder-0.5b-instruct").unwrap();
        assert_ne!(weights_key(&chat), weights_key(&small));
    }
}

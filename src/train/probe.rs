//! `brief train stance --backbone CHAT-MODEL`: a linear probe on the chat model's own states.
//!
//! Every labelled actor of the training data is run through the real stance pipeline (its
//! evidence found, quoted and prompted exactly as `brief run` does) with an untrained probe
//! config that records the model's states at the end of the prompt; a softmax-regression
//! head is fitted on them (`probe_fit`). The output folder holds the head (a few hundred KB),
//! `brief.toml` (the chat model's pinned sources plus `[stance] mode = "probe"`) and
//! `training.json`, like an encoder classifier's.

use super::data::label_index;
use super::fit::{class_weights, fit_label_bias};
use super::probe_fit::{fit_head, head_probabilities, Features};
use super::{output_name, refuse_dev_overlap, Phase, TrainOptions, TrainingReport};
use crate::article::Article;
use crate::config::{
    resolve_model, Architecture, LabelBias, ModelConfig, ProbeConfig, StanceMode, Task,
};
use crate::error::{BriefError, Result};
use crate::eval::dataset::{self, Example};
use crate::fetch::sha256_file;
use crate::pipeline::{Given, Pipeline, PipelineOptions, Tasks};
use crate::tasks::probe_stance::ProbeHead;
use crate::tasks::stance::FeatureSink;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What a probe is trained on and with.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// The questions ending the prompt (minijinja; `actor`, `target`); empty: the chat
    /// model's own support and opposition questions, its prompt unchanged.
    pub questions: Vec<String>,
    /// Layers read, 1-based (0: the last).
    pub depths: Vec<usize>,
    /// Train on at most this many examples of each `--data` file (a seeded sample): a chat model's
    /// forward pass costs ~0.5 s per sentence on 2 cores.
    pub max_train: Option<usize>,
    /// Choose the epoch on at most this many examples of each `--dev` file.
    pub max_dev: Option<usize>,
    /// Reuse (or write) the extracted features here, so refitting the head costs seconds.
    pub features: Option<PathBuf>,
    /// Weight of ½‖W‖² in the loss.
    pub l2: f64,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        Self {
            questions: Vec::new(),
            depths: vec![18, 0],
            max_train: None,
            max_dev: None,
            features: None,
            l2: 0.01,
        }
    }
}

/// What training a probe leaves: the report and the head (exactly the saved one).
pub struct ProbeOutcome {
    pub report: TrainingReport,
    pub head: ProbeHead,
}

/// Trains a probe on the chat model `opts.backbone` and writes `opts.out`.
pub fn train_probe(
    opts: &TrainOptions,
    say: &mut dyn FnMut(&str),
    phase: &mut dyn FnMut(Phase),
) -> Result<ProbeOutcome> {
    let t0 = Instant::now();
    let base = chat_backbone(&opts.backbone)?;
    let (train_ex, dev_ex) = load_examples(opts)?;
    say(&format!(
        "{} training and {} dev examples; reading {}'s states at depths {:?}",
        train_ex.len(),
        dev_ex.len(),
        base.name,
        opts.probe.depths
    ));
    let t_feat = Instant::now();
    let (train, dev) = features(&base, opts, (&train_ex, &dev_ex), say, phase)?;
    let feature_seconds = t_feat.elapsed().as_secs_f64();
    if train.rows.is_empty() || dev.rows.is_empty() {
        return Err(BriefError::Usage(
            "no training or dev actor had evidence in its text; nothing to learn from".into(),
        ));
    }
    say(&format!(
        "{} training and {} dev actors read in {feature_seconds:.0} s; fitting the head",
        train.rows.len(),
        dev.rows.len()
    ));
    let (head, epochs, best_epoch) = fit_head(&train, &dev, &opts.fit, opts.probe.l2, phase)?;
    let (label_bias, dev_biased) = fit_label_bias(&head_probabilities(&head, &dev)?, &dev.labels);
    let report = TrainingReport {
        command: opts.command.clone(),
        backbone: base.name.clone(),
        seed: opts.fit.seed,
        data: opts.data.iter().map(|p| p.display().to_string()).collect(),
        dev: super::join_paths(&opts.dev),
        train_items: train.rows.len(),
        dev_items: dev.rows.len(),
        label_counts: [0, 1, 2].map(|k| train.labels.iter().filter(|&&l| l == k).count()),
        class_weights: class_weights(&train.labels, opts.fit.class_weight_power),
        epochs,
        best_epoch,
        label_bias: Some(label_bias),
        dev_macro_f1_biased: Some(dev_biased),
        cache_seconds: feature_seconds,
        total_seconds: t0.elapsed().as_secs_f64(),
        distill: None,
        train_ids: train_ex.iter().map(|e| e.id.clone()).collect(),
        train_text_hashes: train_ex.iter().map(|e| super::text_hash(&e.text)).collect(),
    };
    save_probe(&base, opts, &head, &report)?;
    Ok(ProbeOutcome { report, head })
}

/// The `--backbone` config, which must be a GGUF chat model with a `[stance]` prompt.
fn chat_backbone(name: &str) -> Result<ModelConfig> {
    let base = resolve_model(name)?;
    if base.architecture != Architecture::GgufLlm || base.stance.is_none() {
        return Err(BriefError::Usage(format!(
            "--backbone '{}' cannot be probed: a probe reads a GGUF chat model with a [stance] \
             prompt (e.g. qwen2.5-coder-1.5b-instruct)",
            base.name
        )));
    }
    Ok(base)
}

/// Reads `--data` and `--dev` (refusing shared texts) and takes the seeded samples
/// `--max-train` (per --data file, so a small file beside a large one is kept whole) and
/// `--max-dev` ask for.
fn load_examples(opts: &TrainOptions) -> Result<(Vec<Example>, Vec<Example>)> {
    let read = |paths: &[PathBuf]| -> Result<Vec<Example>> {
        let (ex, bad) = dataset::load(paths)?;
        match bad.first() {
            Some(b) => Err(BriefError::Usage(format!(
                "{}:{}: {} ({} malformed line(s); fix them first)",
                b.file,
                b.line,
                b.error,
                bad.len()
            ))),
            None => Ok(ex),
        }
    };
    let seed = opts.fit.seed;
    let mut train = Vec::new();
    for path in &opts.data {
        train.extend(sample(
            read(std::slice::from_ref(path))?,
            opts.probe.max_train,
            seed,
        ));
    }
    let mut dev = Vec::new();
    for path in &opts.dev {
        dev.extend(sample(
            read(std::slice::from_ref(path))?,
            opts.probe.max_dev,
            seed ^ 0x5eed,
        ));
    }
    refuse_dev_overlap(&train, &dev)?;
    Ok((train, dev))
}

/// At most `max` of `examples`, chosen with `seed`, in their original order.
fn sample(examples: Vec<Example>, max: Option<usize>, seed: u64) -> Vec<Example> {
    let Some(max) = max.filter(|&m| m < examples.len()) else {
        return examples;
    };
    let mut idx: Vec<usize> = (0..examples.len()).collect();
    idx.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    idx.truncate(max);
    idx.sort_unstable();
    let mut keep = vec![false; examples.len()];
    for i in idx {
        keep[i] = true;
    }
    examples
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect()
}

/// The features of both sets: read from `--features` when it holds these very examples,
/// otherwise extracted with the model (and written there).
fn features(
    base: &ModelConfig,
    opts: &TrainOptions,
    (train_ex, dev_ex): (&[Example], &[Example]),
    say: &mut dyn FnMut(&str),
    phase: &mut dyn FnMut(Phase),
) -> Result<(Features, Features)> {
    let key = features_key(base, opts, train_ex, dev_ex);
    if let Some(path) = &opts.probe.features {
        if let Some(both) = super::probe_cache::read(path, &key)? {
            say(&format!("features read from {}", path.display()));
            return Ok(both);
        }
    }
    std::fs::create_dir_all(&opts.out).map_err(|e| BriefError::io(&opts.out, e))?;
    let untrained = opts.out.join(".untrained-probe.toml");
    write_config(&probe_config(base, opts, None)?, &untrained, &opts.command)?;
    let both = extract_both(&untrained, opts, (train_ex, dev_ex), say, phase);
    let _ = std::fs::remove_file(&untrained);
    let both = both?;
    if let Some(path) = &opts.probe.features {
        super::probe_cache::write(path, &key, &both)?;
    }
    Ok(both)
}

/// Loads the untrained probe through the pipeline and reads every example's actors.
fn extract_both(
    untrained: &Path,
    opts: &TrainOptions,
    (train_ex, dev_ex): (&[Example], &[Example]),
    say: &mut dyn FnMut(&str),
    phase: &mut dyn FnMut(Phase),
) -> Result<(Features, Features)> {
    let popts = PipelineOptions {
        classifier: Some(untrained.display().to_string()),
        device: opts.device.clone(),
        offline: opts.offline,
        ..PipelineOptions::default()
    };
    let tasks = Tasks {
        summarize: false,
        stance: true,
    };
    let mut pipeline = Pipeline::load(&popts, tasks, say)?;
    let sink = pipeline
        .record_stance_features()
        .ok_or_else(|| BriefError::Usage("the untrained probe records no features".into()))?;
    let total = train_ex.len() + dev_ex.len();
    let mut done = 0;
    let mut tick = || {
        done += 1;
        phase(Phase::Caching(done, total));
    };
    let (train, skipped_train) = extract(&mut pipeline, &sink, train_ex, &mut tick);
    let (dev, skipped_dev) = extract(&mut pipeline, &sink, dev_ex, &mut tick);
    if skipped_train + skipped_dev > 0 {
        say(&format!(
            "{skipped_train} training and {skipped_dev} dev example(s) skipped (no target, or \
             no labelled actor named in the text)"
        ));
    }
    Ok((train, dev))
}

/// Runs the pipeline's stance step on each example with its gold actors and target given,
/// and pairs the recorded states with the gold labels. Returns them and how many examples
/// gave nothing.
fn extract(
    pipeline: &mut Pipeline,
    sink: &FeatureSink,
    examples: &[Example],
    tick: &mut dyn FnMut(),
) -> (Features, usize) {
    let (mut out, mut skipped) = (Features::default(), 0);
    for ex in examples {
        let before = out.rows.len();
        let article = Article::from_text(&ex.id, &ex.article_text());
        let gold = ex.actors.clone().unwrap_or_default();
        let given = Given {
            actors: named_actors(&article, &gold),
            target: ex.target.clone().or_else(|| ex.issue.clone()),
        };
        if given.target.is_some() && !given.actors.is_empty() {
            sink.lock().unwrap_or_else(|p| p.into_inner()).clear();
            let ran = pipeline.run_tasks(
                &article,
                Tasks {
                    summarize: false,
                    stance: true,
                },
                &given,
                &mut |_| {},
                &mut |_| {},
            );
            if ran.is_ok() {
                for (actor, f) in sink.lock().unwrap_or_else(|p| p.into_inner()).drain(..) {
                    if let Some(g) = gold.iter().find(|g| g.name == actor) {
                        out.rows.push(f);
                        out.labels.push(label_index(g.stance));
                    }
                }
            }
        }
        skipped += usize::from(out.rows.len() == before);
        tick();
    }
    (out, skipped)
}

/// The `--actor` specs of the gold actors the text names (an actor it never names has no
/// evidence, and would fail the whole example).
fn named_actors(article: &Article, gold: &[dataset::GoldActor]) -> Vec<String> {
    gold.iter()
        .map(|g| {
            if g.aliases.is_empty() {
                g.name.clone()
            } else {
                format!("{}={}", g.name, g.aliases.join(","))
            }
        })
        .filter(|spec| {
            crate::tasks::actors::manual_actors(article, std::slice::from_ref(spec)).is_ok()
        })
        .collect()
}

/// What the features depend on: the model, the prompt, the depths and the examples.
fn features_key(
    base: &ModelConfig,
    opts: &TrainOptions,
    train: &[Example],
    dev: &[Example],
) -> String {
    let st = base
        .stance
        .as_ref()
        .map(|s| s.user.as_str())
        .unwrap_or_default();
    let ids = |ex: &[Example]| {
        ex.iter()
            .map(|e| e.id.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    super::text_hash(&format!(
        "{}|{:?}|{}|{:?}|{}|{}",
        base.name,
        base.weights
            .files
            .iter()
            .map(|f| &f.sha256)
            .collect::<Vec<_>>(),
        st,
        (&opts.probe.questions, &opts.probe.depths),
        ids(train),
        ids(dev)
    ))
}

/// The probe's config: the chat model's (same weights, prompts and template, so a pipeline
/// loads the model once) with `[stance] mode = "probe"`; `head_sha256` None for the untrained
/// config features are recorded with.
fn probe_config(
    base: &ModelConfig,
    opts: &TrainOptions,
    head_sha256: Option<String>,
) -> Result<ModelConfig> {
    let mut st = base
        .stance
        .clone()
        .ok_or_else(|| BriefError::Usage("no [stance]".into()))?;
    st.mode = StanceMode::Probe;
    let questions = if opts.probe.questions.is_empty() {
        vec![st.support_question.clone(), st.oppose_question.clone()]
    } else {
        // Questions of one's own ask for a position, not a yes or a no.
        st.user = st
            .user
            .replace("{{ question }} Answer yes or no.", "{{ question }}");
        opts.probe.questions.clone()
    };
    st.bias = LabelBias::default();
    st.min_confidence = 0.0;
    let trained = head_sha256.is_some();
    st.probe = Some(ProbeConfig {
        questions,
        depths: opts.probe.depths.clone(),
        head: trained.then(|| PathBuf::from("head.safetensors")),
        head_sha256,
        training_report: trained.then(|| PathBuf::from("training.json")),
    });
    let mut cfg = base.clone();
    cfg.name = output_name(opts);
    cfg.tasks = vec![Task::Stance];
    cfg.origin = None;
    cfg.stance = Some(st);
    Ok(cfg)
}

/// Writes a config with a comment naming the command that made it.
fn write_config(cfg: &ModelConfig, path: &Path, command: &str) -> Result<()> {
    let text = toml::to_string_pretty(cfg)
        .map_err(|e| BriefError::Usage(format!("writing {}: {e}", path.display())))?;
    std::fs::write(path, format!("# Written by `{command}`.\n{text}"))
        .map_err(|e| BriefError::io(path, e))
}

/// Writes head.safetensors, training.json and brief.toml (with the dev-fitted label bias).
fn save_probe(
    base: &ModelConfig,
    opts: &TrainOptions,
    head: &ProbeHead,
    report: &TrainingReport,
) -> Result<()> {
    std::fs::create_dir_all(&opts.out).map_err(|e| BriefError::io(&opts.out, e))?;
    let head_path = opts.out.join("head.safetensors");
    head.save(&head_path)?;
    report.save(&opts.out.join("training.json"))?;
    let mut cfg = probe_config(base, opts, Some(sha256_file(&head_path)?))?;
    let best = report.epochs.iter().find(|e| e.epoch == report.best_epoch);
    cfg.description = format!(
        "Stance probe trained by `brief train stance` on {} ({} actors) over {}'s states; dev \
         macro-F1 {:.3} (epoch {}), {:.3} with the label bias fitted on dev. See training.json.",
        report.data.join(", "),
        report.train_items,
        base.name,
        best.map_or(0.0, |e| e.dev_macro_f1),
        report.best_epoch,
        report.dev_macro_f1_biased.unwrap_or_default()
    );
    if let (Some(st), Some(b)) = (cfg.stance.as_mut(), report.label_bias) {
        st.bias = LabelBias {
            favor: b[0],
            against: b[1],
            neutral: b[2],
        };
    }
    write_config(&cfg, &opts.out.join("brief.toml"), &report.command)
}

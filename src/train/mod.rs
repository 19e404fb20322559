//! `brief train stance`: learns a stance classifier from labelled examples on an encoder
//! backbone and writes a folder `--classifier` and `brief eval` can use at once: the trained
//! weights (`head.safetensors`, f16), `brief.toml` and `training.json`.
//!
//! The backbone's lower layers are frozen and run once over every sentence (cached); the top
//! `trained_layers` start from the backbone's and are fine-tuned with the head. Everything
//! random comes from one seeded ChaCha8 stream, so `--seed` reproduces the artifact.

pub mod actor_cache;
pub mod actor_probe;
mod cache;
pub mod data;
pub mod distill;
pub mod fit;
pub mod keyed_file;
mod logistic;
pub mod probe;
mod probe_cache;
mod probe_fit;
pub mod report;

pub use fit::FitSettings;
pub use report::{text_hash, TrainingReport};

use crate::backends::encoder::{load_backbone, EncoderStanceModel, Trained};
use crate::config::{resolve_model, Architecture, EncoderConfig, ModelConfig};
use crate::error::{BriefError, Result};
use crate::fetch::{ensure_model, sha256_file, FetchOptions};
use crate::runtime::device::select_device;
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{VarBuilder, VarMap};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::PathBuf;
use std::time::Instant;

/// Everything `brief train stance` takes.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub data: Vec<PathBuf>,
    /// Dev files (the epoch is chosen on them together).
    pub dev: Vec<PathBuf>,
    /// Backbone config name or path (an `encoder-classifier` without a head).
    pub backbone: String,
    pub out: PathBuf,
    /// Config name of the trained classifier (default: the output folder's name).
    pub name: Option<String>,
    pub trained_layers: usize,
    /// Train rank-R LoRA adapters on the top layers instead of whole copies of them.
    pub lora_rank: Option<usize>,
    pub hidden: usize,
    pub max_length: usize,
    pub fit: FitSettings,
    pub device: String,
    pub offline: bool,
    /// The command line, recorded in the report.
    pub command: String,
    /// Settings of a probe (used when the backbone is a chat model).
    pub probe: probe::ProbeOptions,
    /// Learn from a trained teacher's probabilities too (`--teacher`).
    pub distill: Option<distill::Distill>,
}

/// Where the phases stand, for a progress display.
pub enum Phase {
    /// Sentences run through the frozen layers so far, of the total.
    Caching(usize, usize),
    /// Sentences the teacher has labelled so far (`--teacher`), of the total.
    Teacher(usize, usize),
    /// (step, steps, last batch loss, last dev macro-F1).
    Training(usize, usize, f64, Option<f64>),
    /// An epoch ended.
    Epoch(report::EpochStats),
}

/// What training leaves: the report, and the classifier in memory (exactly the saved one).
pub struct TrainOutcome {
    pub report: TrainingReport,
    pub model: EncoderStanceModel,
}

/// How many bottom layers stay frozen (and are cached) when the top `trained` are adapted.
fn frozen_layers(n_layers: usize, trained: usize) -> Result<usize> {
    n_layers.checked_sub(trained).ok_or_else(|| {
        BriefError::Usage(format!(
            "--trained-layers {trained} but the backbone has {n_layers} layers"
        ))
    })
}

/// The trainable part (adapted layers and head), its variables initialized in `vm`.
fn new_trained(
    vm: &VarMap,
    bert: &crate::backends::encoder::bert::Bert,
    opts: &TrainOptions,
    device: &Device,
) -> Result<Trained> {
    init_vars(vm, bert, opts, device)?;
    let vb = VarBuilder::from_varmap(vm, DType::F32, device);
    Ok(Trained::load(
        bert,
        opts.trained_layers,
        opts.hidden,
        opts.lora_rank,
        vb,
    )?)
}

/// Trains, writes `out/`, and returns the report and the model.
pub fn train_stance(
    opts: &TrainOptions,
    say: &mut dyn FnMut(&str),
    phase: &mut dyn FnMut(Phase),
) -> Result<TrainOutcome> {
    let t0 = Instant::now();
    if let Some(problem) = opts.distill.as_ref().and_then(distill::Distill::problem) {
        return Err(BriefError::Usage(problem));
    }
    let device = select_device(&opts.device)?;
    let base = backbone_config(opts)?;
    // The data is checked before anything is downloaded or loaded.
    let (examples, items, dev_items) =
        load_train_and_dev(opts, base.encoder_settings().max_evidence)?;
    let files = ensure_model(&base, &FetchOptions::new(opts.offline), say)?;
    let backbone = load_backbone(&base, &files, &device)?;
    let frozen = frozen_layers(backbone.bert.layers.len(), opts.trained_layers)?;
    say(&format!(
        "{} training sentences, {} dev sentences; caching {frozen} frozen layer(s)",
        items.len(),
        dev_items.len()
    ));
    let t_cache = Instant::now();
    let (train, dev) = cache_and_teach(
        opts,
        (&backbone, frozen),
        (&items, &dev_items),
        &device,
        say,
        phase,
    )?;
    let cache_seconds = t_cache.elapsed().as_secs_f64();
    say(&format!(
        "frozen layers cached in {cache_seconds:.0} s; training"
    ));

    let vm = VarMap::new();
    let trained = new_trained(&vm, &backbone.bert, opts, &device)?;
    let (epochs, best_epoch) = fit::fit(&trained, &vm, &train, &dev, &opts.fit, &device, phase)?;
    let (label_bias, dev_biased) =
        fit::fit_label_bias(&fit::probabilities(&trained, &dev, &device)?, &dev.labels);
    say(&format!(
        "label bias fitted on dev: favor {:+.1}, against {:+.1} (dev macro-F1 {dev_biased:.3})",
        label_bias[0], label_bias[1]
    ));
    let labels: Vec<usize> = items.iter().map(|i| i.label).collect();
    let label_counts = [0, 1, 2].map(|k| labels.iter().filter(|&&l| l == k).count());
    let report = TrainingReport {
        command: opts.command.clone(),
        backbone: base.name.clone(),
        seed: opts.fit.seed,
        data: opts.data.iter().map(|p| p.display().to_string()).collect(),
        dev: join_paths(&opts.dev),
        train_items: items.len(),
        dev_items: dev_items.len(),
        label_counts,
        class_weights: fit::class_weights(&labels, opts.fit.class_weight_power),
        epochs,
        best_epoch,
        label_bias: Some(label_bias),
        dev_macro_f1_biased: Some(dev_biased),
        cache_seconds,
        total_seconds: t0.elapsed().as_secs_f64(),
        distill: opts.distill.clone(),
        train_ids: examples.iter().map(|e| e.id.clone()).collect(),
        train_text_hashes: examples.iter().map(|e| text_hash(&e.text)).collect(),
    };
    save(&vm, &base, opts, &report)?;
    Ok(TrainOutcome {
        report,
        model: EncoderStanceModel {
            backbone: backbone.bert,
            trained,
            encoder: backbone.encoder,
            device,
        },
    })
}

/// The frozen layers' states of the training and dev items, and with `--teacher` the
/// teacher's probabilities for the training items.
fn cache_and_teach(
    opts: &TrainOptions,
    (backbone, frozen): (&crate::backends::encoder::Backbone, usize),
    (items, dev_items): (&[data::Item], &[data::Item]),
    device: &Device,
    say: &mut dyn FnMut(&str),
    phase: &mut dyn FnMut(Phase),
) -> Result<(cache::Cached, cache::Cached)> {
    let (mut train, dev) = cache_both(backbone, frozen, (items, dev_items), device, phase)?;
    // A teacher with no share of the loss would be run for nothing (~19 min for MPNet on DSA).
    if let Some(d) = opts.distill.as_ref().filter(|d| d.weight > 0.0) {
        train.teacher = Some(label_by_teacher(
            d,
            items,
            opts.offline,
            device,
            say,
            phase,
        )?);
    }
    Ok((train, dev))
}

/// The teacher's probabilities for the training items, with progress.
fn label_by_teacher(
    d: &distill::Distill,
    items: &[data::Item],
    offline: bool,
    device: &Device,
    say: &mut dyn FnMut(&str),
    phase: &mut dyn FnMut(Phase),
) -> Result<distill::SoftTargets> {
    say(&format!(
        "labelling {} training items with the teacher {} (weight {}, temperature {})",
        items.len(),
        d.teacher,
        d.weight,
        d.temperature
    ));
    let (mut done, total) = (0, distinct_sentences(items));
    let mut tick = |n: usize| {
        done += n;
        phase(Phase::Teacher(done, total));
    };
    distill::teacher_targets(d, items, offline, device, say, &mut tick)
}

/// The `--backbone` config, which must be an encoder, with `--max-length` applied.
fn backbone_config(opts: &TrainOptions) -> Result<ModelConfig> {
    let mut base = resolve_model(&opts.backbone)?;
    if base.architecture != Architecture::EncoderClassifier {
        return Err(BriefError::Usage(format!(
            "--backbone '{}' is a {} model; brief trains on encoder-classifier backbones \
             (e.g. all-minilm-l6-v2) and probes GGUF chat models (e.g. qwen2.5-coder-1.5b-instruct)",
            base.name,
            base.architecture.as_str()
        )));
    }
    base.encoder = Some(EncoderConfig {
        max_length: opts.max_length,
        ..base.encoder_settings()
    });
    Ok(base)
}

/// Training and dev examples as items, refusing a dev set that shares texts with the
/// training data (choosing the epoch on it would overfit).
fn load_train_and_dev(
    opts: &TrainOptions,
    max_evidence: usize,
) -> Result<(
    Vec<crate::eval::dataset::Example>,
    Vec<data::Item>,
    Vec<data::Item>,
)> {
    let (examples, items) = data::load_items(&opts.data, max_evidence)?;
    let (dev_examples, dev_items) = data::load_items(&opts.dev, max_evidence)?;
    refuse_dev_overlap(&examples, &dev_examples)?;
    Ok((examples, items, dev_items))
}

/// Fails when `--dev` shares a text with `--data`.
fn refuse_dev_overlap(
    examples: &[crate::eval::dataset::Example],
    dev_examples: &[crate::eval::dataset::Example],
) -> Result<()> {
    let seen: std::collections::HashSet<String> =
        examples.iter().map(|e| text_hash(&e.text)).collect();
    let shared = dev_examples
        .iter()
        .filter(|e| seen.contains(&text_hash(&e.text)))
        .count();
    if shared > 0 {
        return Err(BriefError::Usage(format!(
            "--dev shares {shared} text(s) with --data; choosing the epoch on training data \
             would overfit unseen (split by text, as scripts/dsa_train_data does)"
        )));
    }
    Ok(())
}

/// File names for the report, comma-separated.
fn join_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The trained classifier's config name: `--name`, or the output folder's name.
fn output_name(opts: &TrainOptions) -> String {
    opts.name.clone().unwrap_or_else(|| {
        opts.out
            .file_name()
            .map(|n| n.to_string_lossy().replace(char::is_whitespace, "-"))
            .unwrap_or_else(|| "trained-stance".into())
    })
}

/// Runs the frozen layers once over the training and the dev items, reporting progress.
fn cache_both(
    backbone: &crate::backends::encoder::Backbone,
    frozen: usize,
    (items, dev_items): (&[data::Item], &[data::Item]),
    device: &Device,
    phase: &mut dyn FnMut(Phase),
) -> Result<(cache::Cached, cache::Cached)> {
    // The frozen layers run once per distinct sentence (an article's or a reversed pair's
    // items share one), which is what the progress counts.
    let total = distinct_sentences(items) + distinct_sentences(dev_items);
    let mut done = 0;
    let mut tick = |n: usize| {
        done += n;
        phase(Phase::Caching(done, total));
    };
    let mut build = |these: &[data::Item]| {
        cache::build(
            &backbone.bert,
            &backbone.encoder,
            frozen,
            these,
            device,
            &mut tick,
        )
    };
    Ok((build(items)?, build(dev_items)?))
}

/// How many distinct sentences `items` have.
fn distinct_sentences(items: &[data::Item]) -> usize {
    items
        .iter()
        .map(|i| i.text.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len()
}

/// The trainable tensors: copies of the backbone's top layers, and a seeded head (uniform
/// ±1/√fan_in, PyTorch's default for linear layers).
fn init_vars(
    vm: &VarMap,
    bert: &crate::backends::encoder::bert::Bert,
    opts: &TrainOptions,
    device: &Device,
) -> Result<()> {
    let mut data = vm
        .data()
        .lock()
        .map_err(|_| BriefError::Usage("training state lock poisoned".into()))?;
    let first = bert.layers.len() - opts.trained_layers;
    let mut rng = ChaCha8Rng::seed_from_u64(opts.fit.seed ^ 0x9e37_79b9_7f4a_7c15);
    for (j, layer) in bert.layers[first..].iter().enumerate() {
        let Some(rank) = opts.lora_rank else {
            for (name, t) in layer.named_tensors() {
                data.insert(format!("layers.{j}.{name}"), Var::from_tensor(&t.copy()?)?);
            }
            continue;
        };
        // LoRA: A seeded like a linear layer, B zero, so training starts from the backbone.
        for (name, (inp, out)) in crate::backends::encoder::bert::Layer::projections(&bert.config) {
            let bound = 1.0 / (inp as f32).sqrt();
            let a: Vec<f32> = (0..rank * inp)
                .map(|_| rng.random_range(-bound..bound))
                .collect();
            let at = format!("layers.{j}.lora.{name}");
            data.insert(
                format!("{at}.a"),
                Var::from_tensor(&Tensor::from_vec(a, (rank, inp), device)?)?,
            );
            data.insert(
                format!("{at}.b"),
                Var::from_tensor(&Tensor::zeros((out, rank), DType::F32, device)?)?,
            );
        }
    }
    let h = bert.config.hidden_size;
    let mut uniform = |shape: &[usize], fan_in: usize| -> Result<Var> {
        let bound = 1.0 / (fan_in as f32).sqrt();
        let n: usize = shape.iter().product();
        let v: Vec<f32> = (0..n).map(|_| rng.random_range(-bound..bound)).collect();
        Ok(Var::from_tensor(&Tensor::from_vec(v, shape, device)?)?)
    };
    let (fi, hid) = (4 * h, opts.hidden);
    data.insert("head.dense.weight".into(), uniform(&[hid, fi], fi)?);
    data.insert("head.dense.bias".into(), uniform(&[hid], fi)?);
    data.insert("head.out.weight".into(), uniform(&[3, hid], hid)?);
    data.insert("head.out.bias".into(), uniform(&[3], hid)?);
    Ok(())
}

/// Rounds the trained tensors to f16 (what is stored, so the model in memory and the one read
/// back agree exactly) and writes head.safetensors, brief.toml and training.json.
fn save(
    vm: &VarMap,
    base: &ModelConfig,
    opts: &TrainOptions,
    report: &TrainingReport,
) -> Result<()> {
    std::fs::create_dir_all(&opts.out).map_err(|e| BriefError::io(&opts.out, e))?;
    let mut tensors = std::collections::HashMap::new();
    {
        let data = vm
            .data()
            .lock()
            .map_err(|_| BriefError::Usage("training state lock poisoned".into()))?;
        for (k, var) in data.iter() {
            let half = var.as_tensor().to_dtype(DType::F16)?;
            var.set(&half.to_dtype(DType::F32)?)?;
            tensors.insert(k.clone(), half);
        }
    }
    let head = opts.out.join("head.safetensors");
    candle_core::safetensors::save(&tensors, &head)?;
    let report_path = opts.out.join("training.json");
    report.save(&report_path)?;
    let name = output_name(opts);
    let best = report.epochs.iter().find(|e| e.epoch == report.best_epoch);
    let mut cfg = base.clone();
    cfg.name = name;
    cfg.description = format!(
        "Stance classifier trained by `brief train stance` on {} ({} sentences) over the {} \
         backbone{}; dev macro-F1 {:.3} (epoch {}), {:.3} with the label bias fitted on dev. \
         See training.json.",
        report.data.join(", "),
        report.train_items,
        base.name,
        report
            .distill
            .as_ref()
            .map_or(String::new(), |d| format!(", distilled from {}", d.teacher)),
        best.map_or(0.0, |e| e.dev_macro_f1),
        report.best_epoch,
        report.dev_macro_f1_biased.unwrap_or_default()
    );
    cfg.origin = None;
    cfg.encoder = Some(EncoderConfig {
        head: Some(PathBuf::from("head.safetensors")),
        head_sha256: Some(sha256_file(&head)?),
        trained_layers: opts.trained_layers,
        lora_rank: opts.lora_rank,
        hidden: opts.hidden,
        max_length: opts.max_length,
        training_report: Some(PathBuf::from("training.json")),
        label_bias: report.label_bias,
        ..base.encoder_settings()
    });
    let text = toml::to_string_pretty(&cfg)
        .map_err(|e| BriefError::Usage(format!("writing brief.toml: {e}")))?;
    let path = opts.out.join("brief.toml");
    std::fs::write(&path, format!("# Written by `{}`.\n{text}", report.command))
        .map_err(|e| BriefError::io(&path, e))
}

//! `brief train`'s definitions: what can be trained and each trainer's options. Apart from
//! the other commands because their options are many and shared with nothing else.

use clap::{Args, Subcommand};
use std::path::PathBuf;

/// What `brief train` can train: the stance classifier and the actor check.
#[derive(Debug, Subcommand)]
pub enum TrainCommand {
    /// Train a stance classifier from labelled JSONL (the eval format: classifier-only
    /// sentences, or whole articles whose gold actors' evidence sentences are found as the
    /// pipeline finds them). On an encoder backbone the lower layers stay frozen and are run
    /// once; its top layers and a head are trained. On a GGUF chat model (e.g.
    /// qwen2.5-coder-1.5b-instruct) a linear probe is trained on the model's states at the
    /// end of its stance prompt (--probe-depths, --probe-question, --l2, --features). The best
    /// epoch on --dev is kept. Writes OUT/head.safetensors, OUT/brief.toml (use it with
    /// --classifier) and OUT/training.json (loss curve, dev figures, training-data
    /// fingerprints for the eval overlap check). Deterministic for a given --seed and thread
    /// count.
    ///
    /// Example (the shipped models/minilm-dsa-stance, see the README):
    ///   scripts/dsa_train_data train.txt valid.txt data/dsa
    ///   brief train stance --data data/dsa/train.jsonl --dev data/dsa/dev.jsonl \
    ///     --backbone all-minilm-l6-v2 --out models/minilm-dsa-stance --name minilm-dsa-stance \
    ///     --trained-layers 3 --lora-rank 16 --epochs 2 --patience 1 --lr 5e-4 --head-lr 5e-4 \
    ///     --seed 11 --threads 1
    #[command(verbatim_doc_comment)]
    Stance(TrainStanceArgs),
    /// Train the actor check: a logistic probe on a chat model's states that keeps the actor
    /// finder's candidates that act in the article. Each --data article with gold actors is
    /// run through the finder; every candidate, labelled by whether it matches a gold actor,
    /// is asked "does it act or take a position?" and the model's states at the end of the
    /// question are read (one forward pass, the article's prefix shared). The threshold is
    /// chosen by leave-one-article-out cross-validation: the highest keeping --min-recall of
    /// the acting candidates. Speakers, governments and blocs are kept without asking.
    /// Writes OUT/brief.toml (name it as `actor_check` in a defaults file, see
    /// models/default.toml), OUT/head.safetensors and OUT/training.json. Deterministic.
    ///
    /// Example (the shipped models/qwen2.5-coder-1.5b-actors, see the README):
    ///   brief train actors --data evals/frank-actors/tune.jsonl evals/frank-actors/tune2.jsonl \
    ///     --out models/qwen2.5-coder-1.5b-actors
    #[command(verbatim_doc_comment)]
    Actors(TrainActorsArgs),
}

/// Options of `brief train actors`.
#[derive(Debug, Args)]
pub struct TrainActorsArgs {
    /// Labelled articles (JSONL, the eval format with `actors`); never the files you evaluate on.
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub data: Vec<PathBuf>,
    /// The chat model whose states are read (a GGUF config).
    #[arg(
        long,
        default_value = "qwen2.5-coder-1.5b-instruct",
        value_name = "NAME|FILE"
    )]
    pub backbone: String,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Config name of the result (default: the output folder's name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Layers whose states are read, 1-based, comma-separated (0 = the last).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "18,0",
        value_name = "N,N"
    )]
    pub depths: Vec<usize>,
    /// Weight of the L2 penalty (½‖w‖²) against the mean loss: thousands of features and a
    /// few hundred candidates need a strong one.
    #[arg(long, default_value_t = 6.0)]
    pub l2: f64,
    /// Least share of the acting candidates the chosen threshold must keep, held out.
    #[arg(long, default_value_t = 0.97)]
    pub min_recall: f64,
    /// The question asked about each candidate after the article (minijinja: actor, aliases,
    /// and sentences — up to three that name it, acting ones first). Default: whether it is a
    /// participant in the story (its actions, decisions or statements reported) rather than
    /// only named in passing.
    #[arg(long, value_name = "TEXT")]
    pub question: Option<String>,
    /// Keep the extracted states in FILE and reuse them while the backbone, question, depths,
    /// articles and candidates are the same: refitting with another --l2 or --min-recall then
    /// takes seconds instead of a forward pass per candidate.
    #[arg(long, value_name = "FILE")]
    pub features: Option<PathBuf>,
}

/// Options of `brief train stance`.
#[derive(Debug, Args)]
pub struct TrainStanceArgs {
    /// Training files (JSONL, the eval format); never the files you evaluate on.
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub data: Vec<PathBuf>,
    /// Dev files for choosing the epoch (JSONL); kept apart from --data.
    #[arg(long, required = true, num_args = 1.., value_name = "FILE")]
    pub dev: Vec<PathBuf>,
    /// Backbone: an encoder-classifier config without a head (BERT or MPNet: all-minilm-l6-v2,
    /// all-mpnet-base-v2), or a GGUF chat model to probe.
    #[arg(long, default_value = "all-minilm-l6-v2", value_name = "NAME|FILE")]
    pub backbone: String,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Config name of the trained classifier (default: the output folder's name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Seed of every random choice (head init, shuffling, target dropout).
    #[arg(long, default_value_t = 11)]
    pub seed: u64,
    /// Most passes over the data.
    #[arg(long, default_value_t = 4)]
    pub epochs: usize,
    /// Sentences per step.
    #[arg(long, default_value_t = 32)]
    pub batch_size: usize,
    /// Peak learning rate of the trained backbone layers.
    #[arg(long, default_value_t = 5e-5)]
    pub lr: f64,
    /// Peak learning rate of the head.
    #[arg(long, default_value_t = 1e-3)]
    pub head_lr: f64,
    /// Top backbone layers to fine-tune (0 = head only); the rest stay frozen.
    #[arg(long, default_value_t = 1)]
    pub trained_layers: usize,
    /// Train rank-R LoRA adapters on those top layers (their weights stay the backbone's)
    /// instead of whole copies: a far smaller file (e.g. 3 layers: ~0.3 MB of adapters
    /// instead of ~11 MB), for a model small enough to commit.
    #[arg(long, value_name = "R")]
    pub lora_rank: Option<usize>,
    /// Width of the head's hidden layer.
    #[arg(long, default_value_t = 256)]
    pub hidden: usize,
    /// Most tokens per sentence.
    #[arg(long, default_value_t = 128)]
    pub max_length: usize,
    /// Label c weighs (N / (3 n_c))^X in the loss: 0 = unweighted, 1 = balanced.
    #[arg(long, default_value_t = 0.5)]
    pub class_weight_power: f32,
    /// Share of examples whose in-sentence target mention is hidden each epoch, so the
    /// model also works when the target is an issue the sentence does not name.
    #[arg(long, default_value_t = 0.3)]
    pub target_dropout: f32,
    /// Stop after N epochs without a better dev macro-F1.
    #[arg(long, default_value_t = 2)]
    pub patience: usize,
    /// Probe only: a question ending the stance prompt, whose last token's states the head
    /// reads (minijinja: actor, target); repeat for several. Default: the chat model's own
    /// support and opposition questions, so the probe sees what its scored answers come from.
    #[arg(long, value_name = "TEXT")]
    pub probe_question: Vec<String>,
    /// Probe only: layers whose states are read, 1-based, comma-separated (0 = the last).
    #[arg(long, value_delimiter = ',', value_name = "N,N")]
    pub probe_depths: Option<Vec<usize>>,
    /// Train on a seeded sample of at most N examples of each --data file (a probe pays a chat-model
    /// forward pass per actor: ~0.5 s on 2 cores).
    #[arg(long, value_name = "N")]
    pub max_train: Option<usize>,
    /// Choose the epoch on a seeded sample of at most N examples of each --dev file.
    #[arg(long, value_name = "N")]
    pub max_dev: Option<usize>,
    /// Probe only: keep the extracted features in FILE and reuse them when the model, prompt,
    /// depths and examples are the same (refitting the head then takes seconds).
    #[arg(long, value_name = "FILE")]
    pub features: Option<PathBuf>,
    /// Probe only: weight of the L2 penalty on the head.
    #[arg(long, default_value_t = 0.01)]
    pub l2: f64,
    /// Distil a classifier brief trained before (name or brief.toml, e.g. mpnet-dsa-stance):
    /// it labels every training sentence with its probabilities, and the model learns from
    /// them beside the gold labels (Hinton et al., 2015) — a larger teacher's accuracy at the
    /// student's cost. Encoder backbones only.
    #[arg(long, value_name = "NAME|FILE")]
    pub teacher: Option<String>,
    /// With --teacher: the teacher's share of the loss, 0 to 1 (the rest is the gold labels').
    #[arg(long, default_value_t = 0.5, requires = "teacher")]
    pub distill_weight: f32,
    /// With --teacher: both models' logits are divided by T in the soft loss (above 1 brings
    /// out the teacher's near misses).
    #[arg(long, default_value_t = 2.0, requires = "teacher")]
    pub distill_temperature: f32,
}

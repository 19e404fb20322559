//! Command-line definitions (clap). Each command's help says what it does and shows an example.

mod train;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
pub use train::{TrainActorsArgs, TrainCommand, TrainStanceArgs};

/// brief — short faithful summaries of news articles, and each actor's stance toward the
/// article's central issue, by open models run locally.
///
/// Models are downloaded on first use (Hugging Face Hub, or a package-registry mirror) into the
/// standard Hugging Face cache, then everything runs offline on this machine.
///
/// Examples:
///   brief run article.txt
///   brief stance article.txt --target "the coup" --actor "ECOWAS=Economic Community of West African States"
///   cat article.txt | brief summarize - --format json
///   brief models list
///   brief train stance --data train.jsonl --dev dev.jsonl --out my-classifier
#[derive(Debug, Parser)]
#[command(name = "brief", version, about, long_about, verbatim_doc_comment)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// A defaults file (like models/default.toml) naming the summarizer and classifier.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Summarizer: a config name from `brief models list`, or a path to a .toml config.
    #[arg(long, global = true, value_name = "NAME|FILE")]
    pub summarizer: Option<String>,
    /// Stance classifier: a config name or a path to a .toml config.
    #[arg(long, global = true, value_name = "NAME|FILE")]
    pub classifier: Option<String>,
    /// Where models run: auto, cpu, cuda, cuda:N or metal (GPU ones need a GPU build).
    #[arg(long, global = true, default_value = "auto", value_name = "DEVICE")]
    pub device: String,
    /// CPU threads for model math (default: all cores).
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    /// Never use the network: models must already be cached (same as HF_HUB_OFFLINE=1).
    #[arg(long, global = true)]
    pub offline: bool,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print no notices on stderr (errors still are).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Encode every prompt from scratch instead of reusing the cached prefix (for benchmarks).
    #[arg(long, global = true)]
    pub no_prefix_cache: bool,
    /// Check each summary sentence against the article: `repair` rewrites an unsupported
    /// sentence once from the sentences it cites and drops it if still unsupported (listed in
    /// the report); `flag` only marks it; `off` skips the check. Default: models/default.toml
    /// (repair).
    #[arg(long, global = true, value_enum, value_name = "MODE")]
    pub faithfulness: Option<brief::config::FaithfulnessMode>,
    /// Summary length: short (about 1 sentence), medium (2–3), long (4–6). Default:
    /// models/default.toml (medium).
    #[arg(long, global = true, value_enum, value_name = "LENGTH")]
    pub length: Option<brief::config::SummaryLength>,
    #[command(flatten)]
    pub generation: GenerationArgs,
}

/// Overrides of the model config's generation settings.
#[derive(Debug, Args)]
pub struct GenerationArgs {
    /// Most tokens to generate per answer.
    #[arg(long, global = true, value_name = "N")]
    pub max_new_tokens: Option<usize>,
    /// Sampling temperature; 0 is greedy (deterministic), the default.
    #[arg(long, global = true, value_name = "T")]
    pub temperature: Option<f64>,
    /// Nucleus sampling: keep the smallest set of tokens whose probability reaches P.
    #[arg(long, global = true, value_name = "P")]
    pub top_p: Option<f64>,
    /// Sample only among the K most likely tokens.
    #[arg(long, global = true, value_name = "K")]
    pub top_k: Option<usize>,
    /// Penalty for repeating recent tokens (1.0 = off).
    #[arg(long, global = true, value_name = "X")]
    pub repeat_penalty: Option<f32>,
    /// Seed for sampling, so sampled runs can be repeated.
    #[arg(long, global = true, value_name = "N")]
    pub seed: Option<u64>,
    /// Beam search with N beams (1 = off); deterministic, like transformers' generate().
    #[arg(long, global = true, value_name = "N")]
    pub num_beams: Option<usize>,
    /// Beam search: finished beams score sum(log p) / length^X; X > 0 favours longer outputs.
    #[arg(long, global = true, value_name = "X", allow_negative_numbers = true)]
    pub length_penalty: Option<f32>,
    /// Never repeat an n-gram of N tokens (0 = off).
    #[arg(long, global = true, value_name = "N")]
    pub no_repeat_ngram_size: Option<usize>,
    /// Generate at least N tokens before the model may stop.
    #[arg(long, global = true, value_name = "N")]
    pub min_new_tokens: Option<usize>,
}

/// What stance is about, and who holds it.
#[derive(Debug, Args, Clone)]
pub struct StanceArgs {
    /// What stance is toward (default: derived from the headline and opening, and printed).
    #[arg(long, value_name = "TEXT")]
    pub target: Option<String>,
    /// Fix the actors by hand: NAME or NAME=alias1,alias2 (repeatable). Each must occur.
    #[arg(long = "actor", value_name = "NAME[=ALIASES]")]
    pub actors: Vec<String>,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text.
    Text,
    /// One JSON object (see the README for the schema).
    Json,
    /// Markdown tables (`eval`; other commands print text).
    Markdown,
    /// One self-contained HTML page (run, summarize, stance, eval): the article with each
    /// actor's evidence highlighted. Works offline: `brief run a.txt --format html > a.html`.
    Html,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The main job: summary, the target, and each actor's stance with evidence. ARTICLE is
    /// a UTF-8 text file, or - for stdin; an optional first line followed by a blank line is
    /// the title.
    ///
    /// Example: brief run article.txt --format json
    #[command(verbatim_doc_comment)]
    Run {
        /// The article file, or - to read stdin.
        article: String,
        #[command(flatten)]
        stance: StanceArgs,
    },
    /// Summarize an article: only the summary, each sentence checked against the article and
    /// cited (see --faithfulness and --length).
    ///
    /// Examples:
    ///   brief summarize article.txt --summarizer qwen2.5-coder-0.5b-instruct
    ///   brief summarize article.txt --length short --faithfulness flag --format json
    #[command(verbatim_doc_comment)]
    Summarize {
        /// The article file, or - to read stdin.
        article: String,
    },
    /// Label each actor's stance (favor / against / neutral) toward the article's central
    /// issue, with confidence and the evidence sentences: the stance half of `run`.
    ///
    /// Example: brief stance article.txt --target "US military cooperation with Niger"
    #[command(verbatim_doc_comment)]
    Stance {
        /// The article file, or - to read stdin.
        article: String,
        #[command(flatten)]
        stance: StanceArgs,
    },
    /// Run the pipeline over labelled examples (evals/*.jsonl) and report ROUGE, stance
    /// accuracy / macro-F1 / F_avg (each with its 95% bootstrap interval over examples: a gap
    /// between two runs inside it may be noise), actor precision / recall, cost and the worst
    /// examples.
    /// Checker-only examples (check_summary + consistent) score the summary checker's
    /// balanced accuracy; summary examples also report the share of brief's own summary
    /// sentences the checker supports.
    ///
    /// Examples:
    ///   brief eval evals/
    ///   brief eval evals/frank/checker.jsonl                  (the summary checker on FRANK)
    ///   brief eval evals/dsa-dev.jsonl --classifier qwen2.5-coder-0.5b-instruct --format markdown
    ///   brief eval evals/ --baseline evals/baseline.json     (exit 1 on a regression)
    #[command(verbatim_doc_comment)]
    Eval {
        /// JSONL files or folders of them (default: evals/).
        files: Vec<std::path::PathBuf>,
        /// Evaluate only the first N examples.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Compare with a saved baseline; exit non-zero when a metric falls below it by more
        /// than the baseline's tolerance.
        #[arg(long, value_name = "FILE")]
        baseline: Option<std::path::PathBuf>,
        /// Save this run's metrics as a baseline.
        #[arg(long, value_name = "FILE")]
        save_baseline: Option<std::path::PathBuf>,
        /// Write every gold actor's stance beside brief's label and scores, one JSON object
        /// per line (id, actor, target, gold, predicted, confidence, scores): for reading the
        /// errors, or fitting a classifier's [stance.bias] on a dev set.
        #[arg(long, value_name = "FILE")]
        predictions: Option<std::path::PathBuf>,
        /// Tolerance written by --save-baseline: how far (absolute) a metric may fall below
        /// the baseline before `--baseline` calls it a regression. A number ≥ 0.
        #[arg(long, default_value_t = 0.03, value_name = "X", value_parser = non_negative_number)]
        tolerance: f64,
        /// Score only the deterministic actor finder and the headline target: no model is
        /// loaded (nor the trained actor check), seconds for a dev set (e.g.
        /// evals/frank-actors/tune.jsonl, whose articles trained that check).
        #[arg(long)]
        finder_only: bool,
        /// Score the actors (the finder's candidates through the trained actor check) and the
        /// derived target with the models, but label no stances and write no summaries
        /// (minutes instead of an hour for a dev set).
        #[arg(long, conflicts_with = "finder_only")]
        no_labels: bool,
    },
    /// Serve brief over HTTP with the models loaded once: a web page at / (paste or drop an
    /// article, see the report), and an API. Localhost only unless an API key is set.
    ///
    /// API:
    ///   POST /v1/brief               {"text", "title"?, "target"?, "actors"?, "tasks"?} → report JSON
    ///   POST /v1/brief?format=html   the same as one HTML page
    ///   POST /v1/brief?stream=true   NDJSON progress: started, summary text, notices, done
    ///   GET  /healthz                200 once the models are loaded, 503 before
    ///   GET  /v1/models              the loaded and the known models
    ///
    /// Examples:
    ///   brief serve --port 8080 --summarizer smollm2-135m-instruct
    ///   curl -s localhost:8080/v1/brief -d '{"text": "…", "tasks": ["stance"]}'
    ///   BRIEF_API_KEY=secret brief serve --host 0.0.0.0   (clients send Authorization: Bearer secret)
    #[command(verbatim_doc_comment)]
    Serve(ServeArgs),
    /// Many articles in one run: models load once, one JSON line per article is appended to
    /// OUT as it finishes, and a rerun with the same OUT resumes (ids already there are
    /// skipped; a torn last line from a crash is trimmed). A bad record becomes an error line
    /// `{"id", "error": {"kind", "message"}}` and the batch goes on. Exit 0 when all
    /// succeeded, 3 when some records failed, 2 for usage errors.
    ///
    /// INPUT: JSONL files ({"id", "text", "title"?}; eval files read too), folders of .txt
    /// files (id = path inside the folder), or - (JSONL on stdin).
    ///
    /// Examples:
    ///   brief batch corpus.jsonl --out results.jsonl
    ///   brief batch articles/ --out results.jsonl --workers 2 --tasks summarize
    ///   brief batch corpus.jsonl --out shard-0.jsonl --shard 0/4     (also: Slurm arrays, k8s Indexed Jobs)
    ///   brief batch merge shard-*.jsonl --inputs corpus.jsonl -o all.jsonl
    #[command(verbatim_doc_comment, args_conflicts_with_subcommands = true)]
    Batch {
        #[command(subcommand)]
        merge: Option<BatchCommand>,
        #[command(flatten)]
        args: BatchArgs,
    },
    /// List, pull, show and verify models.
    #[command(subcommand)]
    Models(ModelsCommand),
    /// Train a model from labelled examples.
    #[command(subcommand)]
    Train(TrainCommand),
}

/// Where `brief serve` listens and what it accepts.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; anything but loopback needs --api-key.
    #[arg(long, default_value = "127.0.0.1", value_name = "HOST")]
    pub host: String,
    /// Port to listen on (0: any free port; the address is printed on stdout).
    #[arg(long, default_value_t = 8080, value_name = "PORT")]
    pub port: u16,
    /// Require `Authorization: Bearer KEY` on every request (needed to bind beyond localhost).
    #[arg(
        long,
        env = "BRIEF_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub api_key: Option<String>,
    /// Requests that may wait for the model; more are answered 503 with Retry-After.
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub queue: usize,
    /// Seconds a request may wait and run before it is answered 503.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub timeout: u64,
    /// Largest request body in KiB; larger ones are answered 413.
    #[arg(long, default_value_t = 1024, value_name = "KIB")]
    pub max_body_kib: usize,
}

/// `brief batch` options.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// JSONL files, folders of .txt files, or - for JSONL on stdin.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// The JSONL file results are appended to (and resumed from).
    #[arg(long, value_name = "OUT.jsonl")]
    pub out: Option<PathBuf>,
    /// Which tasks to run, comma-separated.
    #[arg(long, value_delimiter = ',', default_values = ["summarize", "stance"], value_name = "TASKS")]
    pub tasks: Vec<BatchTask>,
    /// Worker threads, each with its own copy of the models (memory grows with N).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub workers: usize,
    /// Process only shard I of N (by a hash of the id; stable as the input grows). Without
    /// it, SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT or JOB_COMPLETION_INDEX (with
    /// --shards) choose the shard.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// How many shards a Kubernetes Indexed Job has (its completions).
    #[arg(long, value_name = "N")]
    pub shards: Option<usize>,
    /// Articles longer than this many characters become `too_long` error lines.
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    pub max_chars: usize,
    #[command(flatten)]
    pub stance: StanceArgs,
}

/// A task `brief batch` can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchTask {
    Summarize,
    Stance,
}

#[derive(Debug, Subcommand)]
pub enum BatchCommand {
    /// Merge shard outputs into one file; check that every input id appears exactly once and
    /// list missing or failed ones (exit 3 when any).
    Merge {
        /// Shard output files, or folders of them (*.jsonl).
        #[arg(required = true, value_name = "DIR|FILE")]
        outputs: Vec<PathBuf>,
        /// The batch's inputs, to find missing ids and keep their order.
        #[arg(long, value_name = "INPUT")]
        inputs: Vec<String>,
        /// The merged file.
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Every known model config, whether it is cached, and which are the defaults.
    List,
    /// Download models into the cache (Hub first, then the mirrors the config lists).
    ///
    /// Example: brief models pull qwen2.5-coder-1.5b-instruct
    Pull {
        /// Config names or .toml paths; default: the default summarizer.
        names: Vec<String>,
    },
    /// Print a model's config and where its files are.
    Show {
        /// A config name or .toml path.
        name: String,
    },
    /// Re-hash cached files against their configs' sha256 (all cached models by default).
    Verify {
        /// Config names or .toml paths.
        names: Vec<String>,
    },
}

/// A finite number ≥ 0 (clap parser for tolerances: NaN or infinity would be written as
/// `null` into a baseline that could then not be read back).
fn non_negative_number(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Ok(_) => Err(format!("'{s}' must be a finite number ≥ 0")),
        Err(e) => Err(format!("'{s}' is not a number: {e}")),
    }
}

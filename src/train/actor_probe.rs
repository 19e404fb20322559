//! `brief train actors`: the probe that keeps the actor finder's candidates that act.
//!
//! Every article with gold actors is run through the deterministic finder; each candidate is
//! labelled by whether it matches a gold actor (alias-aware, as `brief eval` scores) and the
//! chat model's states at the end of the probe's question are read. A logistic head is
//! fitted on all of them (`logistic`). The threshold is chosen by leave-one-article-out
//! cross-validation on the same data: the highest whose held-out recall — counting the
//! candidates kept without asking — is at least `min_recall`, since an actor the check drops
//! is lost for good while a non-actor kept costs one wrong row.

use super::actor_cache::{self, CandidateRow};
use super::logistic::fit_logistic;
use super::report::text_hash;
use crate::article::Article;
use crate::backends::{load_generator, Generator};
use crate::config::{resolve_model, ActorProbeConfig, Architecture, ModelConfig};
use crate::error::{BriefError, Result};
use crate::eval::actors::same_actor;
use crate::eval::dataset::{self, Example};
use crate::fetch::{ensure_model, sha256_file, FetchOptions};
use crate::tasks::actor_probe::{
    candidate_sentences, candidate_states, is_state, reported_speaking, ActorHead,
};
use crate::tasks::actors::find_candidates;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The probe's question about `{{ actor }}` (minijinja), asked after the article. Chosen by
/// leave-one-article-out precision at recall ≥ 0.97 over the 320 candidates of the three
/// tuning halves: 0.734 against 0.714 for "does X act or take a position… rather than only
/// being mentioned?" (0.770 against 0.768 on the first two halves alone).
pub const DEFAULT_QUESTION: &str = "Is {{ actor }} one of the participants in this news story — someone whose actions, decisions or statements the article reports — rather than a person, place or thing only named in passing? Answer yes or no.";

/// The probe's prompt: the article first (so its prefix is shared by every candidate), then
/// the question.
pub fn probe_prompt(question: &str) -> String {
    format!(
        "Article:\n{{% if title %}}{{{{ title }}}}\n\n{{% endif %}}{{{{ article }}}}\n\n{question}"
    )
}

/// What `brief train actors` is asked to do.
#[derive(Debug, Clone)]
pub struct ActorTrainOptions {
    /// Labelled articles (the eval format, with `actors`).
    pub data: Vec<PathBuf>,
    /// A GGUF chat model config.
    pub backbone: String,
    pub out: PathBuf,
    pub name: Option<String>,
    /// Layers read, 1-based (0: the last).
    pub depths: Vec<usize>,
    /// The question asked about each candidate (`DEFAULT_QUESTION` unless given).
    pub question: String,
    /// Weight of ½‖w‖² against the mean loss.
    pub l2: f64,
    /// Least cross-validated recall the chosen threshold must keep.
    pub min_recall: f64,
    /// Keep the extracted states here and reuse them while nothing they depend on changed.
    pub features: Option<PathBuf>,
    pub device: String,
    pub offline: bool,
    /// The command line, recorded in the report.
    pub command: String,
}

/// Held-out precision and recall of the candidates kept at one threshold.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CvPoint {
    pub threshold: f32,
    pub precision: f64,
    pub recall: f64,
}

/// Everything `brief train actors` records (`training.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActorTrainingReport {
    pub command: String,
    pub backbone: String,
    pub data: Vec<String>,
    pub articles: usize,
    pub candidates: usize,
    /// Candidates that match a gold actor.
    pub acting: usize,
    /// Candidates kept without asking the probe (speakers, governments, blocs).
    pub trusted: usize,
    pub l2: f64,
    pub min_recall: f64,
    pub threshold: f32,
    /// Leave-one-article-out precision and recall per threshold.
    pub cross_validation: Vec<CvPoint>,
    pub feature_seconds: f64,
    pub total_seconds: f64,
    pub train_ids: Vec<String>,
    pub train_text_hashes: Vec<String>,
}

impl ActorTrainingReport {
    /// Reads a report.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| BriefError::io(path, e))?;
        serde_json::from_str(&text).map_err(|e| BriefError::BadConfig {
            origin: path.display().to_string(),
            message: format!("not an actor probe training report: {e}"),
        })
    }

    /// Whether `example` is one of the training articles: it has gold actors (examples without
    /// them never meet the probe) and shares an id or a text with them.
    pub fn trained_on(&self, example: &Example) -> bool {
        example.actors.as_ref().is_some_and(|a| !a.is_empty())
            && (self.train_ids.contains(&example.id)
                || self.train_text_hashes.contains(&text_hash(&example.text)))
    }
}

/// Trains the probe and writes `opts.out` (brief.toml, head.safetensors, training.json).
/// `progress` gets (articles done, articles).
pub fn train_actor_probe(
    opts: &ActorTrainOptions,
    say: &mut dyn FnMut(&str),
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ActorTrainingReport> {
    let t0 = Instant::now();
    let base = resolve_model(&opts.backbone)?;
    if base.architecture != Architecture::GgufLlm {
        return Err(BriefError::Usage(format!(
            "--backbone '{}' cannot be probed: an actor probe reads a GGUF chat model (e.g. \
             qwen2.5-coder-1.5b-instruct)",
            base.name
        )));
    }
    let examples = load_articles(&opts.data)?;
    let probe = ActorProbeConfig {
        system: None,
        user: probe_prompt(&opts.question),
        depths: opts.depths.clone(),
        head: None,
        head_sha256: None,
        threshold: 0.5,
        training_report: None,
    };
    let t_feat = Instant::now();
    let rows = candidate_rows(opts, &base, &probe, &examples, say, progress)?;
    let feature_seconds = t_feat.elapsed().as_secs_f64();
    let cross_validation = cross_validate(&rows, opts.l2);
    let threshold = choose_threshold(&cross_validation, opts.min_recall);
    let head = fit_logistic(
        &rows.iter().map(|r| r.states.clone()).collect::<Vec<_>>(),
        &rows.iter().map(|r| r.acts).collect::<Vec<_>>(),
        opts.l2,
    );
    let report = ActorTrainingReport {
        command: opts.command.clone(),
        backbone: base.name.clone(),
        data: opts.data.iter().map(|p| p.display().to_string()).collect(),
        articles: examples.len(),
        candidates: rows.len(),
        acting: rows.iter().filter(|r| r.acts).count(),
        trusted: rows.iter().filter(|r| r.trusted()).count(),
        l2: opts.l2,
        min_recall: opts.min_recall,
        threshold,
        cross_validation,
        feature_seconds,
        total_seconds: t0.elapsed().as_secs_f64(),
        train_ids: examples.iter().map(|e| e.id.clone()).collect(),
        train_text_hashes: examples.iter().map(|e| text_hash(&e.text)).collect(),
    };
    save(
        &base,
        opts,
        ActorProbeConfig { threshold, ..probe },
        &head,
        &report,
    )?;
    Ok(report)
}

/// The labelled articles of `paths` (a malformed line is an error: training data is fixed).
fn load_articles(paths: &[PathBuf]) -> Result<Vec<Example>> {
    let (examples, bad) = dataset::load(paths)?;
    if let Some(b) = bad.first() {
        return Err(BriefError::Usage(format!(
            "{}:{}: {} ({} malformed line(s); fix them first)",
            b.file,
            b.line,
            b.error,
            bad.len()
        )));
    }
    let articles: Vec<Example> = examples
        .into_iter()
        .filter(|e| !e.is_classifier_only() && e.actors.as_ref().is_some_and(|a| !a.is_empty()))
        .collect();
    if articles.len() < 2 {
        return Err(BriefError::Usage(
            "brief train actors needs at least two articles with gold actors (cross-validation \
             holds one out at a time)"
                .into(),
        ));
    }
    Ok(articles)
}

/// What the extracted rows depend on: the backbone, the prompt, the depths and every
/// article's text, gold actors and candidates.
fn features_key(base: &ModelConfig, probe: &ActorProbeConfig, examples: &[Example]) -> String {
    let mut key = format!("{}\n{}\n{:?}", base.name, probe.user, probe.depths);
    for ex in examples {
        let article = Article::from_text(&ex.id, &ex.article_text());
        let names: Vec<String> = find_candidates(&article)
            .into_iter()
            .map(|a| a.name)
            .collect();
        let gold = serde_json::to_string(&ex.actors).unwrap_or_default();
        key.push_str(&format!(
            "\n{}:{}:{gold}",
            text_hash(&ex.article_text()),
            names.join("|")
        ));
    }
    text_hash(&key)
}

/// The candidates' rows: from `opts.features` when it holds them, else read from the model
/// (and written there).
fn candidate_rows(
    opts: &ActorTrainOptions,
    base: &ModelConfig,
    probe: &ActorProbeConfig,
    examples: &[Example],
    say: &mut dyn FnMut(&str),
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<CandidateRow>> {
    let key = features_key(base, probe, examples);
    if let Some(path) = &opts.features {
        if let Some(rows) = actor_cache::read(path, &key)? {
            say(&format!("states reused from {}", path.display()));
            return Ok(rows);
        }
    }
    let files = ensure_model(base, &FetchOptions::new(opts.offline), say)?;
    let device = crate::runtime::device::select_device(&opts.device)?;
    let mut model = load_generator(base, &files, &device)?;
    say(&format!(
        "{} labelled articles; reading {}'s states at depths {:?}",
        examples.len(),
        base.name,
        opts.depths
    ));
    let rows = read_candidates(model.as_mut(), probe, examples, say, progress)?;
    if let Some(path) = &opts.features {
        actor_cache::write(path, &key, &rows)?;
    }
    Ok(rows)
}

/// Every finder candidate of every article, with its states and gold label.
fn read_candidates(
    model: &mut dyn Generator,
    probe: &ActorProbeConfig,
    examples: &[Example],
    say: &mut dyn FnMut(&str),
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<CandidateRow>> {
    let (mut rows, mut first_error) = (Vec::new(), None);
    for (i, ex) in examples.iter().enumerate() {
        let article = Article::from_text(&ex.id, &ex.article_text());
        let gold = ex.actors.clone().unwrap_or_default();
        let sentences = article.sentences();
        for actor in find_candidates(&article) {
            let quoted = candidate_sentences(&article, &sentences, &actor);
            let states = match candidate_states(model, probe, &article, &actor, &quoted) {
                Ok(s) => s,
                Err(e) => {
                    say(&format!("{}: {} skipped ({e})", ex.id, actor.name));
                    first_error.get_or_insert(e);
                    continue;
                }
            };
            rows.push(CandidateRow {
                article: i,
                acts: gold
                    .iter()
                    .any(|g| same_actor(g, &actor.name, &actor.aliases)),
                speaks: reported_speaking(&article.body, &actor),
                state: is_state(&actor),
                states,
            });
        }
        progress(i + 1, examples.len());
    }
    match first_error {
        Some(e) if rows.is_empty() => Err(e),
        _ if rows.is_empty() => Err(BriefError::Usage(
            "the actor finder found no candidate in the --data articles; nothing to learn from"
                .into(),
        )),
        _ => Ok(rows),
    }
}

/// Thresholds tried: 0.05, 0.10, …, 0.95.
fn thresholds() -> impl Iterator<Item = f32> {
    (1..20).map(|k| k as f32 * 0.05)
}

/// Each article's candidates scored by a head fitted on the other articles; precision and
/// recall of what would be kept at each threshold.
fn cross_validate(rows: &[CandidateRow], l2: f64) -> Vec<CvPoint> {
    let articles = rows.iter().map(|r| r.article).max().map_or(0, |m| m + 1);
    let mut held_out = vec![0f32; rows.len()];
    for a in 0..articles {
        let (train, test): (Vec<usize>, Vec<usize>) =
            (0..rows.len()).partition(|&i| rows[i].article != a);
        if test.is_empty() {
            continue;
        }
        let head = fit_logistic(
            &train
                .iter()
                .map(|&i| rows[i].states.clone())
                .collect::<Vec<_>>(),
            &train.iter().map(|&i| rows[i].acts).collect::<Vec<_>>(),
            l2,
        );
        for i in test {
            held_out[i] = head.probability(&rows[i].states).unwrap_or(1.0);
        }
    }
    thresholds()
        .map(|t| {
            let kept = |i: usize| rows[i].trusted() || held_out[i] >= t;
            let n_kept = (0..rows.len()).filter(|&i| kept(i)).count();
            let hits = (0..rows.len()).filter(|&i| kept(i) && rows[i].acts).count();
            let acting = rows.iter().filter(|r| r.acts).count();
            CvPoint {
                threshold: t,
                precision: hits as f64 / n_kept.max(1) as f64,
                recall: hits as f64 / acting.max(1) as f64,
            }
        })
        .collect()
}

/// The highest threshold whose held-out recall is at least `min_recall` (the lowest tried
/// when none is).
fn choose_threshold(cv: &[CvPoint], min_recall: f64) -> f32 {
    cv.iter()
        .filter(|p| p.recall >= min_recall)
        .map(|p| p.threshold)
        .fold(None, |best: Option<f32>, t| {
            Some(best.map_or(t, |b| b.max(t)))
        })
        .or_else(|| cv.first().map(|p| p.threshold))
        .unwrap_or(0.5)
}

/// Writes head.safetensors, training.json and brief.toml: the chat model's config (same
/// weights, so a pipeline loads the model once) with the trained `[actor_probe]`.
fn save(
    base: &ModelConfig,
    opts: &ActorTrainOptions,
    probe: ActorProbeConfig,
    head: &ActorHead,
    report: &ActorTrainingReport,
) -> Result<()> {
    std::fs::create_dir_all(&opts.out).map_err(|e| BriefError::io(&opts.out, e))?;
    let head_path = opts.out.join("head.safetensors");
    head.save(&head_path)?;
    let report_path = opts.out.join("training.json");
    let text = serde_json::to_string_pretty(report)
        .map_err(|e| BriefError::Usage(format!("training report: {e}")))?;
    std::fs::write(&report_path, text + "\n").map_err(|e| BriefError::io(&report_path, e))?;
    let mut cfg = base.clone();
    cfg.name = opts.name.clone().unwrap_or_else(|| {
        opts.out
            .file_name()
            .map_or("actor-probe".into(), |n| n.to_string_lossy().into_owned())
    });
    cfg.origin = None;
    let cv = report
        .cross_validation
        .iter()
        .find(|p| p.threshold == probe.threshold);
    cfg.description = format!(
        "{} with an actor probe trained by `brief train actors` on {} ({} candidates of {} \
         articles); leave-one-article-out precision {:.3} at recall {:.3} over the candidates \
         (threshold {:.2}). It keeps the candidates that act: name it as `actor_check` in a \
         defaults file. See training.json.",
        base.name,
        report.data.join(", "),
        report.candidates,
        report.articles,
        cv.map_or(0.0, |p| p.precision),
        cv.map_or(0.0, |p| p.recall),
        probe.threshold
    );
    cfg.actor_probe = Some(ActorProbeConfig {
        head: Some(PathBuf::from("head.safetensors")),
        head_sha256: Some(sha256_file(&head_path)?),
        training_report: Some(PathBuf::from("training.json")),
        ..probe
    });
    let text = toml::to_string_pretty(&cfg)
        .map_err(|e| BriefError::Usage(format!("writing brief.toml: {e}")))?;
    let path = opts.out.join("brief.toml");
    std::fs::write(&path, format!("# Written by `{}`.\n{text}", opts.command))
        .map_err(|e| BriefError::io(&path, e))
}

#[cfg(test)]
mod tests;

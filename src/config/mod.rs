//! Model configs: the TOML schema, the built-in configs compiled into the binary, and the
//! lookup from a name or a file to a validated `ModelConfig`.

mod encoder;
mod faithfulness;
mod generation;
mod schema;
mod sources;
mod stance;
mod validate;

pub use encoder::{Aggregate, EncoderConfig};
pub use faithfulness::{
    FaithfulnessConfig, FaithfulnessDefaults, FaithfulnessMode, SummarizeDefaults, SummaryLength,
    SupportWeights,
};
pub use generation::*;
pub use schema::*;
pub use sources::*;
pub use stance::*;

use crate::error::{BriefError, Result};
use std::path::{Path, PathBuf};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_models.rs"));
}

/// Which models `brief run` uses unless told otherwise; `models/default.toml`.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Name (or path) of the summarizer config.
    pub summarizer: String,
    /// Name (or path) of the stance classifier config.
    pub classifier: String,
    /// Classifier for stance toward a named entity ("who praises or blames whom", DSA's task),
    /// used instead of `classifier` when the target names an entity of the article or states
    /// no issue (fewer than two content words: "her", "governor"); unset:
    /// `classifier` labels every target. A `--classifier` on the command line replaces both.
    #[serde(default)]
    pub entity_classifier: Option<String>,
    /// A chat model config with a trained `[actor_probe]` (`brief train actors`) that keeps
    /// the actor finder's candidates that act in the article; unset: every candidate is kept.
    /// Like `entity_classifier`, it is not used when `--classifier` names another model.
    #[serde(default)]
    pub actor_check: Option<String>,
    /// How summaries are checked against their article.
    #[serde(default)]
    pub faithfulness: FaithfulnessDefaults,
    /// How long a summary to ask for.
    #[serde(default)]
    pub summarize: SummarizeDefaults,
}

impl Defaults {
    /// The defaults compiled into the binary, or those in `path` when given.
    pub fn load(path: Option<&Path>) -> Result<Self> {
        let (origin, text) = match path {
            Some(p) => (
                p.display().to_string(),
                std::fs::read_to_string(p).map_err(|e| BriefError::input(p, e))?,
            ),
            None => (
                "built-in default.toml".to_string(),
                builtin_text("default.toml")?.to_string(),
            ),
        };
        toml::from_str(&text).map_err(|e| BriefError::BadConfig {
            origin,
            message: one_line(&e.to_string()),
        })
    }
}

fn builtin_text(file: &str) -> Result<&'static str> {
    builtin::BUILTIN
        .iter()
        .find(|(f, _)| *f == file)
        .map(|(_, t)| *t)
        .ok_or_else(|| BriefError::BadConfig {
            origin: file.to_string(),
            message: "missing from the build".into(),
        })
}

/// Every built-in model config (all of `models/*.toml` but `default.toml`, and the
/// `brief.toml` of every model folder such as `models/minilm-dsa-stance/`), parsed.
pub fn builtin_models() -> Result<Vec<ModelConfig>> {
    let files = builtin::BUILTIN
        .iter()
        .filter(|(f, _)| *f != "default.toml")
        .map(|(f, t)| ModelConfig::parse(t, &format!("built-in {f}")));
    let folders = builtin::FOLDERS.iter().map(|(dir, files)| {
        let text = files
            .iter()
            .find(|(f, _)| *f == "brief.toml")
            .and_then(|(_, b)| std::str::from_utf8(b).ok())
            .unwrap_or_default();
        ModelConfig::parse(text, &format!("built-in {dir}/brief.toml")).map(|mut c| {
            c.origin = Some(builtin_folder_dir(dir).join("brief.toml"));
            c
        })
    });
    files.chain(folders).collect()
}

/// Where a built-in model folder is unpacked: beside the hub cache, so its files (a trained
/// head, its training report) are read like those of any folder on disk.
fn builtin_folder_dir(name: &str) -> PathBuf {
    crate::fetch::hub_cache_dir()
        .join("brief-builtin")
        .join(name)
}

/// Writes a built-in model folder's files to `builtin_folder_dir` unless they are already
/// there unchanged (a newer brief may ship a retrained head under the same name).
fn unpack_builtin_folder(name: &str) -> Result<()> {
    let Some((_, files)) = builtin::FOLDERS.iter().find(|(d, _)| *d == name) else {
        return Ok(());
    };
    let dir = builtin_folder_dir(name);
    std::fs::create_dir_all(&dir).map_err(|e| BriefError::io(&dir, e))?;
    for (file, bytes) in files.iter() {
        let path = dir.join(file);
        if std::fs::read(&path).is_ok_and(|have| have == *bytes) {
            continue;
        }
        // Written aside and renamed, so a concurrent brief never reads half a file.
        let tmp = dir.join(format!(".{file}.{}", std::process::id()));
        std::fs::write(&tmp, bytes).map_err(|e| BriefError::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| BriefError::io(&path, e))?;
    }
    Ok(())
}

/// Resolves a model by config name, or by path when `name_or_path` names a file.
pub fn resolve_model(name_or_path: &str) -> Result<ModelConfig> {
    let p = Path::new(name_or_path);
    if name_or_path.ends_with(".toml") || p.is_file() {
        let text = std::fs::read_to_string(p).map_err(|e| BriefError::input(p, e))?;
        return ModelConfig::parse(&text, &p.display().to_string()).map(|mut c| {
            // `local` paths in a config file are relative to the file, so a model folder
            // with its config travels as a unit.
            let dir = p.parent().unwrap_or(Path::new("")).to_path_buf();
            let files = c
                .weights
                .files
                .iter_mut()
                .chain(c.tokenizer.file.iter_mut());
            for f in files {
                if let Some(l) = f.local.as_mut().filter(|l| l.is_relative()) {
                    *l = dir.join(&*l);
                }
            }
            c.origin = Some(p.to_path_buf());
            c
        });
    }
    let all = builtin_models()?;
    let known = all
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let found = all
        .iter()
        .find(|c| c.name == name_or_path)
        .cloned()
        .ok_or_else(|| BriefError::UnknownModel {
            name: name_or_path.to_string(),
            known,
        })?;
    // A model folder's files are unpacked the first time it is named (others have none).
    unpack_builtin_folder(&found.name)?;
    Ok(found)
}

/// Collapses a multi-line parser message into one line for the CLI.
pub(crate) fn one_line(s: &str) -> String {
    s.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.chars().all(|c| c == '|' || c == '^' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_model_folders_carry_their_head_and_are_named_after_the_folder() {
        assert!(!builtin::FOLDERS.is_empty());
        for (dir, files) in builtin::FOLDERS {
            let names: Vec<&str> = files.iter().map(|(f, _)| *f).collect();
            assert!(names.contains(&"head.safetensors"), "{dir}: {names:?}");
            let cfg = builtin_models()
                .expect("built-in configs")
                .into_iter()
                .find(|c| {
                    c.origin
                        .as_ref()
                        .is_some_and(|o| o.ends_with(format!("{dir}/brief.toml")))
                })
                .expect("the folder's config");
            // resolve_model finds the folder to unpack by the config's name.
            assert_eq!(cfg.name, *dir);
        }
    }

    #[test]
    fn all_builtin_configs_parse_and_defaults_resolve() {
        let models = builtin_models().expect("built-in configs parse");
        assert!(models.len() >= 3);
        let d = Defaults::load(None).unwrap();
        assert_eq!(resolve_model(&d.summarizer).unwrap().name, d.summarizer);
        assert_eq!(resolve_model(&d.classifier).unwrap().name, d.classifier);
        let check = resolve_model(d.actor_check.as_deref().expect("an actor check")).unwrap();
        let probe = check.actor_probe.expect("a trained [actor_probe]");
        assert!(probe.head.is_some() && probe.head_sha256.is_some());
        assert!(probe.threshold > 0.0 && probe.threshold < 1.0);
    }

    #[test]
    fn unknown_model_lists_known_ones() {
        let e = resolve_model("no-such-model").unwrap_err().to_string();
        assert!(e.contains("unknown model 'no-such-model'"), "{e}");
        assert!(e.contains("smollm2-135m-instruct"), "{e}");
    }
}

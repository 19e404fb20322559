//! Model configs: the TOML schema, the built-in configs compiled into the binary, and the
//! lookup from a name or a file to a validated `ModelConfig`.

mod encoder;
mod faithfulness;
mod schema;
mod validate;

pub use encoder::{Aggregate, EncoderConfig};
pub use faithfulness::{
    FaithfulnessConfig, FaithfulnessDefaults, FaithfulnessMode, SummarizeDefaults, SummaryLength,
    SupportWeights,
};
pub use schema::*;

use crate::error::{BriefError, Result};
use std::path::Path;

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

/// Every built-in model config (all of `models/*.toml` but `default.toml`), parsed.
pub fn builtin_models() -> Result<Vec<ModelConfig>> {
    builtin::BUILTIN
        .iter()
        .filter(|(f, _)| *f != "default.toml")
        .map(|(f, t)| ModelConfig::parse(t, &format!("built-in {f}")))
        .collect()
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
    all.iter()
        .find(|c| c.name == name_or_path)
        .cloned()
        .ok_or_else(|| BriefError::UnknownModel {
            name: name_or_path.to_string(),
            known,
        })
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
    fn all_builtin_configs_parse_and_defaults_resolve() {
        let models = builtin_models().expect("built-in configs parse");
        assert!(models.len() >= 3);
        let d = Defaults::load(None).unwrap();
        assert_eq!(resolve_model(&d.summarizer).unwrap().name, d.summarizer);
        assert_eq!(resolve_model(&d.classifier).unwrap().name, d.classifier);
    }

    #[test]
    fn unknown_model_lists_known_ones() {
        let e = resolve_model("no-such-model").unwrap_err().to_string();
        assert!(e.contains("unknown model 'no-such-model'"), "{e}");
        assert!(e.contains("smollm2-135m-instruct"), "{e}");
    }
}

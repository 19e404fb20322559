//! The actor probe's extracted states on disk (`brief train actors --features FILE`): one
//! forward pass per candidate is the whole cost of training, so refitting with another
//! `--l2` or `--min-recall` should not pay it again. The file records a key of everything
//! the states depend on (backbone, question, depths, the articles and the finder's
//! candidates) and is ignored when the key differs.

use crate::error::{BriefError, Result};
use candle_core::{Device, Tensor};
use std::collections::HashMap;
use std::path::Path;

/// One candidate as training sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateRow {
    /// Index of its article in the training data.
    pub article: usize,
    pub states: Vec<f32>,
    /// It matches a gold actor.
    pub acts: bool,
    /// The text reports it speaking (`tasks::agency::speaks`).
    pub speaks: bool,
    /// A government or a bloc.
    pub state: bool,
}

impl CandidateRow {
    /// The runtime keeps it without asking the probe (`tasks::actor_probe::trusted`).
    pub fn trusted(&self) -> bool {
        self.speaks || self.state
    }
}

fn flags(rows: &[CandidateRow], f: impl Fn(&CandidateRow) -> bool) -> Vec<u8> {
    rows.iter().map(|r| u8::from(f(r))).collect()
}

/// Writes `rows` under `key`.
pub fn write(path: &Path, key: &str, rows: &[CandidateRow]) -> Result<()> {
    let cpu = Device::Cpu;
    let (n, d) = (rows.len(), rows.first().map_or(0, |r| r.states.len()));
    let x: Vec<f32> = rows.iter().flat_map(|r| r.states.iter().copied()).collect();
    let article: Vec<u32> = rows.iter().map(|r| r.article as u32).collect();
    let tensors: HashMap<String, Tensor> = [
        ("states", Tensor::from_vec(x, (n, d), &cpu)?),
        ("article", Tensor::from_vec(article, n, &cpu)?),
        ("acts", Tensor::from_vec(flags(rows, |r| r.acts), n, &cpu)?),
        (
            "speaks",
            Tensor::from_vec(flags(rows, |r| r.speaks), n, &cpu)?,
        ),
        (
            "state",
            Tensor::from_vec(flags(rows, |r| r.state), n, &cpu)?,
        ),
        (
            "key",
            Tensor::from_vec(key.as_bytes().to_vec(), key.len(), &cpu)?,
        ),
    ]
    .into_iter()
    .map(|(name, t)| (name.to_string(), t))
    .collect();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| BriefError::io(dir, e))?;
    }
    candle_core::safetensors::save(&tensors, path)?;
    Ok(())
}

/// The rows stored in `path`, when it exists and was written under `key`. A file that is not
/// an actor feature file is an error, never overwritten (it may be a model's weights).
pub fn read(path: &Path, key: &str) -> Result<Option<Vec<CandidateRow>>> {
    if !path.exists() {
        return Ok(None);
    }
    let not_ours = |why: String| BriefError::BadConfig {
        origin: path.display().to_string(),
        message: format!(
            "not an actor feature file written by `brief train actors --features` ({why}); \
             give --features a new path or remove this file"
        ),
    };
    let t =
        candle_core::safetensors::load(path, &Device::Cpu).map_err(|e| not_ours(e.to_string()))?;
    let get = |name: &str| {
        t.get(name)
            .ok_or_else(|| not_ours(format!("no '{name}' tensor")))
    };
    if get("key")?.to_vec1::<u8>()? != key.as_bytes() {
        return Ok(None);
    }
    let states: Vec<Vec<f32>> = get("states")?.to_vec2()?;
    let article: Vec<u32> = get("article")?.to_vec1()?;
    let acts: Vec<u8> = get("acts")?.to_vec1()?;
    let speaks: Vec<u8> = get("speaks")?.to_vec1()?;
    let state: Vec<u8> = get("state")?.to_vec1()?;
    Ok(Some(
        states
            .into_iter()
            .zip(article)
            .zip(acts)
            .zip(speaks.into_iter().zip(state))
            .map(
                |(((states, article), acts), (speaks, state))| CandidateRow {
                    article: article as usize,
                    states,
                    acts: acts == 1,
                    speaks: speaks == 1,
                    state: state == 1,
                },
            )
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_and_a_changed_key_is_ignored() {
        let rows = vec![
            CandidateRow {
                article: 0,
                states: vec![1.0, -2.5],
                acts: true,
                speaks: false,
                state: true,
            },
            CandidateRow {
                article: 3,
                states: vec![0.25, 4.0],
                acts: false,
                speaks: true,
                state: false,
            },
        ];
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.safetensors");
        write(&p, "k1", &rows).unwrap();
        assert_eq!(read(&p, "k1").unwrap(), Some(rows));
        assert!(read(&p, "k2").unwrap().is_none());
        assert!(read(&d.path().join("none"), "k1").unwrap().is_none());
        // Anything else at that path is refused, not taken for stale states.
        let other = d.path().join("weights.safetensors");
        let w = Tensor::from_vec(vec![1f32, 2.0], 2, &Device::Cpu).unwrap();
        candle_core::safetensors::save(&HashMap::from([("w".to_string(), w)]), &other).unwrap();
        let err = read(&other, "k1").unwrap_err().to_string();
        assert!(err.contains("not an actor feature file"), "{err}");
        let junk = d.path().join("junk");
        std::fs::write(&junk, "not safetensors").unwrap();
        assert!(read(&junk, "k1").is_err());
    }
}

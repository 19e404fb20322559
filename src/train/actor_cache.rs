//! The actor probe's extracted states on disk (`brief train actors --features FILE`): one
//! forward pass per candidate is the whole cost of training, so refitting with another
//! `--l2` or `--min-recall` should not pay it again. The file records a key of everything
//! the states depend on (backbone, question, depths, the articles and the finder's
//! candidates) and is ignored when the key differs (`keyed_file`).

use super::keyed_file;
use crate::error::Result;
use candle_core::{Device, Tensor};
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

/// Writes `rows` under `key`.
pub fn write(path: &Path, key: &str, rows: &[CandidateRow]) -> Result<()> {
    let cpu = Device::Cpu;
    let (n, d) = (rows.len(), rows.first().map_or(0, |r| r.states.len()));
    let x: Vec<f32> = rows.iter().flat_map(|r| r.states.iter().copied()).collect();
    let article: Vec<u32> = rows.iter().map(|r| r.article as u32).collect();
    let flag = |f: fn(&CandidateRow) -> bool| -> Result<Tensor> {
        let v: Vec<u8> = rows.iter().map(|r| u8::from(f(r))).collect();
        Ok(Tensor::from_vec(v, n, &cpu)?)
    };
    keyed_file::write(
        path,
        key,
        vec![
            ("states", Tensor::from_vec(x, (n, d), &cpu)?),
            ("article", Tensor::from_vec(article, n, &cpu)?),
            ("acts", flag(|r| r.acts)?),
            ("speaks", flag(|r| r.speaks)?),
            ("state", flag(|r| r.state)?),
        ],
    )
}

/// The rows stored in `path`, when it exists and was written under `key`. A file that is not
/// an actor feature file is an error, never overwritten (it may be a model's weights).
pub fn read(path: &Path, key: &str) -> Result<Option<Vec<CandidateRow>>> {
    let Some(t) = keyed_file::read(path, key, "actor feature file")? else {
        return Ok(None);
    };
    let states: Vec<Vec<f32>> = t.get("states")?.to_vec2()?;
    let article: Vec<u32> = t.get("article")?.to_vec1()?;
    let acts: Vec<u8> = t.get("acts")?.to_vec1()?;
    let speaks: Vec<u8> = t.get("speaks")?.to_vec1()?;
    let state: Vec<u8> = t.get("state")?.to_vec1()?;
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
        // Another kind of feature file is refused, not taken for stale states.
        let stance = d.path().join("stance.safetensors");
        let w = Tensor::from_vec(vec![1f32], 1, &Device::Cpu).unwrap();
        keyed_file::write(&stance, "k1", vec![("train_x", w)]).unwrap();
        assert!(read(&stance, "k1").is_err());
    }
}

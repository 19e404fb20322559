//! Extracted probe features on disk (`--features FILE`): a chat model's forward pass per
//! actor is the whole cost of training a probe, so refitting the head with other settings
//! should not pay it again. The file records a key of what the features depend on and is
//! ignored when the key differs (`keyed_file`).

use super::keyed_file;
use super::probe_fit::Features;
use crate::error::Result;
use candle_core::{DType, Device, Tensor};
use std::path::Path;

fn pack(f: &Features, device: &Device) -> Result<(Tensor, Tensor)> {
    let (n, d) = (f.rows.len(), f.dim());
    let x = Tensor::from_vec(f.rows.concat(), (n, d), device)?;
    let y = Tensor::from_vec(
        f.labels.iter().map(|&l| l as u32).collect::<Vec<_>>(),
        n,
        device,
    )?;
    Ok((x, y))
}

fn unpack(x: &Tensor, y: &Tensor) -> Result<Features> {
    let rows: Vec<Vec<f32>> = x.to_dtype(DType::F32)?.to_vec2()?;
    let labels: Vec<u32> = y.to_vec1()?;
    Ok(Features {
        rows,
        labels: labels.into_iter().map(|l| l as usize).collect(),
    })
}

/// Writes both sets' features with `key`.
pub fn write(path: &Path, key: &str, (train, dev): &(Features, Features)) -> Result<()> {
    let cpu = Device::Cpu;
    let (tx, ty) = pack(train, &cpu)?;
    let (dx, dy) = pack(dev, &cpu)?;
    keyed_file::write(
        path,
        key,
        vec![
            ("train_x", tx),
            ("train_y", ty),
            ("dev_x", dx),
            ("dev_y", dy),
        ],
    )
}

/// Both sets' features, when `path` exists and was written with `key`.
pub fn read(path: &Path, key: &str) -> Result<Option<(Features, Features)>> {
    let Some(t) = keyed_file::read(path, key, "stance feature file")? else {
        return Ok(None);
    };
    Ok(Some((
        unpack(t.get("train_x")?, t.get("train_y")?)?,
        unpack(t.get("dev_x")?, t.get("dev_y")?)?,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_round_trip_and_a_changed_key_is_ignored() {
        let f = Features {
            rows: vec![vec![1.0, 2.0], vec![3.0, 4.5]],
            labels: vec![0, 2],
        };
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f.safetensors");
        write(&p, "k1", &(f.clone(), f.clone())).unwrap();
        let (a, b) = read(&p, "k1").unwrap().unwrap();
        assert_eq!((a.rows, a.labels), (f.rows.clone(), f.labels.clone()));
        assert_eq!(b.labels, f.labels);
        assert!(read(&p, "k2").unwrap().is_none());
        assert!(read(&d.path().join("none"), "k1").unwrap().is_none());
    }
}

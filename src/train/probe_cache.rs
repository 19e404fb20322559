//! Extracted probe features on disk (`--features FILE`): a chat model's forward pass per
//! actor is the whole cost of training a probe, so refitting the head with other settings
//! should not pay it again. The file records a key of what the features depend on and is
//! ignored when the key differs.

use super::probe_fit::Features;
use crate::error::{BriefError, Result};
use candle_core::{DType, Device, Tensor};
use std::collections::HashMap;
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
    let k = Tensor::from_vec(key.as_bytes().to_vec(), key.len(), &cpu)?;
    let tensors: HashMap<String, Tensor> = [
        ("train_x", tx),
        ("train_y", ty),
        ("dev_x", dx),
        ("dev_y", dy),
        ("key", k),
    ]
    .into_iter()
    .map(|(n, t)| (n.to_string(), t))
    .collect();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| BriefError::io(dir, e))?;
    }
    candle_core::safetensors::save(&tensors, path)?;
    Ok(())
}

/// Both sets' features, when `path` exists and was written with `key`.
pub fn read(path: &Path, key: &str) -> Result<Option<(Features, Features)>> {
    if !path.exists() {
        return Ok(None);
    }
    let t = candle_core::safetensors::load(path, &Device::Cpu)?;
    let stored = t.get("key").map(|k| k.to_vec1::<u8>()).transpose()?;
    if stored.as_deref() != Some(key.as_bytes()) {
        return Ok(None);
    }
    let get = |n: &str| {
        t.get(n).ok_or_else(|| BriefError::BadConfig {
            origin: path.display().to_string(),
            message: format!("feature file has no '{n}'"),
        })
    };
    Ok(Some((
        unpack(get("train_x")?, get("train_y")?)?,
        unpack(get("dev_x")?, get("dev_y")?)?,
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

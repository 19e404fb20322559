//! A safetensors file of extracted features stamped with a key of what they depend on
//! (`--features FILE` of `brief train stance` and `brief train actors`): reused while the key
//! matches, rewritten when it differs, and never taken for — or written over — a file some
//! other program wrote (it may be a model's weights).

use crate::error::{BriefError, Result};
use candle_core::{Device, Tensor};
use std::collections::HashMap;
use std::path::Path;

/// Writes `tensors` and `key` to `path`, creating its folder.
pub fn write(path: &Path, key: &str, tensors: Vec<(&str, Tensor)>) -> Result<()> {
    let stamp = Tensor::from_vec(key.as_bytes().to_vec(), key.len(), &Device::Cpu)?;
    let all: HashMap<String, Tensor> = tensors
        .into_iter()
        .chain([("key", stamp)])
        .map(|(name, t)| (name.to_string(), t))
        .collect();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| BriefError::io(dir, e))?;
    }
    candle_core::safetensors::save(&all, path)?;
    Ok(())
}

/// The tensors stored in `path` when it exists and was written with `key`; None when it does
/// not exist or holds features of something else. A file that is not a feature file (`what`
/// names the kind, for the error) is an error.
pub fn read(path: &Path, key: &str, what: &str) -> Result<Option<Tensors>> {
    if !path.exists() {
        return Ok(None);
    }
    let not_ours = |why: String| BriefError::BadConfig {
        origin: path.display().to_string(),
        message: format!(
            "not a {what} written by brief's --features ({why}); give --features a new path \
             or remove this file"
        ),
    };
    let tensors =
        candle_core::safetensors::load(path, &Device::Cpu).map_err(|e| not_ours(e.to_string()))?;
    let stamp = tensors
        .get("key")
        .ok_or_else(|| not_ours("no 'key' tensor".into()))?;
    if stamp.to_vec1::<u8>()? != key.as_bytes() {
        return Ok(None);
    }
    Ok(Some(Tensors {
        tensors,
        origin: path.display().to_string(),
        what: what.to_string(),
    }))
}

/// The tensors of a feature file whose key matched.
#[derive(Debug)]
pub struct Tensors {
    tensors: HashMap<String, Tensor>,
    origin: String,
    what: String,
}

impl Tensors {
    /// The tensor called `name`, or an error naming the file.
    pub fn get(&self, name: &str) -> Result<&Tensor> {
        self.tensors.get(name).ok_or_else(|| BriefError::BadConfig {
            origin: self.origin.clone(),
            message: format!("{} has no '{name}'", self.what),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matching_key_reads_back_a_changed_one_is_none_and_other_files_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("sub").join("f.safetensors");
        let t = Tensor::from_vec(vec![1f32, 2.5], 2, &Device::Cpu).unwrap();
        write(&p, "k1", vec![("x", t)]).unwrap();
        let back = read(&p, "k1", "feature file").unwrap().expect("same key");
        assert_eq!(back.get("x").unwrap().to_vec1::<f32>().unwrap(), [1.0, 2.5]);
        assert!(back.get("y").is_err());
        assert!(read(&p, "k2", "feature file").unwrap().is_none());
        assert!(read(&d.path().join("none"), "k1", "feature file")
            .unwrap()
            .is_none());
        let other = d.path().join("weights.safetensors");
        let w = Tensor::from_vec(vec![1f32], 1, &Device::Cpu).unwrap();
        candle_core::safetensors::save(&HashMap::from([("w".to_string(), w)]), &other).unwrap();
        let err = read(&other, "k1", "feature file").unwrap_err().to_string();
        assert!(err.contains("not a feature file"), "{err}");
        let junk = d.path().join("junk");
        std::fs::write(&junk, "not safetensors").unwrap();
        assert!(read(&junk, "k1", "feature file").is_err());
    }
}

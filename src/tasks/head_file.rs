//! Small trained heads on disk: named f32 tensors in one safetensors file. The stance probe's
//! head and the actor check's are both a few vectors read back exactly as written.

use crate::error::{BriefError, Result};
use candle_core::{Device, Tensor};
use std::collections::HashMap;
use std::path::Path;

/// Writes each (name, values, shape) as an f32 tensor.
pub fn save(path: &Path, tensors: &[(&str, &[f32], &[usize])]) -> Result<()> {
    let cpu = Device::Cpu;
    let mut map = HashMap::new();
    for (name, values, shape) in tensors {
        map.insert(
            name.to_string(),
            Tensor::from_vec(values.to_vec(), *shape, &cpu)?,
        );
    }
    candle_core::safetensors::save(&map, path)?;
    Ok(())
}

/// Reads the tensors `names` (flattened, as f32) from a file written by `save`; `what` names
/// the head in errors ("probe head").
pub fn load(path: &Path, names: &[&str], what: &str) -> Result<Vec<Vec<f32>>> {
    let bad = |m: String| BriefError::BadConfig {
        origin: path.display().to_string(),
        message: m,
    };
    let t = candle_core::safetensors::load(path, &Device::Cpu)
        .map_err(|e| bad(format!("not a {what}: {e}")))?;
    names
        .iter()
        .map(|k| {
            let v = t
                .get(*k)
                .ok_or_else(|| bad(format!("{what} has no '{k}' tensor")))?;
            Ok(v.flatten_all()?
                .to_dtype(candle_core::DType::F32)?
                .to_vec1()?)
        })
        .collect()
}

/// The error for a head whose tensors disagree in shape.
pub fn inconsistent(path: &Path, what: &str) -> BriefError {
    BriefError::BadConfig {
        origin: path.display().to_string(),
        message: format!("{what} tensors have inconsistent shapes"),
    }
}

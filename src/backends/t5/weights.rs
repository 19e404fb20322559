//! Where T5's tensors come from: float safetensors or a GGUF with Hugging Face names, behind
//! one type, so the network code never asks which.

use crate::error::{BriefError, Result};
use candle_core::quantized::QMatMul;
use candle_core::{DType, Device, Module, Tensor};
use candle_transformers::quantized_var_builder::VarBuilder as QVarBuilder;
use std::path::Path;

/// Float weights (safetensors) or GGUF tensors, seen through one interface.
pub enum Weights {
    Float(candle_nn::VarBuilder<'static>),
    Gguf(QVarBuilder),
}

impl Weights {
    /// Memory-maps safetensors files as f32.
    pub fn safetensors(paths: &[std::path::PathBuf], device: &Device) -> Result<Self> {
        // SAFETY: the files are in brief's cache, checked against their sha256 and not
        // modified while mapped.
        let vb =
            unsafe { candle_nn::VarBuilder::from_mmaped_safetensors(paths, DType::F32, device) }
                .map_err(|e| BriefError::BadModelFile {
                    path: paths.first().cloned().unwrap_or_default(),
                    reason: e.to_string(),
                })?;
        Ok(Weights::Float(vb))
    }

    /// Reads a GGUF whose tensors carry Hugging Face names.
    pub fn gguf(path: &Path, device: &Device) -> Result<Self> {
        crate::backends::gguf_llm::open_gguf(path)?;
        let vb = QVarBuilder::from_gguf(path, device).map_err(|e| BriefError::BadModelFile {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Ok(Weights::Gguf(vb))
    }

    pub(super) fn pp(&self, name: &str) -> Self {
        match self {
            Weights::Float(vb) => Weights::Float(vb.pp(name)),
            Weights::Gguf(vb) => Weights::Gguf(vb.pp(name)),
        }
    }

    /// Whether the file has tensor `name` (a full name: call on the root weights).
    pub(super) fn contains(&self, name: &str) -> bool {
        match self {
            Weights::Float(vb) => vb.contains_tensor(name),
            Weights::Gguf(vb) => vb.contains_key(name),
        }
    }

    /// A tensor as f32 (GGUF tensors dequantized).
    pub(super) fn dense<S: Into<candle_core::Shape>>(
        &self,
        shape: S,
        name: &str,
    ) -> Result<Tensor> {
        Ok(match self {
            Weights::Float(vb) => vb.get(shape, name)?,
            Weights::Gguf(vb) => vb.get(shape, name)?.dequantize(vb.device())?,
        })
    }

    /// A bias-free projection `in_dim -> out_dim` (weight stored `(out, in)`).
    pub(super) fn proj(&self, in_dim: usize, out_dim: usize, name: &str) -> Result<Proj> {
        Ok(match self.pp(name) {
            Weights::Float(vb) => Proj::Dense(vb.get((out_dim, in_dim), "weight")?),
            Weights::Gguf(vb) => {
                Proj::Quant(QMatMul::from_arc(vb.get((out_dim, in_dim), "weight")?)?)
            }
        })
    }
}

/// A projection: a float matrix or a (possibly quantized) GGUF one.
#[derive(Debug, Clone)]
pub(super) enum Proj {
    Dense(Tensor),
    Quant(QMatMul),
}

impl Proj {
    pub(super) fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        match self {
            Proj::Dense(w) => x.broadcast_matmul(&w.t()?),
            Proj::Quant(q) => q.forward(x),
        }
    }
}

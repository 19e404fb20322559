//! Reading a decoder's weights from GGUF: the per-block tensors, the token-embedding table
//! (kept quantized on CPU) and GGUF metadata lookups. Split from `decoder.rs` so the network
//! there reads as the computation alone.

use candle_core::quantized::{gguf_file, GgmlDType, QMatMul, QTensor};
use candle_core::{DType, Device, Result, Tensor};
use candle_transformers::quantized_nn::RmsNorm;
use std::sync::Arc;

/// One transformer block's weights and its KV cache; optional parts exist only in the
/// families that have them (qwen2's q/k/v biases, qwen3's q/k norms).
pub(super) struct Layer {
    pub(super) wq: QMatMul,
    pub(super) wk: QMatMul,
    pub(super) wv: QMatMul,
    pub(super) wo: QMatMul,
    pub(super) bq: Option<Tensor>,
    pub(super) bk: Option<Tensor>,
    pub(super) bv: Option<Tensor>,
    pub(super) q_norm: Option<RmsNorm>,
    pub(super) k_norm: Option<RmsNorm>,
    pub(super) attn_norm: RmsNorm,
    pub(super) ffn_norm: RmsNorm,
    pub(super) gate: QMatMul,
    pub(super) up: QMatMul,
    pub(super) down: QMatMul,
    pub(super) cache: Option<(Tensor, Tensor)>,
}

/// Token embeddings. On CPU the table stays quantized and only looked-up rows are
/// dequantized (no 0.5–1 GB f32/f16 copy, no seconds spent making one at load); on GPUs the
/// table is dequantized once to f16, since reading quantized bytes back to the host per call
/// would cost more.
pub(super) enum Embeddings {
    Quantized {
        table: Arc<QTensor>,
        row_bytes: usize,
        dim: usize,
    },
    Dense(Tensor),
}

impl Embeddings {
    pub(super) fn new(table: Arc<QTensor>, device: &Device) -> Result<Self> {
        let (rows, dim) = table.shape().dims2()?;
        let dtype = table.dtype();
        if device.is_cpu() && dim % dtype.block_size() == 0 {
            let row_bytes = dim / dtype.block_size() * dtype.type_size();
            if table.data()?.len() == rows * row_bytes {
                return Ok(Self::Quantized {
                    table,
                    row_bytes,
                    dim,
                });
            }
        }
        Ok(Self::Dense(table.dequantize_f16(device)?))
    }

    pub(super) fn lookup(&self, ids: &[u32], device: &Device) -> Result<Tensor> {
        match self {
            Self::Dense(t) => t
                .index_select(&Tensor::new(ids, device)?, 0)?
                .to_dtype(DType::F32),
            Self::Quantized {
                table,
                row_bytes,
                dim,
            } => {
                let data = table.data()?;
                let rows = data.len() / row_bytes;
                let mut raw = Vec::with_capacity(ids.len() * row_bytes);
                for &id in ids {
                    let id = id as usize;
                    if id >= rows {
                        candle_core::bail!("token id {id} is outside the vocabulary of {rows}");
                    }
                    raw.extend_from_slice(&data[id * row_bytes..(id + 1) * row_bytes]);
                }
                let q = candle_core::quantized::ggml_file::qtensor_from_ggml(
                    table.dtype(),
                    &raw,
                    vec![ids.len(), *dim],
                    device,
                )?;
                q.dequantize(device)
            }
        }
    }
}

/// Reads tensors of one opened GGUF, re-quantizing slow types when asked.
pub(super) struct Loader<'a, R> {
    pub(super) ct: &'a gguf_file::Content,
    pub(super) reader: &'a mut R,
    pub(super) device: &'a Device,
    pub(super) requantize: bool,
}

impl<R: std::io::Read + std::io::Seek> Loader<'_, R> {
    pub(super) fn has(&self, name: &str) -> bool {
        self.ct.tensor_infos.contains_key(name)
    }

    pub(super) fn qtensor(&mut self, name: &str) -> Result<QTensor> {
        let t = self.ct.tensor(self.reader, name, self.device)?;
        let slow = matches!(
            t.dtype(),
            GgmlDType::Q4_1 | GgmlDType::Q5_0 | GgmlDType::Q5_1
        );
        if self.requantize && slow && t.shape().dims().len() == 2 {
            let f = t.dequantize(self.device)?;
            return QTensor::quantize(&f, GgmlDType::Q8_0);
        }
        Ok(t)
    }

    pub(super) fn matmul(&mut self, name: &str) -> Result<QMatMul> {
        QMatMul::from_qtensor(self.qtensor(name)?)
    }

    pub(super) fn dense(&mut self, name: &str) -> Result<Option<Tensor>> {
        if !self.has(name) {
            return Ok(None);
        }
        Ok(Some(
            self.ct
                .tensor(self.reader, name, self.device)?
                .dequantize(self.device)?,
        ))
    }

    /// Block `i`'s weights (biases and q/k norms where the family has them).
    pub(super) fn layer(&mut self, i: usize, eps: f64) -> Result<Layer> {
        let p = |n: &str| format!("blk.{i}.{n}");
        Ok(Layer {
            wq: self.matmul(&p("attn_q.weight"))?,
            wk: self.matmul(&p("attn_k.weight"))?,
            wv: self.matmul(&p("attn_v.weight"))?,
            wo: self.matmul(&p("attn_output.weight"))?,
            bq: self.dense(&p("attn_q.bias"))?,
            bk: self.dense(&p("attn_k.bias"))?,
            bv: self.dense(&p("attn_v.bias"))?,
            q_norm: if self.has(&p("attn_q_norm.weight")) {
                Some(self.norm(&p("attn_q_norm.weight"), eps)?)
            } else {
                None
            },
            k_norm: if self.has(&p("attn_k_norm.weight")) {
                Some(self.norm(&p("attn_k_norm.weight"), eps)?)
            } else {
                None
            },
            attn_norm: self.norm(&p("attn_norm.weight"), eps)?,
            ffn_norm: self.norm(&p("ffn_norm.weight"), eps)?,
            gate: self.matmul(&p("ffn_gate.weight"))?,
            up: self.matmul(&p("ffn_up.weight"))?,
            down: self.matmul(&p("ffn_down.weight"))?,
            cache: None,
        })
    }

    pub(super) fn norm(&mut self, name: &str, eps: f64) -> Result<RmsNorm> {
        RmsNorm::from_qtensor(self.ct.tensor(self.reader, name, self.device)?, eps)
    }
}

pub(super) fn md<'a>(ct: &'a gguf_file::Content, key: &str) -> Result<&'a gguf_file::Value> {
    ct.metadata
        .get(key)
        .ok_or_else(|| candle_core::Error::Msg(format!("GGUF metadata has no {key}")))
}

//! A stance classifier on a BERT-family encoder, trained by `brief train stance`.
//!
//! One sentence at a time: the sentence is encoded alone, and the head sees four vectors —
//! the first token's state, the mean state of the actor's mentions, the mean state of the
//! target's mentions (the first token when the target is not in the sentence), and the frozen
//! backbone's mean-pooled embedding of the target text itself. Pooling the actor's and the
//! target's own tokens is what makes the direction learnable ("A praised B": A holds the
//! stance, B does not). The backbone's lower layers stay frozen; the top `trained_layers` and
//! the head come from the trained file.

pub mod bert;
mod encode;
mod load;
mod relative;

pub use encode::{mention_weights, Encoded, SentenceEncoder};
pub use load::{beside_config, check_head, load_backbone, load_classifier, Backbone};

use bert::{weighted_mean, AttentionBias, Bert, Layer};
use candle_core::{DType, Device, IndexOp, Module, Tensor};
use candle_nn::{linear, Linear, VarBuilder};

/// Label order of the head's logits (the order `StanceScores::from_log_scores` takes).
pub const LABELS: [&str; 3] = ["favor", "against", "neutral"];

/// What training changes: copies of the top layers and the head.
pub struct Trained {
    pub layers: Vec<Layer>,
    /// The backbone's attention bias (its relative positions, for MPNet).
    bias: AttentionBias,
    dense: Linear,
    out: Linear,
}

impl Trained {
    /// Builds from `vb` (a trained file, or a VarMap being trained): `layers.{j}.*` for the
    /// `k` top layers, `head.dense.*`, `head.out.*`.
    ///
    /// With `lora_rank`, the layers are the backbone's own top `k` (frozen) with adapters read
    /// as `layers.{j}.lora.{projection}.{a,b}`.
    pub fn load(
        bert: &Bert,
        k: usize,
        hidden: usize,
        lora_rank: Option<usize>,
        vb: VarBuilder,
    ) -> candle_core::Result<Self> {
        let c = &bert.config;
        let first = bert.layers.len().checked_sub(k).ok_or_else(|| {
            candle_core::Error::Msg(format!(
                "{k} trained layers but the backbone has {}",
                bert.layers.len()
            ))
        })?;
        let layers = (0..k)
            .map(|j| {
                let at = vb.pp(format!("layers.{j}"));
                match lora_rank {
                    Some(rank) => bert.layers[first + j].with_lora(c, rank, at.pp("lora")),
                    None => Layer::load(c, at),
                }
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Self {
            layers,
            bias: bert.bias.clone(),
            dense: linear(4 * c.hidden_size, hidden, vb.pp("head.dense"))?,
            out: linear(hidden, LABELS.len(), vb.pp("head.out"))?,
        })
    }

    /// Logits `(b, 3)` from the frozen lower layers' output `(b, s, h)`.
    pub fn logits(&self, lower: &Tensor, batch: &Batch) -> candle_core::Result<Tensor> {
        let bias = self.bias.for_mask(&batch.mask)?;
        let mut x = lower.clone();
        for layer in &self.layers {
            x = layer.forward(&x, &bias)?;
        }
        let cls = x.i((.., 0))?;
        let actor = weighted_mean(&x, &batch.actor)?;
        let target = weighted_mean(&x, &batch.target)?;
        let features = Tensor::cat(&[&cls, &actor, &target, &batch.target_embedding], 1)?;
        self.out
            .forward(&self.dense.forward(&features)?.gelu_erf()?)
    }
}

/// Padded inputs of one batch of sentences.
pub struct Batch {
    pub ids: Tensor,
    pub types: Tensor,
    pub mask: Tensor,
    /// `(b, s)` pooling weights of the actor's tokens (rows sum to 1).
    pub actor: Tensor,
    /// `(b, s)` pooling weights of the target's tokens.
    pub target: Tensor,
    /// `(b, h)` frozen embedding of each target text.
    pub target_embedding: Tensor,
}

impl Batch {
    /// Right-pads encoded sentences; `target_embedding` rows in the same order.
    pub fn new(
        items: &[&Encoded],
        target_embedding: Tensor,
        device: &Device,
    ) -> candle_core::Result<Self> {
        let width = items.iter().map(|e| e.ids.len()).max().unwrap_or(1);
        let n = items.len();
        let pad_u = |f: &dyn Fn(&Encoded) -> Vec<u32>| -> candle_core::Result<Tensor> {
            let mut v = Vec::with_capacity(n * width);
            for e in items {
                let row = f(e);
                v.extend(row.iter().copied().chain(std::iter::repeat(0)).take(width));
            }
            Tensor::from_vec(v, (n, width), device)
        };
        let pad_f = |f: &dyn Fn(&Encoded) -> &[f32]| -> candle_core::Result<Tensor> {
            let mut v = Vec::with_capacity(n * width);
            for e in items {
                v.extend(
                    f(e).iter()
                        .copied()
                        .chain(std::iter::repeat(0.0))
                        .take(width),
                );
            }
            Tensor::from_vec(v, (n, width), device)
        };
        Ok(Self {
            ids: pad_u(&|e| e.ids.clone())?,
            types: pad_u(&|e| vec![0; e.ids.len()])?,
            mask: pad_u(&|e| vec![1; e.ids.len()])?,
            actor: pad_f(&|e| &e.actor)?,
            target: pad_f(&|e| &e.target)?,
            target_embedding,
        })
    }
}

/// Mean-pooled last hidden states `(n, h)` of whole texts through the frozen backbone, as
/// sentence-transformers pools all-MiniLM: the target's meaning, independent of the sentence.
pub fn mean_pooled(
    bert: &Bert,
    encoder: &SentenceEncoder,
    texts: &[String],
    device: &Device,
) -> crate::error::Result<Tensor> {
    let enc: Vec<Encoded> = texts
        .iter()
        .map(|t| encoder.encode(t, &[], ""))
        .collect::<crate::error::Result<_>>()?;
    let refs: Vec<&Encoded> = enc.iter().collect();
    let h = bert.config.hidden_size;
    let b = Batch::new(
        &refs,
        Tensor::zeros((refs.len(), h), DType::F32, device)?,
        device,
    )?;
    let x = bert.forward(&b.ids, &b.types, &b.mask)?;
    let m = b.mask.to_dtype(DType::F32)?;
    let w = m.broadcast_div(&m.sum_keepdim(1)?)?;
    Ok(weighted_mean(&x, &w)?)
}

/// The distinct `items` in first-seen order, and for each item the row of its distinct copy.
fn distinct<'a>(items: impl Iterator<Item = &'a str>) -> (Vec<String>, Vec<u32>) {
    let mut seen: Vec<String> = Vec::new();
    let rows = items
        .map(|t| match seen.iter().position(|s| s == t) {
            Some(i) => i as u32,
            None => {
                seen.push(t.to_string());
                (seen.len() - 1) as u32
            }
        })
        .collect();
    (seen, rows)
}

/// The backbone (frozen) with the trained parts: a ready stance classifier.
pub struct EncoderStanceModel {
    pub backbone: Bert,
    pub trained: Trained,
    pub encoder: SentenceEncoder,
    pub device: Device,
}

impl EncoderStanceModel {
    /// Layers run before the trained ones.
    pub fn frozen_layers(&self) -> usize {
        self.backbone.layers.len() - self.trained.layers.len()
    }

    /// Frozen lower-layer states of a batch.
    pub fn lower(&self, batch: &Batch) -> candle_core::Result<Tensor> {
        self.backbone
            .forward_to(&batch.ids, &batch.types, &batch.mask, self.frozen_layers())
    }

    /// Frozen mean-pooled embeddings `(n, h)` of short texts (the targets).
    pub fn text_embeddings(&self, texts: &[String]) -> crate::error::Result<Tensor> {
        mean_pooled(&self.backbone, &self.encoder, texts, &self.device)
    }

    /// Frozen embeddings `(n, h)` of each query's target. An actor's sentences share one
    /// target, so each distinct text is embedded once and its row repeated.
    pub fn target_embeddings(&self, targets: &[&str]) -> crate::error::Result<Tensor> {
        let (texts, rows) = distinct(targets.iter().copied());
        let rows = Tensor::new(rows, &self.device)?;
        Ok(self.text_embeddings(&texts)?.index_select(&rows, 0)?)
    }

    /// Logits `(n, 3)` for (sentence, actor names, target) queries, one batch.
    pub fn logits(
        &self,
        queries: &[(String, Vec<String>, String)],
    ) -> crate::error::Result<Vec<Vec<f32>>> {
        if queries.is_empty() {
            return Ok(Vec::new());
        }
        let enc: Vec<Encoded> = queries
            .iter()
            .map(|(s, a, t)| self.encoder.encode(s, a, t))
            .collect::<crate::error::Result<_>>()?;
        let targets: Vec<&str> = queries.iter().map(|q| q.2.as_str()).collect();
        let emb = self.target_embeddings(&targets)?;
        let refs: Vec<&Encoded> = enc.iter().collect();
        let batch = Batch::new(&refs, emb, &self.device)?;
        let lower = self.lower(&batch)?;
        Ok(self.trained.logits(&lower, &batch)?.to_vec2()?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn distinct_keeps_first_seen_order_and_maps_every_item() {
        let (items, rows) = super::distinct(["Iran", "NATO", "Iran", "Iran"].into_iter());
        assert_eq!(items, ["Iran", "NATO"]);
        assert_eq!(rows, [0, 1, 0, 0]);
        let (items, rows) = super::distinct(std::iter::empty());
        assert!(items.is_empty() && rows.is_empty());
    }
}

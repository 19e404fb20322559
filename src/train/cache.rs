//! The frozen part, run once: every distinct sentence through the backbone's lower layers, and
//! every distinct target through the whole frozen backbone (mean-pooled). Training then only
//! runs the top layers and the head, which is what makes it affordable on a CPU.

use super::data::Item;
use crate::backends::encoder::bert::Bert;
use crate::backends::encoder::{mean_pooled, Batch, Encoded, SentenceEncoder};
use crate::error::Result;
use candle_core::{DType, Device, IndexOp, Tensor};
use std::collections::HashMap;

/// Items with their encodings and cached frozen states.
pub struct Cached {
    pub encoded: Vec<Encoded>,
    /// Index into `lower` of each item's sentence.
    pub sentence_of: Vec<usize>,
    /// `(tokens, hidden)` lower-layer states per distinct sentence.
    pub lower: Vec<Tensor>,
    /// Index into `targets` of each item's target.
    pub target_of: Vec<usize>,
    /// `(hidden,)` frozen target embeddings per distinct target.
    pub targets: Vec<Tensor>,
    pub labels: Vec<usize>,
    /// A teacher's probabilities per item, when training distils one (`--teacher`).
    pub teacher: Option<super::distill::SoftTargets>,
}

/// Sentences per forward pass while caching.
const CACHE_BATCH: usize = 32;

/// Encodes `items` and runs the frozen layers; `tick` is told how many sentences are done.
pub fn build(
    bert: &Bert,
    encoder: &SentenceEncoder,
    frozen: usize,
    items: &[Item],
    device: &Device,
    tick: &mut dyn FnMut(usize),
) -> Result<Cached> {
    let encoded: Vec<Encoded> = items
        .iter()
        .map(|it| encoder.encode(&it.text, &it.actor, &it.target))
        .collect::<Result<_>>()?;
    let (sentence_of, first_of) = distinct(items.iter().map(|i| i.text.as_str()));
    let (target_of, targets_text) = {
        let (of, first) = distinct(items.iter().map(|i| i.target.as_str()));
        (
            of,
            first
                .iter()
                .map(|&i| items[i].target.clone())
                .collect::<Vec<_>>(),
        )
    };
    // Shortest first, so each batch pads little.
    let mut order: Vec<usize> = (0..first_of.len()).collect();
    order.sort_by_key(|&u| encoded[first_of[u]].ids.len());
    let mut lower: Vec<Option<Tensor>> = vec![None; first_of.len()];
    let h = bert.config.hidden_size;
    for chunk in order.chunks(CACHE_BATCH) {
        let refs: Vec<&Encoded> = chunk.iter().map(|&u| &encoded[first_of[u]]).collect();
        let b = Batch::new(
            &refs,
            Tensor::zeros((refs.len(), h), DType::F32, device)?,
            device,
        )?;
        let x = bert.forward_to(&b.ids, &b.types, &b.mask, frozen)?;
        for (r, &u) in chunk.iter().enumerate() {
            let len = refs[r].ids.len();
            lower[u] = Some(x.i(r)?.narrow(0, 0, len)?.contiguous()?);
        }
        tick(chunk.len());
    }
    let lower = lower.into_iter().flatten().collect();
    let mut targets = Vec::new();
    for chunk in targets_text.chunks(CACHE_BATCH) {
        let e = mean_pooled(bert, encoder, chunk, device)?;
        for r in 0..chunk.len() {
            targets.push(e.i(r)?);
        }
    }
    Ok(Cached {
        encoded,
        sentence_of,
        lower,
        target_of,
        targets,
        labels: items.iter().map(|i| i.label).collect(),
        teacher: None,
    })
}

/// For each value, the index of its distinct value; and each distinct value's first position.
fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> (Vec<usize>, Vec<usize>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let (mut of, mut first) = (Vec::new(), Vec::new());
    for (i, v) in values.enumerate() {
        let next = seen.len();
        let id = *seen.entry(v).or_insert(next);
        if id == next {
            first.push(i);
        }
        of.push(id);
    }
    (of, first)
}

impl Cached {
    /// The padded lower states, batch inputs and labels of items `idx`; items in `hide` get
    /// their in-sentence target pooling moved to the first token (as when the target is not
    /// in the sentence, the usual case in whole articles).
    pub fn batch(
        &self,
        idx: &[usize],
        hide: &[bool],
        device: &Device,
    ) -> Result<(Tensor, Batch, Vec<usize>)> {
        let encs: Vec<Encoded> = idx
            .iter()
            .zip(hide)
            .map(|(&i, &h)| {
                let mut e = self.encoded[i].clone();
                if h {
                    e.target = vec![0.0; e.ids.len()];
                    if let Some(f) = e.target.first_mut() {
                        *f = 1.0;
                    }
                }
                e
            })
            .collect();
        let width = encs.iter().map(|e| e.ids.len()).max().unwrap_or(1);
        let lowers = idx
            .iter()
            .map(|&i| {
                let t = &self.lower[self.sentence_of[i]];
                let len = t.dim(0)?;
                t.pad_with_zeros(0, 0, width - len)
            })
            .collect::<candle_core::Result<Vec<_>>>()?;
        let lower = Tensor::stack(&lowers, 0)?;
        let temb = Tensor::stack(
            &idx.iter()
                .map(|&i| self.targets[self.target_of[i]].clone())
                .collect::<Vec<_>>(),
            0,
        )?;
        let refs: Vec<&Encoded> = encs.iter().collect();
        let batch = Batch::new(&refs, temb, device)?;
        Ok((lower, batch, idx.iter().map(|&i| self.labels[i]).collect()))
    }
}

//! Fitting a probe head: softmax regression on standardized model states, weighted
//! cross-entropy plus an L2 penalty, AdamW on seeded mini-batches, the best epoch on dev kept.

use super::fit::{argmax_biased, class_weights, score, weighted_loss, FitSettings};
use super::report::EpochStats;
use super::Phase;
use crate::error::Result;
use crate::tasks::probe_stance::ProbeHead;
use crate::tasks::stance::StanceScores;
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

/// Feature rows and their labels (0 favor, 1 against, 2 neutral).
#[derive(Debug, Clone, Default)]
pub struct Features {
    pub rows: Vec<Vec<f32>>,
    pub labels: Vec<usize>,
}

impl Features {
    /// Feature width (0 when empty).
    pub fn dim(&self) -> usize {
        self.rows.first().map_or(0, Vec::len)
    }

    fn matrix(&self, idx: &[usize], device: &Device) -> Result<Tensor> {
        let d = self.dim();
        let flat: Vec<f32> = idx.iter().flat_map(|&i| self.rows[i].clone()).collect();
        Ok(Tensor::from_vec(flat, (idx.len(), d), device)?)
    }
}

/// Per-feature mean and standard deviation of the training rows (a floor keeps constant
/// features from dividing by zero).
fn standardizer(train: &Features) -> (Vec<f32>, Vec<f32>) {
    let (d, n) = (train.dim(), train.rows.len().max(1) as f64);
    let mut mean = vec![0f64; d];
    for r in &train.rows {
        for (m, x) in mean.iter_mut().zip(r) {
            *m += *x as f64 / n;
        }
    }
    let mut var = vec![0f64; d];
    for r in &train.rows {
        for ((v, x), m) in var.iter_mut().zip(r).zip(&mean) {
            *v += (*x as f64 - m).powi(2) / n;
        }
    }
    (
        mean.iter().map(|&m| m as f32).collect(),
        var.iter().map(|&v| (v.sqrt() as f32).max(1e-3)).collect(),
    )
}

/// `f` with each feature centred and scaled.
fn standardize(f: &Features, mean: &[f32], scale: &[f32]) -> Features {
    Features {
        rows: f
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .zip(mean)
                    .zip(scale)
                    .map(|((x, m), s)| (x - m) / s)
                    .collect()
            })
            .collect(),
        labels: f.labels.clone(),
    }
}

/// The head's label probabilities for every row.
pub fn head_probabilities(head: &ProbeHead, data: &Features) -> Result<Vec<[f32; 3]>> {
    data.rows
        .iter()
        .map(|r| {
            let s = StanceScores::from_log_scores(head.logits(r)?);
            Ok([s.favor, s.against, s.neutral])
        })
        .collect()
}

/// The head in `w`, `b` with the standardization folded in as `mean` / `scale`.
fn head_of(w: &Var, b: &Var, mean: &[f32], scale: &[f32]) -> Result<ProbeHead> {
    let bias: Vec<f32> = b.as_tensor().to_vec1()?;
    Ok(ProbeHead {
        weight: w.as_tensor().flatten_all()?.to_vec1()?,
        bias: [bias[0], bias[1], bias[2]],
        mean: mean.to_vec(),
        scale: scale.to_vec(),
    })
}

/// Trains a head on `train`, choosing the epoch on `dev` (macro-F1); returns it with the
/// per-epoch figures and the best epoch (1-based). `l2` weighs ½‖W‖² in the loss.
pub fn fit_head(
    train: &Features,
    dev: &Features,
    s: &FitSettings,
    l2: f64,
    phase: &mut dyn FnMut(Phase),
) -> Result<(ProbeHead, Vec<EpochStats>, usize)> {
    let device = Device::Cpu;
    let (mean, scale) = standardizer(train);
    let (ztrain, d) = (standardize(train, &mean, &scale), train.dim());
    let w = Var::from_tensor(&Tensor::zeros((3, d), DType::F32, &device)?)?;
    let b = Var::from_tensor(&Tensor::zeros(3, DType::F32, &device)?)?;
    let params = ParamsAdamW {
        lr: s.head_lr,
        weight_decay: 0.0,
        ..Default::default()
    };
    let mut opt = AdamW::new(vec![w.clone(), b.clone()], params)?;
    let weights = class_weights(&train.labels, s.class_weight_power);
    let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
    let bs = s.batch_size.max(1);
    let total = ztrain.rows.len().div_ceil(bs) * s.epochs;
    let (mut step, mut stats) = (0usize, Vec::new());
    let mut best = (f64::NEG_INFINITY, 0usize, head_of(&w, &b, &mean, &scale)?);
    for epoch in 1..=s.epochs {
        let t0 = Instant::now();
        let mut idx: Vec<usize> = (0..ztrain.rows.len()).collect();
        idx.shuffle(&mut rng);
        let mut losses = Vec::new();
        for chunk in idx.chunks(bs) {
            let x = ztrain.matrix(chunk, &device)?;
            let labels: Vec<usize> = chunk.iter().map(|&i| ztrain.labels[i]).collect();
            let logits = x
                .matmul(&w.as_tensor().t()?)?
                .broadcast_add(b.as_tensor())?;
            let penalty = (w.as_tensor().sqr()?.sum_all()? * (0.5 * l2))?;
            let loss = (weighted_loss(&logits, &labels, &weights)? + penalty)?;
            opt.backward_step(&loss)?;
            let l = loss.to_dtype(DType::F64)?.to_scalar::<f64>()?;
            losses.push(l);
            step += 1;
            phase(Phase::Training(
                step,
                total,
                l,
                stats.last().map(|e: &EpochStats| e.dev_macro_f1),
            ));
        }
        let head = head_of(&w, &b, &mean, &scale)?;
        let m = score(
            &argmax_biased(&head_probabilities(&head, dev)?, [0.0; 3]),
            &dev.labels,
        );
        stats.push(super::fit::epoch_stats(
            epoch,
            &losses,
            &m,
            t0.elapsed().as_secs_f64(),
        ));
        if let Some(e) = stats.last() {
            phase(Phase::Epoch(e.clone()));
        }
        if m.macro_f1 > best.0 {
            best = (m.macro_f1, epoch, head);
        } else if epoch - best.1 >= s.patience.max(1) {
            break;
        }
    }
    Ok((best.2, stats, best.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> FitSettings {
        FitSettings {
            seed: 3,
            epochs: 30,
            batch_size: 16,
            lr: 0.0,
            head_lr: 0.05,
            class_weight_power: 0.5,
            target_dropout: 0.0,
            patience: 30,
        }
    }

    /// Noisy points whose label is the sign of one feature (or neither, near zero).
    fn separable(n: usize, seed: u64) -> Features {
        use rand::Rng;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut f = Features::default();
        for i in 0..n {
            let label = i % 3;
            let signal = [2.0f32, -2.0, 0.0][label];
            let row: Vec<f32> = (0..8)
                .map(|j| if j == 2 { signal } else { 0.0 } + rng.random_range(-0.5..0.5))
                .collect();
            f.rows.push(row);
            f.labels.push(label);
        }
        f
    }

    #[test]
    fn a_separable_rule_is_learned_and_the_best_epoch_kept() {
        let (train, dev) = (separable(150, 1), separable(60, 2));
        let (head, stats, best) = fit_head(&train, &dev, &settings(), 1e-3, &mut |_| {}).unwrap();
        assert!(stats.first().unwrap().train_loss > stats.last().unwrap().train_loss);
        let pred = argmax_biased(&head_probabilities(&head, &dev).unwrap(), [0.0; 3]);
        let acc = pred.iter().zip(&dev.labels).filter(|(p, g)| p == g).count() as f64 / 60.0;
        assert!(acc > 0.9, "dev accuracy {acc}");
        let kept = stats.iter().find(|e| e.epoch == best).unwrap().dev_macro_f1;
        assert!(stats.iter().all(|e| e.dev_macro_f1 <= kept));
    }
}

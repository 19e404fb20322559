//! The training loop: AdamW on the top layers and the head, weighted cross-entropy (the
//! labels are skewed, ~65% neutral), length-bucketed seeded batches, dev macro-F1 after every
//! epoch, and the best epoch kept.

use super::cache::Cached;
use super::data::label_stance;
use super::report::EpochStats;
use crate::backends::encoder::Trained;
use crate::error::Result;
use crate::eval::metrics::{stance_metrics, StanceMetrics};
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW, VarMap};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

/// Settings of one fit.
#[derive(Debug, Clone)]
pub struct FitSettings {
    pub seed: u64,
    pub epochs: usize,
    pub batch_size: usize,
    /// Peak learning rate of the trained top layers.
    pub lr: f64,
    /// Peak learning rate of the head.
    pub head_lr: f64,
    /// Loss weight of label c is (N / (3·n_c))^power: 0 = none, 1 = fully balanced.
    pub class_weight_power: f32,
    /// Share of examples whose in-sentence target is hidden each epoch.
    pub target_dropout: f32,
    /// Stop after this many epochs without a better dev macro-F1.
    pub patience: usize,
}

/// What the loop reports as it goes.
pub type Progress<'a> = &'a mut dyn FnMut(super::Phase);

/// Loss weights per label from the training labels.
pub fn class_weights(labels: &[usize], power: f32) -> [f32; 3] {
    let mut n = [0usize; 3];
    for &l in labels {
        n[l.min(2)] += 1;
    }
    let total = labels.len().max(1) as f32;
    n.map(|c| (total / (3.0 * c.max(1) as f32)).powf(power))
}

/// Weighted mean cross-entropy of `logits` `(b, 3)`.
pub fn weighted_loss(logits: &Tensor, labels: &[usize], w: &[f32; 3]) -> Result<Tensor> {
    let b = labels.len();
    let mut sel = vec![0f32; b * 3];
    for (i, &l) in labels.iter().enumerate() {
        sel[i * 3 + l] = w[l];
    }
    let z: f32 = labels.iter().map(|&l| w[l]).sum();
    let sel = Tensor::from_vec(sel, (b, 3), logits.device())?;
    let logp = candle_nn::ops::log_softmax(logits, 1)?;
    Ok(((logp * sel)?.sum_all()? * (-1.0 / z as f64))?)
}

/// Logits (favor, against, neutral) of every item of `data`.
pub fn logits(trained: &Trained, data: &Cached, device: &Device) -> Result<Vec<[f32; 3]>> {
    let mut out = Vec::with_capacity(data.labels.len());
    let idx: Vec<usize> = (0..data.labels.len()).collect();
    for chunk in idx.chunks(64) {
        let (lower, batch, _) = data.batch(chunk, &vec![false; chunk.len()], device)?;
        let rows: Vec<Vec<f32>> = trained.logits(&lower, &batch)?.to_vec2()?;
        out.extend(rows.iter().map(|r| [r[0], r[1], r[2]]));
    }
    Ok(out)
}

/// Label probabilities (favor, against, neutral) of every item of `data`.
pub fn probabilities(trained: &Trained, data: &Cached, device: &Device) -> Result<Vec<[f32; 3]>> {
    Ok(logits(trained, data, device)?
        .into_iter()
        .map(|r| {
            let s = crate::tasks::stance::StanceScores::from_log_scores(r);
            [s.favor, s.against, s.neutral]
        })
        .collect())
}

/// The loss of one batch: weighted cross-entropy on the gold labels, mixed with the soft loss
/// against the teacher's probabilities when `data` carries them.
fn batch_loss(
    logits: &Tensor,
    data: &Cached,
    idx: &[usize],
    labels: &[usize],
    w: &[f32; 3],
) -> Result<Tensor> {
    let hard = weighted_loss(logits, labels, w)?;
    let Some(t) = data.teacher.as_ref().filter(|t| t.weight > 0.0) else {
        return Ok(hard);
    };
    let probs: Vec<[f32; 3]> = idx.iter().map(|&i| t.probs[i]).collect();
    let item_w: Vec<f32> = labels.iter().map(|&l| w[l]).collect();
    let soft = super::distill::soft_loss(logits, &probs, &item_w, t.temperature)?;
    Ok(((hard * (1.0 - t.weight) as f64)? + (soft * t.weight as f64)?)?)
}

/// The most probable label of each row, after adding `bias` to the log-probabilities.
pub fn argmax_biased(probs: &[[f32; 3]], bias: [f32; 3]) -> Vec<usize> {
    probs
        .iter()
        .map(|p| {
            let l = |i: usize| p[i].max(1e-12).ln() + bias[i];
            (0..3).max_by(|&a, &b| l(a).total_cmp(&l(b))).unwrap_or(2)
        })
        .collect()
}

/// Predicted label indices of every item of `data`.
pub fn predict(trained: &Trained, data: &Cached, device: &Device) -> Result<Vec<usize>> {
    Ok(argmax_biased(
        &probabilities(trained, data, device)?,
        [0.0; 3],
    ))
}

/// The favor / against log-probability offsets (neutral fixed at 0; a grid of 0.1 steps in
/// ±2) that maximize macro-F1 on `probs` against `gold`, and that macro-F1. Among equal
/// scores the smallest offsets win, so no bias is kept unless it helps.
pub fn fit_label_bias(probs: &[[f32; 3]], gold: &[usize]) -> ([f32; 3], f64) {
    let grid: Vec<f32> = (-20..=20).map(|i| i as f32 / 10.0).collect();
    let mut best = (
        [0.0f32; 3],
        score(&argmax_biased(probs, [0.0; 3]), gold).macro_f1,
    );
    for &f in &grid {
        for &a in &grid {
            let bias = [f, a, 0.0];
            let m = score(&argmax_biased(probs, bias), gold).macro_f1;
            let size = |b: &[f32; 3]| b[0].abs() + b[1].abs();
            if m > best.1 + 1e-9 || ((m - best.1).abs() <= 1e-9 && size(&bias) < size(&best.0)) {
                best = (bias, m);
            }
        }
    }
    best
}

/// Stance metrics of predictions against the items' labels.
pub fn score(pred: &[usize], gold: &[usize]) -> StanceMetrics {
    let pairs: Vec<_> = gold
        .iter()
        .zip(pred)
        .map(|(&g, &p)| (label_stance(g), label_stance(p)))
        .collect();
    stance_metrics(&pairs)
}

/// Seeded batches of similar length: shuffle, sort pools of 20 batches by length, cut, and
/// shuffle the batches.
fn batches(data: &Cached, bs: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<usize>> {
    let mut idx: Vec<usize> = (0..data.labels.len()).collect();
    idx.shuffle(rng);
    let mut out = Vec::new();
    for pool in idx.chunks(bs * 20) {
        let mut pool = pool.to_vec();
        pool.sort_by_key(|&i| data.encoded[i].ids.len());
        out.extend(pool.chunks(bs).map(<[usize]>::to_vec));
    }
    out.shuffle(rng);
    out
}

fn snapshot(vm: &VarMap) -> Result<Vec<(String, Tensor)>> {
    let data = vm.data().lock().map_err(|_| poisoned())?;
    let mut v = Vec::new();
    for (k, var) in data.iter() {
        v.push((k.clone(), var.as_tensor().copy()?));
    }
    Ok(v)
}

fn restore(vm: &VarMap, snap: &[(String, Tensor)]) -> Result<()> {
    let data = vm.data().lock().map_err(|_| poisoned())?;
    for (k, t) in snap {
        if let Some(var) = data.get(k) {
            var.set(t)?;
        }
    }
    Ok(())
}

fn poisoned() -> crate::error::BriefError {
    crate::error::BriefError::Usage("training state lock poisoned".into())
}

/// One AdamW for the adapted layers and one for the head (they learn at different rates),
/// over the variables of `vm` in name order, so a seed gives the same run.
fn optimizers(vm: &VarMap, s: &FitSettings) -> Result<(AdamW, AdamW)> {
    let (mut layer_vars, mut head_vars): (Vec<Var>, Vec<Var>) = (Vec::new(), Vec::new());
    {
        let data = vm.data().lock().map_err(|_| poisoned())?;
        let mut names: Vec<&String> = data.keys().collect();
        names.sort();
        for n in names {
            let v = data[n].clone();
            if n.starts_with("head.") {
                head_vars.push(v);
            } else {
                layer_vars.push(v);
            }
        }
    }
    let params = |lr| ParamsAdamW {
        lr,
        weight_decay: 0.01,
        ..Default::default()
    };
    Ok((
        AdamW::new(layer_vars, params(s.lr))?,
        AdamW::new(head_vars, params(s.head_lr))?,
    ))
}

/// The learning-rate multiplier at `step`: linear warm-up, then linear decay to zero.
fn lr_factor(step: usize, warmup: usize, total: usize) -> f64 {
    if step < warmup {
        (step + 1) as f64 / warmup as f64
    } else {
        total.saturating_sub(step) as f64 / (total - warmup).max(1) as f64
    }
}

/// An epoch's figures: mean loss, its curve in tenths, and the dev scores.
pub(super) fn epoch_stats(
    epoch: usize,
    losses: &[f64],
    m: &StanceMetrics,
    seconds: f64,
) -> EpochStats {
    let tenth = losses.len().div_ceil(10).max(1);
    EpochStats {
        epoch,
        train_loss: losses.iter().sum::<f64>() / losses.len().max(1) as f64,
        loss_curve: losses
            .chunks(tenth)
            .map(|c| c.iter().sum::<f64>() / c.len() as f64)
            .collect(),
        dev_macro_f1: m.macro_f1,
        dev_f_avg: m.f_avg,
        dev_accuracy: m.accuracy,
        seconds,
    }
}

/// Trains `trained` (whose tensors live in `vm`) on `train`, selecting on `dev`; leaves the
/// best epoch's weights in `vm`. Returns the per-epoch figures and the best epoch (1-based).
pub fn fit(
    trained: &Trained,
    vm: &VarMap,
    train: &Cached,
    dev: &Cached,
    s: &FitSettings,
    device: &Device,
    progress: Progress,
) -> Result<(Vec<EpochStats>, usize)> {
    let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
    let weights = class_weights(&train.labels, s.class_weight_power);
    let (mut opt_layers, mut opt_head) = optimizers(vm, s)?;
    let per_epoch = train.labels.len().div_ceil(s.batch_size.max(1));
    let total = per_epoch * s.epochs;
    let warmup = (total / 20).max(1);
    let (mut step, mut stats, mut best) = (0usize, Vec::new(), (f64::NEG_INFINITY, 0usize));
    let mut best_snap = snapshot(vm)?;
    let mut last_f1 = None;
    for epoch in 1..=s.epochs {
        let t0 = Instant::now();
        let mut losses = Vec::new();
        for b in batches(train, s.batch_size.max(1), &mut rng) {
            let hide: Vec<bool> = b
                .iter()
                .map(|_| rng.random::<f32>() < s.target_dropout)
                .collect();
            let (lower, batch, labels) = train.batch(&b, &hide, device)?;
            let logits = trained.logits(&lower, &batch)?;
            let loss = batch_loss(&logits, train, &b, &labels, &weights)?;
            let grads = loss.backward()?;
            let f = lr_factor(step, warmup, total);
            opt_layers.set_learning_rate(s.lr * f);
            opt_head.set_learning_rate(s.head_lr * f);
            opt_layers.step(&grads)?;
            opt_head.step(&grads)?;
            let l = loss.to_dtype(DType::F64)?.to_scalar::<f64>()?;
            losses.push(l);
            step += 1;
            progress(super::Phase::Training(step, total, l, last_f1));
        }
        let m = score(&predict(trained, dev, device)?, &dev.labels);
        last_f1 = Some(m.macro_f1);
        stats.push(epoch_stats(epoch, &losses, &m, t0.elapsed().as_secs_f64()));
        if let Some(e) = stats.last() {
            progress(super::Phase::Epoch(e.clone()));
        }
        if m.macro_f1 > best.0 {
            best = (m.macro_f1, epoch);
            best_snap = snapshot(vm)?;
        } else if epoch - best.1 >= s.patience.max(1) {
            break;
        }
    }
    restore(vm, &best_snap)?;
    Ok((stats, best.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_bias_lifts_an_under_predicted_label_and_stays_zero_when_nothing_helps() {
        // Favor items whose favor probability is a little under neutral's: only a favor bias
        // gets them right.
        let probs = [
            [0.45, 0.05, 0.50],
            [0.44, 0.06, 0.50],
            [0.05, 0.80, 0.15],
            [0.10, 0.10, 0.80],
            [0.20, 0.10, 0.70],
        ];
        let gold = [0, 0, 1, 2, 2];
        let before = score(&argmax_biased(&probs, [0.0; 3]), &gold).macro_f1;
        let (bias, after) = fit_label_bias(&probs, &gold);
        assert!(bias[0] > 0.0 && bias[2] == 0.0, "{bias:?}");
        assert!(
            after > before && (after - 1.0).abs() < 1e-9,
            "{before} → {after}"
        );
        assert_eq!(argmax_biased(&probs, bias), gold);
        // Already right: the smallest bias (none) is kept.
        let (bias, _) = fit_label_bias(&probs[2..], &gold[2..]);
        assert_eq!(bias, [0.0; 3]);
    }
}

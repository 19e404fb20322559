//! Knowledge distillation (Hinton, Vinyals and Dean, 2015, "Distilling the Knowledge in a
//! Neural Network"): a larger classifier brief already trained (the teacher, e.g.
//! mpnet-dsa-stance) gives every training item its label probabilities, and the model being
//! trained learns from them beside the gold labels. The teacher's soft probabilities say which
//! wrong labels are nearly right ("criticised, but mildly" sits between against and neutral),
//! which a one-hot gold label cannot; a small student can then take on part of the teacher's
//! accuracy at its own cost per sentence.

use super::cache;
use super::data::Item;
use crate::backends::encoder::load_classifier;
use crate::config::{resolve_model, Architecture};
use crate::error::{BriefError, Result};
use crate::fetch::{ensure_model, FetchOptions};
use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

/// Which teacher, and how much its probabilities count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distill {
    /// Name or brief.toml of a trained encoder classifier.
    pub teacher: String,
    /// Share of the loss that is the teacher's (the rest is the gold labels'): 0 to 1.
    pub weight: f32,
    /// Both models' logits are divided by this before the soft loss; above 1 it brings out
    /// the teacher's small probabilities, where its knowledge of near misses is.
    pub temperature: f32,
}

impl Distill {
    /// A one-line reason the settings cannot be used, if any.
    pub fn problem(&self) -> Option<String> {
        if !(0.0..=1.0).contains(&self.weight) {
            return Some(format!(
                "--distill-weight {} must be between 0 and 1",
                self.weight
            ));
        }
        if !self.temperature.is_finite() || self.temperature <= 0.0 {
            return Some(format!(
                "--distill-temperature {} must be a positive number (2 is usual)",
                self.temperature
            ));
        }
        None
    }
}

/// The teacher's probabilities for the student's training items, softened by the temperature.
pub struct SoftTargets {
    /// (favor, against, neutral) per item, in the items' order.
    pub probs: Vec<[f32; 3]>,
    pub weight: f32,
    pub temperature: f32,
}

/// Loads the teacher and labels `items` with its probabilities at `d.temperature`; `tick` is
/// told how many of the teacher's sentences are done.
pub fn teacher_targets(
    d: &Distill,
    items: &[Item],
    offline: bool,
    device: &Device,
    say: &mut dyn FnMut(&str),
    tick: &mut dyn FnMut(usize),
) -> Result<SoftTargets> {
    let cfg = resolve_model(&d.teacher)?;
    if cfg.architecture != Architecture::EncoderClassifier {
        return Err(BriefError::Usage(format!(
            "--teacher '{}' is a {} model; a teacher is a classifier trained by `brief train \
             stance` on an encoder (e.g. mpnet-dsa-stance)",
            cfg.name,
            cfg.architecture.as_str()
        )));
    }
    let files = ensure_model(&cfg, &FetchOptions::new(offline), say)?;
    let teacher = load_classifier(&cfg, &files, device)?;
    let frozen = teacher.frozen_layers();
    let cached = cache::build(
        &teacher.backbone,
        &teacher.encoder,
        frozen,
        items,
        device,
        tick,
    )?;
    let logits = super::fit::logits(&teacher.trained, &cached, device)?;
    Ok(SoftTargets {
        probs: logits
            .iter()
            .map(|z| softmax(z.map(|v| v / d.temperature)))
            .collect(),
        weight: d.weight,
        temperature: d.temperature,
    })
}

/// Softmax of three logits.
fn softmax(z: [f32; 3]) -> [f32; 3] {
    let m = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e = z.map(|v| (v - m).exp());
    let s: f32 = e.iter().sum();
    e.map(|v| v / s)
}

/// The soft loss: cross-entropy of the student's tempered distribution against the teacher's,
/// each item weighted like its gold label in the hard loss, times T² (so its gradients keep
/// their size whatever the temperature, as Hinton et al. advise).
pub fn soft_loss(
    logits: &Tensor,
    teacher: &[[f32; 3]],
    item_weights: &[f32],
    temperature: f32,
) -> Result<Tensor> {
    let b = teacher.len();
    let mut target = Vec::with_capacity(b * 3);
    for (p, w) in teacher.iter().zip(item_weights) {
        target.extend(p.iter().map(|v| v * w));
    }
    let z: f32 = item_weights.iter().sum();
    let target = Tensor::from_vec(target, (b, 3), logits.device())?;
    let logp = candle_nn::ops::log_softmax(&(logits / temperature as f64)?, 1)?;
    let t2 = (temperature * temperature) as f64;
    Ok(((logp * target)?.sum_all()? * (-t2 / z.max(1e-12) as f64))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_loss_is_cross_entropy_against_the_teacher_and_least_at_its_distribution() {
        let dev = Device::Cpu;
        let teacher = [[0.7f32, 0.2, 0.1], [0.1, 0.1, 0.8]];
        let at = |rows: Vec<[f32; 3]>, t: f32| {
            let flat: Vec<f32> = rows.iter().flatten().copied().collect();
            let logits = Tensor::from_vec(flat, (2, 3), &dev).unwrap();
            soft_loss(&logits, &teacher, &[1.0, 1.0], t)
                .unwrap()
                .to_scalar::<f32>()
                .unwrap()
        };
        // Logits equal to the teacher's log-probabilities (T = 1): the loss is the teacher's
        // entropy, the least it can be.
        let matched: Vec<[f32; 3]> = teacher.iter().map(|p| p.map(f32::ln)).collect();
        let entropy: f32 = teacher
            .iter()
            .map(|p| -p.iter().map(|v| v * v.ln()).sum::<f32>())
            .sum::<f32>()
            / 2.0;
        assert!((at(matched.clone(), 1.0) - entropy).abs() < 1e-5);
        let off = vec![[0.0f32, 2.0, 0.0], [1.0, 0.0, 0.0]];
        assert!(at(off, 1.0) > entropy + 0.1);
        // A one-hot teacher gives plain cross-entropy.
        let onehot = [[1.0f32, 0.0, 0.0]];
        let logits = Tensor::new(&[[2.0f32, 0.0, 0.0]], &dev).unwrap();
        let ce = soft_loss(&logits, &onehot, &[1.0], 1.0)
            .unwrap()
            .to_scalar::<f32>()
            .unwrap();
        let expected = -(2f32.exp() / (2f32.exp() + 2.0)).ln();
        assert!((ce - expected).abs() < 1e-5, "{ce} vs {expected}");
    }

    #[test]
    fn tempered_softmax_flattens_and_settings_are_checked() {
        let sharp = softmax([4.0, 0.0, 0.0]);
        let soft = softmax([2.0, 0.0, 0.0]);
        assert!(soft[1] > sharp[1] && (soft.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        let d = |weight, temperature| Distill {
            teacher: "t".into(),
            weight,
            temperature,
        };
        assert!(d(0.5, 2.0).problem().is_none());
        assert!(d(1.5, 2.0).problem().is_some());
        assert!(d(0.5, 0.0).problem().is_some());
    }
}

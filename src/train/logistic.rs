//! Binary logistic regression for small probes: standardized features, class-balanced log
//! loss plus `l2`·½‖w‖², minimized by Nesterov-accelerated gradient descent with the step
//! set from the loss's smoothness. The problem is strongly convex, so the fit is the unique
//! minimum (deterministic, no seed, no learning rate to tune) — what a few hundred labelled
//! candidates with thousands of features each need.

use crate::tasks::actor_probe::ActorHead;

/// Per-feature mean and standard deviation (a floor keeps constant features finite).
fn standardizer(rows: &[Vec<f32>]) -> (Vec<f32>, Vec<f32>) {
    let d = rows.first().map_or(0, Vec::len);
    let n = rows.len().max(1) as f64;
    let mut mean = vec![0f64; d];
    for r in rows {
        for (m, x) in mean.iter_mut().zip(r) {
            *m += *x as f64 / n;
        }
    }
    let mut var = vec![0f64; d];
    for r in rows {
        for ((v, x), m) in var.iter_mut().zip(r).zip(&mean) {
            *v += (*x as f64 - m).powi(2) / n;
        }
    }
    (
        mean.iter().map(|&m| m as f32).collect(),
        var.iter().map(|&v| (v.sqrt() as f32).max(1e-3)).collect(),
    )
}

/// Largest eigenvalue of XᵀX / n by power iteration (the loss's curvature bound).
fn top_eigenvalue(z: &[Vec<f64>], d: usize) -> f64 {
    let n = z.len().max(1) as f64;
    let mut v = vec![1.0 / (d as f64).sqrt(); d];
    let mut lambda = 0.0;
    for _ in 0..30 {
        let xv: Vec<f64> = z.iter().map(|r| dot(r, &v)).collect();
        let mut w = vec![0.0; d];
        for (r, s) in z.iter().zip(&xv) {
            for (wi, ri) in w.iter_mut().zip(r) {
                *wi += ri * s / n;
            }
        }
        lambda = w.iter().map(|x| x * x).sum::<f64>().sqrt();
        if lambda == 0.0 {
            break;
        }
        v = w.iter().map(|x| x / lambda).collect();
    }
    lambda
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Gradient of the objective at (w, b): class-weighted mean log loss + l2·½‖w‖².
fn gradient(
    z: &[Vec<f64>],
    y: &[bool],
    cw: (f64, f64),
    (w, b): (&[f64], f64),
    l2: f64,
) -> (Vec<f64>, f64) {
    let n = z.len().max(1) as f64;
    let mut gw: Vec<f64> = w.iter().map(|x| l2 * x).collect();
    let mut gb = 0.0;
    for (r, &yi) in z.iter().zip(y) {
        let p = 1.0 / (1.0 + (-(dot(r, w) + b)).exp());
        let weight = if yi { cw.0 } else { cw.1 };
        let e = weight * (p - f64::from(u8::from(yi))) / n;
        for (g, x) in gw.iter_mut().zip(r) {
            *g += e * x;
        }
        gb += e;
    }
    (gw, gb)
}

/// Fits the head on `rows` labelled `acts`; `l2` weighs ½‖w‖² against the mean loss.
/// Positives and negatives weigh equally in the loss whatever their counts.
pub fn fit_logistic(rows: &[Vec<f32>], acts: &[bool], l2: f64) -> ActorHead {
    let (mean, scale) = standardizer(rows);
    let d = mean.len();
    let z: Vec<Vec<f64>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .zip(mean.iter().zip(&scale))
                .map(|(x, (m, s))| ((x - m) / s) as f64)
                .collect()
        })
        .collect();
    let n = acts.len().max(1) as f64;
    let pos = acts.iter().filter(|&&a| a).count().max(1) as f64;
    let neg = (acts.len() as f64 - pos).max(1.0);
    let cw = (n / (2.0 * pos), n / (2.0 * neg));
    // The log loss has curvature at most ¼·max weight·λmax(XᵀX/n) (+1 for the bias).
    let smooth = 0.25 * cw.0.max(cw.1) * (top_eigenvalue(&z, d) + 1.0) + l2;
    let step = 1.0 / smooth;
    let (mut w, mut b) = (vec![0.0; d], 0.0);
    let (mut w_prev, mut b_prev) = (w.clone(), b);
    for t in 0..600 {
        let momentum = t as f64 / (t as f64 + 3.0);
        let yw: Vec<f64> = w
            .iter()
            .zip(&w_prev)
            .map(|(x, p)| x + momentum * (x - p))
            .collect();
        let yb = b + momentum * (b - b_prev);
        let (gw, gb) = gradient(&z, acts, cw, (&yw, yb), l2);
        w_prev = std::mem::replace(
            &mut w,
            yw.iter().zip(&gw).map(|(y, g)| y - step * g).collect(),
        );
        b_prev = std::mem::replace(&mut b, yb - step * gb);
    }
    ActorHead {
        weight: w.iter().map(|&x| x as f32).collect(),
        bias: b as f32,
        mean,
        scale,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points on either side of a plane in 20 dimensions, with noise in the other features.
    fn separable(n: usize) -> (Vec<Vec<f32>>, Vec<bool>) {
        let mut rows = Vec::new();
        let mut acts = Vec::new();
        for i in 0..n {
            let a = i % 3 == 0;
            let row: Vec<f32> = (0..20)
                .map(|j| {
                    let noise = (((i * 31 + j * 17) % 23) as f32 - 11.0) / 11.0;
                    if j == 4 {
                        if a {
                            1.0
                        } else {
                            -1.0
                        }
                    } else {
                        noise
                    }
                })
                .collect();
            rows.push(row);
            acts.push(a);
        }
        (rows, acts)
    }

    #[test]
    fn a_separable_rule_is_learned_despite_unbalanced_classes() {
        let (rows, acts) = separable(90);
        let head = fit_logistic(&rows, &acts, 0.01);
        let right = rows
            .iter()
            .zip(&acts)
            .filter(|(r, &a)| (head.probability(r).unwrap() >= 0.5) == a)
            .count();
        assert_eq!(right, rows.len());
        let j = (0..20)
            .max_by(|&a, &b| head.weight[a].abs().total_cmp(&head.weight[b].abs()))
            .unwrap();
        assert_eq!(j, 4, "the deciding feature carries the largest weight");
    }

    #[test]
    fn a_stronger_penalty_gives_smaller_weights_and_softer_probabilities() {
        let (rows, acts) = separable(60);
        let norm = |h: &ActorHead| h.weight.iter().map(|w| w * w).sum::<f32>();
        let (soft, hard) = (
            fit_logistic(&rows, &acts, 10.0),
            fit_logistic(&rows, &acts, 0.1),
        );
        assert!(norm(&soft) < norm(&hard));
        let p = soft.probability(&rows[0]).unwrap();
        assert!(p > 0.5 && p < hard.probability(&rows[0]).unwrap());
    }
}

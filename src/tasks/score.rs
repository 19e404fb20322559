//! Short answers scored, never parsed: the log-probability of each group of answer words as the
//! start of the model's reply. Stance, actor checks and issue judgements all ask this way — it
//! costs one forward pass over the question (the article before it comes from the prefix
//! cache) and cannot fail on malformed output.

use crate::backends::Generator;
use crate::error::Result;
use crate::runtime::chat::ChatMessage;

/// Log-probability of each group of answer words (log-sum-exp over a group's words).
pub fn group_logprobs(
    model: &mut dyn Generator,
    messages: &[ChatMessage],
    groups: &[&[String]],
) -> Result<Vec<f32>> {
    let words: Vec<String> = groups.iter().flat_map(|g| g.iter().cloned()).collect();
    let (lp, _) = model.continuation_logprobs(messages, &words)?;
    let mut out = Vec::with_capacity(groups.len());
    let mut i = 0;
    for g in groups {
        out.push(lse(&lp[i..i + g.len()]));
        i += g.len();
    }
    Ok(out)
}

/// P(yes), normalized over the yes and no words.
pub fn yes_probability(
    model: &mut dyn Generator,
    messages: &[ChatMessage],
    yes: &[String],
    no: &[String],
) -> Result<f32> {
    let lp = group_logprobs(model, messages, &[yes, no])?;
    Ok((lp[0] - lse(&lp)).exp())
}

/// Index of the most likely group, and the groups' probabilities normalized over them.
pub fn choose(
    model: &mut dyn Generator,
    messages: &[ChatMessage],
    groups: &[&[String]],
) -> Result<(usize, Vec<f32>)> {
    let lp = group_logprobs(model, messages, groups)?;
    let z = lse(&lp);
    let p: Vec<f32> = lp.iter().map(|x| (x - z).exp()).collect();
    let best = p
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i);
    Ok((best, p))
}

/// log(sum(exp(xs))), stable; −∞ for an empty or all −∞ slice.
pub fn lse(xs: &[f32]) -> f32 {
    let m = xs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if m == f32::NEG_INFINITY {
        return m;
    }
    m + xs.iter().map(|x| (x - m).exp()).sum::<f32>().ln()
}

/// ln σ(x) = −ln(1 + e^−x), finite for every finite x (no overflow for large |x|).
pub fn log_sigmoid(x: f32) -> f32 {
    if x >= 0.0 {
        -(-x).exp().ln_1p()
    } else {
        x - x.exp().ln_1p()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn log_sum_exp() {
        let v = super::lse(&[0.0, 0.0]);
        assert!((v - 2f32.ln()).abs() < 1e-6);
        assert_eq!(super::lse(&[]), f32::NEG_INFINITY);
        assert!((super::lse(&[-1000.0, 0.0])).abs() < 1e-6);
    }
}

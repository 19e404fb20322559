//! Beam search with the semantics of transformers' `generate()` (v4.57): `num_beams` running
//! beams, `max(2, 1 + #eos) × num_beams` candidates kept per step, finished hypotheses scored
//! `sum(log p) / generated_len^length_penalty`, and the three `early_stopping` rules. The
//! search only sees log-probabilities through a `step` callback, so any backend whose KV cache
//! can follow the beams (see `CausalLm::beam_step`) gets it; the T5 fixtures check that it
//! returns exactly transformers' token ids.
//!
//! Also here: the token bans shared with greedy decoding (`no_repeat_ngram_size`,
//! `min_new_tokens`), applied as transformers' logits processors are.

use crate::config::{EarlyStopping, GenerationConfig};
use crate::error::Result;

/// transformers marks impossible beams with this score rather than -inf.
const IMPOSSIBLE: f32 = -1.0e9;

/// The best finished hypothesis.
#[derive(Debug, Clone, PartialEq)]
pub struct BeamOutput {
    /// Generated tokens, ending with the end-of-sequence token when the beam finished that way.
    pub tokens: Vec<u32>,
    /// Its length-penalised score (transformers' `sequences_scores`).
    pub score: f32,
}

/// Sets to -inf the logits of tokens the settings forbid next: end-of-sequence before
/// `min_new_tokens`, and any token completing an n-gram already in `context + generated`
/// (transformers counts the decoder prompt too).
pub fn ban_tokens(
    logits: &mut [f32],
    context: &[u32],
    generated: &[u32],
    settings: &GenerationConfig,
    eos: &[u32],
) {
    if generated.len() < settings.min_new_tokens {
        for &e in eos {
            if let Some(l) = logits.get_mut(e as usize) {
                *l = f32::NEG_INFINITY;
            }
        }
    }
    let n = settings.no_repeat_ngram_size;
    if n == 0 {
        return;
    }
    let seq: Vec<u32> = context.iter().chain(generated).copied().collect();
    if seq.len() + 1 < n {
        return;
    }
    let prefix = &seq[seq.len() + 1 - n..];
    for w in seq.windows(n) {
        if &w[..n - 1] == prefix {
            if let Some(l) = logits.get_mut(w[n - 1] as usize) {
                *l = f32::NEG_INFINITY;
            }
        }
    }
}

fn log_softmax(v: &mut [f32]) {
    let max = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let lse = max + v.iter().map(|x| (x - max).exp()).sum::<f32>().ln();
    for x in v.iter_mut() {
        *x -= lse;
    }
}

/// Indices of the `k` largest values, largest first (ties: lower index first).
fn top_k(values: &[f32], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    let k = k.min(idx.len());
    idx.select_nth_unstable_by(k.saturating_sub(1), |&a, &b| {
        values[b].total_cmp(&values[a]).then(a.cmp(&b))
    });
    idx.truncate(k);
    idx.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    idx
}

fn length_divisor(len: usize, penalty: f32) -> f32 {
    (len as f64).powf(penalty as f64) as f32
}

/// Feeds one token per beam (`parents[i]`: the beam it continues) and returns each beam's
/// next-token logits.
pub type BeamStep<'a> = dyn FnMut(&[usize], &[u32]) -> Result<Vec<Vec<f32>>> + 'a;

/// Runs beam search. `first` is the logits after the prompt; `context` the decoder prompt's
/// tokens; `step(parents, tokens)` feeds `tokens[i]` to a beam continuing beam `parents[i]` of
/// the previous call (beam 0 of the prompt on the first call) and returns each beam's logits.
pub fn beam_search(
    first: Vec<f32>,
    context: &[u32],
    eos: &[u32],
    s: &GenerationConfig,
    step: &mut BeamStep,
) -> Result<BeamOutput> {
    let nb = s.num_beams.max(1);
    let keep = 2usize.max(1 + eos.len()) * nb;
    let vocab = first.len();
    let prompt_len = context.len();
    let max_length = prompt_len + s.max_new_tokens;

    let mut running: Vec<Vec<u32>> = vec![Vec::new(); nb];
    let mut running_scores = vec![IMPOSSIBLE; nb];
    running_scores[0] = 0.0;
    let mut logits: Vec<Vec<f32>> = vec![first; nb];
    // Finished hypotheses, kept as transformers does: `nb` slots sorted by score.
    let mut done: Vec<(Vec<u32>, f32, bool)> = vec![(Vec::new(), IMPOSSIBLE, false); nb];
    let mut improvable = true;
    let mut cur_len = prompt_len;

    loop {
        // Accumulated log-probabilities of every (beam, token) continuation.
        let mut flat = Vec::with_capacity(nb * vocab);
        for (b, l) in logits.iter_mut().enumerate() {
            log_softmax(l);
            ban_tokens(l, context, &running[b], s, eos);
            flat.extend(l.iter().map(|x| x + running_scores[b]));
        }
        let cands: Vec<(usize, u32, f32)> = top_k(&flat, keep)
            .into_iter()
            .map(|i| (i / vocab, (i % vocab) as u32, flat[i]))
            .collect();
        let hits: Vec<bool> = cands
            .iter()
            .map(|&(_, t, _)| eos.contains(&t) || cur_len + 1 >= max_length)
            .collect();

        // Beams that go on: the best `nb` candidates that did not stop.
        let go_on: Vec<f32> = cands
            .iter()
            .zip(&hits)
            .map(|(c, &h)| if h { c.2 + IMPOSSIBLE } else { c.2 })
            .collect();
        let next = top_k(&go_on, nb);
        // Before the first step every beam is the prompt, so all continue the one cache.
        let first_step = cur_len == prompt_len;
        let parents: Vec<usize> = next
            .iter()
            .map(|&i| if first_step { 0 } else { cands[i].0 })
            .collect();
        let tokens: Vec<u32> = next.iter().map(|&i| cands[i].1).collect();
        let next_running: Vec<Vec<u32>> = next
            .iter()
            .map(|&i| {
                let mut seq = running[cands[i].0].clone();
                seq.push(cands[i].1);
                seq
            })
            .collect();
        running_scores = next.iter().map(|&i| go_on[i]).collect();

        // Finished: only stopped candidates among the top `nb` may enter.
        let all_done = done.iter().all(|d| d.2);
        let divisor = length_divisor(cur_len + 1 - prompt_len, s.length_penalty);
        let mut merged = done.clone();
        for (i, (&(b, t, score), &h)) in cands.iter().zip(&hits).enumerate() {
            let finished_now = h && i < nb;
            let mut sc = score / divisor;
            if all_done && s.early_stopping == EarlyStopping::Enough {
                sc += IMPOSSIBLE;
            }
            if !improvable {
                sc += IMPOSSIBLE;
            }
            if !finished_now {
                sc += IMPOSSIBLE;
            }
            let mut seq = running[b].clone();
            seq.push(t);
            merged.push((seq, sc, finished_now));
        }
        let scores: Vec<f32> = merged.iter().map(|m| m.1).collect();
        done = top_k(&scores, nb)
            .into_iter()
            .map(|i| merged[i].clone())
            .collect();

        running = next_running;
        cur_len += 1;

        // Can a running beam still beat the worst finished one?
        let best_len = if s.early_stopping == EarlyStopping::Never && s.length_penalty > 0.0 {
            max_length - prompt_len
        } else {
            cur_len - prompt_len
        };
        let best_possible = running_scores[0] / length_divisor(best_len, s.length_penalty);
        let worst_done = done.iter().map(|d| d.1).fold(f32::INFINITY, f32::min);
        improvable = improvable
            && done
                .iter()
                .any(|d| best_possible > if d.2 { worst_done } else { IMPOSSIBLE });
        let all_done = done.iter().all(|d| d.2);
        let open = !(all_done && s.early_stopping == EarlyStopping::Enough);
        let can_continue = !hits.iter().all(|&h| h);
        if !(improvable && open && can_continue) {
            break;
        }
        logits = step(&parents, &tokens)?;
    }
    let (tokens, score, _) = done.swap_remove(0);
    Ok(BeamOutput { tokens, score })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(num_beams: usize, max_new_tokens: usize) -> GenerationConfig {
        GenerationConfig {
            num_beams,
            max_new_tokens,
            ..Default::default()
        }
    }

    /// A toy model whose next-token log-probabilities depend only on the last token: after
    /// the prompt (9), token 1 is likelier than 2, but after 1 everything is uniform while
    /// after 2 the end (0) is almost certain.
    fn table(last: u32) -> Vec<f32> {
        let mut v = match last {
            9 => vec![-20.0, -0.5, -1.0],
            1 => vec![0.0, 0.0, 0.0],
            2 => vec![0.0, -6.0, -6.0],
            _ => vec![0.0, 0.0, 0.0],
        };
        log_softmax(&mut v);
        v
    }

    fn run(s: &GenerationConfig) -> BeamOutput {
        let context = [9u32];
        let mut beams: Vec<Vec<u32>> = vec![context.to_vec()];
        let mut step = |parents: &[usize], tokens: &[u32]| -> Result<Vec<Vec<f32>>> {
            beams = parents
                .iter()
                .zip(tokens)
                .map(|(&p, &t)| {
                    let mut b = beams[p].clone();
                    b.push(t);
                    b
                })
                .collect();
            Ok(beams.iter().map(|b| table(b[b.len() - 1])).collect())
        };
        beam_search(table(9), &context, &[0], s, &mut step).unwrap()
    }

    #[test]
    fn beams_find_what_greedy_misses() {
        // Greedy: 1 then (uniform) 0, log p = -0.47 - 1.10. Two beams keep 2 -> 0 alive.
        let out = run(&settings(2, 6));
        assert_eq!(out.tokens, vec![2, 0]);
        let expect = (table(9)[2] + table(2)[0]) / 2.0;
        assert!(
            (out.score - expect).abs() < 1e-6,
            "{} vs {expect}",
            out.score
        );
        assert!(expect > (table(9)[1] + table(1)[0]) / 2.0);
    }

    #[test]
    fn many_beams_with_never_and_no_length_penalty_search_exhaustively() {
        let s = GenerationConfig {
            num_beams: 40,
            max_new_tokens: 3,
            length_penalty: 0.0,
            early_stopping: EarlyStopping::Never,
            ..Default::default()
        };
        // Every sequence of up to 3 tokens that ends with 0 or has length 3.
        let mut best = f32::NEG_INFINITY;
        let mut stack = vec![(vec![9u32], 0.0f32)];
        while let Some((seq, lp)) = stack.pop() {
            let gen = seq.len() - 1;
            if gen > 0 && (seq[seq.len() - 1] == 0 || gen == 3) {
                best = best.max(lp);
                continue;
            }
            for (t, l) in table(seq[seq.len() - 1]).into_iter().enumerate() {
                let mut next = seq.clone();
                next.push(t as u32);
                stack.push((next, lp + l));
            }
        }
        let out = run(&s);
        assert!((out.score - best).abs() < 1e-5, "{} vs {best}", out.score);
    }

    #[test]
    fn min_new_tokens_delays_the_end() {
        let mut s = settings(2, 6);
        s.min_new_tokens = 3;
        let out = run(&s);
        assert!(out.tokens.len() >= 4, "{:?}", out.tokens);
        assert_eq!(out.tokens.last(), Some(&0));
    }

    #[test]
    fn no_repeat_ngram_bans_completions() {
        let s = GenerationConfig {
            no_repeat_ngram_size: 2,
            ..Default::default()
        };
        let mut l = vec![0.0; 5];
        // context 3 4 3: the bigram (3, 4) exists, so after 3 the token 4 is banned.
        ban_tokens(&mut l, &[3, 4], &[3], &s, &[0]);
        assert_eq!(l[4], f32::NEG_INFINITY);
        assert!(l.iter().enumerate().all(|(i, &x)| i == 4 || x == 0.0));
    }

    #[test]
    fn top_k_is_sorted_and_stable() {
        assert_eq!(top_k(&[1.0, 3.0, 3.0, 2.0], 3), vec![1, 2, 3]);
    }
}

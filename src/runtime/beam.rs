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
    let search = Search {
        nb,
        keep: 2usize.max(1 + eos.len()) * nb,
        vocab: first.len(),
        prompt_len: context.len(),
        max_length: context.len() + s.max_new_tokens,
        context,
        eos,
        s,
    };
    let mut state = BeamState::start(nb, context.len());
    let mut logits: Vec<Vec<f32>> = vec![first; nb];
    loop {
        let cands = search.candidates(&state, &mut logits);
        let (parents, tokens, next_running) = search.advance(&mut state, &cands);
        search.collect_finished(&mut state, &cands);
        state.running = next_running;
        state.cur_len += 1;
        if search.is_over(&mut state, &cands) {
            break;
        }
        logits = step(&parents, &tokens)?;
    }
    let (tokens, score, _) = state.done.swap_remove(0);
    Ok(BeamOutput { tokens, score })
}

/// One continuation: (beam it extends, token, accumulated log-probability, whether it stops
/// there — end-of-sequence or the length limit).
#[derive(Clone, Copy)]
struct Candidate {
    beam: usize,
    token: u32,
    score: f32,
    stops: bool,
}

/// What does not change during one search.
struct Search<'a> {
    nb: usize,
    keep: usize,
    vocab: usize,
    prompt_len: usize,
    max_length: usize,
    context: &'a [u32],
    eos: &'a [u32],
    s: &'a GenerationConfig,
}

/// What does: the running beams, their scores and the finished hypotheses, kept as
/// transformers does (`nb` slots sorted by score: tokens, score, whether really finished).
struct BeamState {
    running: Vec<Vec<u32>>,
    running_scores: Vec<f32>,
    done: Vec<(Vec<u32>, f32, bool)>,
    improvable: bool,
    cur_len: usize,
}

impl BeamState {
    /// Before the first step every beam is the prompt; only beam 0 counts.
    fn start(nb: usize, prompt_len: usize) -> Self {
        let mut running_scores = vec![IMPOSSIBLE; nb];
        running_scores[0] = 0.0;
        Self {
            running: vec![Vec::new(); nb],
            running_scores,
            done: vec![(Vec::new(), IMPOSSIBLE, false); nb],
            improvable: true,
            cur_len: prompt_len,
        }
    }
}

impl Search<'_> {
    /// The `keep` best (beam, token) continuations by accumulated log-probability.
    fn candidates(&self, st: &BeamState, logits: &mut [Vec<f32>]) -> Vec<Candidate> {
        let mut flat = Vec::with_capacity(self.nb * self.vocab);
        for (b, l) in logits.iter_mut().enumerate() {
            log_softmax(l);
            ban_tokens(l, self.context, &st.running[b], self.s, self.eos);
            flat.extend(l.iter().map(|x| x + st.running_scores[b]));
        }
        top_k(&flat, self.keep)
            .into_iter()
            .map(|i| {
                let token = (i % self.vocab) as u32;
                Candidate {
                    beam: i / self.vocab,
                    token,
                    score: flat[i],
                    stops: self.eos.contains(&token) || st.cur_len + 1 >= self.max_length,
                }
            })
            .collect()
    }

    /// Beams that go on: the best `nb` candidates that did not stop. Sets their scores and
    /// returns each one's parent beam, its new token and its whole sequence.
    fn advance(
        &self,
        st: &mut BeamState,
        cands: &[Candidate],
    ) -> (Vec<usize>, Vec<u32>, Vec<Vec<u32>>) {
        let go_on: Vec<f32> = cands
            .iter()
            .map(|c| {
                if c.stops {
                    c.score + IMPOSSIBLE
                } else {
                    c.score
                }
            })
            .collect();
        let next = top_k(&go_on, self.nb);
        // Before the first step every beam is the prompt, so all continue the one cache.
        let first_step = st.cur_len == self.prompt_len;
        let parents = next
            .iter()
            .map(|&i| if first_step { 0 } else { cands[i].beam })
            .collect();
        let tokens = next.iter().map(|&i| cands[i].token).collect();
        let sequences = next
            .iter()
            .map(|&i| extended(&st.running[cands[i].beam], cands[i].token))
            .collect();
        st.running_scores = next.iter().map(|&i| go_on[i]).collect();
        (parents, tokens, sequences)
    }

    /// Finished hypotheses: only stopped candidates among the top `nb` may enter, scored with
    /// the length penalty; the best `nb` of old and new are kept. Reads the beams as they were
    /// before this step.
    fn collect_finished(&self, st: &mut BeamState, cands: &[Candidate]) {
        let all_done = st.done.iter().all(|d| d.2);
        let divisor = length_divisor(st.cur_len + 1 - self.prompt_len, self.s.length_penalty);
        let mut merged = st.done.clone();
        for (i, c) in cands.iter().enumerate() {
            let finished_now = c.stops && i < self.nb;
            let mut sc = c.score / divisor;
            if all_done && self.s.early_stopping == EarlyStopping::Enough {
                sc += IMPOSSIBLE;
            }
            if !st.improvable {
                sc += IMPOSSIBLE;
            }
            if !finished_now {
                sc += IMPOSSIBLE;
            }
            merged.push((extended(&st.running[c.beam], c.token), sc, finished_now));
        }
        let scores: Vec<f32> = merged.iter().map(|m| m.1).collect();
        st.done = top_k(&scores, self.nb)
            .into_iter()
            .map(|i| merged[i].clone())
            .collect();
    }

    /// Whether the search ends: no running beam can still beat the worst finished one, enough
    /// have finished (`early_stopping = true`), or every candidate stopped.
    fn is_over(&self, st: &mut BeamState, cands: &[Candidate]) -> bool {
        let s = self.s;
        let best_len = if s.early_stopping == EarlyStopping::Never && s.length_penalty > 0.0 {
            self.max_length - self.prompt_len
        } else {
            st.cur_len - self.prompt_len
        };
        let best_possible = st.running_scores[0] / length_divisor(best_len, s.length_penalty);
        let worst_done = st.done.iter().map(|d| d.1).fold(f32::INFINITY, f32::min);
        st.improvable = st.improvable
            && st
                .done
                .iter()
                .any(|d| best_possible > if d.2 { worst_done } else { IMPOSSIBLE });
        let all_done = st.done.iter().all(|d| d.2);
        let open = !(all_done && s.early_stopping == EarlyStopping::Enough);
        let can_continue = !cands.iter().all(|c| c.stops);
        !(st.improvable && open && can_continue)
    }
}

/// `seq` followed by `token`.
fn extended(seq: &[u32], token: u32) -> Vec<u32> {
    let mut out = Vec::with_capacity(seq.len() + 1);
    out.extend_from_slice(seq);
    out.push(token);
    out
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

//! Metrics: ROUGE with rouge-score's conventions (through `rougers`, Porter stemming on),
//! copying measures for summaries, and classification metrics for stance.

use super::interval::StanceIntervals;
use crate::article::split_sentences;
use crate::tasks::stance::Stance;
use rougers::{RougeScorer, RougeType};
use serde::Serialize;

/// ROUGE F1 of one summary against its reference.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Rouge {
    pub rouge1: f64,
    pub rouge2: f64,
    pub rouge_lsum: f64,
}

/// Scores `prediction` against `reference`. For ROUGE-Lsum both are split into sentences, one
/// per line, as rouge-score expects.
pub fn rouge(reference: &str, prediction: &str) -> Rouge {
    let scorer = match RougeScorer::new(["rouge1", "rouge2", "rougeLsum"], true) {
        Ok(s) => s,
        Err(_) => return Rouge::default(),
    };
    let lines = |t: &str| {
        split_sentences(t.trim())
            .iter()
            .map(|&(s, e)| t.trim()[s..e].to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let s = scorer.score(&lines(reference), &lines(prediction));
    let f = |t| s.get(t).map(|x| x.fmeasure).unwrap_or(0.0);
    Rouge {
        rouge1: f(RougeType::N(1)),
        rouge2: f(RougeType::N(2)),
        rouge_lsum: f(RougeType::LSum),
    }
}

fn words(t: &str) -> Vec<String> {
    t.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Share of the summary's bigrams that do not occur in the article (1 = nothing copied).
pub fn novel_bigrams(article: &str, summary: &str) -> f64 {
    let a = words(article);
    let s = words(summary);
    let grams: std::collections::HashSet<(&str, &str)> = a
        .windows(2)
        .map(|w| (w[0].as_str(), w[1].as_str()))
        .collect();
    let total = s.len().saturating_sub(1);
    if total == 0 {
        return 0.0;
    }
    let novel = s
        .windows(2)
        .filter(|w| !grams.contains(&(w[0].as_str(), w[1].as_str())))
        .count();
    novel as f64 / total as f64
}

/// Token F1 of two short phrases (SQuAD's answer F1: lower-cased words, punctuation and the
/// articles a / an / the dropped, overlap counted with multiplicity).
pub fn token_f1(gold: &str, predicted: &str) -> f64 {
    let norm = |t: &str| -> Vec<String> {
        words(t)
            .into_iter()
            .filter(|w| !matches!(w.as_str(), "a" | "an" | "the"))
            .collect()
    };
    let (g, mut p) = (norm(gold), norm(predicted));
    if g.is_empty() || p.is_empty() {
        return if g.is_empty() && p.is_empty() {
            1.0
        } else {
            0.0
        };
    }
    let n_p = p.len();
    let mut common = 0usize;
    for w in &g {
        if let Some(i) = p.iter().position(|x| x == w) {
            p.swap_remove(i);
            common += 1;
        }
    }
    if common == 0 {
        return 0.0;
    }
    let precision = common as f64 / n_p as f64;
    let recall = common as f64 / g.len() as f64;
    2.0 * precision * recall / (precision + recall)
}

/// Summary length over article length, in words.
pub fn length_ratio(article: &str, summary: &str) -> f64 {
    let a = words(article).len().max(1);
    words(summary).len() as f64 / a as f64
}

/// Precision, recall and F1 of one class.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct ClassScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// Stance classification metrics over (gold, predicted) pairs.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct StanceMetrics {
    pub n: usize,
    pub accuracy: f64,
    /// Mean F1 over favor, against, neutral.
    pub macro_f1: f64,
    /// Mean of the F1 of favor and against (the SemEval-2016 convention).
    pub f_avg: f64,
    /// 95% bootstrap intervals of accuracy, macro-F1 and F_avg, resampling examples
    /// (`brief eval` fills them in; in JSON `accuracy_ci95`, `macro_f1_ci95`, `f_avg_ci95`).
    #[serde(flatten)]
    pub intervals: Option<StanceIntervals>,
    pub favor: ClassScores,
    pub against: ClassScores,
    pub neutral: ClassScores,
    /// `confusion[gold][predicted]`, both in the order favor, against, neutral.
    pub confusion: [[usize; 3]; 3],
}

fn idx(s: Stance) -> usize {
    match s {
        Stance::Favor => 0,
        Stance::Against => 1,
        Stance::Neutral => 2,
    }
}

/// Computes the metrics; a class with no predictions has precision 0 (and so F1 0).
pub fn stance_metrics(pairs: &[(Stance, Stance)]) -> StanceMetrics {
    let mut c = [[0usize; 3]; 3];
    for &(g, p) in pairs {
        c[idx(g)][idx(p)] += 1;
    }
    let class = |k: usize| {
        let tp = c[k][k] as f64;
        let predicted: usize = (0..3).map(|g| c[g][k]).sum();
        let support: usize = c[k].iter().sum();
        let precision = if predicted > 0 {
            tp / predicted as f64
        } else {
            0.0
        };
        let recall = if support > 0 {
            tp / support as f64
        } else {
            0.0
        };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        ClassScores {
            precision,
            recall,
            f1,
            support,
        }
    };
    let (favor, against, neutral) = (class(0), class(1), class(2));
    let n = pairs.len();
    let correct: usize = (0..3).map(|k| c[k][k]).sum();
    StanceMetrics {
        n,
        accuracy: if n > 0 {
            correct as f64 / n as f64
        } else {
            0.0
        },
        macro_f1: (favor.f1 + against.f1 + neutral.f1) / 3.0,
        f_avg: (favor.f1 + against.f1) / 2.0,
        intervals: None,
        favor,
        against,
        neutral,
        confusion: c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stance::*;

    #[test]
    fn hand_computed_f1() {
        // gold:      F F F A A N N N N N
        // predicted: F F A A N N N N F N
        let pairs = [
            (Favor, Favor),
            (Favor, Favor),
            (Favor, Against),
            (Against, Against),
            (Against, Neutral),
            (Neutral, Neutral),
            (Neutral, Neutral),
            (Neutral, Neutral),
            (Neutral, Favor),
            (Neutral, Neutral),
        ];
        let m = stance_metrics(&pairs);
        assert_eq!(m.n, 10);
        assert!((m.accuracy - 0.7).abs() < 1e-12);
        // favor: P 2/3, R 2/3, F1 2/3; against: P 1/2, R 1/2, F1 1/2; neutral: P 4/5, R 4/5, F1 4/5.
        assert!((m.favor.f1 - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.against.f1 - 0.5).abs() < 1e-12);
        assert!((m.neutral.f1 - 0.8).abs() < 1e-12);
        assert!((m.macro_f1 - (2.0 / 3.0 + 0.5 + 0.8) / 3.0).abs() < 1e-12);
        assert!((m.f_avg - (2.0 / 3.0 + 0.5) / 2.0).abs() < 1e-12);
        assert_eq!(m.confusion[0], [2, 1, 0]);
        assert_eq!(m.confusion[2], [1, 0, 4]);
    }

    #[test]
    fn majority_baseline_and_empty() {
        let pairs = [(Neutral, Neutral), (Neutral, Neutral), (Favor, Neutral)];
        let m = stance_metrics(&pairs);
        assert_eq!(m.favor.f1, 0.0);
        assert!((m.neutral.f1 - 0.8).abs() < 1e-12);
        assert_eq!(stance_metrics(&[]).accuracy, 0.0);
    }

    #[test]
    fn token_f1_like_squad() {
        // gold: passos coelho forms portugal s next government (7); predicted: coelho and
        // costa working together (5); common: coelho → P 1/5, R 1/7.
        let f = token_f1(
            "Passos Coelho forms Portugal's next government",
            "Coelho and Costa working together",
        );
        assert!((f - 2.0 * (0.2 * (1.0 / 7.0)) / (0.2 + 1.0 / 7.0)).abs() < 1e-12);
        assert_eq!(token_f1("the coup", "The coup."), 1.0);
        assert_eq!(token_f1("a", ""), 1.0);
        assert_eq!(token_f1("coup", "election"), 0.0);
    }

    #[test]
    fn copying_measures() {
        assert_eq!(novel_bigrams("the cat sat on the mat", "the cat sat"), 0.0);
        assert_eq!(novel_bigrams("the cat sat", "a dog ran"), 1.0);
        assert!((length_ratio("a b c d", "a b") - 0.5).abs() < 1e-12);
        let r = rouge("The cat sat on the mat.", "The cat sat on the mat.");
        assert!((r.rouge1 - 1.0).abs() < 1e-12 && (r.rouge_lsum - 1.0).abs() < 1e-12);
    }
}

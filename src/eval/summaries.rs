//! Summary scores over the examples of one eval: ROUGE against the reference, copying,
//! length, what the faithfulness check said, and the worst summaries by ROUGE-1.

use super::dataset::Example;
use super::faithfulness::OwnSummaryChecks;
use super::metrics::{length_ratio, novel_bigrams, rouge, Rouge};
use super::report::{SummaryMetrics, Worst};
use crate::report::Report;

/// Running totals of the summary scores.
#[derive(Default)]
pub struct SummaryTally {
    rouges: Vec<Rouge>,
    ratios: Vec<f64>,
    novels: Vec<f64>,
    sentences: Vec<f64>,
    own: OwnSummaryChecks,
    worst: Vec<(f64, Worst)>,
    gen_tokens: usize,
    gen_s: f64,
}

impl SummaryTally {
    /// Scores `report`'s summary of `ex` when both a summary and a reference exist.
    pub fn add(&mut self, ex: &Example, report: &Report) {
        let (Some(reference), Some(summary)) = (&ex.reference_summary, &report.summary) else {
            return;
        };
        let r = rouge(reference, summary);
        self.rouges.push(r);
        self.ratios.push(length_ratio(&ex.text, summary));
        self.novels.push(novel_bigrams(&ex.text, summary));
        self.sentences
            .push(crate::faithfulness::summary_sentences(summary).len() as f64);
        if let Some(t) = &report.faithfulness {
            self.own.add(t);
        }
        self.worst.push((
            r.rouge1,
            Worst {
                id: ex.id.clone(),
                what: format!("summary (ROUGE-1 F1 {:.3})", r.rouge1),
                expected: reference.to_string(),
                got: summary.to_string(),
            },
        ));
        self.gen_tokens += report.tokens_out;
        self.gen_s += report.timings.decode_s;
    }

    /// Summary tokens generated per second of decoding.
    pub fn tokens_per_s(&self) -> f64 {
        if self.gen_s > 0.0 {
            self.gen_tokens as f64 / self.gen_s
        } else {
            0.0
        }
    }

    /// The means (None without scored summaries) and the three lowest-ROUGE summaries.
    pub fn finish(mut self) -> (Option<SummaryMetrics>, Vec<Worst>) {
        self.worst.sort_by(|a, b| a.0.total_cmp(&b.0));
        let worst = self.worst.into_iter().take(3).map(|w| w.1).collect();
        if self.rouges.is_empty() {
            return (None, worst);
        }
        let n = self.rouges.len() as f64;
        let mean = |v: &[f64]| v.iter().sum::<f64>() / n;
        let rouge_mean = |f: &dyn Fn(&Rouge) -> f64| self.rouges.iter().map(f).sum::<f64>() / n;
        let own = self.own;
        let metrics = SummaryMetrics {
            n: self.rouges.len(),
            rouge1: rouge_mean(&|r| r.rouge1),
            rouge2: rouge_mean(&|r| r.rouge2),
            rouge_lsum: rouge_mean(&|r| r.rouge_lsum),
            length_ratio: mean(&self.ratios),
            novel_bigrams: mean(&self.novels),
            sentences: mean(&self.sentences),
            supported_rate: (own.sentences > 0).then_some(own.supported_rate),
            checks: (own.sentences > 0).then_some(own),
        };
        (Some(metrics), worst)
    }
}

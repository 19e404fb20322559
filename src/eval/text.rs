//! The eval report as readable text or Markdown tables: one function per section, all
//! writing through `Table`, so text and Markdown come from the same rows.

use super::faithfulness::FaithfulnessMetrics;
use super::metrics::StanceMetrics;
use super::report::{ActorMetrics, EvalReport, SummaryMetrics, TargetMetrics};

/// Rows written as aligned text or as a Markdown table.
struct Table {
    out: String,
    markdown: bool,
}

impl Table {
    fn heading(&mut self, t: &str) {
        self.out.push_str(&if self.markdown {
            format!("\n### {t}\n\n")
        } else {
            format!("\n{t}\n")
        });
    }

    fn row(&mut self, cells: &[String]) {
        if self.markdown {
            self.out.push_str(&format!("| {} |\n", cells.join(" | ")));
        } else {
            // Columns 12 wide, and at least one space after a longer cell.
            let line: String = cells.iter().map(|c| format!("{c:<11} ")).collect();
            self.out.push_str(&format!("  {}\n", line.trim_end()));
        }
    }

    /// A header row, and in Markdown the separator under it.
    fn head(&mut self, cells: &[&str]) {
        self.row(&cells.iter().map(|c| c.to_string()).collect::<Vec<_>>());
        if self.markdown {
            self.out
                .push_str(&format!("|{}\n", "---|".repeat(cells.len())));
        }
    }
}

impl EvalReport {
    /// Readable text (`markdown` = tables in Markdown).
    pub fn render(&self, markdown: bool) -> String {
        let mut t = Table {
            out: String::new(),
            markdown,
        };
        self.render_run(&mut t);
        if let Some(s) = &self.summaries {
            self.render_summaries(&mut t, s);
        }
        if let Some(fm) = &self.faithfulness {
            render_checker(&mut t, fm);
        }
        if let Some(s) = &self.stance {
            render_stance(&mut t, s);
        }
        if let Some(a) = &self.actors {
            self.render_actors(&mut t, a);
        }
        if let Some(tm) = &self.target {
            render_target(&mut t, tm);
        }
        self.render_worst(&mut t);
        t.out
    }

    /// The models, the cost, and what could not be read or run.
    fn render_run(&self, t: &mut Table) {
        t.out.push_str(&format!(
            "brief eval: {} examples (summarizer {}, classifier {}), {:.1} s, {:.2} s/example\n",
            self.examples,
            self.summarizer.as_deref().unwrap_or("-"),
            self.classifier.as_deref().unwrap_or("-"),
            self.cost.total_s,
            self.cost.seconds_per_example
        ));
        if !self.bad_lines.is_empty() {
            t.out.push_str(&format!(
                "{} malformed line(s) skipped:\n",
                self.bad_lines.len()
            ));
            for b in &self.bad_lines {
                t.out
                    .push_str(&format!("  {}:{}: {}\n", b.file, b.line, b.error));
            }
        }
        for f in &self.failed {
            t.out.push_str(&format!("failed: {f}\n"));
        }
    }

    fn render_summaries(&self, t: &mut Table, s: &SummaryMetrics) {
        t.heading(&format!("Summaries ({})", s.n));
        t.head(&[
            "ROUGE-1",
            "ROUGE-2",
            "ROUGE-Lsum",
            "length",
            "novel 2-gr",
            "tok/s",
        ]);
        t.row(&[
            f(s.rouge1),
            f(s.rouge2),
            f(s.rouge_lsum),
            f(s.length_ratio),
            f(s.novel_bigrams),
            format!("{:.1}", self.cost.summary_tokens_per_s),
        ]);
        if let Some(c) = &s.checks {
            t.out.push_str(&format!(
                "  checked {} generated sentences: {:.1}% supported; {} repaired, {} dropped, {} extractive fallback(s); {:.2} sentences per summary\n",
                c.sentences,
                100.0 * c.supported_rate,
                c.repaired,
                c.dropped,
                c.extractive,
                s.sentences,
            ));
        }
    }

    fn render_actors(&self, t: &mut Table, a: &ActorMetrics) {
        t.heading("Actors");
        t.head(&[
            "precision",
            "recall",
            "kinds",
            "dupl.",
            "non-actors",
            "gold",
            "found",
        ]);
        t.row(&[
            f(a.precision),
            f(a.recall),
            a.kind_accuracy.map_or("-".into(), f),
            a.duplicates.to_string(),
            a.non_actors.to_string(),
            a.gold.to_string(),
            a.predicted.to_string(),
        ]);
        if !self.missed_actors.is_empty() {
            t.out
                .push_str(&format!("  missed: {}\n", self.missed_actors.join("; ")));
        }
    }

    fn render_worst(&self, t: &mut Table) {
        if self.worst.is_empty() && self.actor_misses.is_empty() {
            return;
        }
        t.heading("Worst examples");
        for m in &self.actor_misses {
            t.out.push_str(&format!("- actors of {m}\n"));
        }
        for w in &self.worst {
            t.out.push_str(&format!(
                "- {} — {}\n    expected: {}\n    got:      {}\n",
                w.id,
                w.what,
                one_line(&w.expected),
                one_line(&w.got)
            ));
        }
    }
}

fn render_checker(t: &mut Table, fm: &FaithfulnessMetrics) {
    t.heading(&format!(
        "Summary checker ({} summaries, {})",
        fm.n, fm.checker
    ));
    t.head(&["bal. acc", "precision", "recall", "threshold"]);
    t.row(&[
        f(fm.balanced_accuracy),
        f(fm.precision),
        f(fm.recall),
        format!("{:.3}", fm.threshold),
    ]);
    t.out
        .push_str("  (precision / recall of catching an inconsistent summary)\n");
}

fn render_stance(t: &mut Table, s: &StanceMetrics) {
    t.heading(&format!("Stance ({} labels)", s.n));
    t.head(&["figure", "value", "95% interval"]);
    let i = s.intervals;
    for (name, value, interval) in [
        ("accuracy", s.accuracy, i.map(|i| i.accuracy)),
        ("macro-F1", s.macro_f1, i.map(|i| i.macro_f1)),
        ("F_avg", s.f_avg, i.map(|i| i.f_avg)),
    ] {
        let interval =
            interval.map_or("—".to_string(), |[lo, hi]| format!("{}–{}", f(lo), f(hi)));
        t.row(&[name.to_string(), f(value), interval]);
    }
    if i.is_some() {
        if t.markdown {
            t.out.push('\n');
        }
        t.out.push_str(&format!(
            "  (95% intervals: bootstrap over examples, {} resamples; a gap inside one may be noise)\n",
            super::interval::RESAMPLES
        ));
    }
    t.out.push('\n');
    t.head(&["class", "precision", "recall", "F1", "support"]);
    for (name, c) in [
        ("favor", &s.favor),
        ("against", &s.against),
        ("neutral", &s.neutral),
    ] {
        t.row(&[
            name.into(),
            f(c.precision),
            f(c.recall),
            f(c.f1),
            c.support.to_string(),
        ]);
    }
    t.out.push('\n');
    t.head(&["gold \\ pred", "favor", "against", "neutral"]);
    for (name, r) in ["favor", "against", "neutral"]
        .iter()
        .zip(s.confusion.iter())
    {
        t.row(&[
            name.to_string(),
            r[0].to_string(),
            r[1].to_string(),
            r[2].to_string(),
        ]);
    }
}

fn render_target(t: &mut Table, tm: &TargetMetrics) {
    t.heading(&format!("Target vs gold issue ({})", tm.n));
    t.head(&["token F1", "same issue"]);
    let agree = tm
        .agreement
        .map_or("-".into(), |a| format!("{} ({} judged)", f(a), tm.judged));
    t.row(&[f(tm.token_f1), agree]);
}

fn f(x: f64) -> String {
    format!("{x:.3}")
}

fn one_line(s: &str) -> String {
    let s = s.replace('\n', " ");
    if s.chars().count() > 160 {
        format!("{}…", s.chars().take(160).collect::<String>())
    } else {
        s
    }
}

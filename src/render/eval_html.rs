//! The eval report as HTML: headline metrics, per-class scores, the confusion matrix as a grid
//! coloured by how much of each gold row lands in each cell, and the worst examples.

use super::{nonce, offline_csp, render};
use crate::error::Result;
use crate::eval::EvalReport;
use serde::Serialize;

/// A standalone HTML document for `report` (what `brief eval --format html` prints).
pub fn eval_html(report: &EvalReport) -> Result<String> {
    let nonce = nonce();
    let confusion = report.stance.as_ref().map(|s| confusion_grid(&s.confusion));
    render(
        "eval.html",
        minijinja::context! {
            e => minijinja::Value::from_serialize(report),
            confusion,
            nonce,
            csp => offline_csp(&nonce),
        },
    )
}

/// One row of the confusion grid.
#[derive(Debug, Serialize)]
struct GridRow {
    gold: &'static str,
    cells: Vec<GridCell>,
}

#[derive(Debug, Serialize)]
struct GridCell {
    count: usize,
    /// Share of the gold row, as a whole percentage (drives the colour).
    pct: u32,
    /// On the diagonal (a correct label).
    hit: bool,
}

const LABELS: [&str; 3] = ["favor", "against", "neutral"];

fn confusion_grid(c: &[[usize; 3]; 3]) -> Vec<GridRow> {
    c.iter()
        .zip(LABELS)
        .enumerate()
        .map(|(g, (row, gold))| {
            let total: usize = row.iter().sum();
            GridRow {
                gold,
                cells: row
                    .iter()
                    .enumerate()
                    .map(|(p, &count)| GridCell {
                        count,
                        pct: (count * 100).checked_div(total).unwrap_or(0) as u32,
                        hit: g == p,
                    })
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::interval::StanceIntervals;
    use crate::eval::metrics::stance_metrics;
    use crate::tasks::stance::Stance::*;

    #[test]
    fn eval_page_has_the_grid_and_escapes_text() {
        let mut stance = stance_metrics(&[(Favor, Favor), (Against, Neutral), (Against, Against)]);
        assert!(!eval_html(&EvalReport {
            stance: Some(stance.clone()),
            ..Default::default()
        })
        .unwrap()
        .contains("interval"));
        stance.intervals = Some(StanceIntervals {
            accuracy: [0.5, 0.75],
            macro_f1: [0.25, 0.9],
            f_avg: [0.625, 1.0],
        });
        let report = EvalReport {
            examples: 3,
            stance: Some(stance),
            failed: vec!["x<1>: <script>alert(1)</script>".into()],
            ..Default::default()
        };
        let html = eval_html(&report).unwrap();
        assert!(html.contains("x&lt;1&gt;"));
        assert!(html.contains("macro-F1 (95% interval 0.25–0.9)"), "{html}");
        assert!(html.contains("accuracy (95% interval 0.5–0.75)"), "{html}");
        assert!(
            html.contains("F_avg (favor, against) (95% interval 0.625–1.0)"),
            "{html}"
        );
        // No script at all on this page, so nothing from a dataset can be one.
        assert!(!html.contains("<script"), "{html}");
        // Gold "against": one of two predicted neutral, one against → 50 % each.
        assert!(
            html.contains("data-cell=\"against-against\" style=\"--p:50\""),
            "{html}"
        );
    }
}

//! MPNet's relative position bias: one learnt scalar per attention head and distance bucket,
//! added to every layer's attention scores (the table is shared by all layers). Written here
//! because candle-transformers 0.11 has no MPNet; the bucketing follows transformers'
//! `MPNetEncoder.relative_position_bucket` (T5's bidirectional scheme: exact buckets for
//! short distances, logarithmic ones up to `MAX_DISTANCE`, one half of the buckets per
//! direction).

use candle_core::{Result, Tensor};

/// Distances at and beyond this share the last bucket of their direction.
const MAX_DISTANCE: i64 = 128;

/// The bucket of a key at `relative` positions from the query (key − query).
pub fn bucket(relative: i64, num_buckets: usize) -> u32 {
    let half = (num_buckets / 2) as i64;
    let n = -relative;
    let mut out = if n < 0 { half } else { 0 };
    let n = n.abs();
    let max_exact = half / 2;
    out += if n < max_exact {
        n
    } else {
        let scaled = ((n as f64 / max_exact as f64).ln()
            / (MAX_DISTANCE as f64 / max_exact as f64).ln()
            * (half - max_exact) as f64) as i64;
        (max_exact + scaled).min(half - 1)
    };
    out as u32
}

/// The learnt table `(buckets, heads)` of `encoder.relative_attention_bias`.
#[derive(Clone)]
pub struct RelativeBias {
    table: Tensor,
}

impl RelativeBias {
    /// Wraps the table as read from the checkpoint.
    pub fn new(table: Tensor) -> Self {
        Self { table }
    }

    /// The `(1, heads, s, s)` bias for a sequence of `s` tokens.
    pub fn for_length(&self, s: usize) -> Result<Tensor> {
        let (buckets, heads) = self.table.dims2()?;
        let idx: Vec<u32> = (0..s as i64)
            .flat_map(|q| (0..s as i64).map(move |k| bucket(k - q, buckets)))
            .collect();
        let idx = Tensor::from_vec(idx, s * s, self.table.device())?;
        self.table
            .index_select(&idx, 0)?
            .reshape((s, s, heads))?
            .permute((2, 0, 1))?
            .contiguous()?
            .unsqueeze(0)
    }
}

#[cfg(test)]
mod tests {
    use super::bucket;

    #[test]
    fn buckets_follow_the_t5_bidirectional_scheme() {
        // Same position; keys before the query in the lower half, after it in the upper
        // half; exact below 8, logarithmic after, capped at the half's last bucket. Values
        // from transformers' implementation.
        let cases = [
            (0, 0),
            (3, 19),
            (-3, 3),
            (7, 23),
            (8, 24),
            (16, 26),
            (127, 31),
            (500, 31),
            (-500, 15),
        ];
        for (relative, want) in cases {
            assert_eq!(bucket(relative, 32), want, "relative {relative}");
        }
    }
}

//! Deterministic shards: an article belongs to shard `hash(id) mod N`, so the assignment is
//! stable as the input grows and the union of all shards is the input with no overlap. The
//! shard comes from `--shard I/N`, else from a Slurm job array or a Kubernetes Indexed Job.

use crate::error::{BriefError, Result};
use sha2::{Digest, Sha256};

/// Shard `index` of `count` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Parses `I/N` (0 ≤ I < N).
    pub fn parse(s: &str) -> Result<Self> {
        let bad =
            || BriefError::Usage(format!("--shard '{s}': give I/N with 0 <= I < N, e.g. 0/4"));
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index = i.trim().parse::<usize>().map_err(|_| bad())?;
        let count = n.trim().parse::<usize>().map_err(|_| bad())?;
        Self::new(index, count).ok_or_else(bad)
    }

    fn new(index: usize, count: usize) -> Option<Self> {
        (count > 0 && index < count).then_some(Self { index, count })
    }

    /// The shard named by `flag`, else by the environment: Slurm array jobs
    /// (`SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN` of `SLURM_ARRAY_TASK_COUNT`) or a
    /// Kubernetes Indexed Job (`JOB_COMPLETION_INDEX` of `shards`); `None` = everything.
    pub fn choose(flag: Option<&str>, shards: Option<usize>) -> Result<Option<Self>> {
        Self::choose_with(flag, shards, &|k| std::env::var(k).ok())
    }

    fn choose_with(
        flag: Option<&str>,
        shards: Option<usize>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>> {
        if let Some(f) = flag {
            return Self::parse(f).map(Some);
        }
        let num = |k: &str| env(k).and_then(|v| v.trim().parse::<usize>().ok());
        if let (Some(id), Some(count)) = (num("SLURM_ARRAY_TASK_ID"), num("SLURM_ARRAY_TASK_COUNT"))
        {
            let index = id.saturating_sub(num("SLURM_ARRAY_TASK_MIN").unwrap_or(0));
            return Self::new(index, count).map(Some).ok_or_else(|| {
                BriefError::Usage(format!(
                    "Slurm array task {id} (index {index}) is outside a count of {count}"
                ))
            });
        }
        if let Some(index) = num("JOB_COMPLETION_INDEX") {
            let count = shards.ok_or_else(|| {
                BriefError::Usage(
                    "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job): pass --shards N, the job's completions".into(),
                )
            })?;
            return Self::new(index, count).map(Some).ok_or_else(|| {
                BriefError::Usage(format!(
                    "JOB_COMPLETION_INDEX {index} is not below --shards {count}"
                ))
            });
        }
        Ok(None)
    }

    /// Whether the article with this id belongs to this shard.
    pub fn contains(&self, id: &str) -> bool {
        let digest = Sha256::digest(id.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        (u64::from_be_bytes(first) % self.count as u64) as usize == self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_ids() {
        let ids: Vec<String> = (0..500).map(|i| format!("article-{i}")).collect();
        for n in [1, 2, 3, 7] {
            let mut seen = vec![0usize; ids.len()];
            for i in 0..n {
                let s = Shard::parse(&format!("{i}/{n}")).unwrap();
                for (k, id) in ids.iter().enumerate() {
                    if s.contains(id) {
                        seen[k] += 1;
                    }
                }
            }
            assert!(seen.iter().all(|&c| c == 1), "{n} shards");
        }
        // Stable across versions and machines: pinned values (sha256 of the id, first 8
        // bytes big-endian, mod N).
        assert!(Shard::parse("2/3").unwrap().contains("article-0"));
        assert!(Shard::parse("4/7").unwrap().contains("niger-us-security"));
    }

    #[test]
    fn environments_choose_the_shard() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(
            Shard::choose_with(None, None, &slurm).unwrap(),
            Some(Shard { index: 2, count: 4 })
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "1")]);
        assert_eq!(
            Shard::choose_with(None, Some(3), &k8s).unwrap(),
            Some(Shard { index: 1, count: 3 })
        );
        assert!(Shard::choose_with(None, None, &k8s).is_err());
        assert_eq!(
            Shard::choose_with(Some("0/2"), None, &slurm).unwrap(),
            Some(Shard { index: 0, count: 2 })
        );
        assert!(Shard::parse("2/2").is_err() && Shard::parse("x").is_err());
        assert_eq!(Shard::choose_with(None, None, &env(&[])).unwrap(), None);
    }
}

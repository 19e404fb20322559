#!/usr/bin/env bash
# brief batch as a Slurm job array: each array task processes one shard of the corpus
# (chosen by a hash of the article id from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT), writes
# its own output, and resumes from it if the task is requeued. Merge when all are done:
#   brief batch merge out/ --inputs corpus.jsonl -o all.jsonl
#
# Submit (16 shards, 2 cores each):  sbatch --array=0-15 deploy/slurm-array.sh corpus.jsonl
#SBATCH --job-name=brief
#SBATCH --cpus-per-task=2
#SBATCH --mem=6G
#SBATCH --time=12:00:00
#SBATCH --requeue
#SBATCH --output=logs/brief-%A_%a.log
set -euo pipefail
corpus="${1:?usage: sbatch --array=0-N deploy/slurm-array.sh CORPUS.jsonl}"
mkdir -p out
# Models must be in the shared cache (run `brief models pull` once on a login node); no node
# then needs the network.
export HF_HUB_OFFLINE=1
exec brief batch "$corpus" --out "out/shard-${SLURM_ARRAY_TASK_ID}.jsonl" --threads "${SLURM_CPUS_PER_TASK:-2}"

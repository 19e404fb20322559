"""Run `brief batch` shards as Ray tasks, with retries, then merge.

    pip install ray
    python deploy/ray_driver.py corpus.jsonl --shards 8 --out-dir out/ [--address auto]

Each shard is one Ray task that runs `brief batch CORPUS --shard I/N --out OUT_DIR/shard-I.jsonl`.
A task whose worker dies (node lost, OOM, kill) is retried by Ray (max_retries); because brief
appends and resumes, a retry only does the articles the dead attempt had not finished. The
driver then runs `brief batch merge`, which checks that every input id appears exactly once.
brief must be on PATH (or pass --brief) on every node, with the models in the cache.
"""

import argparse
import subprocess
import sys

import ray


@ray.remote(max_retries=3, retry_exceptions=True)
def shard(brief, corpus, index, count, out, extra):
    """One shard; raises (so Ray retries) unless brief exits 0 or 3 (3 = some records failed,
    which their error lines record: retrying would not help)."""
    cmd = [brief, "batch", corpus, "--shard", f"{index}/{count}", "--out", out, "--quiet", *extra]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode not in (0, 3):
        raise RuntimeError(f"shard {index}/{count} exited {done.returncode}: {done.stderr[-2000:]}")
    return index, done.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--out-dir", default="out")
    ap.add_argument("--merged", default="all.jsonl")
    ap.add_argument("--brief", default="brief")
    ap.add_argument("--address", default=None, help="Ray cluster address (default: start a local one)")
    ap.add_argument("extra", nargs="*", help="more brief batch flags, after --")
    args = ap.parse_args()
    ray.init(address=args.address)
    import os

    os.makedirs(args.out_dir, exist_ok=True)
    futures = [
        shard.remote(args.brief, args.corpus, i, args.shards, f"{args.out_dir}/shard-{i}.jsonl", args.extra)
        for i in range(args.shards)
    ]
    for index, code in ray.get(futures):
        print(f"shard {index}: exit {code}", file=sys.stderr)
    merged = subprocess.run(
        [args.brief, "batch", "merge", args.out_dir, "--inputs", args.corpus, "-o", args.merged]
    )
    sys.exit(merged.returncode)


if __name__ == "__main__":
    main()

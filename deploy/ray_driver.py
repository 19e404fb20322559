"""Run `brief batch` shards as Ray tasks, with retries, then merge.

    pip install ray
    python deploy/ray_driver.py corpus.jsonl --shards 8 --out-dir out/ [--address auto] [-- BRIEF FLAGS]

Each shard is one Ray task that runs `brief batch CORPUS --shard I/N --out OUT_DIR/shard-I.jsonl`.
A task whose worker dies (node lost, OOM, kill) is retried by Ray (max_retries); because brief
appends and resumes, a retry only does the articles the dead attempt had not finished. The
driver then runs `brief batch merge`, which checks that every input id appears exactly once,
and exits with merge's status (non-zero when an id is missing, failed or duplicated, or when a
shard still failed after its retries). Everything after `--` is passed to every `brief batch`,
e.g. `-- --tasks summarize --offline`. brief must be on PATH (or pass --brief) on every node,
with the models in the cache.

Testing only: `--kill-once DIR` makes the first attempt of shard 1 (shard 0 when there is only
one) start brief, wait until its output has a complete line, kill brief and then kill its own
Ray worker process, so Ray sees a dead worker and retries the task. A marker file in DIR
(`shard-I.killed`, JSON) records that this happened, and DIR/attempts.log gets one line per
shard attempt. scripts/test_ray uses it; without the flag nothing of this runs.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import ray


def _victim(count):
    """The shard --kill-once kills."""
    return 1 if count > 1 else 0


def _kill_mid_run(cmd, out, marker):
    """Fault injection (--kill-once): run brief until OUT has a complete line, then SIGKILL it
    and end this Ray worker process without cleanup, as a crashed node would."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lines = 0
    while proc.poll() is None:
        try:
            with open(out, "rb") as f:
                lines = f.read().count(b"\n")
        except FileNotFoundError:
            lines = 0
        if lines >= 1:
            break
        time.sleep(0.05)
    still_running = proc.poll() is None
    proc.kill()
    proc.wait()
    with open(out, "rb") as f:
        lines = f.read().count(b"\n")
    with open(marker, "w") as f:
        json.dump({"pid": os.getpid(), "brief_still_running": still_running, "lines_at_kill": lines}, f)
        f.flush()
        os.fsync(f.fileno())
    os._exit(1)


@ray.remote(max_retries=3, retry_exceptions=True)
def shard(brief, corpus, index, count, out, extra, kill_once=None):
    """One shard; raises (so Ray retries) unless brief exits 0 or 3 (3 = some records failed,
    which their error lines record: retrying would not help)."""
    cmd = [brief, "batch", corpus, "--shard", f"{index}/{count}", "--out", out, "--quiet", *extra]
    if kill_once is not None:
        with open(os.path.join(kill_once, "attempts.log"), "a") as f:
            f.write(f"shard {index} pid {os.getpid()} start {time.time():.3f}\n")
        if index == _victim(count):
            marker = os.path.join(kill_once, f"shard-{index}.killed")
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                first_attempt = True
            except FileExistsError:
                first_attempt = False
            if first_attempt:
                _kill_mid_run(cmd, out, marker)
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode not in (0, 3):
        raise RuntimeError(f"shard {index}/{count} exited {done.returncode}: {done.stderr[-2000:]}")
    return index, done.returncode


def _absolute(path):
    return os.path.abspath(path)


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--out-dir", default="out")
    ap.add_argument("--merged", default="all.jsonl")
    ap.add_argument("--brief", default="brief", help="brief binary (a name on PATH, or a path)")
    ap.add_argument("--address", default=None, help="Ray cluster address (default: start a local one)")
    ap.add_argument(
        "--kill-once",
        metavar="DIR",
        default=None,
        help="testing only: kill shard 1's first attempt mid-run (worker dies, Ray retries); markers go in DIR",
    )
    args = ap.parse_args(argv)
    # Ray workers need not share the driver's working directory: pass absolute paths.
    brief = _absolute(args.brief) if os.sep in args.brief else args.brief
    corpus, out_dir, merged_path = _absolute(args.corpus), _absolute(args.out_dir), _absolute(args.merged)
    kill_once = None
    if args.kill_once is not None:
        kill_once = _absolute(args.kill_once)
        os.makedirs(kill_once, exist_ok=True)
    os.makedirs(out_dir, exist_ok=True)
    ray.init(address=args.address)
    futures = [
        shard.remote(brief, corpus, i, args.shards, f"{out_dir}/shard-{i}.jsonl", extra, kill_once)
        for i in range(args.shards)
    ]
    for index, code in ray.get(futures):
        print(f"shard {index}: exit {code}", file=sys.stderr)
    merged = subprocess.run([brief, "batch", "merge", out_dir, "--inputs", corpus, "-o", merged_path])
    if merged.returncode != 0:
        print(f"merge failed: exit {merged.returncode}", file=sys.stderr)
        sys.exit(merged.returncode if merged.returncode > 0 else 1)


if __name__ == "__main__":
    main()

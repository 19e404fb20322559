#!/usr/bin/env python3
"""Copies the FRANK validation data into evals/frank/ and draws the fixed, seeded subset of
articles used to measure brief's own summaries (summarizing all 149 takes over an hour on
2 cores).

    python3 scripts/frank_subsets.py [../shared/evaldata/frank]

Writes evals/frank/checker.jsonl (671 checker-only examples), evals/frank/articles.jsonl
(149 articles with reference summaries) and evals/frank/articles-dev30.jsonl (30 of them,
random.Random(10)). The validation split only: FRANK's test split is never used.
"""
import json
import random
import shutil
import sys
from pathlib import Path

src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/evaldata/frank")
out = Path("evals/frank")
out.mkdir(parents=True, exist_ok=True)
shutil.copyfile(src / "validation.jsonl", out / "checker.jsonl")
shutil.copyfile(src / "articles-validation.jsonl", out / "articles.jsonl")
rows = [json.loads(l) for l in open(src / "articles-validation.jsonl")]
picked = sorted(random.Random(10).sample(range(len(rows)), 30))
with open(out / "articles-dev30.jsonl", "w") as f:
    for i in picked:
        f.write(json.dumps(rows[i], ensure_ascii=False) + "\n")
print(f"wrote {out}/checker.jsonl, articles.jsonl, articles-dev30.jsonl ({len(picked)} articles)")

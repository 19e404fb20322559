#!/usr/bin/env python3
"""The order in which FRANK validation articles were read for the actor/target dev set.

Usage: scripts/frank_actor_order.py ../shared/evaldata/frank/articles-validation.jsonl [SEED]

Prints the articles in a seeded random order (seed 14 by default), one line each: position,
id, length and opening. The labeller reads them in this order and keeps an article when it is
a news report about one central issue with at least two actors (see evals/README.md); the
first 10 kept are the tuning half, the next 10 the held-aside half.
"""
import json
import random
import sys

path = sys.argv[1]
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 14
rows = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
rows.sort(key=lambda r: r["id"])
random.Random(seed).shuffle(rows)
for i, r in enumerate(rows):
    opening = " ".join(r["text"].split())[:110]
    print(f"{i:3d} {r['id']} {len(r['text']):5d} {opening}")

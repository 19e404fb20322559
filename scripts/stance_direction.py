#!/usr/bin/env python3
"""Score a comparative direction question against the default yes/no pair, offline.

The default chat classifier asks "Does X express support for T?" and "... opposition to T?"
and reads favor / against / neutral from the two P(yes) by the product rule. This script
keeps that rule's neutral probability n and takes the direction from a question that makes the
model choose ("Does X support or oppose T? Answer support or oppose."), asked in both orders
of its options: d = sigmoid(mean over the orders of log P(support) - log P(oppose));
favor = (1 - n) d, against = (1 - n)(1 - d), neutral = n, then the config's min_confidence.

Inputs are `brief eval --predictions` files of the same examples: the default's (yes-no mode,
with `answers`) and one per order of a labels-mode config whose favor / against words are the
two options (README, "Issue targets with 48 labelled articles").

    scripts/stance_direction.py PAIR.pred ORDER1.pred ORDER2.pred [PAIR.pred ORDER1.pred ...]

Prints macro-F1 of the default and of the mix per group of three files and pooled, and a
paired bootstrap (whole articles resampled) of the pooled difference.
"""
import json
import math
import random
import sys

from fit_stance_answers import LABELS
from fit_stance_answers import macro_f1 as f1_of
MIN_CONFIDENCE = 0.55


def read(path):
    out = {}
    for line in open(path):
        r = json.loads(line)
        out[(r["id"], r["actor"])] = r
    return out


def decide(p):
    k = max(range(3), key=lambda i: p[i])
    return 2 if k != 2 and p[k] < MIN_CONFIDENCE else k


def pair_probs(answers):
    s, o = answers
    p = [s * (1 - o), o * (1 - s), (1 - s) * (1 - o)]
    t = sum(p)
    return [x / t for x in p]


def direction(orders):
    """Mean log-odds of support over oppose across the orders, as a probability."""
    l = sum(math.log(r["scores"][0]) - math.log(r["scores"][1]) for r in orders) / len(orders)
    return 1 / (1 + math.exp(-l))


def rows_of(pair_path, order_paths):
    pair = read(pair_path)
    orders = [read(p) for p in order_paths]
    rows = []
    for key, r in pair.items():
        if any(key not in o for o in orders):
            sys.exit(f"{key} is in {pair_path} but not in every order's file")
        p = pair_probs(r["answers"])
        d = direction([o[key] for o in orders])
        mixed = [(1 - p[2]) * d, (1 - p[2]) * (1 - d), p[2]]
        rows.append((key[0], LABELS.index(r["gold"]), decide(p), decide(mixed)))
    return rows


def macro_f1(rows, col):
    return f1_of([r[1] for r in rows], [r[col] for r in rows])


def paired_interval(rows, resamples=1000, seed=20211):
    by_article = {}
    for r in rows:
        by_article.setdefault(r[0], []).append(r)
    groups = list(by_article.values())
    rng = random.Random(seed)
    diffs = []
    for _ in range(resamples):
        sample = [r for _ in groups for r in rng.choice(groups)]
        diffs.append(macro_f1(sample, 3) - macro_f1(sample, 2))
    diffs.sort()
    return diffs[int(0.025 * resamples)], diffs[int(0.975 * resamples) - 1]


def confusion(rows, col):
    m = [[0] * 3 for _ in range(3)]
    for r in rows:
        m[r[1]][r[col]] += 1
    return m


def report(groups, name):
    """Prints, for (path, rows) groups, macro-F1 of the default (column 2) and of the try
    (column 3) per group and pooled, a paired bootstrap of the pooled difference and both
    confusion matrices; shared by the offline scorers of the stance tries."""
    pooled = []
    for path, rows in groups:
        pooled += rows
        print(f"{path}: {len(rows)} labels, default {macro_f1(rows, 2):.3f}, "
              f"{name} {macro_f1(rows, 3):.3f}")
    lo, hi = paired_interval(pooled)
    print(f"pooled: {len(pooled)} labels, default {macro_f1(pooled, 2):.3f}, "
          f"{name} {macro_f1(pooled, 3):.3f}; "
          f"paired difference 95% interval {lo:+.3f} to {hi:+.3f}")
    for label, col in [("default", 2), (name, 3)]:
        print(f"{label} confusion (rows gold favor/against/neutral): {confusion(pooled, col)}")


def paired_main(argv, doc, name, mix):
    """main() of a scorer that pairs each default predictions file with one other file of the
    same examples: `mix(answers, other)` turns the default's two answers and the other file's
    row into the try's label probabilities; both are decided and reported."""
    if len(argv) < 2 or len(argv) % 2:
        sys.exit(doc)
    groups = []
    for i in range(0, len(argv), 2):
        pair, other = read(argv[i]), read(argv[i + 1])
        rows = []
        for key, r in pair.items():
            if key not in other:
                sys.exit(f"{key} is in {argv[i]} but not in {argv[i + 1]}")
            mixed = mix(r["answers"], other[key])
            rows.append((key[0], LABELS.index(r["gold"]), decide(pair_probs(r["answers"])),
                         decide(mixed)))
        groups.append((argv[i], rows))
    report(groups, name)


def main(argv):
    if len(argv) < 3 or len(argv) % 3:
        sys.exit(__doc__)
    report([(argv[i], rows_of(argv[i], argv[i + 1 : i + 3])) for i in range(0, len(argv), 3)],
           "with the direction question")


if __name__ == "__main__":
    main(sys.argv[1:])

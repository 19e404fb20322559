#!/usr/bin/env python3
"""Macro-F1 of stance classifiers averaged: the mean of their label probabilities, argmax.

An ensemble is worth building only if it beats its best member on data nobody chose on; this
measures it from `brief eval --predictions` files of the same examples, one per classifier
(README, "All six layers adapted, and two MiniLMs averaged").

    scripts/average_predictions.py A.pred B.pred [C.pred ...]
"""
import json
import sys

from fit_stance_answers import LABELS
from fit_stance_answers import macro_f1 as f1_of


def macro_f1(pairs):
    """Macro-F1 of (gold, predicted) label-name pairs."""
    return f1_of([LABELS.index(g) for g, _ in pairs], [LABELS.index(p) for _, p in pairs])


def main(paths):
    if len(paths) < 2:
        sys.exit(__doc__)
    runs = [[json.loads(line) for line in open(p)] for p in paths]
    keys = [[(r["id"], r["actor"]) for r in run] for run in runs]
    if any(k != keys[0] for k in keys):
        sys.exit("the files do not hold the same examples in the same order")
    for path, run in zip(paths, runs):
        print(f"{path}: macro-F1 {macro_f1([(r['gold'], r['predicted']) for r in run]):.4f}")
    averaged = []
    for rows in zip(*runs):
        p = [sum(r["scores"][i] for r in rows) / len(rows) for i in range(3)]
        averaged.append((rows[0]["gold"], LABELS[max(range(3), key=lambda i: p[i])]))
    print(f"averaged ({len(averaged)} labels): macro-F1 {macro_f1(averaged):.4f}")


if __name__ == "__main__":
    main(sys.argv[1:])

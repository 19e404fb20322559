#!/usr/bin/env python3
"""Fits the [faithfulness] weights of a checker model from a `brief eval --format json` report
over checker-only examples (evals/frank/checker.jsonl).

A summary is predicted consistent when every sentence has
    bias + model*logit(P_model) + novel_words*w + novel_bigrams*b >= 0   (threshold 0.5)
The script searches model / novel_words / novel_bigrams weights on a grid and, for each, the
bias that maximizes balanced accuracy. It reports that figure by 5-fold cross-validation
grouped by article (weights and bias chosen on four folds, scored on the fifth), so the number
is not one tuned on the examples it is scored on, then prints the weights fitted on all data
as the TOML to paste into the model config.

    brief eval evals/frank/checker.jsonl --format json -q > checker.json
    python3 scripts/calibrate_faithfulness.py checker.json
"""
import json
import math
import random
import sys


def logit(p):
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def load(path):
    report = json.load(open(path))
    rows = []
    for ex in report["faithfulness"]["examples"]:
        feats = []
        for s in ex["sentences"]:
            sig = s["signals"]
            feats.append((logit(sig["model"]) if sig["model"] is not None else 0.0,
                          sig["novel_words"], sig["novel_bigrams"]))
        group = ex["id"].rsplit("-", 1)[0]
        rows.append((group, ex["consistent"], feats))
    return rows


def scores(rows, w):
    # Lowest sentence score per summary; a summary with no sentence is consistent.
    return [min((w[0] * m + w[1] * nw + w[2] * nb for m, nw, nb in f), default=99.0)
            for _, _, f in rows]


def balanced_accuracy(gold, pred):
    pos = sum(1 for g in gold if g)
    neg = len(gold) - pos
    tp = sum(1 for g, p in zip(gold, pred) if g and p)
    tn = sum(1 for g, p in zip(gold, pred) if not g and not p)
    return 0.5 * ((tp / pos if pos else 0) + (tn / neg if neg else 0))


def best_bias(z, gold):
    """The bias (consistent iff z + bias >= 0) with the highest balanced accuracy."""
    cuts = sorted(set(z))
    best = (-1.0, 0.0)
    for i, c in enumerate(cuts):
        # Cut halfway below c: everything >= c is consistent.
        lo = cuts[i - 1] if i else c - 1.0
        t = (lo + c) / 2
        ba = balanced_accuracy(gold, [x >= t for x in z])
        if ba > best[0]:
            best = (ba, -t)
    return best


GRID = [(m, nw, nb)
        for m in (0.0, 0.25, 0.5, 1.0, 2.0)
        for nw in (0.0, -2.0, -4.0, -6.0, -8.0, -12.0, -16.0)
        for nb in (0.0, -2.0, -4.0, -6.0, -8.0, -12.0, -16.0)
        if (m, nw, nb) != (0.0, 0.0, 0.0)]


def fit(rows):
    gold = [c for _, c, _ in rows]
    best = None
    for w in GRID:
        ba, bias = best_bias(scores(rows, w), gold)
        if best is None or ba > best[0]:
            best = (ba, w, bias)
    return best


def cross_validated(rows, folds=5, seed=7):
    groups = sorted({g for g, _, _ in rows})
    random.Random(seed).shuffle(groups)
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    gold_all, pred_all = [], []
    for k in range(folds):
        train = [r for r in rows if fold_of[r[0]] != k]
        test = [r for r in rows if fold_of[r[0]] == k]
        _, w, bias = fit(train)
        z = scores(test, w)
        gold_all += [c for _, c, _ in test]
        pred_all += [x + bias >= 0 for x in z]
    return balanced_accuracy(gold_all, pred_all)


def main():
    rows = load(sys.argv[1])
    gold = [c for _, c, _ in rows]
    model_only = best_bias(scores(rows, (1.0, 0.0, 0.0)), gold)[0]
    lexical_only = max(best_bias(scores(rows, (0.0, nw, nb)), gold)[0]
                       for _, nw, nb in GRID)
    ba, w, bias = fit(rows)
    print(f"{len(rows)} summaries, {len({g for g, _, _ in rows})} articles")
    print(f"model alone (best bias, in-sample):    BA {model_only:.3f}")
    print(f"lexical alone (best, in-sample):       BA {lexical_only:.3f}")
    print(f"combined, fitted on all (in-sample):   BA {ba:.3f}")
    print(f"combined, 5-fold CV grouped by article: BA {cross_validated(rows):.3f}")
    print()
    print("[faithfulness]")
    print("threshold = 0.5")
    print(f"weights = {{ bias = {bias:.3f}, model = {w[0]}, novel_words = {w[1]}, novel_bigrams = {w[2]} }}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Fits a chat-model classifier's [stance.bias] (log offsets added to favor and against,
neutral fixed at 0) on dev predictions written by `brief eval --predictions FILE`, by grid
search for the best macro-F1 under the config's min_confidence; prints the fit and, for each
--check file, the figures before and after (files the fit never saw).

Usage: scripts/fit_stance_bias.py DEV.jsonl... [--check OTHER.jsonl...] [--min-confidence 0.55]
"""
import json
import math
import sys

LABELS = ["favor", "against", "neutral"]


def load(paths):
    rows = []
    for p in paths:
        rows += [json.loads(l) for l in open(p, encoding="utf-8") if l.strip()]
    return rows


def decide(scores, bias, min_conf):
    logs = [math.log(max(s, 1e-9)) + b for s, b in zip(scores, bias)]
    m = max(logs)
    e = [math.exp(x - m) for x in logs]
    z = sum(e)
    p = [x / z for x in e]
    best = max(range(3), key=lambda i: p[i])
    if best != 2 and p[best] < min_conf:
        return "neutral"
    return LABELS[best]


def macro_f1(rows, bias, min_conf):
    pairs = [(r["gold"], decide(r["scores"], bias, min_conf)) for r in rows]
    f1s = []
    for lab in LABELS:
        tp = sum(1 for g, p in pairs if g == lab and p == lab)
        fp = sum(1 for g, p in pairs if g != lab and p == lab)
        fn = sum(1 for g, p in pairs if g == lab and p != lab)
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    acc = sum(1 for g, p in pairs if g == p) / max(len(pairs), 1)
    return sum(f1s) / 3, acc


def main(argv):
    min_conf = 0.55
    if "--min-confidence" in argv:
        i = argv.index("--min-confidence")
        min_conf = float(argv[i + 1])
        del argv[i : i + 2]
    checks = []
    if "--check" in argv:
        i = argv.index("--check")
        checks = argv[i + 1 :]
        argv = argv[:i]
    dev = load(argv)
    grid = [x / 10 for x in range(-20, 21)]
    # Ties go to the smallest correction.
    fits = [
        (macro_f1(dev, [f, a, 0.0], min_conf)[0], -abs(f) - abs(a), f, a)
        for f in grid
        for a in grid
    ]
    f1, _, bf, ba = max(fits)
    before = macro_f1(dev, [0, 0, 0], min_conf)
    print(f"dev ({len(dev)} labels): macro-F1 {before[0]:.3f} -> {f1:.3f} "
          f"with [stance.bias] favor = {bf:+.1f}, against = {ba:+.1f}")
    for c in checks:
        rows = load([c])
        b0 = macro_f1(rows, [0, 0, 0], min_conf)
        b1 = macro_f1(rows, [bf, ba, 0.0], min_conf)
        print(f"check {c} ({len(rows)} labels): macro-F1 {b0[0]:.3f} -> {b1[0]:.3f}, "
              f"accuracy {b0[1]:.3f} -> {b1[1]:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])

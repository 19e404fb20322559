#!/usr/bin/env python3
"""Score balanced (negated) questions against the default yes/no pair, offline.

A small chat model says "yes" to most questions it is asked, so the default's two answers —
P(yes) to "Does X express support for T?" and to "... opposition to T?" — are both high for
many actors, and the product rule reads the direction from the gap between two loud yeses. This
try also asks each question's negation ("Does X express no support for T?", "... no opposition
to T?") and keeps, per question, half the difference of the two log-odds:

    ls = (logit s - logit s') / 2,   lo = (logit o - logit o') / 2

so a yes-bias shared by a question and its negation cancels; then the default's product rule on
sigmoid(ls), sigmoid(lo) and its min_confidence. No fitted parameter.

Inputs are `brief eval --predictions` files of the same examples: the default's and one of a copy
of the default config whose two questions are the negated ones (its `answers` are s' and o').

    scripts/stance_negated.py PAIR.pred NEGATED.pred [PAIR.pred NEGATED.pred ...]

Prints macro-F1 of the default and of the balanced read per pair of files and pooled, a paired
bootstrap (whole articles resampled) of the pooled difference, and both confusion matrices.
"""
import math
import sys

from fit_stance_answers import LABELS, logit
from stance_direction import decide, pair_probs, read, report


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def balanced(answers, negated):
    """Each question's P(yes), debiased by its negation's."""
    return [sigmoid((logit(p) - logit(q)) / 2) for p, q in zip(answers, negated)]


def rows_of(pair_path, negated_path):
    pair, negated = read(pair_path), read(negated_path)
    rows = []
    for key, r in pair.items():
        if key not in negated:
            sys.exit(f"{key} is in {pair_path} but not in {negated_path}")
        default = pair_probs(r["answers"])
        mixed = pair_probs(balanced(r["answers"], negated[key]["answers"]))
        rows.append((key[0], LABELS.index(r["gold"]), decide(default), decide(mixed)))
    return rows


def main(argv):
    if len(argv) < 2 or len(argv) % 2:
        sys.exit(__doc__)
    report([(argv[i], rows_of(argv[i], argv[i + 1])) for i in range(0, len(argv), 2)],
           "balanced")


if __name__ == "__main__":
    main(sys.argv[1:])

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

from fit_stance_answers import logit
from stance_direction import pair_probs, paired_main


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def balanced(answers, negated):
    """Each question's P(yes), debiased by its negation's."""
    return [sigmoid((logit(p) - logit(q)) / 2) for p, q in zip(answers, negated)]


def mix(answers, negated_row):
    """The product rule on the balanced answers."""
    return pair_probs(balanced(answers, negated_row["answers"]))


if __name__ == "__main__":
    paired_main(sys.argv[1:], __doc__, "balanced", mix)

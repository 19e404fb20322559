#!/usr/bin/env python3
"""Score a product of experts on issue targets against the default yes/no pair, offline.

The prompted chat classifier and the DSA-trained encoder (minilm-dsa-stance) are different
model families with different errors: the chat model says "yes" to both of its questions for
many actors, the encoder has never seen an issue as a target. This try multiplies the two
label distributions — the chat pair's product-rule probabilities and the encoder's mean over
the actor's evidence sentences — renormalizes, and applies the chat config's min_confidence.
No fitted parameter.

Inputs are `brief eval --predictions` files of the same examples: the default's (with
`answers`) and the encoder's (`--classifier minilm-dsa-stance`, its `scores`).

    scripts/stance_experts.py PAIR.pred ENCODER.pred [PAIR.pred ENCODER.pred ...]

Prints macro-F1 of the default and of the product per pair of files and pooled, a paired
bootstrap (whole articles resampled) of the pooled difference, and both confusion matrices.
"""
import sys

from stance_direction import pair_probs, paired_main


def product(answers, encoder_row):
    """The two experts' label probabilities multiplied and renormalized."""
    p = [a * b for a, b in zip(pair_probs(answers), encoder_row["scores"])]
    total = sum(p)
    return [x / total for x in p]


if __name__ == "__main__":
    paired_main(sys.argv[1:], __doc__, "product of experts", product)

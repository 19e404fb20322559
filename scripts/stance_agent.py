#!/usr/bin/env python3
"""Score an "is the actor the agent of the issue?" answer against the default yes/no pair, offline.

The default chat classifier's largest error on issue targets is favor read as against: an actor
that carries out or proposes the issue (a government sending asylum seekers to Rwanda, a
president withdrawing from an agreement) gets a loud "yes" to "does X express opposition to T?".
An actor that carries out, proposes or leads the issue is in favour of it by definition, so this
try asks that as a third question and mixes it in without a fitted parameter:

    favor = a + (1 - a) f,  against = (1 - a) g,  neutral = (1 - a) n

where a is P(yes) to "Is X the one carrying out, proposing or leading T?" and (f, g, n) the
product rule's probabilities from the default's two answers; then the config's min_confidence.

Inputs are `brief eval --predictions` files of the same examples: the default's and one of a
copy of the default config whose support question is the agent question (its `answers[0]` is a).

    scripts/stance_agent.py PAIR.pred AGENT.pred [PAIR.pred AGENT.pred ...]

Prints macro-F1 of the default and of the mix per pair of files and pooled, a paired bootstrap
(whole articles resampled) of the pooled difference, and both confusion matrices.
"""
import sys

from stance_direction import pair_probs, paired_main


def mix(answers, agent_row):
    """The pair's probabilities with the agent answer a moved to favor."""
    f, g, n = pair_probs(answers)
    a = agent_row["answers"][0]
    return [a + (1 - a) * f, (1 - a) * g, (1 - a) * n]


if __name__ == "__main__":
    paired_main(sys.argv[1:], __doc__, "with the agent question", mix)

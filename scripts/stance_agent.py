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

from fit_stance_answers import LABELS
from stance_direction import decide, pair_probs, read, report


def rows_of(pair_path, agent_path):
    pair, agent = read(pair_path), read(agent_path)
    rows = []
    for key, r in pair.items():
        if key not in agent:
            sys.exit(f"{key} is in {pair_path} but not in {agent_path}")
        f, g, n = pair_probs(r["answers"])
        a = agent[key]["answers"][0]
        mixed = [a + (1 - a) * f, (1 - a) * g, (1 - a) * n]
        rows.append((key[0], LABELS.index(r["gold"]), decide([f, g, n]), decide(mixed)))
    return rows


def main(argv):
    if len(argv) < 2 or len(argv) % 2:
        sys.exit(__doc__)
    report([(argv[i], rows_of(argv[i], argv[i + 1])) for i in range(0, len(argv), 2)],
           "with the agent question")


if __name__ == "__main__":
    main(sys.argv[1:])

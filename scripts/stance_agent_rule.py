#!/usr/bin/env python3
"""Score the agent-of-the-issue rule against the default's labels, offline.

An issue written "X doing Y" or "X's N" names the actor that carries it out, and that actor
is for it; the rule labels favor every actor whose name opens the target (after an optional
"the") followed by a word of five letters or more ending in "ing" or by a possessive "'s",
and keeps the recorded label of every other actor. Names only: brief itself also matches the
actor's aliases ("the US" for United States), so it can fire on a few more actors.

    scripts/stance_agent_rule.py PRED [PRED ...]    # `brief eval --predictions` files

Prints macro-F1 of the recorded labels and of the rule per file and pooled, a paired bootstrap
(whole articles resampled) of the pooled difference, both confusion matrices, and the actors
the rule relabels.
"""
import re
import sys

from fit_stance_answers import LABELS
from stance_direction import read, report


def opens_as_agent(actor, target):
    name = re.escape(re.sub(r"^the ", "", actor.strip(), flags=re.I))
    return re.match(r"^(the )?" + name + r"(\s+[^\W\d_]{2,}ing\b|['’]s(?!\w))", target.strip(),
                    re.I) is not None


def main(paths):
    if not paths:
        sys.exit(__doc__)
    groups = []
    for path in paths:
        rows = []
        for (article, actor), r in read(path).items():
            before = LABELS.index(r["predicted"])
            after = 0 if opens_as_agent(actor, r["target"]) else before
            if after != before:
                print(f"  {path}: {actor} on '{r['target']}': gold {r['gold']}, "
                      f"{r['predicted']} -> favor")
            rows.append((article, LABELS.index(r["gold"]), before, after))
        groups.append((path, rows))
    report(groups, "agent rule")


if __name__ == "__main__":
    main(sys.argv[1:])

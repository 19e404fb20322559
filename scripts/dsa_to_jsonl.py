#!/usr/bin/env python3
"""Converts the DSA validation split (Park, Pan and Joo, "Who Blames or Endorses Whom?
Entity-to-Entity Directed Sentiment Analysis in News Text", Findings of ACL 2021) into brief's
eval format, one classifier-only example per sentence, and writes a fixed, seeded subset.

  scripts/dsa_to_jsonl.py ../shared/evaldata/dsa/valid.txt evals/dsa-dev.jsonl [N=300] [SEED=20211]

Labels: 0 neutral (entity 1 as actor, entity 2 as target); 1 entity 1 positive toward entity 2;
2 entity 2 positive toward entity 1; 3 entity 1 negative toward entity 2; 4 entity 2 negative
toward entity 1. Positive -> favor, negative -> against, the holder is the actor and the other
entity the target. The [brackets] marking the entities are removed from the text.
"""
import csv
import json
import random
import sys


def convert(path):
    out = []
    with open(path, encoding="utf-8", newline="") as f:
        for lineno, row in enumerate(csv.reader(f, delimiter="\t", quotechar='"'), start=1):
            if len(row) != 4:
                continue
            sentence, e1, e2, label = row
            label = int(label)
            holder, target = (e2, e1) if label in (2, 4) else (e1, e2)
            stance = {0: "neutral", 1: "favor", 2: "favor", 3: "against", 4: "against"}[label]
            text = sentence.replace("[", "").replace("]", "").strip()
            out.append({
                "id": f"dsa-valid-{lineno}",
                "text": text,
                "target": target,
                "actors": [{"name": holder, "stance": stance}],
                "source": f"DSA validation split (Park, Pan and Joo, Findings of ACL 2021), line {lineno}",
                "license": "research use, as distributed with the paper's public dataset; cite the paper",
            })
    return out


def main():
    src, dst = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 20211
    examples = convert(src)
    subset = sorted(random.Random(seed).sample(range(len(examples)), n))
    with open(dst, "w", encoding="utf-8") as f:
        for i in subset:
            f.write(json.dumps(examples[i], ensure_ascii=False) + "\n")
    counts = {}
    for i in subset:
        s = examples[i]["actors"][0]["stance"]
        counts[s] = counts.get(s, 0) + 1
    print(f"{len(examples)} examples read, {n} written to {dst} (seed {seed}): {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()

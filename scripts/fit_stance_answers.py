#!/usr/bin/env python3
"""Fits `[stance.fitted]` of a yes/no chat classifier: how its two scored answers (P(yes) to
"does X express support for T?" and to "... opposition to T?") become favor / against / neutral.

The built-in rule multiplies the answers as if they were independent. A small chat model says
"yes" to both far too often, so the rule mostly follows whichever "yes" is louder. This script
fits a multinomial logistic regression on the two log-odds instead (neutral is the reference
class: favor = a*s + b*o + c, against likewise), with each label weighted by N / (3 n_label)
(neutral and favor dominate news labels) and an L2 penalty of 1/(2C) on the weights (C = 0.1;
1.0 gives the same labels here). It reports, per file and pooled, the macro-F1 of both rules by
leave-one-article-out (each article labelled by a fit on all the others), so the figure is not
one tuned on the articles it is scored on, then prints the fit on everything as TOML for the
model config's [stance] section (with calibration = "none": it is fitted on the raw answers,
and min_confidence = 0.0: the fitted probabilities are already calibrated, and the argmax is
what was measured).

    # 1. Gold issues as targets (the FRANK halves keep theirs under "issue"):
    python3 scripts/fit_stance_answers.py prepare evals/frank-actors/tune*.jsonl --out runs/fit
    # 2. The classifier's raw answers for every gold actor (--classifier: the actor check
    #    refuses the articles it was trained on; the answers do not depend on any fit):
    for f in runs/fit/*.jsonl; do brief eval "$f" --classifier qwen2.5-coder-1.5b-instruct \\
        --predictions "${f%.jsonl}.pred"; done
    # 3. Fit, report, print the TOML:
    python3 scripts/fit_stance_answers.py fit runs/fit/*.pred
"""
import json
import math
import os
import sys

LABELS = ["favor", "against", "neutral"]
C = 0.1


def prepare(paths, out):
    os.makedirs(out, exist_ok=True)
    for path in paths:
        name = os.path.join(out, os.path.basename(path))
        with open(path) as src, open(name, "w") as dst:
            for line in src:
                ex = json.loads(line)
                if "target" not in ex and ex.get("issue"):
                    ex["target"] = ex.pop("issue")
                dst.write(json.dumps(ex, ensure_ascii=False) + "\n")
        print(f"wrote {name}")


def logit(p):
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def load(path):
    rows = []
    for n, line in enumerate(open(path), 1):
        r = json.loads(line)
        if "answers" not in r:
            sys.exit(f"{path}:{n}: no 'answers' (written by a yes/no chat classifier only)")
        s, o = (logit(p) for p in r["answers"])
        rows.append((r["id"], s, o, LABELS.index(r["gold"])))
    return rows


def scores(w, s, o):
    """Log-scores (favor, against, neutral) under weights w = [a_f, b_f, c_f, a_a, b_a, c_a]."""
    return [w[0] * s + w[1] * o + w[2], w[3] * s + w[4] * o + w[5], 0.0]


def softmax(z):
    m = max(z)
    e = [math.exp(x - m) for x in z]
    t = sum(e)
    return [x / t for x in e]


def solve(a, b):
    """Solves a x = b (Gaussian elimination with partial pivoting; a is 6 x 6)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c and m[c][c] != 0:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c])]
    return [m[i][n] / m[i][i] for i in range(n)]


def fit(rows):
    """Newton's method on the weighted, L2-penalized (weights, not intercepts) cross-entropy."""
    counts = [sum(1 for r in rows if r[3] == k) for k in range(3)]
    weight = [len(rows) / (3 * c) if c else 0.0 for c in counts]
    penalized = [1, 1, 0, 1, 1, 0]
    w = [0.0] * 6
    for _ in range(50):
        grad = [p / C * wi for p, wi in zip(penalized, w)]
        hess = [[(penalized[i] / C if i == j else 0.0) for j in range(6)] for i in range(6)]
        for _, s, o, y in rows:
            p = softmax(scores(w, s, o))
            x = [s, o, 1.0]
            for k in range(2):
                for i in range(3):
                    grad[3 * k + i] += weight[y] * (p[k] - (y == k)) * x[i]
            for k in range(2):
                for l in range(2):
                    h = p[k] * ((k == l) - p[l])
                    for i in range(3):
                        for j in range(3):
                            hess[3 * k + i][3 * l + j] += weight[y] * h * x[i] * x[j]
        step = solve(hess, grad)
        w = [a - b for a, b in zip(w, step)]
        if max(abs(x) for x in step) < 1e-8:
            break
    return w


def product_rule(s, o, min_confidence=0.55):
    """The built-in rule (calibration none, no bias): what the config does without a fit."""
    ps, po = 1 / (1 + math.exp(-s)), 1 / (1 + math.exp(-o))
    p = [ps * (1 - po), po * (1 - ps), (1 - ps) * (1 - po)]
    t = sum(p)
    p = [x / t for x in p]
    k = max(range(3), key=lambda i: p[i])
    return 2 if k != 2 and p[k] < min_confidence else k


def fitted_rule(w, s, o):
    z = scores(w, s, o)
    return max(range(3), key=lambda i: z[i])


def centered_rule(rows):
    """The product rule on each actor's log-odds minus its article's mean over the article's
    actors: a parameter-free way to take out a yes-bias the article itself causes."""
    by_article = {}
    for r in rows:
        by_article.setdefault(r[0], []).append(r)
    out = {}
    for part in by_article.values():
        ms = sum(r[1] for r in part) / len(part)
        mo = sum(r[2] for r in part) / len(part)
        for r in part:
            out[id(r)] = product_rule(r[1] - ms, r[2] - mo)
    return out


def macro_f1(gold, pred):
    f = []
    for k in range(3):
        tp = sum(1 for g, p in zip(gold, pred) if g == k and p == k)
        fp = sum(1 for g, p in zip(gold, pred) if g != k and p == k)
        fn = sum(1 for g, p in zip(gold, pred) if g == k and p != k)
        f.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f) / 3


def report(files):
    everything = [(path, r) for path in files for r in load(path)]
    rows = [r for _, r in everything]
    fitted = {}
    for art in sorted({r[0] for r in rows}):
        w = fit([r for r in rows if r[0] != art])
        for r in rows:
            if r[0] == art:
                fitted[id(r)] = fitted_rule(w, r[1], r[2])
    centered = centered_rule(rows)
    print(f"{'file':40s} {'n':>4s} {'product rule':>13s} {'fitted (leave-one-article-out)':>31s}"
          f" {'centered per article':>21s}")
    for path in files + ["pooled"]:
        part = [r for p, r in everything if path in (p, "pooled")]
        gold = [r[3] for r in part]
        base = macro_f1(gold, [product_rule(r[1], r[2]) for r in part])
        loao = macro_f1(gold, [fitted[id(r)] for r in part])
        cent = macro_f1(gold, [centered[id(r)] for r in part])
        print(f"{os.path.basename(path):40s} {len(part):4d} {base:13.3f} {loao:31.3f} {cent:21.3f}")
    w = fit(rows)
    r = lambda xs: ", ".join(f"{x:.3f}" for x in xs)
    print("\n# [stance] of the model config, fitted on all", len(rows), "labels:")
    print(f"fitted = {{ favor = [{r(w[:3])}], against = [{r(w[3:])}] }}")
    print('calibration = "none"')
    print("min_confidence = 0.0")


def main(argv):
    if len(argv) >= 4 and argv[0] == "prepare" and "--out" in argv:
        i = argv.index("--out")
        prepare(argv[1:i] + argv[i + 2 :], argv[i + 1])
    elif len(argv) >= 2 and argv[0] == "fit":
        report(argv[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])

#!/usr/bin/env python3
"""The naive llama.cpp pipeline for scripts/bench_run: replays brief's recorded model calls
(BRIEF_RECORD_CALLS) on llama.cpp, each as a fresh prompt (no prefix reuse): generation calls
decode greedily up to their token limit, scoring calls read the next-token logits of the
candidates. Same GGUF, same rendered chat prompts, same threads. Prints one JSON line.
"""
import argparse
import json
import resource
import time

import jinja2
import numpy as np
from llama_cpp import Llama


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gguf", required=True)
    ap.add_argument("--calls", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--stop", action="append", default=[])
    args = ap.parse_args()
    calls = [json.loads(l) for l in open(args.calls, encoding="utf-8") if l.strip()]

    t0 = time.perf_counter()
    llm = Llama(model_path=args.gguf, n_ctx=4096, n_threads=args.threads, n_threads_batch=args.threads,
                n_batch=512, verbose=False)
    tmpl = jinja2.Environment().from_string(llm.metadata.get("tokenizer.chat_template"))
    eot = {llm.token_eos()}
    for s in args.stop:
        ids = llm.tokenize(s.encode(), add_bos=False, special=True)
        if len(ids) == 1:
            eot.add(ids[0])
    prompt_tokens = generated = 0
    for c in calls:
        text = tmpl.render(messages=c["messages"], add_generation_prompt=True, bos_token="", eos_token="")
        tokens = llm.tokenize(text.encode(), add_bos=False, special=True)
        prompt_tokens += len(tokens)
        llm.reset()  # a fresh prompt every call
        llm.eval(tokens)
        if c["kind"] == "score":
            # Logits of the prompt's last position, straight from the context.
            row = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),))
            _ = [row[llm.tokenize(w.encode(), add_bos=False, special=False)[0]] for w in c["candidates"]]
        else:
            for _ in range(c["max_new_tokens"]):
                tok = llm.sample(temp=0.0, repeat_penalty=1.0, top_k=1)
                if tok in eot:
                    break
                generated += 1
                llm.eval([tok])
    print(json.dumps({
        "engine": "llama.cpp (naive: fresh prompt per call)",
        "calls": len(calls),
        "prompt_tokens": prompt_tokens,
        "generated": generated,
        "wall_s": time.perf_counter() - t0,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()

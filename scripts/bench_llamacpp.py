#!/usr/bin/env python3
"""llama.cpp side of scripts/bench: the same GGUF, the same chat prompt, the same threads.

The prompt is rendered exactly as brief renders it: the config's summarize template (minijinja
and Jinja2 agree on it) inside the GGUF's own chat template, then tokenized by llama.cpp.
Greedy decoding until end of turn or max_new_tokens. Prints one JSON line.
"""
import argparse
import json
import resource
import sys
import time
import tomllib

import jinja2
from llama_cpp import Llama


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gguf", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--article", required=True)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    cfg = tomllib.load(open(args.config, "rb"))
    text = open(args.article, encoding="utf-8").read().replace("\r\n", "\n").strip()
    title, body = None, text
    first, _, rest = text.partition("\n")
    if rest.startswith("\n") and len(first) <= 200 and not first.rstrip().endswith((".", ":", ";", ",")):
        title, body = first.strip(), rest.strip()
    p = cfg["prompts"]["summarize"]
    env = jinja2.Environment()
    user = env.from_string(p["user"]).render(title=title, text=body)
    messages = ([{"role": "system", "content": p["system"]}] if p.get("system") else []) + [
        {"role": "user", "content": user}
    ]
    max_new = cfg.get("generation", {}).get("max_new_tokens", 200)

    t0 = time.perf_counter()
    llm = Llama(model_path=args.gguf, n_ctx=4096, n_threads=args.threads, n_threads_batch=args.threads,
                n_batch=512, verbose=False)
    load_s = time.perf_counter() - t0
    tmpl = llm.metadata.get("tokenizer.chat_template")
    rendered = jinja2.Environment().from_string(tmpl).render(
        messages=messages, add_generation_prompt=True, bos_token="", eos_token="")
    tokens = llm.tokenize(rendered.encode(), add_bos=False, special=True)

    t1 = time.perf_counter()
    llm.eval(tokens)
    prefill_s = time.perf_counter() - t1
    eot = {llm.token_eos()}
    for s in cfg.get("generation", {}).get("stop", []):
        ids = llm.tokenize(s.encode(), add_bos=False, special=True)
        if len(ids) == 1:
            eot.add(ids[0])
    out = []
    t2 = time.perf_counter()
    first_token_s = None
    while len(out) < max_new:
        tok = llm.sample(temp=0.0, repeat_penalty=1.0, top_k=1)
        if first_token_s is None:
            first_token_s = time.perf_counter() - t0
        if tok in eot:
            break
        out.append(tok)
        llm.eval([tok])
    decode_s = time.perf_counter() - t2
    print(json.dumps({
        "engine": "llama.cpp",
        "tokens_in": len(tokens),
        "tokens_out": len(out),
        "load_s": load_s,
        "prefill_tokens_per_s": len(tokens) / prefill_s,
        "decode_tokens_per_s": len(out) / decode_s if decode_s > 0 else 0.0,
        "first_text_s": first_token_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "text": llm.detokenize(out).decode(errors="replace"),
    }))


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Reference token ids for brief's GGUF tokenizer parity tests.

The reference is transformers' own GGUF -> tokenizer conversion (old llama.cpp builds ignore
`tokenizer.ggml.pre` and split Qwen2 text differently, so they are not used). Writes
tests/fixtures/tokenizer_parity.json: {model: {"gguf_sha256": ..., "cases": [{"text", "ids"}]}}.

Usage: scripts/gen_tokenizer_fixtures.py NAME=PATH.gguf [NAME=PATH.gguf ...]
Needs: pip install "transformers<5" gguf sentencepiece protobuf (no torch). Never a runtime dependency.
"""
import hashlib
import json
import os
import sys

import transformers.modeling_gguf_pytorch_utils as gguf_utils
from transformers import AutoTokenizer

# Only the tokenizer is read (return_tensors=False), which needs no torch; transformers checks
# for torch anyway, so tell it yes.
gguf_utils.is_torch_available = lambda: True

HERE = os.path.dirname(os.path.abspath(__file__))
ARTICLE = open(os.path.join(HERE, "..", "evals", "niger-us-security.txt"), encoding="utf-8").read()

CASES = [
    "Hello, world! This is a plain English sentence.",
    ARTICLE,
    "In 2023 there were 648 troops; before that 1,100. Cost: $100,000,000 (3.14159%).",
    "1234567890 12 345 6789",
    "Spaces:  two,   three,    four.\n\nNewlines\n\n\nand\ttabs\t\tend   ",
    "  leading spaces and trailing ones   ",
    "Café, naïve, façade, Ålesund, Zürich, São Paulo, Ngô Đình Diệm.",
    "Нигер — государство в Западной Африке. 尼日尔是西非的一个内陆国家。 النيجر دولة في غرب أفريقيا",
    "Emoji: 🇳🇪 🤝 👍🏽 🚀✨ — done.",
    "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nSummarize.<|im_end|>\n<|im_start|>assistant\n",
    "Text with <|endoftext|> inside and <|im_end|> too.",
    "don't I'll we're they've she'd IT'S",
    "\u201cIn our discussions,\u201d Phee said. \u2018Quotes\u2019 \u2026",
]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    out_path = os.path.join(HERE, "..", "tests", "fixtures", "tokenizer_parity.json")
    result = {}
    for arg in sys.argv[1:]:
        name, path = arg.split("=", 1)
        tok = AutoTokenizer.from_pretrained(os.path.dirname(path), gguf_file=os.path.basename(path))
        cases = [{"text": t, "ids": tok.encode(t, add_special_tokens=False)} for t in CASES]
        result[name] = {"gguf_sha256": sha256(path), "cases": cases}
        print(f"{name}: {len(cases)} cases, {sum(len(c['ids']) for c in cases)} tokens", file=sys.stderr)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

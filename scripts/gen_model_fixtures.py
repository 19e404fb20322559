#!/usr/bin/env python3
"""Tiny random-weight models and transformers reference outputs for brief's model parity tests.

Writes tests/fixtures/tiny/<name>/ for
  t5-tied      T5ForConditionalGeneration like t5-small (ReLU FFN, lm head tied to `shared`,
               decoder output scaled by d_model**-0.5 before it)
  t5-gated     like flan-t5 (gated-gelu FFN, separate lm_head); 3 encoder / 2 decoder layers;
               also model.gguf (HF tensor names; 2-D weights F16, the rest F32)
  deberta-v2   DeBERTa-v3 style NLI classifier, 2 labels (entailment / not_entailment)
  xlm-roberta, bert, distilbert, modernbert   3-label NLI classifiers, labels in different orders
  mpnet        an MPNet encoder (all-mpnet-base-v2's architecture, no head) with a brief.toml
               as an `encoder-classifier` backbone; reference.json holds last hidden states
Each directory holds config.json, model.safetensors (f32), tokenizer.json, tokenizer_config.json
and reference.json (logits, padded-batch logits and generate() results for T5; pair logits and
zero-shot-classification pipeline scores for the classifiers), all computed by transformers after
reloading the saved files. Weights are random (fixed seeds) but rescaled so the outputs are
peaked, EOS is sometimes generated, and classifier probabilities vary between inputs.
Tokenizers are trained here on evals/niger-us-security.txt and the `text` fields of
evals/articles.jsonl (sentencepiece Unigram converted by transformers for T5 / DeBERTa-v3 /
XLM-R, a counted WordPiece vocabulary for BERT / DistilBERT, `tokenizers` byte-level BPE for
ModernBERT). Re-running writes byte-identical files (single-threaded, fixed seeds).

Usage (from the repo root): /path/to/python scripts/gen_model_fixtures.py [NAME ...]
(no NAME: every fixture)
Needs: torch, transformers (4.57.x), tokenizers, sentencepiece, protobuf, safetensors, gguf,
numpy. CPU only, well under a minute. Never a runtime dependency of brief.
"""
import hashlib
import os
import warnings

warnings.filterwarnings("ignore", category=FutureWarning)  # torch.jit deprecation noise on import

# Deterministic tokenizer training and float reductions: one thread everywhere.
os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ["TRANSFORMERS_VERBOSITY"] = "error"
os.environ["HF_HUB_OFFLINE"] = "1"

import glob  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections import Counter  # noqa: E402

import gguf  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from safetensors import safe_open  # noqa: E402
import sentencepiece as spm  # noqa: E402
from tokenizers import ByteLevelBPETokenizer  # noqa: E402
from tokenizers.normalizers import BertNormalizer  # noqa: E402
from tokenizers.pre_tokenizers import BertPreTokenizer  # noqa: E402
from tokenizers.processors import TemplateProcessing  # noqa: E402
from transformers import (  # noqa: E402
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
    BertConfig,
    BertForSequenceClassification,
    BertTokenizerFast,
    DebertaV2Config,
    DebertaV2ForSequenceClassification,
    DebertaV2TokenizerFast,
    DistilBertConfig,
    DistilBertForSequenceClassification,
    DistilBertTokenizerFast,
    GenerationConfig,
    ModernBertConfig,
    ModernBertForSequenceClassification,
    MPNetConfig,
    MPNetModel,
    MPNetTokenizerFast,
    PreTrainedTokenizerFast,
    T5Config,
    T5ForConditionalGeneration,
    T5TokenizerFast,
    XLMRobertaConfig,
    XLMRobertaForSequenceClassification,
    XLMRobertaTokenizerFast,
)

torch.set_num_threads(1)
transformers.logging.set_verbosity_error()

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "tiny")
MAX_LEN = 40  # classifier tokenizers' model_max_length


def training_texts():
    texts = [open(os.path.join(ROOT, "evals", "niger-us-security.txt"), encoding="utf-8").read()]
    with open(os.path.join(ROOT, "evals", "articles.jsonl"), encoding="utf-8") as f:
        texts += [json.loads(line)["text"] for line in f if line.strip()]
    return texts


TEXTS = training_texts()
ARTICLE = TEXTS[0]

# ---------------------------------------------------------------- JSON output


def _dump(obj, indent, level):
    pad = " " * (indent * (level + 1))
    end = " " * (indent * level)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}: {_dump(v, indent, level + 1)}" for k, v in obj.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(obj, (list, tuple)):
        if all(not isinstance(x, (dict, list, tuple)) for x in obj):  # scalars: one line
            return "[" + ",".join(_dump(x, indent, level) for x in obj) + "]"
        return "[\n" + ",\n".join(pad + _dump(x, indent, level + 1) for x in obj) + "\n" + end + "]"
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise ValueError(f"non-finite float {obj}")
        return repr(obj)
    return json.dumps(obj, ensure_ascii=False)


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        f.write(_dump(obj, 1, 0) + "\n")


def floats(t):
    """A tensor as (nested) Python floats; repr of a float is exact for the f32 value."""
    return t.detach().to(torch.float32).tolist()


# ---------------------------------------------------------------- saving


def save_model_dir(name, model, tok):
    # Calls like tok(..., truncation=...) leave their settings in the backend; save it clean.
    tok.backend_tokenizer.no_truncation()
    tok.backend_tokenizer.no_padding()
    d = os.path.join(OUT, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    model.save_pretrained(d, safe_serialization=True)
    tok.save_pretrained(d, legacy_format=False)
    keep = {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}
    for p in sorted(glob.glob(os.path.join(d, "*"))):
        if os.path.basename(p) not in keep:
            os.remove(p)
    return d


def reload(d, cls, **kw):
    tok = AutoTokenizer.from_pretrained(d)
    model = cls.from_pretrained(d, torch_dtype=torch.float32, **kw).eval()
    return tok, model


# ---------------------------------------------------------------- tokenizers
# The `tokenizers` trainers are not reproducible across processes (Rust HashMap order breaks ties),
# so Unigram vocabularies come from the sentencepiece trainer (deterministic with one thread) and
# go through transformers' own slow->fast converters, like the real T5 / DeBERTa-v3 / XLM-R
# tokenizer.json files; the WordPiece vocabulary is counted here; the byte-level BPE trainer
# (ModernBERT) has a fixed alphabet and deterministic tie-breaks.


def train_spm(path, vocab_size=400, **kw):
    lines = [line for t in TEXTS for line in t.split("\n") if line.strip()]
    with open(path, "wb") as f:
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(lines),
            model_writer=f,
            model_type="unigram",
            vocab_size=vocab_size,
            character_coverage=1.0,
            # No normalization: the nmt_nfkc charsmap alone is ~300 KB of base64 in tokenizer.json.
            normalization_rule_name="identity",
            num_threads=1,
            minloglevel=2,
            **kw,
        )


# ================================================================ T5


def t5_tokenizer(tmp):
    path = os.path.join(tmp, "t5.model")
    train_spm(path, pad_id=0, eos_id=1, unk_id=2, bos_id=-1)  # T5's <pad>=0, </s>=1, <unk>=2
    # add_prefix_space=True: without it the 4.57 converter writes Metaspace prepend_scheme "never".
    slow_converted = T5TokenizerFast(vocab_file=path, extra_ids=0, add_prefix_space=True, legacy=True)
    # Re-wrap so tokenizer_config.json does not ask for the (deleted) sentencepiece file on reload.
    tok = T5TokenizerFast(
        tokenizer_object=slow_converted.backend_tokenizer,
        extra_ids=0,
        model_max_length=512,
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
    )
    assert tok.convert_tokens_to_ids(["<pad>", "</s>", "<unk>"]) == [0, 1, 2]
    ids = tok("Niger said hello").input_ids
    assert ids[-1] == 1 and tok.convert_ids_to_tokens(ids)[0] == "\u2581Niger", tok.convert_ids_to_tokens(ids)
    return tok


def shape_t5(model, tok, gated, branch_scale, head_scale, eos_rate):
    """Random T5s give flat, repetitive next-token distributions and never pick EOS (or pick it
    everywhere). Make the decoder's residual branches count more than the (tied) token embedding,
    sharpen the output distribution, make <pad> (id 0) unlikely, and point the EOS row of the lm
    head along a direction in which the decoder's final states vary between positions and inputs
    (orthogonal to the input-independent first position), scaled so EOS is the top token at about
    `eos_rate` of the later teacher-forced positions."""
    head = model.lm_head.weight if gated else model.shared.weight  # tied: the same Parameter
    tf = 1.0 if gated else model.config.d_model ** -0.5
    with torch.no_grad():
        for n, p in model.named_parameters():
            if n.startswith("decoder.block") and (n.endswith(".o.weight") or n.endswith(".wo.weight")):
                p.mul_(branch_scale)
        if gated:
            model.lm_head.weight.mul_(head_scale)
        else:
            model.decoder.final_layer_norm.weight.mul_(head_scale)
        head[0] *= 0.1
        hs = []
        for s in CALIB_TEXTS:
            enc = tok(s, return_tensors="pt")
            dec = torch.tensor([[0] + tok(s).input_ids[:10]])
            out = model(**enc, decoder_input_ids=dec, output_hidden_states=True)
            hs.append(out.decoder_hidden_states[-1][0] * tf)  # what multiplies the lm head
        h0 = torch.stack([h[0] for h in hs]).mean(0)
        h0 = h0 / h0.norm()
        H = torch.cat([h[1:] for h in hs])
        C = H - H.mean(0)
        r = C.T @ (C @ head[1])  # one power-iteration step from the random EOS row
        r = r - (r @ h0) * h0
        r = r / r.norm()
        proj = H @ r
        logits = H @ head.T
        logits[:, 1] = -float("inf")
        top = logits.max(-1).values
        pos = proj > 0
        ratio = top[pos] / proj[pos]
        c = torch.quantile(ratio, min(1.0, eos_rate / pos.float().mean().item()))
        head[1] = r * c


CALIB_TEXTS = [
    "The United States said it would resume security cooperation with Niger after the coup.",
    TEXTS[1][:300],
    TEXTS[3][:200],
    TEXTS[5][:250],
]

LOGIT_CASES = [
    # (encoder text, decoder text fed after the start token)
    ("The United States said it would resume security cooperation with Niger.", "The US will"),
    (ARTICLE[: ARTICLE.index(" said Wednesday")], "Niger met"),  # ~80 tokens, with blank lines
]
PADDED_TEXTS = [
    "Niger's military government asked France to withdraw its troops.",
    "A US official said Wednesday that the US is planning to resume its security partnership with Niger.",
]
PADDED_DECODER = ["France will", "The US plans"]
GEN_TEXTS = [CALIB_TEXTS[1], CALIB_TEXTS[2]]

SETTING_KEYS = (
    "num_beams",
    "length_penalty",
    "no_repeat_ngram_size",
    "min_new_tokens",
    "early_stopping",
    "max_new_tokens",
)
GEN_SETTINGS = [
    (1, 1.0, 0, 0, False, 30),
    (1, 1.0, 2, 0, False, 30),
    (1, 1.0, 0, 8, False, 12),
    (2, 1.0, 0, 0, False, 30),
    (2, -1.0, 0, 0, "never", 12),
    (2, 2.0, 3, 8, True, 30),
    (4, 1.0, 0, 0, False, 30),
    (4, 1.0, 0, 0, True, 30),
    (4, 1.0, 0, 0, "never", 30),
    (4, 0.0, 0, 0, False, 30),
    (4, 2.0, 0, 0, False, 30),
    (4, -1.0, 0, 0, False, 30),
    (4, 1.0, 3, 0, False, 30),
    (4, 1.0, 2, 8, False, 12),
    (5, 1.0, 0, 8, False, 30),
    (5, 0.0, 0, 0, True, 12),
    (5, 2.0, 3, 8, "never", 30),
    (5, -1.0, 2, 0, "never", 12),
]


def dec_ids(tok, text):
    return [0] + tok(text, add_special_tokens=False).input_ids


def gen_config(beams, lp, nrng, min_new, early, max_new):
    return GenerationConfig(
        decoder_start_token_id=0,
        pad_token_id=0,
        eos_token_id=1,
        do_sample=False,
        num_beams=beams,
        length_penalty=lp,
        no_repeat_ngram_size=nrng,
        min_new_tokens=min_new,
        max_new_tokens=max_new,
        early_stopping=early,
        num_return_sequences=1,
        repetition_penalty=1.0,
        output_scores=True,
        return_dict_in_generate=True,
    )


def generated(model, enc, setting):
    out = model.generate(
        input_ids=enc.input_ids, attention_mask=enc.attention_mask, generation_config=gen_config(*setting)
    )
    seq = out.sequences[0].tolist()
    assert seq[0] == 0
    seq = seq[1:]
    if 1 in seq:  # drop any padding after EOS
        seq = seq[: seq.index(1) + 1]
    score = out.sequences_scores[0].item() if setting[0] > 1 else None
    return seq, score


def t5_reference(d, stats):
    tok, model = reload(d, AutoModelForSeq2SeqLM)
    # No hidden defaults: only the token ids come from the model's generation config.
    model.generation_config = GenerationConfig(decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)
    ref = {"transformers_version": transformers.__version__, "logits": []}
    with torch.no_grad():
        for text, dec_text in LOGIT_CASES:
            enc = tok(text, return_tensors="pt")
            dec = torch.tensor([dec_ids(tok, dec_text)])
            logits = model(**enc, decoder_input_ids=dec).logits[0]
            ref["logits"].append(
                {
                    "text": text,
                    "input_ids": enc.input_ids[0].tolist(),
                    "decoder_input_ids": dec[0].tolist(),
                    "logits": floats(logits),
                }
            )
        enc = tok(PADDED_TEXTS, padding=True, return_tensors="pt")
        assert tok.padding_side == "right" and enc.attention_mask[0, -1] == 0
        decs = [dec_ids(tok, t) for t in PADDED_DECODER]
        n = min(map(len, decs))
        decs = [x[:n] for x in decs]
        assert all(len(x) == n for x in decs), decs
        dec = torch.tensor(decs)
        logits = model(
            input_ids=enc.input_ids, attention_mask=enc.attention_mask, decoder_input_ids=dec
        ).logits
        ref["padded_batch"] = {
            "texts": PADDED_TEXTS,
            "input_ids": enc.input_ids.tolist(),
            "attention_mask": enc.attention_mask.tolist(),
            "decoder_input_ids": dec.tolist(),
            "logits": floats(logits),
        }
        ref["generate"] = []
        for text in GEN_TEXTS:
            enc = tok(text, return_tensors="pt")
            greedy = None
            for beams, lp, nrng, min_new, early, max_new in GEN_SETTINGS:
                seq, score = generated(model, enc, (beams, lp, nrng, min_new, early, max_new))
                ref["generate"].append(
                    {
                        "text": text,
                        "input_ids": enc.input_ids[0].tolist(),
                        "settings": dict(zip(SETTING_KEYS, (beams, lp, nrng, min_new, early, max_new))),
                        "sequence": seq,
                        "score": score,
                    }
                )
                if greedy is None:
                    greedy = seq
                stats["cases"] += 1
                stats["differs_from_greedy"] += seq != greedy
                stats["eos"] += seq[-1:] == [1]
                stats["max_len"] += len(seq) == max_new and seq[-1:] != [1]
                stats["has_pad"] += 0 in seq
                stats["distinct"].add((text, tuple(seq)))
    # Cases whose result hinges on near-ties are useless for parity with another implementation:
    # check that float64 gives the same sequences.
    model64 = model.double()
    with torch.no_grad():
        for case in ref["generate"]:
            enc = tok(case["text"], return_tensors="pt")
            st = case["settings"]
            setting = tuple(st[k] for k in SETTING_KEYS)
            seq64, _ = generated(model64, enc, setting)
            stats["f64_mismatch"] += seq64 != case["sequence"]
    return ref


def write_gguf(d, file_name="model.gguf", quantize=None):
    """The safetensors weights as a GGUF with Hugging Face tensor names (candle's quantized T5
    layout): 2-D matrices as F16, or quantized with `quantize` (a gguf.GGMLQuantizationType);
    norms and relative attention biases stay F32."""
    path = os.path.join(d, file_name)
    w = gguf.GGUFWriter(path, "t5")
    with safe_open(os.path.join(d, "model.safetensors"), "np") as f:
        for name in sorted(f.keys()):
            a = f.get_tensor(name)
            if a.ndim == 2 and "relative_attention_bias" not in name:
                if quantize is None:
                    w.add_tensor(name, a.astype(np.float16))
                else:
                    q = gguf.quants.quantize(a.astype(np.float32), quantize)
                    w.add_tensor(name, q, raw_shape=q.shape, raw_dtype=quantize)
            else:
                w.add_tensor(name, a.astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def build_t5(tok, name, gated, seed, branch_scale, head_scale, eos_rate):
    torch.manual_seed(seed)
    cfg = T5Config(
        vocab_size=len(tok),
        d_model=64,
        d_kv=16,
        d_ff=128,
        # transformers 4.57 generate() sizes the KV cache by num_layers, so a decoder deeper than
        # the encoder breaks it; the gated model has the deeper encoder instead.
        num_layers=3 if gated else 2,
        num_decoder_layers=2,
        num_heads=4,
        relative_attention_num_buckets=32,
        relative_attention_max_distance=64,
        feed_forward_proj="gated-gelu" if gated else "relu",
        tie_word_embeddings=not gated,
        decoder_start_token_id=0,
        pad_token_id=0,
        eos_token_id=1,
    )
    model = T5ForConditionalGeneration(cfg).eval()
    shape_t5(model, tok, gated, branch_scale, head_scale, eos_rate)
    d = save_model_dir(name, model, tok)
    if gated:
        write_gguf(d)
        write_gguf(d, "model-q8_0.gguf", gguf.GGMLQuantizationType.Q8_0)
    stats = dict(cases=0, differs_from_greedy=0, eos=0, max_len=0, has_pad=0, distinct=set(), f64_mismatch=0)
    write_json(os.path.join(d, "reference.json"), t5_reference(d, stats))
    stats["distinct"] = len(stats["distinct"])
    print(f"{name}: generate {stats}", file=sys.stderr)
    if stats["f64_mismatch"]:
        print(f"WARNING {name}: some generate cases depend on float rounding", file=sys.stderr)


# ================================================================ NLI classifiers

PAIRS = [
    (
        "The United States said it would resume security cooperation with Niger.",
        "The United States supports security cooperation with Niger.",
    ),
    ("France is withdrawing from Niger.", "French troops are staying."),
    ("ECOWAS leaders met in Abuja and threatened military intervention.", "ECOWAS held a meeting."),
    (ARTICLE[:700], "The US plans to resume its security partnership with Niger."),  # truncated
    ("Le général Tchiani a renversé Bazoum à Niamey.", "Niger’s president was ousted — «coup»."),
    ("Molly Phee met CNSP ministers.", "Phee refused to meet anyone."),
    ("Niger's junta ousted Bazoum.", "Bazoum is still president."),
]
ZERO_SHOT = [
    (
        "The United States said it would resume security cooperation with Niger.",
        ["Niger supports the deal.", "Niger opposes the deal."],
        True,
    ),
    (
        "The United States said it would resume security cooperation with Niger.",
        ["Niger supports the deal.", "Niger opposes the deal."],
        False,
    ),
    (
        ARTICLE[:900],
        ["The US supports the junta.", "The US opposes the junta.", "The article is about sports."],
        False,
    ),
    (ARTICLE[:900], ["The US supports the junta.", "The US opposes the junta."], True),
    (
        "Finland and Sweden applied to join NATO after Russia invaded Ukraine.",
        ["Finland supports NATO membership.", "Finland opposes NATO membership.", "Sweden is neutral."],
        True,
    ),
]


def deberta_tokenizer(tmp):
    path = os.path.join(tmp, "deberta.model")
    train_spm(
        path,
        pad_id=0,
        bos_id=1,
        eos_id=2,
        unk_id=3,
        pad_piece="[PAD]",
        bos_piece="[CLS]",
        eos_piece="[SEP]",
        unk_piece="[UNK]",
        user_defined_symbols=["[MASK]"],
    )  # DeBERTa-v3's spm.model layout ([MASK] is an added token there)
    return DebertaV2TokenizerFast(vocab_file=path, model_max_length=MAX_LEN)


def xlmr_tokenizer(tmp):
    path = os.path.join(tmp, "xlmr.model")
    train_spm(path)  # spm default <unk>=0 <s>=1 </s>=2; the converter applies the fairseq offset
    return XLMRobertaTokenizerFast(vocab_file=path, model_max_length=MAX_LEN)


def bert_vocab_file(tmp, size=400):
    """specials, characters, ##characters, then the most frequent lower-cased words and word
    endings (ties by text)."""
    norm = BertNormalizer(lowercase=True)
    pre = BertPreTokenizer()
    words = Counter(w for t in TEXTS for w, _ in pre.pre_tokenize_str(norm.normalize_str(t)))
    chars = sorted({c for w in words for c in w})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + ["##" + c for c in chars]
    pieces = Counter()
    for w, n in words.items():
        if len(w) > 1:
            pieces[w] += n
        for i in range(1, len(w) - 1):
            if len(w) - i <= 4:
                pieces["##" + w[i:]] += n
    have = set(vocab)
    for piece, _ in sorted(pieces.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(vocab) >= size:
            break
        if piece not in have:
            vocab.append(piece)
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    return path


def bert_tokenizer(tmp):
    return BertTokenizerFast(vocab_file=bert_vocab_file(tmp), do_lower_case=True, model_max_length=MAX_LEN)


def distilbert_tokenizer(tmp):
    return DistilBertTokenizerFast(
        vocab_file=bert_vocab_file(tmp), do_lower_case=True, model_max_length=MAX_LEN
    )


def modernbert_tokenizer(tmp):
    bpe = ByteLevelBPETokenizer(add_prefix_space=False)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    bpe.train_from_iterator(TEXTS, vocab_size=450, special_tokens=specials, show_progress=False)
    t = bpe._tokenizer
    t.post_processor = TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0",
        pair="[CLS]:0 $A:0 [SEP]:0 $B:0 [SEP]:0",
        special_tokens=[("[CLS]", 2), ("[SEP]", 3)],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=t,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=MAX_LEN,
        model_input_names=["input_ids", "attention_mask"],
    )


SMALL = dict(
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=64,
    max_position_embeddings=64,
    initializer_range=0.3,
)


def labels(names):
    return {"id2label": dict(enumerate(names)), "label2id": {n: i for i, n in enumerate(names)}}


CLASSIFIERS = [
    # name, seed, tokenizer factory, model class, config factory (vocab, tok) -> config, label names
    (
        "deberta-v2",
        11,
        deberta_tokenizer,
        DebertaV2ForSequenceClassification,
        lambda v, tok: DebertaV2Config(
            vocab_size=v,
            **SMALL,
            relative_attention=True,
            position_buckets=32,
            max_relative_positions=-1,
            norm_rel_ebd="layer_norm",
            share_att_key=True,
            pos_att_type=["p2c", "c2p"],
            position_biased_input=False,
            type_vocab_size=0,
            layer_norm_eps=1e-7,
            pooler_hidden_size=32,
            pooler_hidden_act="gelu",
            pooler_dropout=0,
            pad_token_id=tok.pad_token_id,
            **labels(["entailment", "not_entailment"]),
        ),
    ),
    (
        "xlm-roberta",
        12,
        xlmr_tokenizer,
        XLMRobertaForSequenceClassification,
        lambda v, tok: XLMRobertaConfig(
            vocab_size=v,
            **SMALL,
            type_vocab_size=1,
            pad_token_id=tok.pad_token_id,
            bos_token_id=tok.bos_token_id,
            eos_token_id=tok.eos_token_id,
            **labels(["contradiction", "neutral", "entailment"]),
        ),
    ),
    (
        "bert",
        13,
        bert_tokenizer,
        BertForSequenceClassification,
        lambda v, tok: BertConfig(
            vocab_size=v,
            **SMALL,
            type_vocab_size=2,
            pad_token_id=tok.pad_token_id,
            **labels(["ENTAILMENT", "NEUTRAL", "CONTRADICTION"]),
        ),
    ),
    (
        "distilbert",
        14,
        distilbert_tokenizer,
        DistilBertForSequenceClassification,
        lambda v, tok: DistilBertConfig(
            vocab_size=v,
            dim=32,
            n_layers=2,
            n_heads=4,
            hidden_dim=64,
            max_position_embeddings=64,
            initializer_range=0.3,
            pad_token_id=tok.pad_token_id,
            **labels(["entailment", "neutral", "contradiction"]),
        ),
    ),
    (
        "modernbert",
        15,
        modernbert_tokenizer,
        ModernBertForSequenceClassification,
        lambda v, tok: ModernBertConfig(
            vocab_size=v,
            **SMALL,
            pad_token_id=tok.pad_token_id,
            bos_token_id=tok.cls_token_id,
            eos_token_id=tok.sep_token_id,
            cls_token_id=tok.cls_token_id,
            sep_token_id=tok.sep_token_id,
            attn_implementation="eager",
            **labels(["neutral", "entailment", "contradiction"]),
        ),
    ),
]


def final_linear(model):
    c = model.classifier
    return c.out_proj if hasattr(c, "out_proj") else c


def shape_classifier(model, tok):
    """Random heads give near-zero logits; centre the final linear layer on these inputs and
    scale it so the mean top probability is about 0.65."""
    lin = final_linear(model)
    feats = []
    hook = lin.register_forward_hook(lambda m, i, o: feats.append(i[0].detach()))
    texts = PAIRS + [(p, h) for p, hs, _ in ZERO_SHOT for h in hs]
    with torch.no_grad():
        for p, h in texts:
            model(**tok(p, h, truncation="only_first", max_length=MAX_LEN, return_tensors="pt"))
    hook.remove()
    X = torch.cat(feats)
    mu = X.mean(0)
    with torch.no_grad():
        W = lin.weight.clone()
        best = None
        for k in range(-60, 120):
            s = 1.05**k
            probs = ((X - mu) @ (W * s).T).softmax(-1)
            err = abs(probs.max(-1).values.mean().item() - 0.65)
            if best is None or err < best[0]:
                best = (err, s)
        s = best[1]
        lin.weight.copy_(W * s)
        lin.bias.copy_(-(mu @ (W * s).T))


def classifier_reference(d, name, model_cls, extra):
    tok, model = reload(d, model_cls, **extra)
    assert tok.model_max_length == MAX_LEN
    id2label = {str(k): v for k, v in model.config.id2label.items()}
    ref = {
        "transformers_version": transformers.__version__,
        "model_type": model.config.model_type,
        "id2label": id2label,
        "max_length": MAX_LEN,
        "pairs": [],
        "zero_shot": [],
    }
    maxp = []
    with torch.no_grad():
        for premise, hypothesis in PAIRS:
            enc = tok(premise, hypothesis, truncation="only_first", max_length=MAX_LEN, return_tensors="pt")
            logits = model(**enc).logits[0]
            maxp.append(logits.softmax(-1).max().item())
            case = {"premise": premise, "hypothesis": hypothesis, "input_ids": enc.input_ids[0].tolist()}
            if "token_type_ids" in enc:
                case["token_type_ids"] = enc.token_type_ids[0].tolist()
            case["attention_mask"] = enc.attention_mask[0].tolist()
            case["logits"] = floats(logits)
            ref["pairs"].append(case)
    assert any(len(c["input_ids"]) == MAX_LEN for c in ref["pairs"]), "no truncated pair"
    pipe = transformers.pipeline("zero-shot-classification", model=model, tokenizer=tok, device="cpu")
    assert model.config.id2label[pipe.entailment_id].lower().startswith("entail"), pipe.entailment_id
    for premise, hyps, multi in ZERO_SHOT:
        out = pipe(premise, candidate_labels=hyps, hypothesis_template="{}", multi_label=multi)
        by_label = dict(zip(out["labels"], out["scores"]))
        ref["zero_shot"].append(
            {
                "premise": premise,
                "hypotheses": hyps,
                "multi_label": multi,
                "scores": [by_label[h] for h in hyps],
            }
        )
    argmax = [max(range(len(c["logits"])), key=c["logits"].__getitem__) for c in ref["pairs"]]
    print(
        f"{name}: entailment id {pipe.entailment_id}, vocab {len(tok)}, pair max probs "
        f"{[round(p, 2) for p in maxp]}, argmax {argmax}",
        file=sys.stderr,
    )
    return ref


def build_classifier(name, seed, tok_fn, model_cls, cfg_fn):
    with tempfile.TemporaryDirectory() as tmp:
        tok = tok_fn(tmp)
    torch.manual_seed(seed)
    cfg = cfg_fn(len(tok), tok)
    model = model_cls(cfg).eval()
    shape_classifier(model, tok)
    d = save_model_dir(name, model, tok)
    extra = {"attn_implementation": "eager"} if name == "modernbert" else {}
    write_json(os.path.join(d, "reference.json"), classifier_reference(d, name, model_cls, extra))


MPNET_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]  # ids 0-4, as all-mpnet-base-v2


def mpnet_tokenizer(tmp):
    path = bert_vocab_file(tmp)
    with open(path, encoding="utf-8") as f:
        vocab = f.read().split("\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(MPNET_SPECIALS + vocab[5:]))
    return MPNetTokenizerFast(vocab_file=path, do_lower_case=True, unk_token="<unk>", model_max_length=MAX_LEN)


def build_mpnet():
    """MPNetModel with random weights; its relative position table is scaled up so a wrong
    bucket changes the outputs well beyond the parity tolerance."""
    with tempfile.TemporaryDirectory() as tmp:
        tok = mpnet_tokenizer(tmp)
    torch.manual_seed(15)
    cfg = MPNetConfig(vocab_size=len(tok), **SMALL, relative_attention_num_buckets=32, pad_token_id=1)
    model = MPNetModel(cfg, add_pooling_layer=False).eval()
    with torch.no_grad():
        model.encoder.relative_attention_bias.weight.mul_(10.0)
    d = save_model_dir("mpnet", model, tok)
    tok, model = reload(d, MPNetModel)
    texts = [ARTICLE[:110], "Niger's junta asked the United States to leave.", "ECOWAS"]
    enc = tok(texts, padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
    assert enc.attention_mask.min().item() == 0, "the batch must exercise padding"
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state
    ref = {"transformers_version": transformers.__version__, "model_type": "mpnet", "cases": []}
    for i, text in enumerate(texts):
        n = int(enc.attention_mask[i].sum())
        ref["cases"].append(
            {"text": text, "input_ids": enc.input_ids[i, :n].tolist(), "hidden": [floats(r) for r in hidden[i, :n]]}
        )
    write_json(os.path.join(d, "reference.json"), ref)


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_brief_config(name, weights_file, body, config_name="brief.toml", model_name=None):
    """A brief model config for a fixture, its files pinned by sha256 and found beside it
    (`local` paths are relative to the config file), so the CLI loads fixtures exactly as it
    loads real models."""
    d = os.path.join(OUT, name)
    model_name = model_name or f"tiny-{name}"
    entry = lambda f: f'{{ name = "{f}", local = "{f}", sha256 = "{sha256_of(os.path.join(d, f))}" }}'
    text = f"""# Written by scripts/gen_model_fixtures.py: a random-weight test model, not a real one.
name = "{model_name}"
description = "Tiny random-weight {name} fixture for tests; its outputs mean nothing."
verified = true
{body["head"]}
[weights]
repo = "brief-fixtures/{model_name}"
sources = ["local"]
files = [
    {entry("config.json")},
    {entry(weights_file)},
]

[tokenizer]
file = {entry("tokenizer.json")}
{body["tail"]}"""
    with open(os.path.join(d, config_name), "w") as f:
        f.write(text)


T5_CONFIG = {
    "head": 'tasks = ["summarize"]\narchitecture = "t5"\n# Small, so the sample article is summarized in parts and merged.\ncontext_length = 256\n',
    "tail": """
[prompts.summarize]
user = "summarize: {{ text }}"
merge_user = "summarize: {% for p in parts %}{{ p }} {% endfor %}"

[generation]
num_beams = 3
no_repeat_ngram_size = 3
max_new_tokens = 24
""",
}

NLI_CONFIG = {
    "head": 'tasks = ["stance"]\narchitecture = "nli"\n',
    "tail": """
[nli]
max_length = 40
""",
}


MPNET_CONFIG = {
    "head": 'tasks = ["stance"]\narchitecture = "encoder-classifier"\n',
    "tail": "",
}


def main():
    os.makedirs(OUT, exist_ok=True)
    only = set(sys.argv[1:])
    if only:
        if only != {"mpnet"}:
            sys.exit("only `mpnet` can be built alone; no NAME builds every fixture")
        build_mpnet()
        write_brief_config("mpnet", "model.safetensors", MPNET_CONFIG)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tok = t5_tokenizer(tmp)
    build_t5(tok, "t5-tied", gated=False, seed=2, branch_scale=10.0, head_scale=3.0, eos_rate=0.4)
    build_t5(tok, "t5-gated", gated=True, seed=2, branch_scale=4.0, head_scale=0.4, eos_rate=0.2)
    for spec in CLASSIFIERS:
        build_classifier(*spec)
    for name in ("t5-tied", "t5-gated"):
        write_brief_config(name, "model.safetensors", T5_CONFIG)
    write_brief_config("t5-gated", "model.gguf", T5_CONFIG, "brief-gguf.toml", "tiny-t5-gated-gguf")
    write_brief_config(
        "t5-gated", "model-q8_0.gguf", T5_CONFIG, "brief-q8_0.toml", "tiny-t5-gated-q8_0"
    )
    for spec in CLASSIFIERS:
        write_brief_config(spec[0], "model.safetensors", NLI_CONFIG)
    build_mpnet()
    write_brief_config("mpnet", "model.safetensors", MPNET_CONFIG)
    print(f"transformers {transformers.__version__}, torch {torch.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()

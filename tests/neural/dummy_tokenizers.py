"""Tiny tokenizers trained locally with the ``tokenizers`` library, loaded as the real classes.

The raw trainers do not order the tokens they add the same way in every process, so each
vocabulary is renumbered canonically (specials first, then sorted alphabet, then merges).
"""

from __future__ import annotations

from typing import Any

CORPUS = [
    "a steel hammer striking an anvil, single hit, close, dry",
    "a glass bottle falls on a wooden table and rolls",
    "rain on a tin roof, wind in the trees, distant traffic",
    "a ball bounces on concrete in an empty room",
    "footsteps on gravel, a door closes, birds sing outside",
    "speech, talking, singing, music",
    "metal wood glass plastic stone water fabric paper rubber ceramic",
    "indoor outdoor kitchen street forest beach workshop office",
    "a photo of an object made of metal",
]


def _train_bpe(vocab_size: int, suffix: str = "") -> tuple[list[str], list[tuple[str, str]]]:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    extra = {"end_of_word_suffix": suffix} if suffix else {}
    tok = Tokenizer(models.BPE(**extra))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False, **extra)
    tok.train_from_iterator([s.lower() for s in CORPUS], trainer=trainer)
    data: dict[str, Any] = __import__("json").loads(tok.to_str())
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m)
              for m in data["model"]["merges"]]
    merged = {a + b for a, b in merges}
    alphabet = sorted(t for t in data["model"]["vocab"] if t not in merged)
    if suffix:  # every alphabet byte also as a word end, so any text can be encoded
        alphabet = sorted(set(alphabet) | {t + suffix for t in alphabet if not t.endswith(suffix)})
    ordered = alphabet + [a + b for a, b in merges if a + b not in alphabet]
    return list(dict.fromkeys(ordered)), merges  # type: ignore[return-value]


def clip_tokenizer(max_length: int = 16) -> Any:
    """A ``CLIPTokenizer``; start/end tokens take the two largest ids, as CLIP reads the EOS
    output at the argmax id."""
    from transformers import CLIPTokenizer

    tokens, merges = _train_bpe(400, suffix="</w>")
    vocab = {t: i for i, t in enumerate(tokens)}
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    return CLIPTokenizer(vocab=vocab, merges=[(a, b) for a, b in merges],
                         model_max_length=max_length)


def roberta_tokenizer(max_length: int = 77) -> Any:
    """A byte-level BPE ``RobertaTokenizer`` with ``<s> <pad> </s> <unk> <mask>`` = ids 0–4."""
    from transformers import RobertaTokenizer

    tokens, merges = _train_bpe(400)
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    vocab = {t: i for i, t in enumerate(specials + tokens)}
    return RobertaTokenizer(vocab=vocab, merges=[(a, b) for a, b in merges],
                            model_max_length=max_length)


def t5_tokenizer(max_length: int = 77) -> Any:
    """A Unigram ``T5Tokenizer`` with ``<pad> </s> <unk>`` = ids 0, 1, 2 and no extra ids."""
    import json

    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import T5Tokenizer

    tok = Tokenizer(models.Unigram())
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=200, special_tokens=["<pad>", "</s>", "<unk>"],
                                      unk_token="<unk>", show_progress=False)
    tok.train_from_iterator(CORPUS, trainer=trainer)
    pieces = json.loads(tok.to_str())["model"]["vocab"]
    specials = [(p, 0.0) for p in ("<pad>", "</s>", "<unk>")]
    rest = sorted(((p, round(float(s), 2)) for p, s in pieces
                   if p not in {"<pad>", "</s>", "<unk>"}), key=lambda ps: (-ps[1], ps[0]))
    return T5Tokenizer(vocab=specials + rest, extra_ids=0, model_max_length=max_length)

"""Sentences of a text by punctuation: segmentation's sentence windows and classifiers' chunks of long texts."""

from __future__ import annotations

import re

__all__ = ["split_sentences"]

# A sentence ends at . ! ? (possibly repeated, possibly followed by closing
# quotes or brackets) before whitespace.
_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s)")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr gen col lt sgt gov sen rep rev jan feb mar apr jun jul aug sep sept "
    "oct nov dec no nos vs etc inc corp co ltd bros dept fig approx est al e.g i.e u.s u.k u.n a.m p.m".split()
)
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` by punctuation; common abbreviations do not end one."""
    sentences, start = [], 0
    for match in _END.finditer(text):
        # Only the last few characters: a regex over a long head would be quadratic.
        word = _WORD_BEFORE.search(text[max(start, match.start() - 24):match.start()])
        if match.group().startswith(".") and word is not None:
            token = word.group(1).lower().rstrip(".")
            if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        sentence = text[start:match.end()].strip()
        if sentence:
            sentences.append(sentence)
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences

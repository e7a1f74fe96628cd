"""Text helpers for segmentation: sentence splitting and bounded views of lines.

Everything here is linear in the input and bounded per line: a line of tens
of megabytes is only ever looked at through its first and last few thousand
characters, so a dump with one enormous line cannot make segmentation slow.
"""

from __future__ import annotations

import re

from ..data import split_sentences  # its home: data (classifiers split long texts too)

__all__ = [
    "split_sentences",
    "line_sentences",
    "clip",
    "is_truncated",
    "has_kicker",
    "MAX_SENTENCE_CHARS",
    "EDGE_CHARS",
    "EDGE_SENTENCES",
]

MAX_SENTENCE_CHARS = 600  # what an embedding model reads of one sentence (MiniLM: 256 tokens)
EDGE_CHARS = 4000  # how much of each end of a line is looked at
EDGE_SENTENCES = 4  # sentences kept from each end of a long line

# Line ends that close a sentence: terminal punctuation, maybe followed by quotes or brackets.
_CLOSED = re.compile(r"[.!?:;\u2026][\"'\u201d\u2019)\]]*\s*$|[\"\u201d]\s*$")
# A kicker: a short upper-case lead-in ending in ':' or '?' ("ALLIES:", "EUROPEAN FUTURE?").
_KICKER = re.compile(r"^\s*[\"'\u2018\u201c]?([A-Z][A-Z'\u2019\-]+(?:\s+[A-Z][A-Z'\u2019\-]+){0,4})\s*[:?]\s")


def clip(text: str, limit: int = MAX_SENTENCE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit]


def line_sentences(line: str) -> list[str]:
    """Sentences of a line, keeping only its first and last few when it is long.

    Clipped to ``MAX_SENTENCE_CHARS`` each: what an embedding model would read.
    """
    line = line.strip()
    if len(line) <= 2 * EDGE_CHARS:
        sentences = split_sentences(line)
    else:
        head = split_sentences(line[:EDGE_CHARS])[:-1] or [line[:EDGE_CHARS]]
        tail = split_sentences(line[-EDGE_CHARS:])[1:] or [line[-EDGE_CHARS:]]
        sentences = head[:EDGE_SENTENCES] + tail[-EDGE_SENTENCES:]
    if len(sentences) > 2 * EDGE_SENTENCES:
        sentences = sentences[:EDGE_SENTENCES] + sentences[-EDGE_SENTENCES:]
    return [clip(s) for s in sentences] or [clip(line)]


def is_truncated(line: str) -> bool:
    """True when a line stops mid-sentence (no closing punctuation): a cut-off article."""
    tail = line[-200:].rstrip()
    return bool(tail) and _CLOSED.search(tail) is None


def has_kicker(line: str) -> bool:
    """True when a line opens with an upper-case kicker such as ``ALLIES:``."""
    return _KICKER.match(line[:200]) is not None

"""Per-line features of a page or dump that hold across sites, for the boilerplate model.

Each line is described by its own form (words, stop-word density, sentence
punctuation, capitals, digits, separators, the notice cues of
``is_boilerplate``), how often the exact line recurs in the text it came with
(menus and prompts repeat across the pages of one site), and the form of its
neighbours. The first-pass scores of the neighbours are added by the model
(``_boilerplate_model``), as jusText's context-sensitive stage does.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from ..data import stop_words
from ._boilerplate_rules import is_boilerplate

__all__ = ["LINE_FEATURE_NAMES", "line_features", "line_counts", "neighbour_features"]

LINE_FEATURE_NAMES = [
    "log_words", "log_chars", "stop_density", "stop_count_log", "closed_sentence", "sentence_marks_per_word",
    "commas_per_word", "capitalised_share", "has_upper", "digit_share", "symbol_share", "log_separators",
    "notice_cue", "no_words", "log_repeats", "mean_word_length", "long_line",
]
_STOP = stop_words("english")
_WORD = re.compile(r"[^\W\d_][\w'\u2019\-]*")
_SEPARATOR = re.compile(r"\||\u2022|\u00b7|\u203a|\u00bb|\s/\s|\s>\s|\s-\s|\s\u2013\s|::")
_CLOSED = re.compile(r"[.!?:][\"'\u201d\u2019)\]]*\s*$")
_SENTENCE_MARK = re.compile(r"[.!?](?=\s|$)")
_DIGIT = re.compile(r"\d")
_SYMBOL = re.compile(r"[^\w\s.,;:!?'\"\u2019\u201c\u201d()\-]")


def line_counts(lines: list[str]) -> Counter:
    """How often each stripped, lower-cased line occurs in ``lines``."""
    return Counter(line.strip().lower() for line in lines if line.strip())


def _one_line(line: str, counts: Counter) -> list[float]:
    text = line.strip()[:2000]
    words = _WORD.findall(text)
    n_words, n_chars = len(words), len(text)
    lower = [w.lower() for w in words]
    n_stop = sum(w in _STOP for w in lower)
    per_word = max(n_words, 1)
    return [
        np.log1p(n_words), np.log1p(n_chars), n_stop / per_word, np.log1p(n_stop),
        float(_CLOSED.search(text) is not None), len(_SENTENCE_MARK.findall(text)) / per_word,
        text.count(",") / per_word, sum(w[0].isupper() for w in words) / per_word,
        float(any(c.isupper() for c in text)), len(_DIGIT.findall(text)) / max(n_chars, 1),
        len(_SYMBOL.findall(text)) / max(n_chars, 1), np.log1p(len(_SEPARATOR.findall(text))),
        float(is_boilerplate(text)), float(n_words == 0), np.log(max(counts.get(text.lower(), 1), 1)),
        sum(map(len, words)) / per_word / 10.0, float(n_chars > 200),
    ]


def line_features(lines: list[str], counts: Counter | None = None) -> np.ndarray:
    """One row of ``LINE_FEATURE_NAMES`` per line; ``counts``: line repeats (default: within ``lines``)."""
    counts = line_counts(lines) if counts is None else counts
    if not lines:
        return np.zeros((0, len(LINE_FEATURE_NAMES)))
    return np.array([_one_line(line, counts) for line in lines], dtype=float)


def neighbour_features(values: np.ndarray, reach: tuple[int, ...] = (1, 2, 5)) -> np.ndarray:
    """For each row of ``values`` (lines x k): the previous and next line's values, and the mean over
    each window of ``reach`` lines either side (the line itself left out); the page's edges pad with
    the edge line's own values so that an edge is not read as a feature."""
    n = len(values)
    if n == 0:
        return np.zeros((0, values.shape[1] * (2 + len(reach))))
    padded = np.concatenate([values[:1], values, values[-1:]])
    parts = [padded[:-2], padded[2:]]
    cumulative = np.concatenate([np.zeros((1, values.shape[1])), np.cumsum(values, axis=0)])
    index = np.arange(n)
    for r in reach:
        lo, hi = np.maximum(index - r, 0), np.minimum(index + r + 1, n)
        total = cumulative[hi] - cumulative[lo] - values
        count = (hi - lo - 1)[:, None]
        parts.append(np.where(count > 0, total / np.maximum(count, 1), values))
    return np.concatenate(parts, axis=1)

"""A first look at a raw dump: its lines, their lengths, languages and duplicates,
and the articles a segmenter finds in it (scored against gold spans when they exist).

Plain data in, tables and figures out; ``tracking.log_report`` logs them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..data import Corpus, Gold
from ..segment import Dump, Span, score_segmentation

__all__ = ["MIN_LANGUAGE_CHARS", "detect_language", "line_table", "dump_summary", "language_counts",
           "duplicate_lines", "boundaries_of_spans", "gold_boundaries", "article_table",
           "segmentation_scores", "dump_figure"]

MIN_LANGUAGE_CHARS = 20  # below this, language guesses are noise


def detect_language(text: str, seed: int = 0) -> str:
    """ISO 639-1 code of ``text`` (langdetect); ``short`` or ``unknown`` when it cannot tell."""
    from langdetect import DetectorFactory, LangDetectException, detect

    if len(text.strip()) < MIN_LANGUAGE_CHARS:
        return "short"
    DetectorFactory.seed = seed  # langdetect samples n-grams at random; a seed makes it repeatable
    try:
        return detect(text)
    except LangDetectException:
        return "unknown"


def _normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def line_table(corpus: Corpus, seed: int = 0) -> pd.DataFrame:
    """One row per raw line of a dump: length, words, language, and the earlier line it repeats."""
    first_seen: dict[str, int] = {}
    rows = []
    for number, line in enumerate(corpus.lines, start=1):
        text = line.strip()
        key = _normalized(text)
        duplicate_of = first_seen.get(key) if text else None
        if text and duplicate_of is None:
            first_seen[key] = number
        rows.append({"line": number, "chars": len(text), "words": len(text.split()),
                     "language": detect_language(text, seed) if text else "blank",
                     "duplicate_of": duplicate_of, "text": text})
    table = pd.DataFrame(rows)
    table["duplicate_of"] = table["duplicate_of"].astype("Int64")
    return table


def dump_summary(table: pd.DataFrame) -> dict[str, float]:
    """Counts and length statistics of a ``line_table`` (blank lines left out of the lengths)."""
    text = table[table["chars"] > 0]
    languages = text["language"][~text["language"].isin(["short", "unknown"])]
    return {
        "n_lines": float(len(table)),
        "n_blank_lines": float((table["chars"] == 0).sum()),
        "n_duplicate_lines": float(table["duplicate_of"].notna().sum()),
        "n_languages": float(languages.nunique()),
        "chars_mean": float(text["chars"].mean()) if len(text) else 0.0,
        "chars_median": float(text["chars"].median()) if len(text) else 0.0,
        "chars_max": float(text["chars"].max()) if len(text) else 0.0,
        "words_total": float(text["words"].sum()),
    }


def language_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Lines per detected language, most frequent first (blank lines left out)."""
    counts = table.loc[table["chars"] > 0, "language"].value_counts()
    return counts.rename_axis("language").reset_index(name="lines")


def duplicate_lines(table: pd.DataFrame) -> pd.DataFrame:
    """Lines that repeat an earlier line (ignoring case and spacing)."""
    return table.loc[table["duplicate_of"].notna(), ["line", "duplicate_of", "text"]].reset_index(drop=True)


def boundaries_of_spans(lines: list[str], spans: list[Span]) -> np.ndarray:
    """Per gap between non-blank lines: does an article start after it?"""
    dump = Dump.from_lines(lines)
    starts = {span.line_start for span in spans[1:]}
    return np.array([int(n) in starts for n in dump.line_numbers[1:]], dtype=bool)


def gold_boundaries(lines: list[str], gold: Gold) -> np.ndarray:
    """The gold article starts as per-gap boundary flags (as ``boundaries_of_spans``)."""
    dump = Dump.from_lines(lines)
    starts = {article["lines"][0] for article in gold.articles}
    return np.array([int(n) in starts for n in dump.line_numbers[1:]], dtype=bool)


def _gold_topic(span: Span, gold: Gold | None) -> str | None:
    if gold is None:
        return None
    return gold.topic_of_line(span.line_start)


def article_table(spans: list[Span], gold: Gold | None = None, n_words: int = 12) -> pd.DataFrame:
    """One row per article found: line span, size, first words; with gold, its topic and
    whether the span is exactly a gold article."""
    gold_spans = {tuple(a["lines"]) for a in gold.articles} if gold is not None else set()
    width = max(3, len(str(len(spans))))
    rows = []
    for span in spans:
        row = {"article": f"A{span.index + 1:0{width}d}", "line_start": span.line_start,
               "line_end": span.line_end, "paragraphs": span.text.count("\n") + 1,
               "chars": len(span.text), "first_words": " ".join(span.text.split()[:n_words])}
        if gold is not None:
            row["gold_topic"] = _gold_topic(span, gold)
            row["matches_gold"] = (span.line_start, span.line_end) in gold_spans
        rows.append(row)
    return pd.DataFrame(rows)


def segmentation_scores(lines: list[str], spans: list[Span], gold: Gold) -> dict[str, float]:
    """Pk, WindowDiff and boundary precision/recall/F1 of ``spans`` against the gold articles."""

    scores = score_segmentation(gold_boundaries(lines, gold), boundaries_of_spans(lines, spans))
    return {name: float(value) for name, value in scores.items()}


def dump_figure(table: pd.DataFrame, spans: list[Span], gold: Gold | None = None):
    """Characters per line, coloured by the article the segmenter put it in;
    dashed lines mark where gold articles start."""
    from matplotlib import colormaps
    from matplotlib.figure import Figure  # no pyplot: the figure is shown once, as a value

    article_of_line = np.zeros(len(table), dtype=int)
    for span in spans:
        article_of_line[span.line_start - 1:span.line_end] = span.index
    palette = colormaps["tab10"]
    figure = Figure(figsize=(8, 3.5))
    axis = figure.add_subplot()
    axis.bar(table["line"], table["chars"], color=[palette(a % 10) for a in article_of_line],
             edgecolor="none")
    if gold is not None:
        for number, article in enumerate(gold.articles):
            axis.axvline(article["lines"][0] - 0.5, color="black", linestyle="--", linewidth=1,
                         label="gold article start" if number == 0 else None)
        axis.legend(loc="upper left", fontsize=8)
    axis.set_xlabel("line of the dump")
    axis.set_ylabel("characters")
    axis.set_title(f"{len(table)} lines; colour = one of the {len(spans)} articles found")
    figure.tight_layout()
    return figure

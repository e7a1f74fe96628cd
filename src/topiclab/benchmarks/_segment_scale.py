"""Segmentation at scale: time and memory of the learned segmenter on big dumps.

Realistic dumps (``segment.build_page_dump`` of the eval half, built again with
new seeds until big enough) of 12,500 to 100,000 lines, and one of 20 MB, go
through ``segment.segment_lines`` as a user's dump would: boilerplate marks,
gap features, the boundary model, decoding, spans. What is measured is the
segmenter's own cost, so the line encoder is a hashing one (a fixed random
projection of the words, no model): MiniLM would take hours on these dumps on
CPU, and its cost is linear by construction (each line is embedded through at
most ``2 * EDGE_SENTENCES`` sentences of at most ``MAX_SENTENCE_CHARS``
characters; the sentences sent to the encoder are counted). The growth
exponent is the slope of log time over log lines (1 = linear).
"""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

from ..segment import LearnedSegmenter, PageArticle, build_page_dump, segment_lines
from ._speed import ScalingPoint, growth_exponent, peak_rss_bytes

__all__ = ["HashingEncoder", "grow_dump", "segmentation_scaling", "SegmentScaling"]


class HashingEncoder:
    """A ``LineEncoder`` without a model: hashed word counts, L2-normalised (for timing only)."""

    name = "hashing"

    def __init__(self, dimensions: int = 384):
        self.vectorizer = HashingVectorizer(n_features=dimensions, alternate_sign=True, norm=None)
        self.sentences = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.sentences += len(texts)
        return normalize(self.vectorizer.transform(texts)).toarray().astype(np.float32)


def grow_dump(articles: list[PageArticle], seed: int, n_lines: int | None = None,
              n_bytes: int | None = None) -> list[str]:
    """Realistic dumps of ``articles`` (seeds ``seed``, ``seed + 1``...) run together until the dump
    has ``n_lines`` lines or ``n_bytes`` UTF-8 bytes (then cut there)."""
    lines: list[str] = []
    size = 0
    copy = 0
    while (n_lines is not None and len(lines) < n_lines) or (n_bytes is not None and size < n_bytes):
        for line in build_page_dump(articles, seed + copy).lines:
            lines.append(line)
            size += len(line.encode("utf-8")) + 1
            if (n_lines is not None and len(lines) >= n_lines) or (n_bytes is not None and size >= n_bytes):
                break
        copy += 1
    return lines


@dataclass
class SegmentScaling:
    points: list[ScalingPoint]  # n_documents: lines of the dump
    exponent: float  # time
    memory_exponent: float  # traced peak
    sentences: list[int]  # sentences sent to the encoder, per point
    big: ScalingPoint  # the dump of ``megabytes``
    big_bytes: int
    big_sentences: int


def _measure(lines: list[str], segmenter: LearnedSegmenter) -> tuple[ScalingPoint, int]:
    encoder = HashingEncoder()
    tracemalloc.start()
    start = time.perf_counter()
    segment_lines(lines, segmenter, encoder)
    seconds = time.perf_counter() - start
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return ScalingPoint(len(lines), seconds, int(traced_peak), peak_rss_bytes()), encoder.sentences


def segmentation_scaling(articles: list[PageArticle], seed: int,
                         sizes: tuple[int, ...] = (12_500, 25_000, 50_000, 100_000),
                         megabytes: float = 20.0, segmenter: LearnedSegmenter | None = None) -> SegmentScaling:
    """Time and memory of ``segmenter`` (default: the shipped learned one) at each size (smallest
    first), and on a dump of ``megabytes``."""
    segmenter = segmenter or LearnedSegmenter()
    points, sentences = [], []
    for size in sorted(sizes):
        point, sent = _measure(grow_dump(articles, seed, n_lines=size), segmenter)
        points.append(point)
        sentences.append(sent)
    big_lines = grow_dump(articles, seed, n_bytes=int(megabytes * 1_000_000))
    big_bytes = sum(len(line.encode("utf-8")) + 1 for line in big_lines)
    big, big_sentences = _measure(big_lines, segmenter)
    memory = [ScalingPoint(p.n_documents, float(max(p.traced_peak_bytes, 1)), p.traced_peak_bytes, p.process_peak_rss_bytes)
              for p in points]
    return SegmentScaling(points, growth_exponent(points), growth_exponent(memory), sentences, big, big_bytes,
                          big_sentences)

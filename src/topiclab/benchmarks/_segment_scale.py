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
exponent is the slope of log CPU time over log lines (1 = linear); CPU time,
because wall time on a machine shared with other work wanders by a factor of two.
"""

from __future__ import annotations

import ctypes
import gc
import time
import tracemalloc
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

from ..segment import LearnedSegmenter, PageArticle, build_page_dump, segment_lines
from ._speed import growth_exponent

__all__ = ["HashingEncoder", "grow_dump", "segmentation_scaling", "SegmentPoint", "SegmentScaling"]


class HashingEncoder:
    """A ``LineEncoder`` without a model: hashed word counts, L2-normalised (for timing only)."""

    name = "hashing"

    def __init__(self, dimensions: int = 384):
        self.vectorizer = HashingVectorizer(n_features=dimensions, alternate_sign=True, norm=None)
        self.sentences = 0

    def embed(self, texts: list[str], batch: int = 4096) -> np.ndarray:
        """In batches, as a real encoder works: no matrix of every text at double precision."""
        self.sentences += len(texts)
        out = np.zeros((len(texts), self.vectorizer.n_features), dtype=np.float32)
        for start in range(0, len(texts), batch):
            out[start:start + batch] = normalize(self.vectorizer.transform(texts[start:start + batch])).toarray()
        return out


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
class SegmentPoint:
    """One dump: its size, the seconds ``segment_lines`` took, and the memory it took at its peak."""

    n_documents: int  # lines (named as in ``ScalingPoint``, so ``growth_exponent`` reads it)
    n_bytes: int
    seconds: float  # CPU seconds of the process: what other work on a shared machine disturbs least
    wall_seconds: float
    peak_bytes: int  # peak resident memory during the call, above what the process held before it
    sentences: int  # sentences sent to the line encoder


@dataclass
class SegmentScaling:
    points: list[SegmentPoint]  # smallest first
    exponent: float  # of time over lines
    memory_exponent: float  # of peak memory over lines
    big: SegmentPoint  # the dump of ``megabytes``


def _status_kb(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key):
                return int(line.split()[1])
    raise OSError(key)


def _release_memory() -> None:
    """Free what earlier dumps left behind, so it does not hide this dump's peak."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _measure(lines: list[str], segmenter: LearnedSegmenter) -> SegmentPoint:
    """Time without tracing (tracemalloc slows this Python-heavy path about fourfold); memory as the
    rise of the resident set's high-water mark (Linux: reset through /proc/self/clear_refs), else
    as tracemalloc's peak in a second, traced call."""
    encoder = HashingEncoder()
    _release_memory()
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")  # the high-water mark starts again from the current resident set
        before = _status_kb("VmRSS")
    except OSError:
        before = None
    start, start_cpu = time.perf_counter(), time.process_time()
    segment_lines(lines, segmenter, encoder)
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    if before is not None:
        peak = (_status_kb("VmHWM") - before) * 1024
    else:
        tracemalloc.start()
        segment_lines(lines, segmenter, HashingEncoder())
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    n_bytes = sum(len(line.encode("utf-8")) + 1 for line in lines)
    return SegmentPoint(len(lines), n_bytes, cpu, seconds, int(peak), encoder.sentences)


def segmentation_scaling(articles: list[PageArticle], seed: int,
                         sizes: tuple[int, ...] = (12_500, 25_000, 50_000, 100_000),
                         megabytes: float = 20.0, segmenter: LearnedSegmenter | None = None,
                         repeats: int = 2) -> SegmentScaling:
    """Time and memory of ``segmenter`` (default: the shipped learned one) at each size (smallest
    first, the faster of ``repeats`` runs), and on a dump of ``megabytes``."""
    segmenter = segmenter or LearnedSegmenter()
    segmenter.boundary_model()  # read once, before anything is timed
    points = []
    for size in sorted(sizes):
        lines = grow_dump(articles, seed, n_lines=size)
        # The faster of ``repeats`` runs: other work on the machine only ever adds time.
        points.append(min((_measure(lines, segmenter) for _ in range(repeats)), key=lambda p: p.seconds))
    big = _measure(grow_dump(articles, seed, n_bytes=int(megabytes * 1_000_000)), segmenter)
    memory = [SegmentPoint(p.n_documents, p.n_bytes, float(max(p.peak_bytes, 1)), p.wall_seconds, p.peak_bytes,
                           p.sentences) for p in points]
    return SegmentScaling(points, growth_exponent(points), growth_exponent(memory), big)

"""Stable splits of a corpus by a hash of each document's id, and seeded samples of a corpus.

A hash split does not depend on row order or on which other documents are
present, so the same article lands in the same half in every run and every
file that holds it.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import numpy as np

from ._corpus import Corpus

__all__ = ["hash_bucket", "split_of", "sample_corpus"]


def hash_bucket(key: str, buckets: int, salt: str = "") -> int:
    """``key``'s bucket in ``range(buckets)``: SHA-256 of ``salt + key``, modulo ``buckets``."""
    return int(hashlib.sha256(f"{salt}{key}".encode()).hexdigest(), 16) % buckets


def split_of(article_id: str) -> str:
    """``train`` or ``eval``: the two halves a trained component is fitted on and scored on."""
    return "eval" if hash_bucket(str(article_id), 2) else "train"


def sample_corpus(corpus: Corpus, size: int | None, seed: int) -> Corpus:
    """``size`` documents of ``corpus`` drawn without replacement with ``seed``, in corpus order.

    ``None`` or a size of at least the corpus keeps every document (``data.sample``: fit a
    large corpus on a sample in one process, then assign all of it, e.g. on Spark).
    """
    if size is None or size >= len(corpus.documents):
        return corpus
    chosen = np.sort(np.random.default_rng(seed).choice(len(corpus.documents), size=size, replace=False))
    return replace(corpus, documents=[corpus.documents[i] for i in chosen])

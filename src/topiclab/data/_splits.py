"""Stable splits of a corpus by a hash of each document's id.

A hash split does not depend on row order or on which other documents are
present, so the same article lands in the same half in every run and every
file that holds it.
"""

from __future__ import annotations

import hashlib

__all__ = ["hash_bucket", "split_of"]


def hash_bucket(key: str, buckets: int, salt: str = "") -> int:
    """``key``'s bucket in ``range(buckets)``: SHA-256 of ``salt + key``, modulo ``buckets``."""
    return int(hashlib.sha256(f"{salt}{key}".encode()).hexdigest(), 16) % buckets


def split_of(article_id: str) -> str:
    """``train`` or ``eval``: the two halves a trained component is fitted on and scored on."""
    return "eval" if hash_bucket(str(article_id), 2) else "train"

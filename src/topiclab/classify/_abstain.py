"""Abstention: "none of these" below a probability or taxonomy-similarity threshold.

Thresholds are chosen on out-of-fold (held-out) predictions for a target
coverage: the share of in-taxonomy texts that should still get a label. Half
the allowed loss goes to each test when both apply, so together they keep
about the target coverage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import TopiclabError

__all__ = ["check_min_probability", "coverage_threshold", "smoothed_threshold", "risk_coverage", "abstention_mask"]


def check_min_probability(value: float | None) -> float | None:
    if value is not None and not 0.0 <= float(value) <= 1.0:
        raise TopiclabError(f"min_probability must lie in [0, 1], got {value}")
    return value


def coverage_threshold(scores: np.ndarray, coverage: float) -> float:
    """The largest threshold that keeps at least ``coverage`` of ``scores`` at or above it."""
    scores = np.sort(np.asarray(scores, dtype=float))
    if not len(scores):
        return 0.0
    drop = int(np.floor((1.0 - coverage) * len(scores) + 1e-9))
    return float(scores[min(drop, len(scores) - 1)])


def smoothed_threshold(scores: np.ndarray, coverage: float) -> float:
    """The ``1 - coverage`` quantile of a normal fitted to ``scores``.

    Why: on a few dozen texts the empirical 2.5% quantile is just the single
    lowest text (often a one-line quote that says nothing about its topic), so
    the threshold would let nearly everything through; the fitted quantile uses
    every text. Never above the empirical median, so at least half stay labelled.
    """
    from scipy.stats import norm

    scores = np.asarray(scores, dtype=float)
    if len(scores) < 2:
        return coverage_threshold(scores, coverage)
    value = scores.mean() + norm.ppf(1.0 - coverage) * scores.std(ddof=1)
    return float(min(value, np.median(scores)))


def abstention_mask(probability: np.ndarray, similarity: np.ndarray | None, min_probability: float,
                    min_similarity: float | None) -> np.ndarray:
    """True where a text gets no label."""
    mask = np.asarray(probability) < min_probability
    if similarity is not None and min_similarity is not None:
        mask |= np.asarray(similarity) < min_similarity
    return mask


def risk_coverage(correct: np.ndarray, confidence: np.ndarray) -> pd.DataFrame:
    """Accuracy of the labelled texts against the share labelled, most confident first."""
    order = np.argsort(-np.asarray(confidence, dtype=float), kind="stable")
    hits = np.asarray(correct, dtype=float)[order]
    n = np.arange(1, len(hits) + 1)
    return pd.DataFrame({"coverage": n / len(hits), "accuracy": np.cumsum(hits) / n,
                         "threshold": np.asarray(confidence, dtype=float)[order]})

"""Outliers of density clusterers (``umap_hdbscan``, ``bertopic``): keep them, or reassign them.

``cluster.outliers: reassign`` puts each outlier (-1) into the topic whose
centroid (unit mean of its members' embeddings) is most similar by cosine,
when that similarity is at least ``cluster.outlier_min_similarity``; the rest
stay outliers. Deterministic: no random choice is made.
"""

from __future__ import annotations

import numpy as np
from sklearn.preprocessing import normalize

from ._refine import OUTLIER

__all__ = ["reassign_outliers", "outlier_shares"]


def reassign_outliers(vectors: np.ndarray, labels: np.ndarray, min_similarity: float = 0.0) -> np.ndarray:
    """``labels`` with each outlier moved to its nearest topic centroid (cosine >= ``min_similarity``)."""
    labels = np.asarray(labels, dtype=int).copy()
    outliers = np.flatnonzero(labels == OUTLIER)
    ids = sorted(int(t) for t in set(labels.tolist()) if t != OUTLIER)
    if not len(outliers) or not ids:
        return labels
    dense = vectors.toarray() if hasattr(vectors, "toarray") else np.asarray(vectors, dtype=float)
    centres = normalize(np.vstack([dense[labels == t].mean(axis=0) for t in ids]))
    similarity = normalize(dense[outliers]) @ centres.T
    best = similarity.argmax(axis=1)
    close = similarity[np.arange(len(outliers)), best] >= min_similarity
    labels[outliers[close]] = np.asarray(ids)[best[close]]
    return labels


def outlier_shares(before: np.ndarray, after: np.ndarray) -> dict[str, float]:
    """The metrics ``outlier_share_before`` and ``outlier_share_after`` (share of documents labelled -1)."""
    return {"outlier_share_before": float(np.mean(np.asarray(before) == OUTLIER)),
            "outlier_share_after": float(np.mean(np.asarray(after) == OUTLIER))}

"""Scores of a clustering: internal, external (when labels exist) and topical.

Thin wrappers over scikit-learn and scipy, which compute the actual numbers.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn import metrics as skm

from ..cluster import OUTLIER

__all__ = ["SILHOUETTE_SAMPLE", "internal_metrics", "external_metrics", "hungarian_accuracy", "topic_diversity",
           "outlier_share", "label_accuracy"]


SILHOUETTE_SAMPLE = 10_000  # silhouette compares every pair of documents: above this, a seeded sample


def internal_metrics(features: np.ndarray, labels: np.ndarray, seed: int = 0) -> dict[str, float]:
    """Silhouette (cosine) and Davies-Bouldin over non-outlier documents.

    Silhouette costs n² distances, so above ``SILHOUETTE_SAMPLE`` documents it is
    the mean over ``SILHOUETTE_SAMPLE`` of them drawn with ``seed`` (exact below).
    """
    keep = labels != OUTLIER
    x, y = features[keep], labels[keep]
    n_clusters = len(set(y.tolist()))
    if n_clusters < 2 or n_clusters >= len(y):
        return {}
    sample = SILHOUETTE_SAMPLE if len(y) > SILHOUETTE_SAMPLE else None
    return {
        "silhouette": float(skm.silhouette_score(x, y, metric="cosine", sample_size=sample, random_state=seed)),
        "davies_bouldin": float(skm.davies_bouldin_score(x, y)),
    }


def hungarian_accuracy(truth: list, labels: np.ndarray) -> float:
    """Accuracy after the best one-to-one matching of clusters to classes."""
    table = skm.cluster.contingency_matrix(truth, labels)
    rows, cols = linear_sum_assignment(-table)
    return float(table[rows, cols].sum() / table.sum())


def nmi(truth, labels) -> float:
    """Normalised mutual information of two assignments (arithmetic mean; outliers count as one cluster):
    the one NMI of every table and benchmark."""
    return float(skm.normalized_mutual_info_score(truth, labels))


def external_metrics(truth: list, labels: np.ndarray) -> dict[str, float]:
    """Agreement with gold classes; outliers count as their own cluster."""
    return {
        "nmi": nmi(truth, labels),
        "ari": float(skm.adjusted_rand_score(truth, labels)),
        "v_measure": float(skm.v_measure_score(truth, labels)),
        "accuracy": hungarian_accuracy(truth, labels),
    }


def topic_diversity(keywords: dict[int, list[str]], top_n: int = 10) -> float:
    """Unique share of the top words over all topics (outlier topic excluded)."""
    words = [w for topic, kws in keywords.items() if topic != OUTLIER for w in kws[:top_n]]
    return len(set(words)) / len(words) if words else 0.0


def outlier_share(labels: np.ndarray) -> float:
    return float(np.mean(labels == OUTLIER))


def _normal(name: str) -> str:
    return name.casefold().replace("\u2013", "-").replace("\u2014", "-").strip()


def label_accuracy(predicted: list[str], accepted: list[set[str]]) -> float:
    """Share of items whose human label is one of their accepted gold topics."""
    hits = sum(_normal(p) in {_normal(a) for a in ok} for p, ok in zip(predicted, accepted))
    return hits / len(predicted) if predicted else 0.0

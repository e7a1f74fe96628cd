"""``cluster.k: auto``: try each candidate number of topics and keep the best by a documented criterion.

Criteria (``cluster.auto.criterion``), both computed on the clusterer's own
features with the experiment's seed, without labels:

* ``silhouette`` (default): mean cosine silhouette of the clustering on a
  seeded sample of at most ``sample_size`` documents; high when topics are
  tight and apart. The candidates start at 3 by default: with two clusters
  any corpus splits into one broad contrast, which silhouette tends to reward.
* ``stability``: the clusterer is fitted on ``resamples`` pairs of seeded 80%
  subsamples; each pair's labels of all documents are compared by adjusted
  Rand index; the mean is the score. A k that splits a true topic arbitrarily
  gives different splits on different subsamples, so it scores low.

The same settings serve every corpus: nothing here is tuned per dataset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, silhouette_score

from ..config import ClusterConfig
from ..errors import TopiclabError
from ._clusterers import make_clusterer

__all__ = ["AUTO", "k_curve", "choose_k"]

AUTO = "auto"


def _fit_predict(features: np.ndarray, config: ClusterConfig, k: int, seed: int) -> np.ndarray:
    return np.asarray(make_clusterer(config.model_copy(update={"k": k}), seed).fit_predict(features))


def _silhouette(features: np.ndarray, labels: np.ndarray, sample_size: int, seed: int) -> float:
    if len(set(labels.tolist())) < 2:
        return -1.0
    size = min(sample_size, len(features))
    return float(silhouette_score(features, labels, metric="cosine", sample_size=size, random_state=seed))


def _stability(features: np.ndarray, config: ClusterConfig, k: int, seed: int, resamples: int) -> float:
    from sklearn.neighbors import NearestCentroid

    rng = np.random.default_rng(seed)
    n = len(features)
    size = max(k + 1, int(0.8 * n))
    scores = []
    for _ in range(resamples):
        predictions = []
        for _ in range(2):
            rows = rng.choice(n, size, replace=False)
            labels = _fit_predict(features[rows], config, k, int(rng.integers(2**31)))
            if len(set(labels.tolist())) < 2:
                predictions.append(np.zeros(n, dtype=int))
                continue
            # every document labelled by the subsample's clusters (nearest centroid)
            predictions.append(NearestCentroid().fit(features[rows], labels).predict(features))
        scores.append(adjusted_rand_score(*predictions))
    return float(np.mean(scores))


def k_curve(features: np.ndarray, config: ClusterConfig, seed: int) -> pd.DataFrame:
    """One row per candidate k: ``k``, ``score`` (the criterion), ``silhouette``."""
    settings = config.auto
    n = len(features)
    if n < 3:
        raise TopiclabError(f"cluster.k: auto needs at least 3 documents, got {n}")
    candidates = sorted({k for k in settings.candidates if 2 <= k < n})
    if not candidates:
        raise TopiclabError(f"cluster.k: auto has no candidate k between 2 and {n - 1} documents")
    rows = []
    for k in candidates:
        labels = _fit_predict(features, config, k, seed)
        row = {"k": k, "silhouette": _silhouette(features, labels, settings.sample_size, seed)}
        if settings.criterion == "stability":
            row["stability"] = _stability(features, config, k, seed, settings.resamples)
        row["score"] = row[settings.criterion]
        rows.append(row)
    return pd.DataFrame(rows)


def choose_k(features: np.ndarray, config: ClusterConfig, seed: int) -> tuple[int, pd.DataFrame]:
    """The candidate with the best criterion (the smallest such k on ties) and the whole curve."""
    curve = k_curve(features, config, seed)
    best = curve.sort_values(["score", "k"], ascending=[False, True]).iloc[0]
    return int(best["k"]), curve

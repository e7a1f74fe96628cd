"""How far an unsupervised clustering is from what its features allow.

A logistic regression trained on the gold labels, scored by stratified k-fold
cross-validation on the same features (and the same sparse TF-IDF view) that
the configured pipeline clusters and refines. Its NMI is the ceiling an
unsupervised method on those features can hope to reach: labels that even a
supervised classifier cannot recover from them are not in the features.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from ..cluster import design_matrix
from ..errors import TopiclabError
from ..evaluation import external_metrics

__all__ = ["supervised_ceiling"]


def supervised_ceiling(features: np.ndarray, texts: list[str], labels: list, view: str = "features+tfidf",
                       folds: int = 5, C: float = 10.0, seed: int = 0) -> dict[str, float]:
    """NMI, ARI and accuracy of cross-validated predictions of the gold ``labels``."""
    if len(labels) != len(features) or any(label is None for label in labels):
        raise TopiclabError("the supervised ceiling needs a gold label for every document")
    truth = np.asarray(labels)
    smallest = min(np.unique(truth, return_counts=True)[1])
    if smallest < folds:
        raise TopiclabError(f"the supervised ceiling needs at least {folds} documents per label, "
                            f"the smallest label has {smallest}")
    start = time.perf_counter()
    design = design_matrix(features, texts, view)
    splits = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    classifier = LogisticRegression(C=C, max_iter=2000, random_state=seed)
    predicted = cross_val_predict(classifier, design, truth, cv=splits)
    scores = external_metrics(list(truth), predicted)
    scores["folds"] = float(folds)
    scores["time_s"] = time.perf_counter() - start
    return scores

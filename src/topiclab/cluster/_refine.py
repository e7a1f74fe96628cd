"""Refine a clustering by self-training a classifier on its confident members.

A clusterer's labels are noisy at the borders between clusters. Self-training
treats the members nearest each cluster's centre as a labelled training set,
fits a linear classifier on them, relabels every document with the
classifier, and repeats with the classifier's most confident documents. The
classifier can see more than the clusterer did: ``view: features+tfidf`` adds
the full sparse TF-IDF of the texts to the clustering features, so the word
evidence that a dense embedding blurs can move border documents.

With ``folds`` >= 2 the relabelling is cross-fitted: the documents are split
into folds, and each fold is relabelled by a classifier trained on the
confident members of the other folds, so no document's own (possibly wrong)
cluster label votes for itself.

Outliers (-1) stay outliers. Every random choice takes the given seed.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from ..data import word_vectorizer

__all__ = ["OUTLIER", "MAX_TRAIN_ROWS", "SelfTrainingRefiner", "refine_labels", "confident_members",
           "design_matrix"]

OUTLIER = -1  # the label of documents in no cluster, for every clusterer and every later stage
# A classifier's fit grows faster than its training rows (more rows, more words, more solver
# iterations); a few tens of thousands of confident members teach it as well as a million do.
MAX_TRAIN_ROWS = 16_000


def confident_members(labels: np.ndarray, confidence: np.ndarray, share: float) -> np.ndarray:
    """Indices of the ``share`` most confident members of each cluster (at least 2 each)."""
    chosen = []
    for cluster in np.unique(labels):
        if cluster == OUTLIER:
            continue
        members = np.flatnonzero(labels == cluster)
        keep = max(2, int(np.ceil(share * len(members))))
        order = members[np.argsort(-confidence[members], kind="stable")]
        chosen.append(order[:keep])
    return np.sort(np.concatenate(chosen)) if chosen else np.array([], dtype=int)


def _centroid_confidence(features: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Cosine similarity of each document to its own cluster's centre."""
    unit = normalize(features)
    confidence = np.full(len(labels), -np.inf)
    for cluster in np.unique(labels):
        if cluster == OUTLIER:
            continue
        members = labels == cluster
        centre = normalize(unit[members].mean(axis=0, keepdims=True))[0]
        confidence[members] = unit[members] @ centre
    return confidence


def _tfidf_view(texts: list[str]) -> sparse.csr_matrix:
    vectorizer = word_vectorizer("tfidf", sublinear_tf=True, min_df=2 if len(texts) >= 20 else 1)
    try:
        return vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # no word survives: fall back to the features alone
        return sparse.csr_matrix((len(texts), 0))


def design_matrix(features: np.ndarray, texts: list[str] | None, view: str = "features",
                  tfidf_weight: float = 1.0):
    """What the classifier sees: the L2-normalised features, plus the weighted sparse TF-IDF
    of the texts when ``view`` is ``features+tfidf``. In float32: the solver's products take half
    the time of float64's, and the labels it gives barely move (AG News NMI 0.622 vs 0.623)."""
    dense = normalize(features).astype(np.float32)
    if view == "features" or not texts:
        return dense
    words = _tfidf_view(texts)
    return sparse.hstack([sparse.csr_matrix(dense), tfidf_weight * words], dtype=np.float32).tocsr()


class SelfTrainingRefiner:
    """Iterated self-training of a logistic regression on confident cluster members.

    Parameters mirror ``config.RefineConfig``; ``fit_predict(features, labels, texts)``
    returns the refined labels; ``n_iter_`` and ``changed_`` record what happened.
    """

    def __init__(self, iterations: int = 5, confident_share: float = 0.5, view: str = "features",
                 C: float = 1.0, tfidf_weight: float = 1.0, folds: int = 0, random_state: int = 0):
        self.iterations = iterations
        self.confident_share = confident_share
        self.view = view
        self.C = C
        self.tfidf_weight = tfidf_weight
        self.folds = folds
        self.random_state = random_state

    def fit_predict(self, features: np.ndarray, labels: np.ndarray,
                    texts: list[str] | None = None) -> np.ndarray:
        labels = np.asarray(labels, dtype=int).copy()
        inliers = labels != OUTLIER
        self.n_iter_, self.changed_ = 0, 0
        if len(set(labels[inliers].tolist())) < 2:
            return labels  # nothing to tell apart
        design = design_matrix(features, texts, self.view, self.tfidf_weight)
        confidence = _centroid_confidence(features, labels)
        original = labels.copy()
        for _ in range(self.iterations):
            classes, proba = self._relabel(design, labels, confidence, inliers)
            relabelled = labels.copy()
            relabelled[inliers] = classes[proba.argmax(axis=1)]
            confidence = np.full(len(labels), -np.inf)
            confidence[inliers] = proba.max(axis=1)
            self.n_iter_ += 1
            stable = np.array_equal(relabelled, labels)
            labels = relabelled
            if stable:
                break
        self.changed_ = int((labels != original).sum())
        return labels

    def _classifier(self, design, labels, train, draw: int = 0):
        """Fitted on ``train``, or on ``MAX_TRAIN_ROWS`` of them drawn with the seed (and ``draw``) above that."""
        if len(train) > MAX_TRAIN_ROWS:
            rng = np.random.default_rng([self.random_state, draw])
            train = np.sort(rng.choice(train, MAX_TRAIN_ROWS, replace=False))
        classifier = LogisticRegression(C=self.C, max_iter=1000, random_state=self.random_state)
        return classifier.fit(design[train], labels[train])

    def _relabel(self, design, labels, confidence, inliers):
        """Class ids and probabilities for the inliers, in their order."""
        classes = np.unique(labels[inliers])
        rows = np.flatnonzero(inliers)
        train = confident_members(labels, confidence, self.confident_share)
        if self.folds < 2:
            classifier = self._classifier(design, labels, train)
            return classifier.classes_, classifier.predict_proba(design[rows])
        proba = np.zeros((len(rows), len(classes)))
        fold_of = np.random.default_rng(self.random_state).permutation(len(rows)) % self.folds
        in_train = np.zeros(len(labels), dtype=bool)
        in_train[train] = True
        for fold in range(self.folds):
            held_out = rows[fold_of == fold]
            others = rows[(fold_of != fold) & in_train[rows]]
            classifier = self._classifier(design, labels, others, draw=fold)
            columns = np.searchsorted(classes, classifier.classes_)
            proba[np.flatnonzero(fold_of == fold)[:, None], columns] = classifier.predict_proba(design[held_out])
        return classes, proba


def refine_labels(features: np.ndarray, labels: np.ndarray, config, seed: int,
                  texts: list[str] | None = None) -> np.ndarray:
    """Apply ``config`` (a ``RefineConfig``) to a clustering; ``method: none`` returns it unchanged."""
    if config.method == "none":
        return np.asarray(labels, dtype=int)
    refiner = SelfTrainingRefiner(config.iterations, config.confident_share, config.view, config.C,
                                  config.tfidf_weight, config.folds, seed)
    return refiner.fit_predict(features, labels, texts)

"""Classifiers that know the taxonomy: zero-shot prototypes and a prior blended with a learned model.

Both read the sentence-embedding columns of the feature frame (``emb_000...``)
and keep only numpy arrays and plain values, so they round-trip through skops
(their class names are in ``topiclab.persist.TRUSTED_TYPES``).

``ZeroShotClassifier``: each taxonomy entry is the unit mean of the embeddings
of its name + description and of its examples; a text's probabilities are a
softmax of its cosine similarities over a temperature, fitted by log-loss
where labels exist.

``TaxonomyPriorClassifier``: a learned classifier trained on the labelled
texts plus the taxonomy's own texts (name + description, examples) as extra
training points, blended with the zero-shot prior by a weight chosen by inner
cross-validation; within the folds' standard error the larger prior weight wins, so a
tiny or lopsided corpus cannot talk the model out of what the taxonomy says.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize

from ..errors import TopiclabError
from ..topics import TaxonomyEntry, taxonomy_texts
from ._textmodel import TEXT_COLUMN, as_probabilities, embedding_columns

__all__ = ["DEFAULT_TEMPERATURE", "Prototypes", "taxonomy_prototypes", "check_taxonomy_labels",
           "ZeroShotClassifier", "TaxonomyPriorClassifier"]

DEFAULT_TEMPERATURE = 0.05  # cosine differences of ~0.1 between entries then mean ~90% confidence
_TEMPERATURES = np.geomspace(0.005, 1.0, 48)
_PRIOR_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass
class Prototypes:
    """The taxonomy as labelled points: one text per entry (name + description) and one per example."""

    texts: list[str]
    labels: list[str]
    vectors: np.ndarray

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(self.labels))


def taxonomy_prototypes(entries: list[TaxonomyEntry], embedder) -> Prototypes:
    texts, labels = [], []
    for entry, described in zip(entries, taxonomy_texts(entries)):
        texts += [described, *entry.examples]
        labels += [entry.name] * (1 + len(entry.examples))
    return Prototypes(texts, labels, np.asarray(embedder.embed(texts), dtype=np.float32))


def check_taxonomy_labels(labels: list[str], names: list[str], path: str) -> None:
    """Training labels must be taxonomy names for the taxonomy to be their prior."""
    stray = sorted(set(labels) - set(names))
    if stray:
        raise TopiclabError(f"taxonomy_prior needs training labels that are names in {path}; "
                            f"not in it: {', '.join(map(repr, stray[:5]))}")


def _embeddings(X) -> np.ndarray:
    if isinstance(X, pd.DataFrame):
        columns = [c for c in X.columns if str(c).startswith("emb_")]
        if not columns:
            raise TopiclabError("a taxonomy classifier needs sentence-embedding columns (emb_000...)")
        X = X[columns].to_numpy()
    return normalize(np.asarray(X, dtype=np.float64))


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


class ZeroShotClassifier(ClassifierMixin, BaseEstimator):
    """Cosine similarity to taxonomy prototypes, softmax over a temperature.

    ``prototype_vectors`` (n, d) with ``prototype_labels`` (n names); ``temperature``
    None: fitted on ``y`` by log-loss if given, else ``DEFAULT_TEMPERATURE``.
    """

    def __init__(self, prototype_vectors=None, prototype_labels=None, temperature=None):
        self.prototype_vectors = prototype_vectors
        self.prototype_labels = prototype_labels
        self.temperature = temperature

    def fit(self, X, y=None):
        vectors = normalize(np.asarray(self.prototype_vectors, dtype=np.float64))
        labels = np.asarray(self.prototype_labels, dtype=object)
        self.classes_ = np.array(sorted(set(labels.tolist())), dtype=object)
        self.centroids_ = normalize(np.vstack([vectors[labels == c].mean(axis=0) for c in self.classes_]))
        if self.temperature is not None:
            self.temperature_ = float(self.temperature)
        elif y is not None and len(y):
            self.temperature_ = self._fit_temperature(self.similarities(X), np.asarray(y, dtype=object))
        else:
            self.temperature_ = DEFAULT_TEMPERATURE
        return self

    def _fit_temperature(self, similarities: np.ndarray, y: np.ndarray) -> float:
        index = {c: i for i, c in enumerate(self.classes_)}
        if any(label not in index for label in y):
            raise TopiclabError("zero-shot labels must be taxonomy names")
        rows = np.arange(len(y)), np.array([index[label] for label in y])
        losses = [-np.log(np.maximum(_softmax(similarities / t)[rows], 1e-12)).mean() for t in _TEMPERATURES]
        return float(_TEMPERATURES[int(np.argmin(losses))])

    def similarities(self, X) -> np.ndarray:
        """Cosine similarity of each text to each entry (columns in ``classes_`` order)."""
        return _embeddings(X) @ self.centroids_.T

    def max_similarity(self, X) -> np.ndarray:
        return self.similarities(X).max(axis=1)

    def predict_proba(self, X) -> np.ndarray:
        return _softmax(self.similarities(X) / self.temperature_)

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def _prototype_frame(X: pd.DataFrame, texts, vectors: np.ndarray) -> pd.DataFrame:
    """The taxonomy's texts as rows shaped like the feature frame ``X``."""
    frame = pd.DataFrame(np.asarray(vectors, dtype=np.float32), columns=embedding_columns(vectors.shape[1]))
    frame.insert(0, TEXT_COLUMN, list(texts))
    return frame[list(X.columns)]


class TaxonomyPriorClassifier(ClassifierMixin, BaseEstimator):
    """``base`` trained on labelled texts + taxonomy texts, blended with a zero-shot prior.

    ``weight_`` (the prior's share) is chosen by ``folds``-fold inner
    cross-validation from ``weights``: the largest weight whose mean balanced accuracy
    is within one standard error (over the folds) of the best.
    """

    def __init__(self, base=None, prototype_texts=None, prototype_vectors=None, prototype_labels=None,
                 weights=_PRIOR_WEIGHTS, folds=3, random_state=None):
        self.base = base
        self.prototype_texts = prototype_texts
        self.prototype_vectors = prototype_vectors
        self.prototype_labels = prototype_labels
        self.weights = weights
        self.folds = folds
        self.random_state = random_state

    def _prior(self):
        return ZeroShotClassifier(self.prototype_vectors, self.prototype_labels)

    def _fit_pair(self, X: pd.DataFrame, y: np.ndarray):
        extra = _prototype_frame(X, self.prototype_texts, np.asarray(self.prototype_vectors))
        augmented = pd.concat([X.reset_index(drop=True), extra], ignore_index=True)
        labels = np.concatenate([y, np.asarray(self.prototype_labels, dtype=object)])
        return self._prior().fit(X, y), clone(self.base).fit(augmented, labels)

    @staticmethod
    def _blend(prior, base, X, weight: float) -> np.ndarray:
        order = [list(base.classes_).index(c) for c in prior.classes_]
        learned = as_probabilities(base.predict_proba(X))[:, order]
        return weight * prior.predict_proba(X) + (1.0 - weight) * learned

    def fit(self, X, y):
        y = np.asarray(y, dtype=object)
        self.weight_, self.weight_scores_ = self._choose_weight(X, y)
        self.prior_, self.base_ = self._fit_pair(X, y)
        self.classes_ = self.prior_.classes_
        return self

    def _choose_weight(self, X, y: np.ndarray) -> tuple[float, np.ndarray]:
        weights = np.asarray(self.weights, dtype=float)
        _, counts = np.unique(y, return_counts=True)
        folds = min(self.folds, int(counts.max()), len(y) // 2)
        if len(weights) == 1:
            return float(weights[0]), np.full((1, 1), np.nan)  # one weight: nothing to choose
        if folds < 2 or len(counts) < 2:
            return float(weights.max()), np.full((len(weights), 1), np.nan)  # nothing to learn from: the prior
        scores = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # labels with fewer documents than folds: fine here
            splits = StratifiedKFold(folds, shuffle=True, random_state=self.random_state).split(X, y.astype(str))
            for train, test in splits:
                prior, base = self._fit_pair(X.iloc[train], y[train])
                # balanced accuracy: on a lopsided corpus plain accuracy would reward forgetting small labels
                scores.append([balanced_accuracy_score(
                    y[test], prior.classes_[self._blend(prior, base, X.iloc[test], w).argmax(axis=1)])
                    for w in weights])
        scores = np.asarray(scores).T  # (weights, folds)
        mean, spread = scores.mean(axis=1), scores.std(axis=1) / np.sqrt(scores.shape[1])  # standard error
        best = int(np.argmax(mean))
        within = np.flatnonzero(mean >= mean[best] - spread[best])
        return float(weights[within].max()), scores

    def max_similarity(self, X) -> np.ndarray:
        return self.prior_.max_similarity(X)

    def predict_proba(self, X) -> np.ndarray:
        return self._blend(self.prior_, self.base_, X, self.weight_)

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

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
training points, stacked with the zero-shot prior: log-probabilities of each
learned part and of the prior, weighted by inner cross-validation (log-loss,
pulled towards the prior alone); a blend whose gain over the prior is within
its standard error falls back to the prior, so what a tiny or lopsided corpus
cannot show stays with the taxonomy.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import log_softmax, logsumexp, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import VotingClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize

from ..errors import TopiclabError
from ..topics import TaxonomyEntry, taxonomy_texts
from ._textmodel import TEXT_COLUMN, as_probabilities, embedding_columns, label_probabilities

__all__ = ["DEFAULT_TEMPERATURE", "Prototypes", "taxonomy_prototypes", "check_taxonomy_labels",
           "ZeroShotClassifier", "fit_blend_weights", "blend_gain", "TaxonomyPriorClassifier"]

DEFAULT_TEMPERATURE = 0.05  # cosine differences of ~0.1 between entries then mean ~90% confidence
_TEMPERATURES = np.geomspace(0.005, 1.0, 48)
_BLEND_PENALTY = 0.01  # pull of the blend weights towards the prior alone
_MAX_BLEND_WEIGHT = 50.0
_SMALLEST_PROBABILITY = 1e-6  # a member's hard zero (k-NN) costs a bounded log-loss


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
        losses = [-log_softmax(similarities / t, axis=1)[rows].mean() for t in _TEMPERATURES]
        return float(_TEMPERATURES[int(np.argmin(losses))])

    def similarities(self, X) -> np.ndarray:
        """Cosine similarity of each text to each entry (columns in ``classes_`` order)."""
        return _embeddings(X) @ self.centroids_.T

    def max_similarity(self, X) -> np.ndarray:
        return self.similarities(X).max(axis=1)

    def predict_proba(self, X) -> np.ndarray:
        return softmax(self.similarities(X) / self.temperature_, axis=1)

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def _balance(truth: np.ndarray) -> np.ndarray:
    """Per-text weights summing to one, each class weighing the same."""
    _, where, counts = np.unique(truth, return_inverse=True, return_counts=True)
    return 1.0 / (len(counts) * counts[where])


def _log_probabilities(parts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    scores = np.tensordot(weights, parts, axes=1)
    return scores - logsumexp(scores, axis=1, keepdims=True)


def fit_blend_weights(parts: np.ndarray, truth: np.ndarray, start: np.ndarray, penalty: float) -> np.ndarray:
    """Non-negative weights ``w`` (one per part) minimising the class-balanced mean log-loss of
    ``softmax(sum_i w_i * parts[i])`` against class indices ``truth``, plus
    ``penalty * |w - start|^2``.

    Balanced: each class weighs the same, so on a lopsided corpus the few texts of a
    small label (where a learned part is weakest) count as much as the many of a large one.
    """
    rows = np.arange(parts.shape[1]), truth
    balance = _balance(truth)

    def loss(weights: np.ndarray) -> tuple[float, np.ndarray]:
        log_probability = _log_probabilities(parts, weights)
        residual = np.exp(log_probability)
        residual[rows] -= 1.0  # d(-log p_true)/d scores
        gradient = np.einsum("t,tk,ptk->p", balance, residual, parts) + 2 * penalty * (weights - start)
        return float(-balance @ log_probability[rows] + penalty * np.sum((weights - start) ** 2)), gradient

    found = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=[(0.0, _MAX_BLEND_WEIGHT)] * len(start))
    return np.asarray(found.x, dtype=np.float64)


def blend_gain(parts: np.ndarray, truth: np.ndarray, weights: np.ndarray, start: np.ndarray) -> tuple[float, float]:
    """How much lower the class-balanced log-loss is under ``weights`` than under ``start``,
    and the standard error of that difference (paired over texts)."""
    rows = np.arange(parts.shape[1]), truth
    difference = len(truth) * _balance(truth) * (
        _log_probabilities(parts, weights)[rows] - _log_probabilities(parts, start)[rows])
    return float(difference.mean()), float(difference.std() / np.sqrt(len(truth)))


def _prototype_frame(X: pd.DataFrame, texts, vectors: np.ndarray) -> pd.DataFrame:
    """The taxonomy's texts as rows shaped like the feature frame ``X``."""
    frame = pd.DataFrame(np.asarray(vectors, dtype=np.float32), columns=embedding_columns(vectors.shape[1]))
    frame.insert(0, TEXT_COLUMN, list(texts))
    return frame[list(X.columns)]


class TaxonomyPriorClassifier(ClassifierMixin, BaseEstimator):
    """``base`` trained on labelled texts + taxonomy texts, stacked with a zero-shot prior.

    The parts are the log-probabilities of ``base`` (of each member, when ``base``
    is a soft ``VotingClassifier``) and of the prior; a text's probabilities are the
    softmax of their weighted sum. ``blend_weights_`` (one per part, the prior last)
    minimise the class-balanced log-loss of ``folds``-fold inner cross-validation predictions plus
    ``penalty`` times their squared distance from the prior alone (0 for each learned
    part, 1 for the prior). ``blend_gain_`` is how much lower the out-of-fold balanced
    log-loss of that blend is than the prior's, ``blend_gain_se_`` its standard error
    (paired over texts): a gain within one standard error is noise, and the prior alone
    is kept. ``weight_`` is the prior's share of the weights. ``blend=False``: ``base`` alone.
    """

    def __init__(self, base=None, prototype_texts=None, prototype_vectors=None, prototype_labels=None,
                 blend=True, folds=5, penalty=_BLEND_PENALTY, random_state=None):
        self.base = base
        self.prototype_texts = prototype_texts
        self.prototype_vectors = prototype_vectors
        self.prototype_labels = prototype_labels
        self.blend = blend
        self.folds = folds
        self.penalty = penalty
        self.random_state = random_state

    def _prior(self):
        return ZeroShotClassifier(self.prototype_vectors, self.prototype_labels)

    def _fit_pair(self, X: pd.DataFrame, y: np.ndarray):
        extra = _prototype_frame(X, self.prototype_texts, np.asarray(self.prototype_vectors))
        augmented = pd.concat([X.reset_index(drop=True), extra], ignore_index=True)
        labels = np.concatenate([y, np.asarray(self.prototype_labels, dtype=object)])
        return self._prior().fit(X, y), clone(self.base).fit(augmented, labels)

    @staticmethod
    def _learned_parts(base) -> list:
        """The fitted estimators whose probabilities are parts: each member of a soft vote, else ``base``."""
        return list(base.estimators_) if isinstance(base, VotingClassifier) and base.voting == "soft" else [base]

    def _parts(self, prior, base, X) -> np.ndarray:
        """(parts, texts, labels): log-probabilities of each learned part, then of the prior."""
        order = [list(base.classes_).index(c) for c in prior.classes_]  # a vote's members see encoded labels
        parts = [as_probabilities(part.predict_proba(X))[:, order] for part in self._learned_parts(base)]
        return np.log(np.clip(np.stack([*parts, prior.predict_proba(X)]), _SMALLEST_PROBABILITY, 1.0))

    def fit(self, X, y):
        y = np.asarray(y, dtype=object)
        self.prior_, self.base_ = self._fit_pair(X, y)
        self.classes_ = self.prior_.classes_
        prior_alone = np.r_[np.zeros(len(self._learned_parts(self.base_))), 1.0]
        if self.blend:
            self.blend_weights_, self.blend_gain_, self.blend_gain_se_ = self._choose_weights(X, y, prior_alone)
            self.weight_ = float(self.blend_weights_[-1] / max(self.blend_weights_.sum(), np.finfo(float).tiny))
        else:
            self.blend_weights_ = np.full(len(prior_alone), np.nan)
            self.blend_gain_ = self.blend_gain_se_ = np.nan
            self.weight_ = 0.0
        return self

    def _choose_weights(self, X, y: np.ndarray, prior_alone: np.ndarray) -> tuple[np.ndarray, float, float]:
        """The blend weights, and the out-of-fold gain of the fitted blend over the prior with its standard error."""
        _, counts = np.unique(y, return_counts=True)
        folds = min(self.folds, int(counts.max()), len(y) // 2)
        if folds < 2 or len(counts) < 2:
            return prior_alone, np.nan, np.nan  # nothing to learn from: the prior
        parts = np.zeros((len(prior_alone), len(y), len(self.classes_)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # labels with fewer documents than folds: fine here
            splits = StratifiedKFold(folds, shuffle=True, random_state=self.random_state).split(X, y.astype(str))
            for train, test in splits:
                prior, base = self._fit_pair(X.iloc[train], y[train])
                parts[:, test] = self._parts(prior, base, X.iloc[test])
        truth = np.searchsorted(self.classes_, y)
        weights = fit_blend_weights(parts, truth, prior_alone, self.penalty)
        gain, spread = blend_gain(parts, truth, weights, prior_alone)
        # on a tiny corpus a gain within its own noise is no reason to leave the taxonomy
        return (weights if gain > spread else prior_alone), gain, spread

    def max_similarity(self, X) -> np.ndarray:
        return self.prior_.max_similarity(X)

    def predict_proba(self, X) -> np.ndarray:
        if not hasattr(self, "blend_weights_"):  # saved before the stacking: a linear blend of the two
            learned = label_probabilities(self.base_, X, list(self.classes_))
            return self.weight_ * self.prior_.predict_proba(X) + (1.0 - self.weight_) * learned
        if not self.blend:
            return label_probabilities(self.base_, X, list(self.classes_))
        if not np.any(self.blend_weights_[:-1]):  # the prior alone: the learned parts would only cost time
            prior = np.log(np.clip(self.prior_.predict_proba(X), _SMALLEST_PROBABILITY, 1.0))
            return np.exp(_log_probabilities(prior[None], self.blend_weights_[-1:]))
        return np.exp(_log_probabilities(self._parts(self.prior_, self.base_, X), self.blend_weights_))

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

"""A learned boundary classifier: a small ensemble of neural networks over gap features.

Each member is a one-hidden-layer perceptron (scikit-learn's ``MLPClassifier``)
on standardised features; the ensemble averages their probabilities. A linear
model cannot use a feature differently near the ends of a dump or after a
truncated line; on the validation dumps the small networks did better.

The fitted model is a few thousand numbers (feature means and scales, weights,
a decision threshold) in a small JSON file, so it can be read, diffed and
shipped inside the package; ``topiclab segment-train`` rebuilds it from
synthetic dumps (see ``_train``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from ..errors import TopiclabError
from ._features import FEATURE_NAMES
from ._model_files import read_model_file, save_model_file

__all__ = ["BoundaryModel", "decode_boundaries", "single_line_penalty", "fit_boundary_model", "load_boundary_model", "save_boundary_model",
           "DEFAULT_MODEL_RESOURCE"]

DEFAULT_MODEL_RESOURCE = "boundary_model.json"  # beside this module, inside the package


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


@dataclass
class BoundaryModel:
    """Standardise, average the members' P(boundary), then decode (see ``decode_boundaries``).

    ``members``: per network, ``{"weights": [matrix per layer], "biases": [vector per layer]}``
    (ReLU hidden layers, logistic output), as scikit-learn's ``coefs_`` and ``intercepts_``.
    ``single_line_penalty``: log-odds against an article made of one complete line.
    """

    feature_names: list[str]
    mean: list[float]
    scale: list[float]
    members: list[dict]
    threshold: float = 0.5
    single_line_penalty: float = 0.0
    embedding_model: str = "all-MiniLM-L6-v2"
    info: dict = field(default_factory=dict)  # how it was trained, for the record

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        if features.ndim != 2 or features.shape[1] != len(self.mean):
            raise TopiclabError(f"boundary model expects {len(self.mean)} features per gap, "
                                f"got shape {features.shape}")
        z = (features - np.asarray(self.mean)) / np.asarray(self.scale)
        total = np.zeros(len(features))
        for member in self.members:
            layer = z
            pairs = list(zip(member["weights"], member["biases"]))
            for weights, bias in pairs[:-1]:
                layer = np.maximum(layer @ np.asarray(weights) + np.asarray(bias), 0.0)
            weights, bias = pairs[-1]
            total += _sigmoid(layer @ np.asarray(weights) + np.asarray(bias))[:, 0]
        return total / len(self.members)


def decode_boundaries(probabilities: np.ndarray, complete: np.ndarray, threshold: float,
                      single_line_penalty: float = 0.0) -> np.ndarray:
    """The best boundaries under a threshold and a prior against one-line articles.

    Each boundary scores ``logit(p) - logit(threshold)``; every article that is a single
    complete line (not cut off mid-sentence) costs ``single_line_penalty``. With no penalty this
    is the plain threshold rule. Viterbi over two states (the current article has one line /
    more lines), so linear in the number of lines; the dump's start counts as a boundary.
    """
    n_gaps = len(probabilities)
    if n_gaps == 0:
        return np.zeros(0, dtype=bool)
    p = np.clip(probabilities, 1e-9, 1 - 1e-9)
    t = min(max(threshold, 1e-9), 1 - 1e-9)
    gain = np.log(p / (1 - p)) - np.log(t / (1 - t))
    cost = single_line_penalty * np.asarray(complete, dtype=float)
    one, more = 0.0, -np.inf  # best score with the current article at one line / more lines
    from_one = np.zeros(n_gaps, dtype=bool)  # boundary at gap j: did the best path come from `one`?
    stay_one = np.zeros(n_gaps, dtype=bool)  # no boundary at gap j: from `one`?
    for j in range(n_gaps):
        close_one, close_more = one + gain[j] - cost[j], more + gain[j]
        from_one[j] = close_one >= close_more
        stay_one[j] = one >= more
        one, more = max(close_one, close_more), max(one, more)
    state_one = one - cost[-1] >= more
    boundaries = np.zeros(n_gaps, dtype=bool)
    for j in range(n_gaps - 1, -1, -1):
        boundaries[j] = state_one  # ending in `one` at line j+1 means a boundary before it
        state_one = from_one[j] if state_one else stay_one[j]
    return boundaries


def single_line_penalty(articles: int, single_complete: int) -> float:
    """Log-odds against a one-line complete article, from how rare they were in training."""
    return float(np.log((articles + 1) / (single_complete + 1)))


def fit_boundary_model(features: np.ndarray, is_boundary: np.ndarray, seed: int,
                       hidden: tuple[int, ...] = (16,), alpha: float = 0.1, members: int = 5,
                       embedding_model: str = "all-MiniLM-L6-v2", info: dict | None = None
                       ) -> BoundaryModel:
    """Fit ``members`` networks (random states ``seed``, ``seed + 1``...) on standardised features."""
    if features.ndim != 2 or features.shape[1] != len(FEATURE_NAMES):
        raise TopiclabError(f"expected {len(FEATURE_NAMES)} features per gap, got shape {features.shape}")
    if len(set(np.asarray(is_boundary).tolist())) < 2:
        raise TopiclabError("training dumps need both boundary and non-boundary gaps")
    scaler = StandardScaler().fit(features)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    z = (features - scaler.mean_) / scale
    fitted = []
    for member in range(members):
        network = MLPClassifier(hidden_layer_sizes=tuple(hidden), alpha=alpha, max_iter=1000,
                                random_state=seed + member)
        network.fit(z, np.asarray(is_boundary).astype(int))
        # A feature that never varied in training (e.g. upper-case kickers in lower-cased text)
        # taught nothing: zero its weights rather than keep their random start.
        network.coefs_[0][scaler.scale_ == 0, :] = 0.0
        # Six decimals keep the file small; the rounded model is the one that gets validated.
        fitted.append({"weights": [np.round(w, 6).tolist() for w in network.coefs_],
                       "biases": [np.round(b, 6).tolist() for b in network.intercepts_]})
    return BoundaryModel(
        feature_names=list(FEATURE_NAMES),
        mean=scaler.mean_.tolist(),
        scale=scale.tolist(),
        members=fitted,
        embedding_model=embedding_model,
        info={"hidden": list(hidden), "alpha": alpha, "members": members, **(info or {})},
    )


def save_boundary_model(model: BoundaryModel, path: str | Path) -> Path:
    """Write atomically (tmp + rename): a killed run leaves the old file intact."""
    return save_model_file(model, path)


def load_boundary_model(path: str | Path | None = None) -> BoundaryModel:
    """The model at ``path``, or the one shipped with topiclab."""
    data = read_model_file(path, DEFAULT_MODEL_RESOURCE, "boundary model", "topiclab segment-train")
    try:
        model = BoundaryModel(**data)
    except TypeError as error:
        raise TopiclabError(f"boundary model {path or DEFAULT_MODEL_RESOURCE} is unreadable: {error}") from None
    if model.feature_names != list(FEATURE_NAMES):
        raise TopiclabError("boundary model was trained on other features; rerun topiclab segment-train")
    return model

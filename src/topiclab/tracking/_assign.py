"""Load a logged topic model and assign texts with it (``topiclab assign``)."""

from __future__ import annotations

import os
from contextlib import contextmanager

import mlflow

from ..errors import TopiclabError
from ._store import client, use_store
from ._topic_models import TOPIC_MODEL_ARTIFACT, TOPIC_MODEL_LOADER

__all__ = ["load_topic_model", "latest_topic_model_uri", "assign_texts", "no_progress_bars"]


@contextmanager
def no_progress_bars():
    """MLflow's artifact download bars off (small files: the bars are only noise on stderr)."""
    name = "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"
    before = os.environ.get(name)
    os.environ[name] = "false"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def latest_topic_model_uri(experiment: str) -> str:
    """``runs:/ID/topic_model`` of the latest finished run of ``experiment`` that logged one."""
    store = client()
    found = store.get_experiment_by_name(experiment)
    if found is None:
        raise TopiclabError(f"no MLflow experiment {experiment!r} (run `topiclab run` first)")
    runs = store.search_runs([found.experiment_id], "attributes.status = 'FINISHED'",
                             order_by=["attributes.start_time DESC"], max_results=50)
    for run in runs:
        if any(a.path == TOPIC_MODEL_ARTIFACT for a in store.list_artifacts(run.info.run_id)):
            return f"runs:/{run.info.run_id}/{TOPIC_MODEL_ARTIFACT}"
    raise TopiclabError(f"no finished run of experiment {experiment!r} holds a topic model")


def load_topic_model(uri: str, store: bool = True):
    """The pyfunc topic model at ``uri``; a one-line error when it holds none.

    ``store=False``: ``uri`` is a local folder, and the tracking store is left alone.
    """
    from mlflow.exceptions import MlflowException

    if store:
        use_store()
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

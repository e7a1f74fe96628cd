"""The model registry, store-agnostic: register a version, and register a run's topic model.

Functions take the ``MlflowClient`` of the store to use (``_store.client()``), and
``register_version`` uses MLflow's current store (``_store.use_store`` sets it). Of
``tracking`` this module imports only ``_lifecycle``, ``_auth`` and ``_topic_models``, so
``track_experiment`` (``_store``) can register the topic model of the run it has just logged.

A run's topic model is version N of ``<experiment>-topics``. **When it becomes
the champion on its own:** only when that registered model has no champion yet
(its first version). Later runs are registered but leave the champion where it
is, so ``topiclab assign``'s default changes only when someone says so
(``topiclab promote``), not with each exploratory ``topiclab run``. A sweep's
trials are not registered at all (``topiclab promote RUN_ID`` registers one);
``topiclab label`` moves the champion when the run it renamed was the champion.
"""

from __future__ import annotations

import contextlib
import io
import logging

import mlflow

from ._auth import server_refusals
from ._lifecycle import retry_locked
from ._topic_models import TOPIC_MODEL_ARTIFACT

__all__ = ["CHAMPION", "TOPIC_MODEL_SUFFIX", "register_version", "topic_model_name", "alias_version",
           "run_topic_model_version", "register_topic_model"]

CHAMPION = "champion"
TOPIC_MODEL_SUFFIX = "-topics"


def register_version(model_uri: str, name: str, tags: dict[str, str] | None = None):
    """A new version of registered model ``name`` from ``model_uri`` (MLflow's chatter as log lines)."""
    said = io.StringIO()
    # MLflow prints "Successfully registered ..." past its logger
    with contextlib.redirect_stderr(said), server_refusals(mlflow.get_tracking_uri(), f"register model '{name}'"):
        version = mlflow.register_model(model_uri, name, tags=tags or {})
    for line in filter(None, said.getvalue().splitlines()):  # as log lines: quiet where mlflow's logger is
        logging.getLogger("mlflow").info(line)
    return version


def topic_model_name(experiment: str) -> str:
    """``<experiment>-topics``; the characters a registered name cannot hold (``/``, ``:``) become ``-``."""
    return experiment.replace("/", "-").replace(":", "-").strip("-") + TOPIC_MODEL_SUFFIX


def alias_version(store, name: str, alias: str = CHAMPION):
    """The version ``alias`` of ``name`` points at, or None (no such model or alias)."""
    from mlflow.exceptions import MlflowException

    try:
        return store.get_model_version_by_alias(name, alias)
    except MlflowException:
        return None


def run_topic_model_version(store, run_id: str, name: str):
    """The latest version of ``name`` registered from run ``run_id``, or None."""
    versions = [v for v in store.search_model_versions(f"run_id = '{run_id}'") if v.name == name]
    return max(versions, key=lambda v: int(v.version), default=None)


def _new_version(model_uri: str, name: str, tags: dict[str, str], attempts: int = 6):
    """``register_version``, waited out while parallel runs of one experiment register at once: SQLite's
    "locked", and the same next version number taken by another (MLflow gives up after 3 quick tries)."""
    import random
    import time

    from mlflow.exceptions import MlflowException

    for attempt in range(attempts):
        try:
            return retry_locked(lambda: register_version(model_uri, name, tags))
        except MlflowException as error:
            if "Model Version creation error" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.2 * 2 ** attempt * (0.5 + random.random()))
    raise AssertionError("unreachable")


def register_topic_model(store, run_id: str, experiment: str, champion: bool | None = None,
                         name: str | None = None):
    """Run ``run_id``'s ``topic_model`` as a new version of ``name`` (default ``<experiment>-topics``); returns it.

    ``champion``: True moves the alias to it, False leaves it, None (the default)
    makes it the champion only when there is none yet. The run is tagged
    ``registered_model`` (``name/version``), as a classifier training is.
    """
    name = name or topic_model_name(experiment)
    tags = {"topiclab.kind": "topic-model", "run_id": run_id, "experiment": experiment}
    version = _new_version(f"runs:/{run_id}/{TOPIC_MODEL_ARTIFACT}", name, tags)
    if champion or (champion is None and alias_version(store, name) is None):
        with server_refusals(mlflow.get_tracking_uri(), f"move the aliases of model '{name}'"):
            retry_locked(lambda: store.set_registered_model_alias(name, CHAMPION, version.version))
    retry_locked(lambda: store.set_tag(run_id, "registered_model", f"{name}/{version.version}"))
    return version

"""``topiclab promote``: which registered version it names, for classifiers and topic models alike.

``NAME VERSION`` names a version; ``RUN_ID`` names the version registered
from that run (a classifier, or a run's topic model). A run whose topic model
was never registered (a sweep trial) is registered first, as a new version of
``<experiment>-topics``; ``move_alias`` then moves the alias, the one code path.
"""

from __future__ import annotations

import re

from ..errors import TopiclabError
from ._registry import alias_version, register_topic_model, run_topic_model_version, topic_model_name
from ._store import client
from ._topic_models import TOPIC_MODEL_ARTIFACT

__all__ = ["is_run_id", "version_of_run", "topic_model_registration"]

_RUN_ID = re.compile(r"[0-9a-f]{32}")


def is_run_id(text: str) -> bool:
    """An MLflow run id (32 hex digits), not a version number or a registered name."""
    return bool(_RUN_ID.fullmatch(text))


def _finished_run(run_id: str):
    from mlflow.exceptions import MlflowException

    try:
        run = client().get_run(run_id)
    except MlflowException:
        raise TopiclabError(f"no MLflow run with id {run_id!r}") from None
    if run.info.status != "FINISHED":
        raise TopiclabError(f"run {run_id} is {run.info.status}, not finished: its model cannot be promoted")
    return run


def version_of_run(run_id: str, name: str | None = None) -> tuple[str, str, bool]:
    """(registered name, version, registered just now) of the version from run ``run_id``; ``name``, if
    given, the registered model it must belong to. A finished run's unregistered topic model is registered."""
    store = client()
    run = _finished_run(run_id)
    versions = [v for v in store.search_model_versions(f"run_id = '{run_id}'") if name in (None, v.name)]
    names = sorted({v.name for v in versions})
    if len(names) > 1:
        raise TopiclabError(f"run {run_id} has versions of {', '.join(names)}: name one, "
                            f"e.g. topiclab promote {run_id} --name {names[0]}")
    if versions:
        latest = max(versions, key=lambda v: int(v.version))
        return latest.name, str(latest.version), False
    experiment = store.get_experiment(run.info.experiment_id).name
    topics = topic_model_name(experiment)
    if name not in (None, topics) or not any(a.path == TOPIC_MODEL_ARTIFACT for a in store.list_artifacts(run_id)):
        raise TopiclabError(f"run {run_id} has no registered model{f' {name!r}' if name else ''} and no "
                            "topic model to register")
    version = register_topic_model(store, run_id, experiment, champion=False)
    return version.name, str(version.version), True


def topic_model_registration(run_id: str, experiment: str):
    """(version of ``<experiment>-topics`` registered from ``run_id``, the champion version), each or None."""
    store, name = client(), topic_model_name(experiment)
    return run_topic_model_version(store, run_id, name), alias_version(store, name)

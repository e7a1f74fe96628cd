"""Logged runs as plain records (``topiclab runs list/show/compare``), their pages in the UI, and reruns."""

from __future__ import annotations

import tempfile
from datetime import datetime, timezone
from typing import Any

from ..errors import TopiclabError
from ._store import CONFIG_NAME_TAG, OVERRIDES_TAG, client, track_experiment, tracking_uri

__all__ = ["RERUN_TAG", "ui_url", "run_page_url", "get_run", "run_record", "list_runs", "logged_config",
           "track_rerun"]

RERUN_TAG = "topiclab.rerun_of"
# Tags a person reads: those a user set, and which config, overrides and run a run came from.
_SHOWN_TOPICLAB_TAGS = (CONFIG_NAME_TAG, OVERRIDES_TAG, RERUN_TAG, "topiclab.sweep", "topiclab.signal")


def ui_url() -> str:
    """Where the MLflow UI of this store is: the tracking server itself, else where ``topiclab ui`` listens."""
    from ..viz import DEFAULT_UI_URL

    uri = tracking_uri()
    return uri.rstrip("/") if uri.startswith(("http://", "https://")) else DEFAULT_UI_URL


def run_page_url(run_id: str, experiment_id: str | None = None) -> str:
    """The run's own page in the MLflow UI."""
    from ..viz import run_url

    return run_url(experiment_id or get_run(run_id).info.experiment_id, run_id, ui_url())


def get_run(run_id: str):
    """The MLflow run ``run_id``; an id the store does not have is a one-line error."""
    from mlflow.exceptions import MlflowException

    store = client()
    try:
        return store.get_run(run_id)
    except MlflowException:
        raise TopiclabError(f"no run with id {run_id!r} in {tracking_uri()}") from None


def _time(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _shown_tags(tags: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in sorted(tags.items())
            if (not k.startswith(("mlflow.", "topiclab.")) and k not in ("git_commit", "error"))
            or k in _SHOWN_TOPICLAB_TAGS}


def run_record(run, experiment_name: str | None = None) -> dict[str, Any]:
    """A run as plain data: id, name, experiment, status, times, params, metrics, tags and its UI page."""
    info, data = run.info, run.data
    duration = (info.end_time - info.start_time) / 1000 if info.end_time and info.start_time else None
    if experiment_name is None:
        experiment_name = client().get_experiment(info.experiment_id).name
    record = {"run_id": info.run_id, "name": info.run_name, "experiment": experiment_name,
              "experiment_id": info.experiment_id, "status": info.status, "start": _time(info.start_time),
              "end": _time(info.end_time), "duration_s": duration, "params": dict(sorted(data.params.items())),
              "metrics": dict(data.metrics), "tags": _shown_tags(data.tags),
              "url": run_page_url(info.run_id, info.experiment_id)}
    if "error" in data.tags:
        record["error"] = data.tags["error"]
    return record


def list_runs(experiment: str | None = None, max_results: int = 50) -> list[dict[str, Any]]:
    """The newest runs (all experiments, or the one named ``experiment``) as ``run_record``s, newest first."""
    store = client()
    experiments = {e.experiment_id: e.name for e in store.search_experiments()}
    if experiment is not None:
        ids = [i for i, name in experiments.items() if name == experiment]
        if not ids:
            from ..config import did_you_mean

            raise TopiclabError(f"no experiment named {experiment!r} in {tracking_uri()}"
                                f"{did_you_mean(experiment, experiments.values())}")
    else:
        ids = list(experiments)
    if not ids:
        return []
    runs = store.search_runs(ids, max_results=max_results, order_by=["attributes.start_time DESC"])
    return [run_record(run, experiments.get(run.info.experiment_id)) for run in runs]


def logged_config(run_id: str):
    """``(ExperimentConfig, run)`` of a logged experiment run, from its ``config.yaml`` artifact."""
    from ..config import config_from_dict
    from ..yamlfile import read_yaml_mapping

    run = get_run(run_id)
    store = client()
    names = {item.path for item in store.list_artifacts(run_id)}
    if "config.yaml" not in names:
        raise TopiclabError(f"run {run_id} ({run.info.run_name}) has no config.yaml: not an experiment run "
                            "of `topiclab run` or a sweep trial")
    import os
    from unittest import mock

    # one small file: no progress bar on the terminal
    with tempfile.TemporaryDirectory() as folder, \
            mock.patch.dict(os.environ, {"MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false"}):
        raw = read_yaml_mapping(store.download_artifacts(run_id, "config.yaml", folder), "logged config")
    if "cluster" not in raw or "vectorize" not in raw:
        raise TopiclabError(f"run {run_id} ({run.info.run_name}) is not an experiment run (its config.yaml "
                            "is another kind of config)")
    return config_from_dict(raw, source=f"of run {run_id}"), run


def track_rerun(run_id: str, progress: bool = False, embedder=None):
    """Run again a logged experiment run from its logged config: same name, tagged with the run it repeats.
    Returns ``(Result, new run id, run name)``."""
    config, run = logged_config(run_id)
    tags = {RERUN_TAG: run_id}
    if OVERRIDES_TAG in run.data.tags:
        tags[OVERRIDES_TAG] = run.data.tags[OVERRIDES_TAG]
    result, new_id = track_experiment(config, progress=progress, embedder=embedder, run_name=run.info.run_name,
                                      tags=tags)
    return result, new_id, run.info.run_name

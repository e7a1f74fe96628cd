"""``topiclab merge RUN_ID 3,7``: a new run with some of a finished run's topics merged into one.

The parent's ``config.yaml`` and ``assignments.csv`` give the data and each
document's topic; the pipeline runs again from them with clustering skipped
(``run_experiment(labels=..., merge=...)``), so keywords, names, metrics, the
topic model and every view are recomputed for the merged topics. The new run
is tagged ``topiclab.parent_run`` (the parent's id) and ``topiclab.merged_topics``
and logs ``topic_mapping.csv`` (old topic -> new topic).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import mlflow
import yaml

from ..config import config_from_dict
from ..errors import TopiclabError
from ..pipeline import run_experiment
from ._assign import no_progress_bars
from ._store import client, config_params, log_params, log_result, tracked_run

__all__ = ["PARENT_TAG", "parse_topic_ids", "parent_topics", "track_merge"]

PARENT_TAG = "topiclab.parent_run"


def parse_topic_ids(text: str) -> list[int]:
    """``"3,7"`` -> ``[3, 7]``; a one-line error for anything else."""
    try:
        ids = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise TopiclabError(f"topic ids must be integers separated by commas (e.g. 3,7), got {text!r}") from None
    if len(set(ids)) < 2:
        raise TopiclabError(f"merge needs at least two different topic ids (e.g. 3,7), got {text!r}")
    return ids


def parent_topics(run_id: str):
    """(config, topic per document, document ids) of a finished experiment run."""
    import pandas as pd
    from mlflow.exceptions import MlflowException

    store = client()
    try:
        run = store.get_run(run_id)
    except MlflowException:
        raise TopiclabError(f"no MLflow run with id {run_id!r}") from None
    if run.info.status != "FINISHED":
        raise TopiclabError(f"run {run_id} is {run.info.status}, not finished: it has no topics to merge")
    names = {a.path for a in store.list_artifacts(run_id)}
    if not {"config.yaml", "assignments.csv"} <= names:
        raise TopiclabError(f"run {run_id} is not an experiment run (no config.yaml and assignments.csv)")
    with tempfile.TemporaryDirectory() as folder, no_progress_bars():
        config_file = store.download_artifacts(run_id, "config.yaml", folder)
        config = config_from_dict(yaml.safe_load(Path(config_file).read_text(encoding="utf-8")),
                                  source=f"run {run_id}")
        frame = pd.read_csv(store.download_artifacts(run_id, "assignments.csv", folder), dtype={"id": str},
                            keep_default_na=False)
    return config, frame["topic"].astype(int).to_numpy(), frame["id"].tolist()


def track_merge(run_id: str, topic_ids: list[int], progress: bool = False):
    """Merge ``topic_ids`` of run ``run_id`` in a new run; returns (Result, new run id).

    Unknown topic ids are refused before any run starts.
    """
    from ..topics import merge_topics

    config, labels, ids = parent_topics(run_id)
    merge_topics(labels, topic_ids)  # checks the ids against the parent's topics, before any run
    tags = {PARENT_TAG: run_id, "topiclab.merged_topics": ",".join(map(str, topic_ids))}
    name = f"{config.name}-merge-{'+'.join(map(str, topic_ids))}"
    with tracked_run(config.tracking.experiment, name, tags=tags) as run:
        log_params(config_params(config) | {"merge.parent_run": run_id,
                                                               "merge.topics": tags["topiclab.merged_topics"]})
        mlflow.log_text(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False), "config.yaml")
        result = run_experiment(config, progress=progress, labels=labels, merge=topic_ids)
        if [d.id for d in result.corpus.documents] != ids:
            raise TopiclabError(f"the documents of run {run_id} changed since it ran (ids differ)")
        log_result(result)
        return result, run.info.run_id

"""A finished run's topics changed by hand, each in a new run with its own topic model: ``topiclab merge
RUN_ID 3,7`` merges topics into one, ``topiclab label RUN_ID 3="Energy markets"`` names them.

The parent's ``config.yaml`` and ``assignments.csv`` give the data and each
document's topic; the pipeline runs again from them with clustering skipped
(``run_experiment(labels=..., merge=...)``), so keywords, names, metrics, the
topic model and every view are recomputed for the merged topics. The new run
is tagged ``topiclab.parent_run`` (the parent's id) and ``topiclab.merged_topics``
and logs ``topic_mapping.csv`` (old topic -> new topic).

A labelled run is nested under the run it renames (``mlflow.parentRunId``)
and reruns it the same way with ``topics.names`` set, so its config, tables,
figures and topic model carry the names; names given earlier are kept.

Each new run's topic model is registered as a version of ``<experiment>-topics``
(``_registry``); a label run becomes the champion when the run it renamed was.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import mlflow
import yaml

from ..config import config_from_dict
from ..errors import TopiclabError
from ..pipeline import run_experiment
from ._registry import alias_version, register_topic_model, run_topic_model_version, topic_model_name
from ._store import client, config_params, log_params, log_result, no_progress_bars, tracked_run

__all__ = ["PARENT_TAG", "parse_topic_ids", "parse_topic_names", "parent_topics", "track_merge", "track_label"]

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
        raise TopiclabError(f"run {run_id} is {run.info.status}, not finished: its topics cannot be changed")
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
    _, mapping = merge_topics(labels, topic_ids)  # checks the ids against the parent's topics, before any run
    if config.topics.names:  # names given by hand follow their topic's new id; the merged topic gets a new one
        moved = dict(zip(mapping.old_topic.astype(int), mapping.new_topic.astype(int)))
        names = {moved[t]: name for t, name in config.topics.names.items() if t not in topic_ids}
        config = config.model_copy(update={"topics": config.topics.model_copy(update={"names": names})})
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
        if result.topic_model is not None:
            register_topic_model(client(), run.info.run_id, config.tracking.experiment)
        return result, run.info.run_id


def parse_topic_names(items: list[str]) -> dict[int, str]:
    """``['3=Energy markets', '5=Oil']`` -> ``{3: 'Energy markets', 5: 'Oil'}``; one-line errors."""
    names: dict[int, str] = {}
    for item in items:
        topic, sign, name = item.partition("=")
        try:
            number = int(topic.strip())
        except ValueError:
            number = None
        if not sign or number is None:
            raise TopiclabError(f"{item!r}: give TOPIC=NAME, e.g. 3=\"Energy markets\"")
        if not name.strip():
            raise TopiclabError(f"{item!r}: the name of topic {number} is empty")
        if number in names:
            raise TopiclabError(f"topic {number} is named twice")
        names[number] = " ".join(name.split())
    if not names:
        raise TopiclabError('name at least one topic: TOPIC=NAME, e.g. 3="Energy markets"')
    return names


def _topic_names_of(run_id: str) -> dict[int, tuple[str, float]]:
    """The names of a run's topics, from its topic model; a one-line error when it logged none."""
    from ._assign import load_topic_model
    from ._topic_models import TOPIC_MODEL_ARTIFACT

    if not any(a.path == TOPIC_MODEL_ARTIFACT for a in client().list_artifacts(run_id)):
        raise TopiclabError(f"run {run_id} has no topic model (every document an outlier?): no topic to name")
    model = load_topic_model(f"runs:/{run_id}/{TOPIC_MODEL_ARTIFACT}").get_raw_model()
    return {t: (name, float("nan")) for t, name in model.labels_.items()}


def track_label(run_id: str, names: dict[int, str], progress: bool = False):
    """Name topics of run ``run_id`` in a child run; returns (Result, new run id).

    Bad names (unknown topic, empty, another topic's) are refused before any run starts.
    """
    from ..topics import with_given_names

    config, labels, ids = parent_topics(run_id)
    with_given_names(_topic_names_of(run_id), names)  # the checks, before any run
    experiment = config.tracking.experiment
    store, registered = client(), topic_model_name(experiment)
    parent_version, champion = run_topic_model_version(store, run_id, registered), alias_version(store, registered)
    was_champion = parent_version is not None and champion is not None and parent_version.version == champion.version
    given = {**config.topics.names, **names}
    config = config.model_copy(update={"topics": config.topics.model_copy(update={"names": given})})
    tags = {"mlflow.parentRunId": run_id, PARENT_TAG: run_id,
            "topiclab.labelled_topics": ",".join(map(str, sorted(names)))}
    with tracked_run(experiment, f"{config.name}-label", tags=tags) as run:
        log_params(config_params(config) | {"label.parent_run": run_id})
        mlflow.log_text(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False), "config.yaml")
        result = run_experiment(config, progress=progress, labels=labels)
        if [d.id for d in result.corpus.documents] != ids:
            raise TopiclabError(f"the documents of run {run_id} changed since it ran (ids differ)")
        log_result(result)
        register_topic_model(store, run.info.run_id, experiment, champion=True if was_champion else None)
        return result, run.info.run_id

"""``topiclab update MODEL --file BATCH``: a logged topic model updated with a new batch, in a child run.

MODEL is ``runs:/ID/topic_model`` or a registered version (``models:/NAME@champion``,
``models:/NAME/3``). The batch is read and segmented with the config of the model's
run (``--config`` replaces it, ``--set`` overrides keys of either; ``data.path`` is the
batch). Everything is checked and computed before a run starts, so a bad input (no
text column, an empty batch, a model without the update state, another embedding
model or backend) is a one-line error with no run and no new version. The run is a
child of the model's run (``mlflow.parentRunId``, ``topiclab.parent_run``) and logs the
new ``topic_model``, ``assignments.csv`` (id, topic, topic_label, similarity: a row
per document in input order), ``lineage.csv``, ``topics.csv``, ``topics_over_time.csv``
(every batch so far), the metrics ``assigned_share``, ``n_new_topics`` and
``outlier_share``, and the figures in ``report.html`` (keywords, intertopic map,
similarity with ``figures: all``, and topics over time across batches); the new model
is the next version of the registered model, and the champion when the model it
updated was.
"""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import yaml

from ..cluster import OUTLIER
from ..config import apply_overrides, config_from_dict, load_config
from ..errors import TopiclabError
from ..pipeline import load_batch
from ..topics import (TaxonomyNaming, check_updatable, history_over_time, keyword_weights, load_taxonomy,
                      taxonomy_texts, update_topic_model)
from ..vectorize import make_embedder
from ._assign import load_topic_model
from ._merge import PARENT_TAG
from ._models import _parse_registry_uri, resolve_model_uri
from ._registry import alias_version, register_topic_model, run_topic_model_version, topic_model_name
from ._store import client, config_params, log_dataset, log_params, no_progress_bars, tracked_run

__all__ = ["UPDATE_TAG", "UpdateResult", "prepare_update", "track_update"]

UPDATE_TAG = "topiclab.update"
_RUN_URI = re.compile(r"runs:/([0-9a-f]{32})/topic_model/?")


@dataclass
class UpdateResult:
    """A batch's update, computed (``prepare_update``) and then logged (``track_update``)."""

    config: object  # the ExperimentConfig the batch was read with
    corpus: object
    previous: object  # the TopicModel updated
    model: object  # the new TopicModel
    update: object  # topics.TopicUpdate
    model_uri: str
    parent_run: str
    registered_name: str
    batch_name: str
    seconds: float
    history: pd.DataFrame = field(repr=False, default=None)

    @property
    def metrics(self) -> dict[str, float]:
        u = self.update
        return {"assigned_share": u.assigned_share, "n_new_topics": float(u.n_new_topics),
                "outlier_share": u.outlier_share, "n_documents": float(len(u.topics)),
                "n_topics": float(len(self.model.topic_ids_)), "time_update_s": self.seconds}

    def assignments_table(self) -> pd.DataFrame:
        labels = {**self.model.labels_, OUTLIER: "outliers"}
        topics = self.update.topics
        return pd.DataFrame({"id": [d.id for d in self.corpus.documents], "topic": topics,
                             "topic_label": [labels[int(t)] for t in topics],
                             "similarity": np.round(self.update.similarity, 4)})

    def topic_table(self) -> pd.DataFrame:
        """One row per topic after the update (merged ones too): its status, size, this batch's documents,
        keywords and the batch's document nearest its centroid."""
        lineage = self.update.lineage.set_index("topic")
        texts, topics, similarity = self.corpus.texts, self.update.topics, self.update.similarity
        rows = []
        for topic, line in lineage.iterrows():
            members = np.flatnonzero(topics == topic)
            example = texts[members[np.argmax(similarity[members])]] if len(members) else ""
            label = self.model.labels_.get(topic) or self.previous.labels_.get(topic, "")
            rows.append({"topic": int(topic), "status": line.status, "label": label,
                         "size": int(line.size_after), "batch_documents": len(members),
                         "parent": line.parent, "keywords": ", ".join(self.model.keywords_.get(topic, [])),
                         "example": example})
        order = {"new": 0, "grew": 1, "kept": 2, "merged": 3}
        return pd.DataFrame(rows).sort_values(["status", "topic"], key=lambda c: c.map(order) if c.name == "status"
                                              else c, kind="stable").reset_index(drop=True)


def _model_source(uri: str) -> tuple[str, str | None]:
    """(id of the run that logged the model at ``uri``, registered name or None); one-line errors."""
    parsed = _parse_registry_uri(uri)
    if parsed is None:
        match = _RUN_URI.fullmatch(uri)
        if match is None:
            raise TopiclabError(f"{uri!r} is not a topic model: give runs:/RUN_ID/topic_model or models:/NAME@ALIAS "
                                "(models:/NAME/VERSION)")
        return match.group(1), None
    name, alias, version = _parse_registry_uri(resolve_model_uri(uri))
    store = client()
    found = store.get_model_version_by_alias(name, alias) if alias else store.get_model_version(name, version)
    return found.run_id, name


def _run_config(run_id: str, config_path: str | None, overrides: list[str]):
    """The config the batch is read with: ``config_path``'s, else the model run's logged one; ``overrides`` on it."""
    if config_path:
        return load_config(config_path, overrides)
    store = client()
    if not any(a.path == "config.yaml" for a in store.list_artifacts(run_id)):
        raise TopiclabError(f"run {run_id} logged no config.yaml: give the experiment's --config")
    with tempfile.TemporaryDirectory() as folder, no_progress_bars():
        raw = yaml.safe_load(Path(store.download_artifacts(run_id, "config.yaml", folder)).read_text("utf-8"))
    return config_from_dict(apply_overrides(raw, overrides), source=f"the config of run {run_id}")


def _check_embedding(config, model) -> None:
    """The batch is embedded as the model's documents were: another model or backend is a one-line error."""
    if model.representation == "tfidf":
        return
    wanted = config.vectorize.embedding
    backend = wanted.backend if wanted.backend != "auto" else model.embedding_backend  # auto: the model's
    if wanted.model.split("/")[-1] != str(model.embedding_model).split("/")[-1] or backend != model.embedding_backend:
        raise TopiclabError(f"the batch would be embedded with {wanted.model} ({backend}), the topic model's documents "
                            f"were embedded with {model.embedding_model} ({model.embedding_backend}): vectors of "
                            "different models or backends are not comparable; leave vectorize.embedding as the "
                            "model's run had it")


def _batch_name(file: str, model, given: str | None) -> str:
    taken = {b["name"] for b in model.batches_}
    name = given or Path(file).stem
    if given and given in taken:
        raise TopiclabError(f"the model already has a batch named {given!r}: give another --batch-name")
    number, candidate = 2, name
    while candidate in taken:
        candidate, number = f"{name} ({number})", number + 1
    return candidate


def prepare_update(model_uri: str, file: str, config_path: str | None = None, overrides: list[str] | None = None,
                   batch_name: str | None = None, progress: bool = False) -> UpdateResult:
    """Everything an update does except logging: read the batch, check it, update the model."""
    parent_run, registered = _model_source(model_uri)
    model = load_topic_model(model_uri).get_raw_model()
    check_updatable(model)  # an older model: one line, before the batch is read
    config = _run_config(parent_run, config_path, overrides or [])
    _check_embedding(config, model)
    given = {item.partition("=")[0].strip() for item in overrides or []}
    batch = {"path": file, "dataset": None, "gold": None, "sample": None, "limit": None}
    if "data.format" not in given and not config_path:  # the fit's table or dump format says nothing of the batch
        batch["format"] = "auto"
    config = config.model_copy(update={"data": config.data.model_copy(update=batch)})
    started = time.perf_counter()
    taxonomy = load_taxonomy(config.topics.taxonomy) if config.topics.taxonomy else None
    corpus = load_batch(config)  # one-line errors: no such file, no text column, nothing in it
    texts = corpus.texts
    embedder = None
    if model.representation != "tfidf" or taxonomy:
        embedder = make_embedder(model.embedding_model, model.batch_size, progress, backend=model.embedding_backend)
    features = model.features_of(texts, embedder)
    naming = None
    if taxonomy:
        embeddings = embedder.embed(texts) if model.representation != "embedding" else None
        naming = TaxonomyNaming(taxonomy, embedder.embed(taxonomy_texts(taxonomy)), config.topics.label_threshold,
                                embeddings)
    dates = [d.date for d in corpus.documents] if any(d.date for d in corpus.documents) else None
    name = _batch_name(file, model, batch_name)
    new, update = update_topic_model(model, texts, features, seed=config.seed, dates=dates, taxonomy=naming,
                                     batch_name=name)
    registered = registered or topic_model_name(config.tracking.experiment)
    return UpdateResult(config, corpus, model, new, update, model_uri, parent_run, registered, name,
                        time.perf_counter() - started, history_over_time(new))


def update_figures(result: UpdateResult) -> dict:
    """The views of an update, as a run's (``figures``: none, summary, all), topics over time always."""
    from .. import viz

    which = result.config.figures
    if which == "none":
        return {}
    model = result.model
    views = {"top_words": viz.top_words_bars(model, keyword_weights(model)),
             "intertopic_distance_map": viz.intertopic_distance_map(model, model.sizes_)}
    if which == "all":
        views["topic_similarity"] = viz.topic_similarity_heatmap(model)
    views["topics_over_time"] = viz.topics_over_time_figure(result.history)
    return views


def track_update(model_uri: str, file: str, config_path: str | None = None, overrides: list[str] | None = None,
                 batch_name: str | None = None, run_name: str | None = None, tags: dict[str, str] | None = None,
                 progress: bool = False) -> tuple[UpdateResult, str]:
    """Update the topic model at ``model_uri`` with the batch in ``file`` and log it; (result, run id)."""
    from .. import viz
    from ._topic_models import log_topic_model

    result = prepare_update(model_uri, file, config_path, overrides, batch_name, progress)
    config, store = result.config, client()
    name = result.registered_name
    parent_version, champion = run_topic_model_version(store, result.parent_run, name), alias_version(store, name)
    was_champion = parent_version is not None and champion is not None and parent_version.version == champion.version
    all_tags = {"mlflow.parentRunId": result.parent_run, PARENT_TAG: result.parent_run, UPDATE_TAG: result.batch_name,
                "topiclab.updated_model": model_uri, **(tags or {})}
    with tracked_run(config.tracking.experiment, run_name or f"{config.name}-update-{result.batch_name}",
                     tags=all_tags) as run:
        log_params(config_params(config) | {"update.model": model_uri, "update.parent_run": result.parent_run,
                                            "update.batch": result.batch_name})
        mlflow.log_text(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False), "config.yaml")
        mlflow.log_metrics(result.metrics)
        log_dataset(result.corpus, "update")
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder)
            result.assignments_table().to_csv(out / "assignments.csv", index=False)
            result.update.lineage.to_csv(out / "lineage.csv", index=False)
            result.topic_table().to_csv(out / "topics.csv", index=False)
            result.history.to_csv(out / "topics_over_time.csv", index=False)
            mlflow.log_artifacts(folder)
        log_topic_model(result.model, result.corpus.texts)
        views = update_figures(result)
        if views:
            mlflow.log_text(viz.report_page(views, f"{config.name}: topics after {result.batch_name}"),
                            viz.REPORT_PAGE)
        register_topic_model(store, run.info.run_id, config.tracking.experiment,
                             champion=True if was_champion else None, name=name)
        return result, run.info.run_id

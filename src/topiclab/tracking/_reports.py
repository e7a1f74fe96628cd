"""Notebooks, run comparison and the benchmark report (reports.py, bench_report.py, notebooks/)."""

from __future__ import annotations

import tempfile
from typing import Any

import mlflow

from ..errors import TopiclabError
from ._harness import log_table_artifacts
from ._store import client, log_params, tracked_run, tracking_uri, use_store

__all__ = ["search_runs", "experiment_id_of", "log_report", "latest_sweep_summary", "log_benchmark_summary"]


def search_runs(experiments: str | list[str], filter_string: str = "", max_results: int = 1000,
                include_summaries: bool = False):
    """``mlflow.search_runs`` over experiments named ``experiments``, oldest run first.

    Sweep parents and notebook report runs summarise other runs, and a ``k: auto`` run's candidate runs
    are steps of it, so they are left out unless ``include_summaries``.
    """
    names = [experiments] if isinstance(experiments, str) else list(experiments)
    use_store()
    ids = []
    for name in names:
        experiment = mlflow.get_experiment_by_name(name)
        if experiment is None:
            raise TopiclabError(f"no MLflow experiment named {name!r} in {tracking_uri()}")
        ids.append(experiment.experiment_id)
    frame = mlflow.search_runs(experiment_ids=ids, filter_string=filter_string,
                               max_results=max_results, order_by=["attributes.start_time ASC"],
                               output_format="pandas")
    if not include_summaries:
        for tag, value in (("tags.topiclab.sweep", "parent"), ("tags.topiclab.kind", "report"),
                           ("tags.topiclab.auto_k", "candidate")):
            if tag in frame.columns:
                frame = frame[frame[tag] != value]
    return frame.reset_index(drop=True)


def experiment_id_of(run_id: str) -> str:
    """The id of the experiment a logged run belongs to (for ``viz.run_url``)."""
    return client().get_run(run_id).info.experiment_id


def log_report(experiment: str, run_name: str, tables: dict[str, Any] | None = None,
               figures: dict[str, Any] | None = None, params: dict[str, Any] | None = None,
               metrics: dict[str, float] | None = None, tags: dict[str, str] | None = None) -> str:
    """A notebook's findings as one MLflow run: tables (CSV, Markdown, MLflow table) and figures.

    ``figures`` maps artifact file names (``.png`` for matplotlib, ``.html`` for
    plotly) to figures; ``None`` figures are skipped. Returns the run id.
    """
    with tracked_run(experiment, run_name, tags={"topiclab.kind": "report", **(tags or {})}) as run:
        if params:
            log_params(params)
        if metrics:
            mlflow.log_metrics({k: float(v) for k, v in metrics.items()})
        for stem, frame in (tables or {}).items():
            log_table_artifacts(frame, stem)
        for name, figure in (figures or {}).items():
            if figure is not None:
                mlflow.log_figure(figure, name)
        return run.info.run_id


def latest_sweep_summary(experiment: str, config_name: str):
    """``(run id, summary frame)`` of the newest finished sweep of ``config_name``, or None."""
    import pandas as pd

    store = client()
    found = store.get_experiment_by_name(experiment)
    if found is None:
        return None
    runs = store.search_runs([found.experiment_id],
                             filter_string=f"tags.`topiclab.sweep` = 'parent' and attributes.status = 'FINISHED' "
                                           f"and attributes.run_name = '{config_name}-sweep'",
                             order_by=["attributes.start_time DESC"], max_results=1)
    if not runs:
        return None
    run_id = runs[0].info.run_id
    with tempfile.TemporaryDirectory() as folder:
        try:
            path = store.download_artifacts(run_id, "sweep_summary.csv", folder)
        except Exception:  # an older or partial sweep without the table
            return None
        return run_id, pd.read_csv(path)


def log_benchmark_summary(metrics: dict[str, float], report_path) -> None:
    """The benchmark's summary figures as metrics of the active (parent) run, and the report itself."""
    if metrics:
        mlflow.log_metrics({k: float(v) for k, v in metrics.items()})
    mlflow.log_artifact(str(report_path))

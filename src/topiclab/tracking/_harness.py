"""Evaluation harness, baselines, sweeps and segmentation runs (evaluate.py, sweep.py, segment_eval.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import mlflow
import yaml

from ..config import flatten, override_label
from ..pipeline import run_experiment
from ._lifecycle import on_stop, raise_if_terminated, stop_received
from ._store import (CONFIG_NAME_TAG, OVERRIDES_TAG, config_params, log_dataset, log_params, log_result,
                     tracked_run)

__all__ = ["log_evaluation", "track_evaluation", "log_table_artifacts", "track_sweep", "track_segment_eval",
           "track_segment_train", "track_web_eval"]


def log_evaluation(evaluation) -> None:
    """An ``evaluate.Evaluation`` (e.g. a baseline): params, metrics, data, topic tables."""
    mlflow.set_tag("method", evaluation.method)
    log_params({f"method.{k}": v for k, v in evaluation.params.items()})
    mlflow.log_metrics({k: float(v) for k, v in evaluation.metrics.items()})
    log_dataset(evaluation.corpus, "clustering")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        evaluation.topic_table().to_csv(out / "topics.csv", index=False)
        evaluation.assignments_table().to_csv(out / "assignments.csv", index=False)
        mlflow.log_artifacts(folder)


def track_evaluation(evaluation, experiment: str, run_name: str | None = None, nested: bool = False,
                     tags: dict[str, str] | None = None) -> str:
    """Log one Evaluation as its own MLflow run; returns the run id."""
    name = run_name or f"{evaluation.corpus.name}-{evaluation.method}"
    with tracked_run(experiment, name, nested=nested, tags={"method": evaluation.method, **(tags or {})}) as run:
        log_evaluation(evaluation)
        return run.info.run_id


def log_table_artifacts(frame, stem: str) -> None:
    """A pandas table as CSV, Markdown and an MLflow table (shown in the UI's artifact view)."""
    from ..viz import markdown_table

    mlflow.log_text(frame.to_csv(index=False), f"{stem}.csv")
    mlflow.log_text(markdown_table(frame), f"{stem}.md")
    mlflow.log_table(frame.astype(object).where(frame.notna(), None), f"{stem}.json")


def _trial(config, values, experiment: str, progress: bool, tags: dict[str, str] | None = None,
           extra_tags: dict[str, str] | None = None):
    """One trial as a run nested under the active parent (``tags`` name the parent in a worker process);
    ``extra_tags``: the user's ``--tag`` items.

    Trials log tables and metrics, no figures (``figures: none``: no document map either); the parent
    logs the best trial's figures (``_log_best_figures``)."""
    config = config.model_copy(update={"figures": "none"})
    with tracked_run(experiment, config.name, nested=tags is None,
                     tags={"topiclab.sweep": "trial", "sweep_values": str(values), **(extra_tags or {}),
                           **(tags or {})}) as run:
        log_params(config_params(config))
        mlflow.log_text(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False), "config.yaml")
        result = run_experiment(config, progress=progress)
        log_result(result)
        return result.metrics, run.info.run_id


def _worker_trial(uri: str, config_data: dict, values: dict, experiment: str, parent_id: str,
                  extra_tags: dict[str, str] | None = None):
    """A trial in a worker process: its own run, nested under the sweep's parent by the parent-run tag."""
    import os

    from ..config import config_from_dict

    os.environ["MLFLOW_TRACKING_URI"] = uri
    config = config_from_dict(config_data, source="sweep trial")
    try:
        return _trial(config, values, experiment, False, {"mlflow.parentRunId": parent_id}, extra_tags)
    finally:
        # A stopped worker exits once its run is closed: the pool would otherwise hand it the next
        # trial, and a worker left waiting on the pool's queue outlives a parent that exits first.
        signum = stop_received()
        if signum is not None:
            os._exit(128 + signum)


def _worker_start() -> None:
    """A worker ignores SIGINT: Ctrl-C reaches the terminal's whole process group, and the parent
    stops its workers itself (``_stop_workers``), so each gets one stop, not two."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_workers(pool) -> None:
    """SIGTERM to each worker process: a trial in flight ends KILLED, as a signalled ``topiclab run``
    does, and an idle worker exits; none is left to finish its trial after the parent is gone."""
    for process in list((pool._processes or {}).values()):  # the pool has no public list of them (3.11)
        process.terminate()


def track_sweep(plan, progress: bool = False, on_trial=None, jobs: int = 1, run_name: str | None = None,
                tags: dict[str, str] | None = None):
    """Run a ``sweep.SweepPlan``: one parent run, one nested run per trial, summary on the parent.

    With ``jobs`` > 1 the trials run in that many worker processes, each run
    still nested under the one parent. The parent is named ``run_name``, else ``<plan.name>-sweep``;
    ``tags`` go on the parent and every trial. Returns ``(summary frame, parent run id)``.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from contextlib import nullcontext

    from ..sweep import grid_params, run_sweep
    from ._store import tracking_uri

    base = plan.base
    experiment = base.tracking.experiment
    pool = None

    configs = {}  # run id -> the trial's config, for the best trial's figures

    def runner(config, values):
        if pool is None:
            metrics, run_id = _trial(config, values, experiment, progress, extra_tags=tags)
        else:
            raise_if_terminated()  # a stopped sweep hands out no further trial
            future = pool.submit(_worker_trial, tracking_uri(), config.model_dump(mode="json"), values, experiment,
                                 parent.info.run_id, tags)
            metrics, run_id = future.result()
        configs[run_id] = config
        return metrics, run_id

    parent_tags = {"topiclab.sweep": "parent", CONFIG_NAME_TAG: base.name, **(tags or {})}
    if plan.name != base.name:
        parent_tags[OVERRIDES_TAG] = override_label(plan.overrides)
    with tracked_run(experiment, run_name or f"{plan.name}-sweep", tags=parent_tags) as parent:
        if jobs > 1:  # spawn: a fresh interpreter per worker, no copy of this one's MLflow state or threads
            pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_worker_start)
        params = {**config_params(base, exclude={"sweep"}), **grid_params(plan.spec)}
        params.update({f"sweep.{k}": v for k, v in plan.spec.model_dump(mode="json").items()})
        log_params(params)
        mlflow.log_text(yaml.safe_dump(plan.spec.model_dump(mode="json"), sort_keys=False), "sweep.yaml")
        try:
            # Workers are stopped at the signal itself: the stop unwinds here only once the threads
            # waiting on them return.
            with on_stop(lambda: _stop_workers(pool)) if pool is not None else nullcontext():
                frame = run_sweep(plan, runner, on_trial, jobs)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        log_table_artifacts(frame, "sweep_summary")
        objective = plan.spec.objective
        if len(frame) and objective in frame.columns:
            best = frame.iloc[0]
            mlflow.log_metrics({f"best_{objective}": float(best[objective]), "n_trials": float(len(frame))})
            mlflow.set_tag("best_run_id", str(best["run_id"]))
            log_params({f"best.{k}": best[k] for k in plan.spec.grid if k in frame.columns})
            _log_best_figures(configs.get(str(best["run_id"])), base.figures, str(best["run_id"]), progress)
        return frame, parent.info.run_id


def _log_best_figures(config, figures: str, run_id: str, progress: bool) -> None:
    """The best trial's figures on the sweep's parent run: the trial is run again (seeded, embeddings
    cached: the same topics) with the sweep's ``figures`` setting, since trials draw none."""
    if config is None or figures == "none":
        return
    from ._store import log_figures

    result = run_experiment(config.model_copy(update={"figures": figures}), progress=progress)
    if log_figures(result, figures):
        mlflow.set_tag("figures_of", run_id)


def _segmenter_runs(config, dumps, kind: str, data_params: dict, data_source: str, evaluate, embedder, on_result,
                    suffix: str = "") -> list[dict[str, Any]]:
    """One MLflow run per segmenter of ``config``, each scored by ``evaluate`` on the same ``dumps``."""
    import hashlib
    from dataclasses import asdict

    from ..pipeline import segmentation_embedder
    from ..segment import LearnedSegmenter, make_segmenter

    digest = hashlib.sha256("\n\n".join("\n".join(d.lines) for d in dumps).encode()).hexdigest()
    rows = []
    for name, settings in config.segmenters.items():
        tags = {"topiclab.segmentation": kind, "baseline": str(name == config.baseline).lower(),
                "data_hash": digest, "data_source": data_source}
        with tracked_run(config.tracking.experiment, name + suffix, tags=tags) as run:
            params = {"segmenter": name, "seed": config.seed, "config": config.name}
            params.update(flatten(settings.model_dump(mode="json", exclude={"level", "passage"}), "segment."))
            params.update(data_params)
            log_params(params)
            segmenter = make_segmenter(settings)
            if isinstance(segmenter, LearnedSegmenter):
                mlflow.log_dict(asdict(segmenter.boundary_model()), "boundary_model.json")
            scores = evaluate(segmenter, dumps, segmentation_embedder(segmenter, embedder))
            mlflow.log_metrics({k: float(v) for k, v in scores.items()})
            row = {"segmenter": name, **scores, "run_id": run.info.run_id}
            rows.append(row)
            if on_result is not None:
                on_result(row)
    return rows


def track_segment_eval(config, embedder=None, on_result=None) -> list[dict[str, Any]]:
    """One MLflow run per segmenter of a ``SegmentEvalConfig``, on the same synthetic dumps.

    Returns one row per segmenter: its name, scores and run id.
    """
    from ..segment import eval_dumps, evaluate_segmenter

    return _segmenter_runs(config, eval_dumps(config), "eval", flatten(config.data.model_dump(mode="json"), "data."),
                           config.data.path, evaluate_segmenter, embedder, on_result)


def track_segment_train(config, embedder, output: str | Path) -> tuple[Any, str]:
    """Train the boundary model (train half only), save it, log the run; returns (model, run id)."""
    from dataclasses import asdict

    from ..segment import save_boundary_model, train_from_config

    with tracked_run(config.tracking.experiment, "train-learned", tags={"topiclab.segmentation": "train"}) as run:
        log_params(flatten(config.train.model_dump(mode="json"), "train.") | {"seed": config.seed})
        model = train_from_config(config, embedder)
        mlflow.log_metrics({"validation_pk": float(model.info["validation_pk"]),
                            "threshold": float(model.threshold)})
        mlflow.log_dict(asdict(model), "boundary_model.json")
        save_boundary_model(model, output)
        return model, run.info.run_id


def track_page_eval(config, embedder=None, on_result=None) -> list[dict[str, Any]]:
    """One MLflow run per segmenter on the config's realistic dumps (``pages:``), the same dumps for each.

    Returns one row per segmenter: its name, ``evaluate_page_dumps`` scores, seconds and run id.
    """
    import time

    from ..segment import evaluate_page_dumps, spec_page_dumps

    def timed(segmenter, dumps, embedder):
        start = time.perf_counter()
        scores = evaluate_page_dumps(segmenter, dumps, embedder)
        return {**scores, "seconds": time.perf_counter() - start}

    return _segmenter_runs(config, spec_page_dumps(config.pages, config.seed), "eval-pages",
                           flatten(config.pages.model_dump(mode="json"), "pages."), config.pages.path, timed,
                           embedder, on_result, suffix=" (pages)")


def track_web_eval(config, embedder=None, log=lambda message: None) -> list[dict[str, Any]]:
    """Leave-one-source-out on real web pages (``segment.leave_one_source_out``), one MLflow run per
    held-out source with its chosen mix, threshold and each case's scores."""
    from ..segment import leave_one_source_out
    from ..vectorize import make_embedder

    folds = leave_one_source_out(config, embedder or make_embedder(), log)
    for fold in folds:
        tags = {"topiclab.segmentation": "eval-web", "held_out": fold["held_out"]}
        with tracked_run(config.tracking.experiment, f"learned (web pages, {fold['held_out']} held out)", tags=tags):
            log_params({"seed": config.seed, "mix": fold["chosen"], "held_out": fold["held_out"],
                        "chrome_share": fold["chrome_share"], "page_fit_pages": fold["page_fit_pages"],
                        **flatten(config.web.model_dump(mode="json"), "web.")})
            metrics = {"threshold": float(fold["threshold"]),
                       **{f"chrome_validation_pk_{share}": value for share, value in fold["chrome_validation"].items()}}
            for number, row in enumerate(fold["rows"]):
                metrics.update({f"case{number}_{key}": float(row[key]) for key in ("pk", "windowdiff", "f1")
                                if key in row})
            mlflow.log_metrics(metrics)
    return folds

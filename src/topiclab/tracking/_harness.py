"""Evaluation harness, baselines, sweeps and segmentation runs (evaluate.py, sweep.py, segment_eval.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import mlflow
import yaml

from ..config import flatten
from ..pipeline import run_experiment
from ._store import log_dataset, log_params, log_result, tracked_run

__all__ = ["log_evaluation", "track_evaluation", "log_table_artifacts", "track_sweep", "track_segment_eval",
           "track_segment_train"]


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


def track_sweep(plan, progress: bool = False, on_trial=None):
    """Run a ``sweep.SweepPlan``: one parent run, one nested run per trial, summary on the parent.

    Returns ``(summary frame, parent run id)``.
    """
    from ..sweep import run_sweep

    base = plan.base
    experiment = base.tracking.experiment

    def runner(config, values):
        with tracked_run(experiment, config.name, nested=True,
                         tags={"topiclab.sweep": "trial", "sweep_values": str(values)}) as run:
            log_params(flatten(config.model_dump(mode="json")))
            mlflow.log_text(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False), "config.yaml")
            result = run_experiment(config, progress=progress)
            log_result(result)
            return result.metrics, run.info.run_id

    with tracked_run(experiment, f"{base.name}-sweep", tags={"topiclab.sweep": "parent"}) as parent:
        params = flatten(base.model_dump(mode="json", exclude={"sweep"}))
        params.update({f"sweep.{k}": v for k, v in plan.spec.model_dump(mode="json").items()})
        log_params(params)
        mlflow.log_text(yaml.safe_dump(plan.spec.model_dump(mode="json"), sort_keys=False), "sweep.yaml")
        frame = run_sweep(plan, runner, on_trial)
        log_table_artifacts(frame, "sweep_summary")
        objective = plan.spec.objective
        if len(frame) and objective in frame.columns:
            best = frame.iloc[0]
            mlflow.log_metrics({f"best_{objective}": float(best[objective]), "n_trials": float(len(frame))})
            mlflow.set_tag("best_run_id", str(best["run_id"]))
            log_params({f"best.{k}": best[k] for k in plan.spec.grid if k in frame.columns})
        return frame, parent.info.run_id


def track_segment_eval(config, embedder=None, on_result=None) -> list[dict[str, Any]]:
    """One MLflow run per segmenter of a ``SegmentEvalConfig``, on the same synthetic dumps.

    Returns one row per segmenter: its name, scores and run id.
    """
    import hashlib
    from dataclasses import asdict

    from ..pipeline import segmentation_embedder
    from ..segment import LearnedSegmenter, eval_dumps, evaluate_segmenter, make_segmenter

    dumps = eval_dumps(config)
    digest = hashlib.sha256("\n\n".join("\n".join(d.lines) for d in dumps).encode()).hexdigest()
    rows = []
    for name, settings in config.segmenters.items():
        tags = {"topiclab.segmentation": "eval", "baseline": str(name == config.baseline).lower(),
                "data_hash": digest, "data_source": config.data.path}
        with tracked_run(config.tracking.experiment, name, tags=tags) as run:
            params = {"segmenter": name, "seed": config.seed, "config": config.name}
            params.update(flatten(settings.model_dump(mode="json", exclude={"level", "passage"}), "segment."))
            params.update(flatten(config.data.model_dump(mode="json"), "data."))
            log_params(params)
            segmenter = make_segmenter(settings)
            if isinstance(segmenter, LearnedSegmenter):
                model = segmenter.boundary_model()
                mlflow.log_dict(asdict(model), "boundary_model.json")
            scores = evaluate_segmenter(segmenter, dumps, segmentation_embedder(segmenter, embedder))
            mlflow.log_metrics({k: float(v) for k, v in scores.items()})
            row = {"segmenter": name, **scores, "run_id": run.info.run_id}
            rows.append(row)
            if on_result is not None:
                on_result(row)
    return rows


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

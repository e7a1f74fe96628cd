"""MLflow at the edge: the only module that imports mlflow.

Default store: ``sqlite:///mlflow.db`` at the project root, artifacts under
``mlruns/``; ``MLFLOW_TRACKING_URI`` overrides. A run that fails is ended
FAILED with its error logged, never left RUNNING.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import mlflow
import yaml
from mlflow.tracking import MlflowClient

from . import __version__
from .config import ExperimentConfig, flatten
from .experiment import Result, run_experiment
from .paths import DEFAULT_TRACKING_URI, MLRUNS_DIR, PROJECT_ROOT

__all__ = ["tracking_uri", "artifact_root", "use_store", "ensure_experiment", "tracked_run",
           "log_params", "log_result", "track_experiment", "git_commit", "client", "ui_command",
           "log_evaluation", "track_evaluation", "log_table_artifacts", "track_sweep",
           "track_segment_eval", "track_segment_train"]

MAX_PARAM_LENGTH = 6000


def tracking_uri() -> str:
    return os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_TRACKING_URI


def artifact_root(uri: str | None = None) -> Path | None:
    """Where a local store keeps artifacts: ``mlruns/`` beside its SQLite file."""
    uri = uri or tracking_uri()
    if uri == DEFAULT_TRACKING_URI:
        return MLRUNS_DIR
    if uri.startswith("sqlite:///"):
        return Path(uri.removeprefix("sqlite:///")).resolve().parent / "mlruns"
    return None  # a server or file store decides for itself


def use_store(uri: str | None = None) -> str:
    uri = uri or tracking_uri()
    mlflow.set_tracking_uri(uri)
    return uri


def client() -> MlflowClient:
    return MlflowClient(use_store())


def ensure_experiment(name: str) -> str:
    """Id of experiment ``name``, created with its artifacts in the local root."""
    uri = use_store()
    existing = mlflow.get_experiment_by_name(name)
    if existing is not None:
        return existing.experiment_id
    root = artifact_root(uri)
    location = (root / name).as_uri() if root is not None else None
    return mlflow.create_experiment(name, artifact_location=location)


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "unknown"


@contextmanager
def tracked_run(experiment: str, run_name: str, nested: bool = False,
                tags: dict[str, str] | None = None) -> Iterator[Any]:
    """An MLflow run that ends FAILED (or KILLED) with the error logged if the body raises."""
    experiment_id = ensure_experiment(experiment)
    all_tags = {"topiclab.version": __version__, "git_commit": git_commit(), **(tags or {})}
    run = mlflow.start_run(experiment_id=experiment_id, run_name=run_name, nested=nested, tags=all_tags)
    try:
        yield run
    except BaseException as error:
        status = "KILLED" if isinstance(error, KeyboardInterrupt) else "FAILED"
        message = f"{type(error).__name__}: {error}"
        mlflow.set_tag("error", message[:5000])
        mlflow.log_text(message, "error.txt")
        mlflow.end_run(status=status)
        raise
    mlflow.end_run()


def log_params(params: dict[str, Any]) -> None:
    clean = {k: ("None" if v is None else str(v)[:MAX_PARAM_LENGTH]) for k, v in params.items()}
    items = list(clean.items())
    for start in range(0, len(items), 100):  # MLflow takes at most 100 params per batch
        mlflow.log_params(dict(items[start:start + 100]))


def log_result(result: Result) -> None:
    """Metrics, input dataset and artifacts of a finished experiment."""
    from . import plots

    corpus = result.corpus
    mlflow.set_tags({"data_hash": corpus.content_hash, "data_source": corpus.source})
    mlflow.log_metrics({k: float(v) for k, v in result.metrics.items()})
    frame = corpus.to_frame()[["id", "text", "label"]]
    with warnings.catch_warnings():  # a local path matches two equivalent MLflow source types
        warnings.simplefilter("ignore", UserWarning)
        dataset = mlflow.data.from_pandas(frame, source=corpus.source, name=corpus.name,
                                          digest=corpus.content_hash[:16])
    mlflow.log_input(dataset, context="clustering")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        result.topic_table().to_csv(out / "topics.csv", index=False)
        result.assignments_table().to_csv(out / "assignments.csv", index=False)
        plots.document_map(result).write_html(out / "document_map.html", include_plotlyjs=True)
        figure = plots.topic_sizes(result)
        figure.savefig(out / "topic_sizes.png", dpi=120)
        mlflow.log_artifacts(folder)


def track_experiment(config: ExperimentConfig, config_path: str | Path | None = None,
                     progress: bool = False, embedder=None) -> tuple[Result, str]:
    """Run one experiment inside an MLflow run; returns the Result and the run id."""
    with tracked_run(config.tracking.experiment, config.name) as run:
        log_params(flatten(config.model_dump(mode="json")))
        config_text = Path(config_path).read_text(encoding="utf-8") if config_path else None
        mlflow.log_text(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False), "config.yaml")
        if config_text is not None:
            mlflow.log_text(config_text, f"config/{Path(config_path).name}")
        result = run_experiment(config, embedder=embedder, progress=progress)
        log_result(result)
        return result, run.info.run_id


def ui_command(host: str = "127.0.0.1", port: int = 5000) -> list[str]:
    """The ``mlflow ui`` command line for this project's store."""
    import sys

    uri = tracking_uri()
    command = [sys.executable, "-m", "mlflow", "ui", "--backend-store-uri", uri,
               "--host", host, "--port", str(port)]
    root = artifact_root(uri)
    if root is not None:
        command += ["--default-artifact-root", root.as_uri()]
    return command


# --- evaluation harness, baselines and sweeps (evaluate.py, baselines.py, sweep.py) ---

def _log_corpus(corpus, context: str) -> None:
    """The corpus as an MLflow dataset input, its content hash as a tag."""
    mlflow.set_tags({"data_hash": corpus.content_hash, "data_source": corpus.source,
                     "data_name": corpus.name})
    frame = corpus.to_frame()[["id", "text", "label"]]
    with warnings.catch_warnings():  # a local path matches two equivalent MLflow source types
        warnings.simplefilter("ignore", UserWarning)
        dataset = mlflow.data.from_pandas(frame, source=corpus.source, name=corpus.name,
                                          digest=corpus.content_hash[:16])
    mlflow.log_input(dataset, context=context)


def log_evaluation(evaluation) -> None:
    """An ``evaluate.Evaluation`` (e.g. a baseline): params, metrics, data, topic tables."""
    mlflow.set_tag("method", evaluation.method)
    log_params({f"baseline.{k}": v for k, v in evaluation.params.items()})
    mlflow.log_metrics({k: float(v) for k, v in evaluation.metrics.items()})
    _log_corpus(evaluation.corpus, "clustering")
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
    from .evaluate import markdown_table

    mlflow.log_text(frame.to_csv(index=False), f"{stem}.csv")
    mlflow.log_text(markdown_table(frame), f"{stem}.md")
    mlflow.log_table(frame.astype(object).where(frame.notna(), None), f"{stem}.json")


def track_sweep(plan, progress: bool = False, on_trial=None):
    """Run a ``sweep.SweepPlan``: one parent run, one nested run per trial, summary on the parent.

    Returns ``(summary frame, parent run id)``.
    """
    from .sweep import run_sweep

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

    from .segment import LearnedSegmenter, make_segmenter
    from .segment_bench import eval_dumps
    from .segment_eval import evaluate_segmenter
    from .segment_model import load_boundary_model

    dumps = eval_dumps(config)
    digest = hashlib.sha256("\n\n".join("\n".join(d.lines) for d in dumps).encode()).hexdigest()
    rows = []
    for name, settings in config.segmenters.items():
        tags = {"topiclab.segmentation": "eval", "baseline": str(name == config.baseline).lower(),
                "data_hash": digest, "data_source": config.data.path}
        with tracked_run(config.experiment, name, tags=tags) as run:
            params = {"segmenter": name, "seed": config.seed, "config": config.name}
            params.update(flatten(settings.model_dump(mode="json", exclude={"level", "passage"}), "segment."))
            params.update(flatten(config.data.model_dump(mode="json"), "data."))
            log_params(params)
            segmenter = make_segmenter(settings)
            if isinstance(segmenter, LearnedSegmenter):
                model = segmenter.model or load_boundary_model()
                mlflow.log_dict(asdict(model), "boundary_model.json")
            scores = evaluate_segmenter(segmenter, dumps, embedder)
            mlflow.log_metrics({k: float(v) for k, v in scores.items()})
            row = {"segmenter": name, **scores, "run_id": run.info.run_id}
            rows.append(row)
            if on_result is not None:
                on_result(row)
    return rows


def track_segment_train(config, embedder, output: str | Path) -> tuple[Any, str]:
    """Train the boundary model (train half only), save it, log the run; returns (model, run id)."""
    from dataclasses import asdict

    from .segment_bench import train_from_config
    from .segment_model import save_boundary_model

    with tracked_run(config.experiment, "train-learned", tags={"topiclab.segmentation": "train"}) as run:
        log_params(flatten(config.train.model_dump(mode="json"), "train.") | {"seed": config.seed})
        model = train_from_config(config, embedder)
        mlflow.log_metrics({"validation_pk": float(model.info["validation_pk"]),
                            "threshold": float(model.threshold)})
        mlflow.log_dict(asdict(model), "boundary_model.json")
        save_boundary_model(model, output)
        return model, run.info.run_id

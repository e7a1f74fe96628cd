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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import mlflow
import yaml
from mlflow.tracking import MlflowClient

from . import __version__
from .config import ExperimentConfig, flatten
from .errors import TopiclabError
from .experiment import Result, run_experiment
from .paths import DEFAULT_TRACKING_URI, MLRUNS_DIR, PROJECT_ROOT, resolve

__all__ = ["tracking_uri", "artifact_root", "use_store", "ensure_experiment", "tracked_run",
           "log_params", "log_result", "track_experiment", "git_commit", "client", "ui_command",
           "log_evaluation", "track_evaluation", "log_table_artifacts", "track_sweep",
           "latest_sweep_summary", "log_benchmark_summary",
           "track_segment_eval", "track_segment_train",
           "pseudo_labels", "load_training_data", "log_text_model", "log_classifier", "register_classifier",
           "TrainedClassifier", "Training", "track_training", "resolve_model_uri", "load_text_model",
           "classify_texts", "move_alias", "serve_command",
           "search_runs", "run_url", "log_report"]

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
        config_text = resolve(config_path).read_text(encoding="utf-8") if config_path else None
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
    # One worker is plenty for one user and starts fast on a small machine.
    command = [sys.executable, "-m", "mlflow", "ui", "--backend-store-uri", uri,
               "--host", host, "--port", str(port), "--workers", "1"]
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
    log_params({f"method.{k}": v for k, v in evaluation.params.items()})
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


# --- topic classifiers (classify.py, textmodel.py): train, log, register, load, serve ---

CLASSIFIER_ARTIFACT = "model"  # name of the logged pyfunc model inside each classifier run
_ASSIGNMENTS = "assignments.csv"
_SUMMARY_METRICS = ("cv_accuracy", "cv_accuracy_std", "cv_macro_f1", "cv_log_loss",
                    "holdout_accuracy", "holdout_macro_f1", "holdout_log_loss")


def _one_line(error: Exception, limit: int = 400) -> str:
    text = " ".join(str(getattr(error, "message", None) or error).split())
    return text[:limit] if text else type(error).__name__


def _finished_run_with_assignments(experiment: str) -> str:
    from mlflow.exceptions import MlflowException

    store = client()
    found = store.get_experiment_by_name(experiment)
    if found is None:
        raise TopiclabError(f"no MLflow experiment named {experiment!r} in {tracking_uri()}")
    runs = store.search_runs([found.experiment_id], filter_string="attributes.status = 'FINISHED'",
                             order_by=["attributes.start_time DESC"], max_results=100)
    for run in runs:
        try:
            if any(a.path == _ASSIGNMENTS for a in store.list_artifacts(run.info.run_id)):
                return run.info.run_id
        except (MlflowException, OSError):
            continue
    raise TopiclabError(f"experiment {experiment!r} has no finished clustering run with {_ASSIGNMENTS}; "
                        "run one first (topiclab run CONFIG)")


def pseudo_labels(run_id: str | None = None, experiment: str | None = None, include_outliers: bool = False):
    """The topics of a finished clustering run (its ``assignments.csv``) as labelled texts."""
    import pandas as pd
    from mlflow.exceptions import MlflowException

    from .classify import labelled_from_assignments

    store = client()
    run_id = run_id or _finished_run_with_assignments(experiment)
    try:
        run = store.get_run(run_id)
    except MlflowException:
        raise TopiclabError(f"no MLflow run with id {run_id!r} in {tracking_uri()}") from None
    if run.info.status != "FINISHED":
        raise TopiclabError(f"run {run_id} is {run.info.status}, not finished: its topics cannot be labels")
    if not any(a.path == _ASSIGNMENTS for a in store.list_artifacts(run_id)):
        raise TopiclabError(f"run {run_id} has no {_ASSIGNMENTS} artifact: it is not a clustering run")
    with tempfile.TemporaryDirectory() as folder:
        local = store.download_artifacts(run_id, _ASSIGNMENTS, folder)
        frame = pd.read_csv(local, dtype={"id": str, "topic_label": str, "text": str}, keep_default_na=False)
    return labelled_from_assignments(frame, f"runs:/{run_id}/{_ASSIGNMENTS}", include_outliers)


def load_training_data(config):
    """Labelled texts of a ``ClassifierConfig``: gold labels, or a clustering run's topics."""
    from .classify import drop_rare_labels, load_labelled

    labels = config.labels
    if labels.source == "run":
        data = pseudo_labels(labels.run_id, labels.experiment, labels.include_outliers)
    else:
        data = load_labelled(config)
    data, dropped = drop_rare_labels(data, labels.min_documents)
    if dropped and mlflow.active_run() is not None:
        mlflow.set_tag("labels_dropped", ", ".join(dropped)[:5000])
    return data


def _log_labelled(data, context: str = "training") -> None:
    from mlflow.exceptions import MlflowException

    mlflow.set_tags({"data_hash": data.content_hash, "data_source": data.source, "data_name": data.name})
    frame, digest = data.to_frame(), data.content_hash[:16]
    with warnings.catch_warnings():  # a local path matches two equivalent MLflow source types
        warnings.simplefilter("ignore", UserWarning)
        try:
            dataset = mlflow.data.from_pandas(frame, source=data.source, name=data.name, digest=digest)
        except MlflowException:  # e.g. runs:/... (pseudo-labels): no resolver; the tag keeps the source
            dataset = mlflow.data.from_pandas(frame, name=data.name, digest=digest)
    mlflow.log_input(dataset, context=context)


def _model_signature(model):
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, Schema

    from .textmodel import LABEL_COLUMN, PROBABILITY_COLUMN, TEXT_COLUMN, probability_column

    outputs = [ColSpec("string", LABEL_COLUMN, required=False), ColSpec("double", PROBABILITY_COLUMN)]
    outputs += [ColSpec("double", probability_column(label)) for label in model.labels]
    return ModelSignature(inputs=Schema([ColSpec("string", TEXT_COLUMN)]), outputs=Schema(outputs))


def log_text_model(model, example_texts: list[str]):
    """Log a ``TextClassifier`` as a pyfunc model that loads in a clean environment.

    It ships topiclab's own code (``code_paths``) and pins what that code
    imports (``pip_requirements``); input: DataFrame with a ``text`` column.
    """
    import shutil

    import pandas as pd

    from .textmodel import TEXT_COLUMN, pip_requirements

    package = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as folder:
        data = model.save(Path(folder) / "classifier")
        code = Path(folder) / "code" / package.name
        shutil.copytree(package, code, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        example = pd.DataFrame({TEXT_COLUMN: [t[:300] for t in example_texts]})
        return mlflow.pyfunc.log_model(
            name=CLASSIFIER_ARTIFACT, loader_module="topiclab.textmodel", data_path=str(data),
            code_paths=[str(code)], pip_requirements=pip_requirements(model.needs_embeddings),
            signature=_model_signature(model), input_example=example,
            metadata={"topiclab_classifier": model.name, "kind": model.kind, "labels": model.labels},
        )


def log_classifier(report, data) -> Any:
    """Metrics, confusion matrices, reports and the raw-text model of one classifier run."""
    from . import plots

    mlflow.log_metrics({k: float(v) for k, v in report.metrics.items()})
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        figure = plots.confusion_matrix(report.cv_confusion, report.labels,
                                        f"{report.name}: {report.metrics['n_documents']} documents, out-of-fold")
        figure.savefig(out / "confusion_matrix.png", dpi=100)
        plots.plt.close(figure)
        (out / "classification_report.txt").write_text(report.report, encoding="utf-8")
        report.predictions.to_csv(out / "cv_predictions.csv", index=False)
        mlflow.log_artifacts(folder)
    return log_text_model(report.model, data.texts[:2])


def _registry_tags(trained) -> dict[str, str]:
    metrics = trained.report.metrics
    return {"classifier": trained.report.name, "kind": trained.report.kind, "run_id": trained.run_id,
            **{k: f"{metrics[k]:.4f}" for k in ("cv_accuracy", "cv_macro_f1", "holdout_accuracy")}}


def register_classifier(model_uri: str, name: str, alias: str, tags: dict[str, str] | None = None):
    """A new version of registered model ``name`` from ``model_uri``; ``alias`` moves to it."""
    version = mlflow.register_model(model_uri, name, tags=tags or {})
    client().set_registered_model_alias(name, alias, version.version)
    return version


@dataclass
class TrainedClassifier:
    report: Any  # classify.ClassifierReport
    run_id: str
    model_uri: str


@dataclass
class Training:
    """What ``track_training`` did: the classifiers, the best one, its registered version."""

    classifiers: list[TrainedClassifier]
    best: TrainedClassifier
    run_id: str  # the parent run
    registered: Any = None  # ModelVersion, if registered


def track_training(config, config_path: str | Path | None = None, progress: bool = False,
                   embedder=None, on_classifier=None) -> Training:
    """Train every classifier of a ``ClassifierConfig``: a parent run with one nested run each.

    The best by ``registry.select_by`` is registered as a new version of
    ``registry.model_name`` and gets ``registry.alias``.
    """
    import pandas as pd

    from .classify import check_labels, prepare_features, select_best, train_classifier

    experiment = config.tracking.experiment
    shared = flatten(config.model_dump(mode="json", exclude={"classifiers"}))
    with tracked_run(experiment, config.name, tags={"topiclab.kind": "classifier-training"}) as parent:
        log_params({**shared, "classifiers": ", ".join(s.name for s in config.classifiers)})
        config_yaml = yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False)
        mlflow.log_text(config_yaml, "config.yaml")
        if config_path is not None:
            mlflow.log_text(resolve(config_path).read_text(encoding="utf-8"), f"config/{Path(config_path).name}")
        data = load_training_data(config)
        check_labels(data.labels, config.evaluation.folds, config.evaluation.test_size)
        _log_labelled(data)
        if config.labels.source == "run":
            mlflow.set_tag("labels_run_id", data.source.split("/")[1])
        features = prepare_features(config, data, embedder, progress)
        trained = []
        for spec in config.classifiers:
            tags = {"topiclab.kind": "classifier", "classifier": spec.kind, "training_run": parent.info.run_id}
            with tracked_run(experiment, spec.name, nested=True, tags=tags) as run:
                spec_params = flatten(spec.model_dump(mode="json", exclude={"name"}), "classifier.")
                log_params({**shared, **spec_params, "classifier.name": spec.name})
                mlflow.log_text(config_yaml, "config.yaml")
                _log_labelled(data)
                report = train_classifier(spec, config, data, features)
                info = log_classifier(report, data)
                trained.append(TrainedClassifier(report, run.info.run_id, info.model_uri))
            if on_classifier is not None:
                on_classifier(trained[-1])
        by_report = {id(t.report): t for t in trained}
        best = by_report[id(select_best([t.report for t in trained], config.registry.select_by))]
        summary = pd.DataFrame([{"classifier": t.report.name, "kind": t.report.kind, "run_id": t.run_id,
                                 **{k: t.report.metrics[k] for k in _SUMMARY_METRICS}} for t in trained])
        mlflow.log_text(summary.to_csv(index=False), "classifiers.csv")
        mlflow.log_metrics({f"best_{k}": float(best.report.metrics[k])
                            for k in ("cv_accuracy", "cv_macro_f1", "cv_log_loss", "holdout_accuracy")})
        mlflow.set_tags({"best_classifier": best.report.name, "best_run_id": best.run_id})
        registered = None
        if config.registry.enabled:
            registered = register_classifier(best.model_uri, config.registry.model_name, config.registry.alias,
                                             {**_registry_tags(best), "training_run": parent.info.run_id})
            mlflow.set_tag("registered_model", f"{registered.name}/{registered.version}")
        return Training(trained, best, parent.info.run_id, registered)


def _parse_registry_uri(uri: str) -> tuple[str, str | None, str | None] | None:
    """``models:/name@alias`` or ``models:/name/version`` -> (name, alias, version); else None."""
    if not uri.startswith("models:/"):
        return None
    rest = uri.removeprefix("models:/").strip("/")
    if "@" in rest:
        name, _, alias = rest.partition("@")
        return name, alias, None
    name, _, version = rest.partition("/")
    if not version and name.startswith("m-"):
        return None  # a logged model id, not a registered name
    return name, None, version or None


def resolve_model_uri(uri: str) -> str:
    """``uri`` if it names something that exists, else the one-line reason why not.

    ``models:/name`` (no version) becomes the latest version.
    """
    from mlflow.exceptions import MlflowException

    parsed = _parse_registry_uri(uri)
    if parsed is None:
        return uri
    name, alias, version = parsed
    store = client()
    registered = store.search_registered_models(max_results=1000)
    if not registered:
        raise TopiclabError(f"the model registry of {tracking_uri()} is empty: train and register a "
                            "classifier first (topiclab train experiments/classify_seed.yaml)")
    model = next((m for m in registered if m.name == name), None)
    if model is None:
        known = ", ".join(sorted(m.name for m in registered))
        raise TopiclabError(f"no registered model named {name!r} in {tracking_uri()} (registered: {known})")
    versions = sorted(int(v.version) for v in store.search_model_versions(f"name = '{name}'"))
    if alias is not None:
        try:
            store.get_model_version_by_alias(name, alias)
        except MlflowException:
            aliases = ", ".join(f"{a}->v{v}" for a, v in sorted(model.aliases.items())) or "none"
            raise TopiclabError(f"registered model {name!r} has no alias {alias!r} (aliases: {aliases}; "
                                "set one with topiclab promote)") from None
        return uri
    if version is None:
        return f"models:/{name}/{versions[-1]}"
    if not version.isdigit() or int(version) not in versions:
        raise TopiclabError(f"registered model {name!r} has no version {version!r} "
                            f"(versions: {', '.join(map(str, versions))})")
    return uri


def load_text_model(uri: str):
    """The pyfunc model at ``uri`` (checked to be a topiclab text classifier)."""
    from mlflow.exceptions import MlflowException

    resolved = resolve_model_uri(uri)
    try:
        model = mlflow.pyfunc.load_model(resolved)
    except (MlflowException, OSError) as error:
        raise TopiclabError(f"cannot load model {uri}: {_one_line(error)}") from None
    loader = model.metadata.flavors.get("python_function", {}).get("loader_module")
    if loader != "topiclab.textmodel":
        raise TopiclabError(f"{uri} is not a topiclab text classifier (loader {loader!r})")
    return model


def classify_texts(model, texts: list[str]):
    """Predictions of a loaded pyfunc model for ``texts`` (DataFrame: label, probabilities)."""
    import pandas as pd
    from mlflow.exceptions import MlflowException

    from .textmodel import TEXT_COLUMN, check_texts

    try:
        return model.predict(pd.DataFrame({TEXT_COLUMN: check_texts(list(texts))}, dtype=object))
    except MlflowException as error:
        raise TopiclabError(f"the model refused the input: {_one_line(error)}") from None


def move_alias(name: str, version: str | int, alias: str = "champion") -> str | None:
    """Point ``alias`` of registered model ``name`` at ``version``; returns the version it left."""
    resolve_model_uri(f"models:/{name}/{version}")  # one-line errors for unknown name or version
    store = client()
    previous = store.get_registered_model(name).aliases.get(alias)
    store.set_registered_model_alias(name, alias, str(version))
    return previous


def serve_command(model_uri: str, host: str = "127.0.0.1", port: int = 5001) -> tuple[list[str], dict[str, str]]:
    """The ``mlflow models serve`` command line and environment for a registered classifier.

    MLflow starts ``uvicorn`` from PATH, so this interpreter's bin folder goes first.
    """
    import socket
    import sys

    resolved = resolve_model_uri(model_uri)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise TopiclabError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    env = os.environ.copy()
    env["MLFLOW_TRACKING_URI"] = tracking_uri()
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    command = [sys.executable, "-m", "mlflow", "models", "serve", "-m", resolved, "--host", host,
               "--port", str(port), "--env-manager", "local"]
    return command, env


# --- notebooks and run comparison (reports.py, notebooks/) ---

def search_runs(experiments: str | list[str], filter_string: str = "", max_results: int = 1000,
                include_summaries: bool = False):
    """``mlflow.search_runs`` over experiments named ``experiments``, oldest run first.

    Sweep parents and notebook report runs summarise other runs, so they are
    left out unless ``include_summaries``.
    """
    names = [experiments] if isinstance(experiments, str) else list(experiments)
    use_store()
    for name in names:
        if mlflow.get_experiment_by_name(name) is None:
            raise TopiclabError(f"no MLflow experiment named {name!r} in {tracking_uri()}")
    frame = mlflow.search_runs(experiment_names=names, filter_string=filter_string,
                               max_results=max_results, order_by=["attributes.start_time ASC"],
                               output_format="pandas")
    if not include_summaries:
        for tag, value in (("tags.topiclab.sweep", "parent"), ("tags.topiclab.kind", "report")):
            if tag in frame.columns:
                frame = frame[frame[tag] != value]
    return frame.reset_index(drop=True)


def run_url(run_id: str, ui_url: str | None = None) -> str:
    """Link to a logged run in the MLflow UI (``topiclab ui``)."""
    from .reports import DEFAULT_UI_URL, run_url as url_of

    run = client().get_run(run_id)
    return url_of(run.info.experiment_id, run_id, ui_url or DEFAULT_UI_URL)


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


def log_benchmark_summary(speed: dict, report_path, ceilings: dict | None = None) -> None:
    """Speed numbers and supervised ceilings as metrics of the benchmark's parent run, and the report."""
    metrics = {}
    for dataset, by_features in (ceilings or {}).items():
        for features, scores in by_features.items():  # configured | minilm
            metrics.update({f"ceiling_{dataset}_{features}_{k}": v for k, v in scores.items() if k not in ("time_s", "folds")})
    if "cold_warm" in speed:
        metrics.update({"cold_run_s": speed["cold_warm"]["cold_s"], "warm_run_s": speed["cold_warm"]["warm_s"]})
    if "overhead" in speed:
        o = speed["overhead"]
        metrics.update({"bare_bertopic_s": o["bare_s"], "ours_bertopic_s": o["ours_s"],
                        "ours_bertopic_without_metrics_s": o["ours_without_metrics_s"]})
    if "scaling" in speed:
        metrics["clustering_growth_exponent"] = speed["scaling"]["exponent"]
        for point in speed["scaling"]["points"]:
            metrics[f"cluster_s_{point.n_documents}"] = point.seconds
            metrics[f"cluster_peak_rss_gib_{point.n_documents}"] = point.process_peak_rss_bytes / 2**30
    if metrics:
        mlflow.log_metrics(metrics)
    mlflow.log_artifact(str(report_path))

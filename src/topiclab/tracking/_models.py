"""Topic classifiers (``topiclab.classify``): train, log, register, load, serve."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mlflow
import yaml

from ..config import flatten
from ..errors import TopiclabError
from ..paths import resolve
from ._auth import server_refusals
from ._registry import register_version
from ._requirements import pinned_requirements
from ._store import (check_can_listen, client, config_params, log_dataset, log_params, no_progress_bars,
                     tracked_run, tracking_uri)

__all__ = ["CLASSIFIER_ARTIFACT", "pseudo_labels", "load_training_data", "log_text_model", "log_classifier",
           "register_classifier", "TrainedClassifier", "Training", "track_training", "resolve_model_uri",
           "load_text_model", "classify_texts", "move_alias", "serve_command"]


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

    from ..classify import labelled_from_assignments

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
    from ..classify import drop_rare_labels, load_labelled

    labels = config.labels
    if labels.source == "run":
        data = pseudo_labels(labels.run_id, labels.experiment, labels.include_outliers)
    else:
        data = load_labelled(config)
    data, dropped = drop_rare_labels(data, labels.min_documents)
    if dropped and mlflow.active_run() is not None:
        mlflow.set_tag("labels_dropped", ", ".join(dropped)[:5000])
    return data


def _model_signature(model):
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, ParamSchema, ParamSpec, Schema

    from ..classify import LABEL_COLUMN, PROBABILITY_COLUMN, TEXT_COLUMN, probability_column

    outputs = [ColSpec("string", LABEL_COLUMN, required=False), ColSpec("double", PROBABILITY_COLUMN)]
    outputs += [ColSpec("double", probability_column(label)) for label in model.labels]
    # min_probability: -1 (the default) keeps the thresholds chosen at training; [0, 1] replaces them
    params = ParamSchema([ParamSpec("min_probability", "double", -1.0)])
    return ModelSignature(inputs=Schema([ColSpec("string", TEXT_COLUMN)]), outputs=Schema(outputs), params=params)


def log_text_model(model, example_texts: list[str]):
    """Log a ``TextClassifier`` as a pyfunc model that loads in a clean environment.

    It ships topiclab's own code (``code_paths``) and pins what that code
    imports (``pip_requirements``); input: DataFrame with a ``text`` column.
    """
    import shutil

    import pandas as pd

    from ..classify import TEXT_COLUMN, pip_requirements

    package = Path(__file__).resolve().parents[1]  # the topiclab package, shipped with the model
    with tempfile.TemporaryDirectory() as folder, pinned_requirements():
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
    from .. import viz

    mlflow.log_metrics({k: float(v) for k, v in report.metrics.items()})
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        figure = viz.confusion_matrix(report.cv_confusion, report.labels,
                                        f"{report.name}: {report.metrics['n_documents']} documents, out-of-fold")
        figure.savefig(out / "confusion_matrix.png", dpi=100)
        viz.close_figure(figure)
        (out / "classification_report.txt").write_text(report.report, encoding="utf-8")
        report.predictions.to_csv(out / "cv_predictions.csv", index=False)
        if report.risk_coverage is not None:
            report.risk_coverage.to_csv(out / "risk_coverage.csv", index=False)
            figure = viz.risk_coverage_figure(report.risk_coverage, report.model.min_probability,
                                              f"{report.name}: out-of-fold risk-coverage")
            figure.savefig(out / "risk_coverage.png", dpi=100)
            viz.close_figure(figure)
        mlflow.log_artifacts(folder)
    return log_text_model(report.model, data.texts[:2])


def _registry_tags(trained) -> dict[str, str]:
    metrics = trained.report.metrics
    return {"classifier": trained.report.name, "kind": trained.report.kind, "run_id": trained.run_id,
            **{k: f"{metrics[k]:.4f}" for k in ("cv_accuracy", "cv_macro_f1", "holdout_accuracy")}}


def register_classifier(model_uri: str, name: str, alias: str, tags: dict[str, str] | None = None):
    """A new version of registered model ``name`` from ``model_uri``; ``alias`` moves to it."""
    version = register_version(model_uri, name, tags)
    with server_refusals(tracking_uri(), f"move the aliases of model '{name}'"):
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
    model_uri: str | None = None  # set when there was no training data (zero-shot only)


def track_training(config, config_path: str | Path | None = None, progress: bool = False,
                   embedder=None, on_classifier=None) -> Training:
    """Train every classifier of a ``ClassifierConfig``: a parent run with one nested run each.

    The best by ``registry.select_by`` is registered as a new version of
    ``registry.model_name`` and gets ``registry.alias``.
    """
    import pandas as pd

    from ..classify import (check_labels, prepare_features, prepare_prototypes, select_best, train_classifier,
                            with_zero_shot)

    experiment = config.tracking.experiment
    shared = config_params(config, exclude={"classifiers"})
    with tracked_run(experiment, config.name, tags={"topiclab.kind": "classifier-training"}) as parent:
        log_params({**shared, "classifiers": ", ".join(s.name for s in config.classifiers)})
        config_yaml = yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False)
        mlflow.log_text(config_yaml, "config.yaml")
        if config_path is not None:
            mlflow.log_text(resolve(config_path).read_text(encoding="utf-8"), f"config/{Path(config_path).name}")
        if not config.has_training_data:
            return _track_zero_shot_only(config, parent, embedder)
        data = load_training_data(config)
        check_labels(data.labels, config.evaluation.folds, config.evaluation.test_size)
        log_dataset(data, "training")
        if config.labels.source == "run":
            mlflow.set_tag("labels_run_id", data.source.split("/")[1])
        config = with_zero_shot(config, data.labels)
        features = prepare_features(config, data, embedder, progress)
        prototypes = prepare_prototypes(config, data.labels, embedder)
        trained = []
        for spec in config.classifiers:
            tags = {"topiclab.kind": "classifier", "classifier": spec.kind, "training_run": parent.info.run_id}
            with tracked_run(experiment, spec.name, nested=True, tags=tags) as run:
                spec_params = flatten(spec.model_dump(mode="json", exclude={"name"}), "classifier.")
                log_params({**shared, **spec_params, "classifier.name": spec.name})
                mlflow.log_text(config_yaml, "config.yaml")
                log_dataset(data, "training")
                report = train_classifier(spec, config, data, features, prototypes)
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


def _track_zero_shot_only(config, parent, embedder) -> Training:
    """No labelled data: the taxonomy's zero-shot model (default temperature, no chosen threshold)."""
    from ..classify import TextClassifier, make_estimator, prepare_prototypes

    prototypes = prepare_prototypes(config, None, embedder)
    spec = config.classifiers[0]
    estimator = make_estimator(spec, config, [], prototypes.vectors.shape[1], prototypes).fit(None)
    model = TextClassifier(estimator, list(estimator.classes_), config.embedding.model, config.embedding.batch_size,
                           spec.name, spec.kind, chunk_words=config.embedding.chunk_words)
    with tracked_run(config.tracking.experiment, spec.name, nested=True,
                     tags={"topiclab.kind": "classifier", "classifier": spec.kind,
                           "training_run": parent.info.run_id}) as run:
        mlflow.log_params({"classifier.kind": spec.kind, "taxonomy": config.taxonomy,
                           "temperature": estimator.temperature_})
        mlflow.set_tag("labelled_data", "none: no cross-validation, no abstention threshold")
        info = log_text_model(model, prototypes.texts[:2])
    registered = None
    if config.registry.enabled:
        registered = register_classifier(info.model_uri, config.registry.model_name, config.registry.alias,
                                         {"classifier": spec.name, "kind": spec.kind, "run_id": run.info.run_id,
                                          "training_run": parent.info.run_id})
    return Training([], None, parent.info.run_id, registered, model_uri=info.model_uri)


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
        raise TopiclabError(f"the model registry of {tracking_uri()} is empty: `topiclab run CONFIG` registers "
                            "a topic model, `topiclab train CONFIG` a classifier")
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
        with no_progress_bars():
            model = mlflow.pyfunc.load_model(resolved)
    except (MlflowException, OSError) as error:
        raise TopiclabError(f"cannot load model {uri}: {_one_line(error)}") from None
    loader = model.metadata.flavors.get("python_function", {}).get("loader_module")
    if loader != "topiclab.textmodel":
        raise TopiclabError(f"{uri} is not a topiclab text classifier (loader {loader!r})")
    return model


def classify_texts(model, texts: list[str], min_probability: float | None = None):
    """Predictions of a loaded pyfunc model for ``texts`` (DataFrame: label, probabilities).

    ``min_probability`` replaces the model's own abstention thresholds (label None below it).
    """
    import pandas as pd
    from mlflow.exceptions import MlflowException

    from ..classify import TEXT_COLUMN, check_min_probability, check_texts

    check_min_probability(min_probability)
    params = None if min_probability is None else {"min_probability": float(min_probability)}
    try:
        return model.predict(pd.DataFrame({TEXT_COLUMN: check_texts(list(texts))}, dtype=object), params=params)
    except MlflowException as error:
        raise TopiclabError(f"the model refused the input: {_one_line(error)}") from None


def move_alias(name: str, version: str | int, alias: str = "champion") -> str | None:
    """Point ``alias`` of registered model ``name`` at ``version``; returns the version it left."""
    resolve_model_uri(f"models:/{name}/{version}")  # one-line errors for unknown name or version
    from mlflow.exceptions import MlflowException

    store = client()
    previous = store.get_registered_model(name).aliases.get(alias)
    try:
        with server_refusals(tracking_uri(), f"move the aliases of model '{name}'"):
            store.set_registered_model_alias(name, alias, str(version))
    except MlflowException as error:  # a name MLflow refuses (spaces, "latest", "v3"): its words say why
        raise TopiclabError(f"alias {alias!r}: {error.message}") from None
    return previous


def serve_command(model_uri: str, host: str = "127.0.0.1", port: int = 5001) -> tuple[list[str], dict[str, str]]:
    """The ``mlflow models serve`` command line and environment for a registered classifier.

    MLflow starts ``uvicorn`` from PATH, so this interpreter's bin folder goes first.
    """
    import sys

    resolved = resolve_model_uri(model_uri)
    check_can_listen(host, port)
    env = os.environ.copy()
    env["MLFLOW_TRACKING_URI"] = tracking_uri()
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    command = [sys.executable, "-m", "mlflow", "models", "serve", "-m", resolved, "--host", host,
               "--port", str(port), "--env-manager", "local"]
    return command, env

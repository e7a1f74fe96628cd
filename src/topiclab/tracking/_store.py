"""The MLflow store, runs and experiment runs (experiment.py's results)."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import mlflow
import yaml
from mlflow.tracking import MlflowClient

from .. import __version__
from ..errors import Terminated, TopiclabError
from ..config import ExperimentConfig, flatten, used_settings
from ..pipeline import RUN_METRICS, Result, run_experiment
from ..paths import DEFAULT_TRACKING_URI, MLRUNS_DIR, PROJECT_ROOT, resolve
from ..vectorize import backend_params
from ._auth import server_refusals
from ._lifecycle import (SIGNAL_TAG, closing_run, mark_dead_runs, open_run, prepare_store, process_tags,
                         raise_if_terminated, retry_locked, starting_run, terminate_on_sigterm)

__all__ = ["MAX_PARAM_LENGTH", "log_dataset", "tracking_uri", "artifact_root", "use_store", "client",
           "ensure_experiment", "EXPERIMENT_KIND_TAG", "git_commit", "check_tags", "tracked_run", "log_params",
           "config_params", "log_result", "log_figures", "track_experiment", "ui_command", "server_command",
           "server_store_uri", "check_can_listen", "no_progress_bars"]


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
    prepare_store(uri)
    mlflow.set_tracking_uri(uri)
    return uri


def client() -> MlflowClient:
    return MlflowClient(use_store())


@contextmanager
def no_progress_bars():
    """MLflow's artifact download bars off (small files: the bars are only noise on stderr)."""
    name = "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"
    before = os.environ.get(name)
    os.environ[name] = "false"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


# What the MLflow UI calls an experiment of "machine learning" (runs, params, metrics), not of GenAI (traces).
EXPERIMENT_KIND_TAG, EXPERIMENT_KIND = "mlflow.experimentKind", "custom_model_development"


def ensure_experiment(name: str) -> str:
    """Id of experiment ``name``, created with its artifacts in the local root, and marked an experiment of
    model training for the MLflow UI (``EXPERIMENT_KIND_TAG``; one made elsewhere is marked at first use)."""
    uri = use_store()
    existing = mlflow.get_experiment_by_name(name)
    from mlflow.exceptions import MlflowException

    if existing is not None:
        if EXPERIMENT_KIND_TAG not in existing.tags:
            try:
                retry_locked(lambda: MlflowClient(uri).set_experiment_tag(existing.experiment_id,
                                                                          EXPERIMENT_KIND_TAG, EXPERIMENT_KIND))
            except MlflowException:  # e.g. a server's user who may log runs but not edit the experiment
                pass
        return existing.experiment_id

    root = artifact_root(uri)
    location = (root / name).as_uri() if root is not None else None
    try:
        with server_refusals(uri, f"create experiment '{name}'"):
            return retry_locked(lambda: mlflow.create_experiment(name, artifact_location=location,
                                                                 tags={EXPERIMENT_KIND_TAG: EXPERIMENT_KIND}))
    except MlflowException:  # a parallel process created it first
        existing = mlflow.get_experiment_by_name(name)
        if existing is None:
            raise
        return existing.experiment_id


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "unknown"


_swept: set[str] = set()


def _mark_dead_runs_once(uri: str) -> None:
    """At the first run of a process: runs of this host left RUNNING by a dead process become KILLED."""
    if uri not in _swept:
        _swept.add(uri)
        mark_dead_runs(MlflowClient(uri))


@contextmanager
def tracked_run(experiment: str, run_name: str, nested: bool = False,
                tags: dict[str, str] | None = None) -> Iterator[Any]:
    """An MLflow run that ends FAILED, or KILLED on SIGINT/SIGTERM (the signal tagged), if the body raises.

    Tagged with host and process id, so a run whose process died is told from a live one.
    """
    experiment_id = ensure_experiment(experiment)
    if not nested:
        _mark_dead_runs_once(tracking_uri())
    all_tags = {"topiclab.version": __version__, "git_commit": git_commit(), **process_tags(), **(tags or {})}
    with terminate_on_sigterm():
        with starting_run(), server_refusals(tracking_uri(), f"create runs in experiment '{experiment}'"):
            run = retry_locked(lambda: mlflow.start_run(experiment_id=experiment_id, run_name=run_name,
                                                        nested=nested, tags=all_tags))
        try:
            with open_run(run.info.run_id):
                raise_if_terminated()  # a stop that came while the run was being created ends it now
                yield run
                raise_if_terminated()
        except BaseException as error:
            status = "KILLED" if isinstance(error, (KeyboardInterrupt, Terminated)) else "FAILED"
            message = f"{type(error).__name__}: {error}"
            with closing_run(run.info.run_id):
                try:  # the note of why, retried while another process holds SQLite's lock (a parallel sweep)
                    if isinstance(error, (KeyboardInterrupt, Terminated)):
                        signal_name = error.name if isinstance(error, Terminated) else "SIGINT"
                        retry_locked(lambda: mlflow.set_tag(SIGNAL_TAG, signal_name))
                    retry_locked(lambda: mlflow.set_tag("error", message[:5000]))
                    retry_locked(lambda: mlflow.log_text(message, "error.txt"))
                except Exception:  # a note that cannot be written must not hide the error or keep the run open
                    pass
                retry_locked(lambda: mlflow.end_run(status=status))
            raise
        retry_locked(mlflow.end_run)


def check_tags(items: list[str]) -> dict[str, str]:
    """``["team=news", ...]`` (``--tag KEY=VALUE``) as run tags; MLflow's and topiclab's own keys are refused,
    so a tag cannot hide how a run was made (its process, its overrides)."""
    tags = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise TopiclabError(f"--tag {item!r} is not of the form KEY=VALUE")
        if key.startswith(("mlflow.", "topiclab.")):
            raise TopiclabError(f"--tag {key!r}: keys starting with mlflow. or topiclab. are set by topiclab itself")
        tags[key] = value
    return tags


def log_params(params: dict[str, Any]) -> None:
    clean = {k: ("None" if v is None else str(v)[:MAX_PARAM_LENGTH]) for k, v in params.items()}
    items = list(clean.items())
    for start in range(0, len(items), 100):  # MLflow takes at most 100 params per batch
        mlflow.log_params(dict(items[start:start + 100]))


def config_params(config, exclude: set[str] | None = None) -> dict[str, Any]:
    """A config as MLflow params, plus the embedding backend that really ran (``auto`` resolved) and the CPU.
    An experiment config gives only the settings its methods read (``config.used_settings``)."""
    if isinstance(config, ExperimentConfig):
        params = used_settings(config, exclude)
    else:
        params = flatten(config.model_dump(mode="json", exclude=exclude))
    vectorize = getattr(config, "vectorize", None)
    embedding, prefix = ((vectorize.embedding, "vectorize.embedding.") if vectorize is not None
                         else (getattr(config, "embedding", None), "embedding."))
    if embedding is not None and any(key.startswith(prefix) for key in params):
        params.update(backend_params(embedding.model, embedding.backend, prefix))
    return params


def log_dataset(data, context: str) -> None:
    """``data`` (a corpus or labelled texts) as an MLflow dataset input; its hash, source and name as tags."""
    from mlflow.exceptions import MlflowException

    mlflow.set_tags({"data_hash": data.content_hash, "data_source": data.source, "data_name": data.name})
    frame, digest = data.to_frame()[["id", "text", "label"]], data.content_hash[:16]
    with warnings.catch_warnings():  # a local path matches two equivalent MLflow source types
        warnings.simplefilter("ignore", UserWarning)
        try:
            dataset = mlflow.data.from_pandas(frame, source=data.source, name=data.name, digest=digest)
        except MlflowException:  # e.g. runs:/... (pseudo-labels): no resolver; the tag keeps the source
            dataset = mlflow.data.from_pandas(frame, name=data.name, digest=digest)
    try:
        retry_locked(lambda: mlflow.log_input(dataset, context=context))
    except MlflowException as error:
        if "unique" not in str(error).lower():
            raise
        # a parallel run of the same experiment inserted this dataset first: the retry finds and links it
        retry_locked(lambda: mlflow.log_input(dataset, context=context))


def log_result(result: Result, figures: str | None = None) -> None:
    """Metrics, input dataset and artifacts of a finished experiment; its figures as ``log_figures`` draws
    them for ``figures`` (default: the run's ``figures`` setting)."""
    # In RUN_METRICS' order, quality first: the UI's compare view plots the first metric it finds
    order = {name: place for place, name in enumerate(RUN_METRICS)}
    names = sorted(result.metrics, key=lambda name: order.get(name, len(order)))
    mlflow.log_metrics({name: float(result.metrics[name]) for name in names})
    log_dataset(result.corpus, "clustering")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        result.topic_table().to_csv(out / "topics.csv", index=False)
        result.assignments_table().to_csv(out / "assignments.csv", index=False)
        mlflow.log_artifacts(folder)
    from ._topic_models import log_topic_views

    log_topic_views(result)
    log_figures(result, figures)


def log_figures(result: Result, figures: str | None = None) -> list[str]:
    """The run's views (``viz.run_figures``) as one ``report.html`` (plotly.js inside once, offline), and
    with ``figures: all`` the topic-size chart as ``topic_sizes.png``; none for ``figures: none``.
    Returns the artifact names logged."""
    from .. import viz

    which = figures or result.config.figures
    views = viz.run_figures(result, which)
    logged = []
    if views:
        mlflow.log_text(viz.report_page(views, f"{result.config.name}: topics"), viz.REPORT_PAGE)
        logged.append(viz.REPORT_PAGE)
    if which == "all" and result.topics:
        with tempfile.TemporaryDirectory() as folder:
            figure = viz.topic_sizes(result)
            figure.savefig(Path(folder) / "topic_sizes.png", dpi=100)
            viz.close_figure(figure)
            mlflow.log_artifact(str(Path(folder) / "topic_sizes.png"))
        logged.append("topic_sizes.png")
    return logged


OVERRIDES_TAG, CONFIG_NAME_TAG = "topiclab.overrides", "topiclab.config_name"


def track_experiment(config: ExperimentConfig, config_path: str | Path | None = None,
                     progress: bool = False, embedder=None, run_name: str | None = None,
                     overrides: list[str] | None = None, tags: dict[str, str] | None = None,
                     startup_s: float | None = None) -> tuple[Result, str]:
    """Run one experiment inside an MLflow run; returns the Result and the run id.

    The run is named ``run_name``, else by the config's name and the ``overrides`` that made ``config``
    from its file (``config.run_name``: ``seed_news[seed=7]``); those are tagged too, with ``tags``.
    Besides the pipeline's stage times the run logs ``time_logging_s`` (params, artifacts, figures and the
    topic model's registration: all the tracking, measured up to its last metric) and, given
    ``startup_s`` (the process's seconds before the command began, ``topiclab run``), ``time_startup_s``.
    """
    from ..config import override_label
    from ..config import run_name as overridden_name

    started = time.perf_counter()
    all_tags = {CONFIG_NAME_TAG: config.name, **(tags or {})}
    if overrides and override_label(overrides):
        all_tags[OVERRIDES_TAG] = override_label(overrides)
    name = run_name or overridden_name(config.name, overrides or [])
    with tracked_run(config.tracking.experiment, name, tags=all_tags) as run:
        log_params(config_params(config))
        config_text = resolve(config_path).read_text(encoding="utf-8") if config_path else None
        mlflow.log_text(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False), "config.yaml")
        if config_text is not None:
            mlflow.log_text(config_text, f"config/{Path(config_path).name}")
        result = run_experiment(config, embedder=embedder, progress=progress)
        if startup_s is not None:
            result.metrics["time_startup_s"] = startup_s
        log_result(result)
        if result.topic_model is not None:  # a version of <experiment>-topics (_registry: when it is champion)
            from ._registry import register_topic_model

            register_topic_model(client(), run.info.run_id, config.tracking.experiment)
        result.metrics["time_logging_s"] = time.perf_counter() - started - sum(result.timings.values())
        mlflow.log_metric("time_logging_s", result.metrics["time_logging_s"])
        return result, run.info.run_id


def check_can_listen(host: str, port: int) -> None:
    """Refuse a host:port that cannot be bound (busy, or not this machine's) before a server starts:
    MLflow's own servers report it as a log line and exit 0."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: a closing socket is no clash
        try:
            probe.bind((host, port))
        except OSError as error:
            raise TopiclabError(f"cannot listen on {host}:{port}: {error.strerror}") from None


def ui_command(host: str = "127.0.0.1", port: int = 5000) -> list[str]:
    """The ``mlflow ui`` command line for this project's store (run through ``_ui_app``: it opens on runs)."""
    import sys

    check_can_listen(host, port)
    uri = tracking_uri()
    # MLflow's ``mlflow ui``, its page opening on runs (``_ui_app``). One worker is plenty for one user and
    # starts fast on a small machine.
    command = [sys.executable, "-m", "topiclab.tracking._ui_app", "ui", "--backend-store-uri", uri,
               "--host", host, "--port", str(port), "--workers", "1"]
    root = artifact_root(uri)
    if root is not None:
        command += ["--default-artifact-root", root.as_uri()]
    return command


def server_command(backend_store_uri: str | None = None, artifacts_destination: str | None = None,
                   host: str = "127.0.0.1", port: int = 5000, workers: int = 4,
                   allowed_hosts: str | None = None, auth: bool = False) -> list[str]:
    """The ``mlflow server`` command line for a team: artifacts served through the server; with
    ``auth``, MLflow's basic-auth app (its environment: ``auth_server_env``)."""
    import sys

    uri = server_store_uri(backend_store_uri)
    check_can_listen(host, port)
    prepare_store(uri)  # a fresh SQLite store gets its schema once, before the workers race for it
    destination = artifacts_destination or str(artifact_root(uri) or MLRUNS_DIR)
    if "://" not in destination:
        destination = Path(destination).expanduser().resolve().as_uri()
    # MLflow's ``mlflow server``, its page opening on runs as ``topiclab ui``'s does (``_ui_app``)
    command = [sys.executable, "-m", "topiclab.tracking._ui_app", "server", "--backend-store-uri", uri,
               "--serve-artifacts",
               "--artifacts-destination", destination, "--host", host, "--port", str(port),
               "--workers", str(workers)]
    if allowed_hosts:
        command += ["--allowed-hosts", allowed_hosts]
    if auth:
        command += ["--app-name", "basic-auth"]
    return command


def server_store_uri(backend_store_uri: str | None = None) -> str:
    """The database a team server keeps its runs in (the project's store by default), as SQLAlchemy names it."""
    uri = backend_store_uri or tracking_uri()
    if uri.startswith(("http://", "https://")):
        raise TopiclabError(f"--backend-store-uri must be a database (postgresql://... or sqlite:///...), not {uri}")
    if uri.startswith(("postgresql://", "postgres://")):  # SQLAlchemy's default driver, psycopg2, is not ours
        uri = "postgresql+psycopg://" + uri.split("://", 1)[1]
    return uri

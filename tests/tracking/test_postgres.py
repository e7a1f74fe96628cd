"""A team's store: `topiclab server` on a real PostgreSQL started by the test; 8 parallel runs, a sweep
and a training through it, and @champion loaded back in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml
from mlflow.tracking import MlflowClient

from classify_helpers import tiny_config, write_tiny_csv
from postgres import postgres_server, why_impossible
from processes import free_port, stop_process_group, wait_until_answering
from toy_runs import start_topiclab, toy_config, topiclab_env

N_PARALLEL = 8


@pytest.fixture
def team_server(tmp_path):
    reason = why_impossible()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with postgres_server() as database:
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "topiclab.cli", "server", "--backend-store-uri", database,
             "--artifacts-destination", str(tmp_path / "artifacts"), "--port", str(port), "--workers", "2"],
            env=topiclab_env(f"sqlite:///{tmp_path / 'unused.db'}"), start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=open(tmp_path / "server.log", "w"))
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_answering(server, f"{url}/health", tmp_path / "server.log", timeout=300)
            yield url
        finally:
            stop_process_group(server)


def _topiclab(args, uri, timeout=900):
    done = subprocess.run([sys.executable, "-m", "topiclab.cli", *args], env=topiclab_env(uri),
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_runs_sweeps_and_training_through_the_team_server(team_server, tmp_path):
    uri, client = team_server, MlflowClient(team_server)
    config = toy_config(tmp_path, "team")
    processes = [start_topiclab(["run", str(config)], uri) for _ in range(N_PARALLEL)]
    codes = [(p.wait(timeout=900), p.stderr.read()) for p in processes]
    assert [c for c, _ in codes] == [0] * N_PARALLEL, next(err for c, err in codes if c)[-2000:]
    team = client.get_experiment_by_name("team")
    runs = client.search_runs([team.experiment_id])
    assert len(runs) == N_PARALLEL and {r.info.status for r in runs} == {"FINISHED"}
    assert team.artifact_location.startswith("mlflow-artifacts:")  # served through the server
    assert "topics.csv" in {a.path for a in client.list_artifacts(runs[0].info.run_id)}

    _topiclab(["sweep", str(config), "--grid", "cluster.k=2,3", "--jobs", "2", "--set",
               "tracking.experiment=team-sweep"], uri)
    sweep = client.search_runs([client.get_experiment_by_name("team-sweep").experiment_id])
    parents = [r for r in sweep if r.data.tags.get("topiclab.sweep") == "parent"]
    assert len(parents) == 1 and len(sweep) == 3
    assert all(r.data.tags.get("mlflow.parentRunId") == parents[0].info.run_id for r in sweep if r not in parents)

    training = tmp_path / "classify.yaml"
    training.write_text(yaml.safe_dump(tiny_config(write_tiny_csv(tmp_path), [{"kind": "tfidf_logreg"}])))
    _topiclab(["train", str(training)], uri)
    answer = _topiclab(["classify", "--json", "The striker scored twice in the cup final"], uri)
    assert '"label": "sport"' in answer.stdout

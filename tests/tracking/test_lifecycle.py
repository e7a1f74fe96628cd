"""Runs end honestly: SIGTERM/SIGINT end KILLED with the signal tagged; a SIGKILLed run is found dead."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import mlflow
import psutil
import pytest
from mlflow.tracking import MlflowClient

from topiclab import tracking
from toy_runs import big_corpus, start_topiclab, toy_config, topiclab_env, wait_for_running


def _slow_run(tmp_path, uri: str):
    config = toy_config(tmp_path, "signals")
    overrides = ["--set", f"data.path={big_corpus(tmp_path)}", "--set", "data.gold=null",
                 "--set", "cluster.k=8"]
    process = start_topiclab(["run", str(config), *overrides], uri)
    client = MlflowClient(uri)
    run = wait_for_running(client, "signals")
    return process, client, run


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signalled_run_ends_killed_with_the_signal_and_a_non_zero_exit(tmp_path, tracking_uri, signum):
    process, client, run = _slow_run(tmp_path, tracking_uri)
    try:
        assert run is not None, process.stderr.read()[-2000:] if process.poll() is not None else "no run"
        process.send_signal(signum)
        code = process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    stderr = process.stderr.read()
    assert code != 0
    assert "Traceback" not in stderr
    ended = client.get_run(run.info.run_id)
    assert ended.info.status == "KILLED"
    assert ended.data.tags[tracking.SIGNAL_TAG] == signal.Signals(signum).name
    assert code == 128 + signum
    line = "error: terminated by SIGTERM" if signum == signal.SIGTERM else "error: interrupted (Ctrl-C)"
    assert [text for text in stderr.splitlines() if text.startswith("error:")] == [line]


def _alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signalled_parallel_sweep_stops_its_workers_and_their_trials_end_killed(tmp_path, tracking_uri, signum):
    config = toy_config(tmp_path, "sweep-signals")
    args = ["sweep", str(config), "--set", f"data.path={big_corpus(tmp_path)}", "--grid", "cluster.k=3,4,5,6",
            "--objective", "silhouette", "--jobs", "2"]
    client = MlflowClient(tracking_uri)
    client.search_experiments()  # the store's schema made here first: no race with the sweep making it
    process = start_topiclab(args, tracking_uri, start_new_session=True)  # its own group, as a terminal's job
    children: set[int] = set()
    try:
        trial = wait_for_running(client, "sweep-signals", where="and tags.`topiclab.sweep` = 'trial'")
        assert trial is not None, process.stderr.read()[-2000:] if process.poll() is not None else "no trial"
        children = {child.pid for child in psutil.Process(process.pid).children(recursive=True)}
        signalled_ms = time.time() * 1000
        if signum == signal.SIGINT:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole group
        else:
            process.send_signal(signal.SIGTERM)  # kill -TERM <pid>: the parent alone
        code = process.wait(timeout=120)
        deadline = time.monotonic() + 30
        while _alive(children) and time.monotonic() < deadline:
            time.sleep(0.2)
        survivors = _alive(children)
    finally:
        for pid in _alive(children | {process.pid}):
            os.kill(pid, signal.SIGKILL)
    stderr = process.stderr.read()
    assert code == 128 + signal.SIGTERM if signum == signal.SIGTERM else code != 0
    assert "Traceback" not in stderr, stderr[-3000:]
    assert len(children) >= 2 and survivors == set()  # the workers (and multiprocessing's tracker) are gone
    runs = client.search_runs([client.get_experiment_by_name("sweep-signals").experiment_id])
    parent = [r for r in runs if r.data.tags.get("topiclab.sweep") == "parent"]
    trials = [r for r in runs if r.data.tags.get("topiclab.sweep") == "trial"]
    assert len(parent) == 1 and parent[0].info.status == "KILLED"
    left_running = [(r.info.run_name, r.data.tags.get("topiclab.pid"), r.data.tags.get("topiclab.sweep"))
                    for r in runs if r.info.status == "RUNNING"]
    assert not left_running, (left_running, stderr[-3000:])
    assert trial.info.run_id in {r.info.run_id for r in trials if r.info.status == "KILLED"}
    # A trial either ended before the signal or was stopped by it: none finished after its parent was killed.
    assert all(r.info.status == "KILLED" or r.info.end_time < signalled_ms for r in trials)
    assert {r.data.tags[tracking.SIGNAL_TAG] for r in trials if r.info.status == "KILLED"} <= {"SIGTERM", "SIGINT"}


def test_a_sigkilled_run_is_marked_killed_by_runs_clean(tmp_path, tracking_uri):
    process, client, run = _slow_run(tmp_path, tracking_uri)
    try:
        assert run is not None
        process.kill()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert client.get_run(run.info.run_id).info.status == "RUNNING"  # nothing could close it
    cleaned = subprocess.run([sys.executable, "-m", "topiclab.cli", "runs", "clean"], capture_output=True,
                             text=True, env=topiclab_env(tracking_uri), timeout=300)
    assert cleaned.returncode == 0, cleaned.stderr
    assert run.info.run_id in cleaned.stdout
    assert client.get_run(run.info.run_id).info.status == "KILLED"
    mistyped = tmp_path / "no-such-folder" / "mlflow.db"  # a maintenance command creates no store
    refused = subprocess.run([sys.executable, "-m", "topiclab.cli", "runs", "clean"], capture_output=True,
                             text=True, env=topiclab_env(f"sqlite:///{mistyped}"), timeout=300)
    assert refused.returncode == 1 and refused.stderr.startswith(f"error: no MLflow store at {mistyped}")
    assert not mistyped.parent.exists()


def test_a_live_run_is_left_alone_and_a_dead_one_is_found_at_the_next_start(tracking_uri):
    client = tracking.client()
    experiment_id = tracking.ensure_experiment("dead-runs")
    live = client.create_run(experiment_id, tags={tracking.HOST_TAG: os.uname().nodename,
                                                  tracking.PID_TAG: str(os.getppid())})
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = client.create_run(experiment_id, tags={tracking.HOST_TAG: os.uname().nodename,
                                                  tracking.PID_TAG: str(gone.pid)})
    other_host = client.create_run(experiment_id, tags={tracking.HOST_TAG: "elsewhere",
                                                        tracking.PID_TAG: str(gone.pid)})
    tracking._store._swept.discard(tracking.tracking_uri())  # as a fresh process would
    with tracking.tracked_run("dead-runs", "next") as run:
        assert run.info.status == "RUNNING"
        mlflow.log_metric("x", 1.0)
    assert client.get_run(dead.info.run_id).info.status == "KILLED"
    assert client.get_run(live.info.run_id).info.status == "RUNNING"
    assert client.get_run(other_host.info.run_id).info.status == "RUNNING"
    finished = client.get_run(run.info.run_id)
    assert finished.info.status == "FINISHED"
    assert finished.data.tags[tracking.PID_TAG] == str(os.getpid())

"""`topiclab ui` and `topiclab server` as real processes: a busy port is a one-line error, and a
Ctrl-C or SIGTERM stops the MLflow server with its web workers, cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest
from processes import free_port, stop_process_group, wait_until_answering
from toy_runs import topiclab_env

from topiclab.paths import PROJECT_ROOT
from topiclab.tracking._ui_app import WORKFLOW_KEY

# one web worker and no job runner: quick to start on a small machine
QUIET = {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}


def _env(tmp_path) -> dict[str, str]:
    return {**topiclab_env(f"sqlite:///{tmp_path / 'store.db'}"), **QUIET}


def _serving(port: int) -> list[psutil.Process]:
    """Processes whose command line names the port (the MLflow CLI and its uvicorn)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if str(port) in cmdline and any("mlflow" in part or "uvicorn" in part for part in cmdline):
            found.append(process)
    return found


@pytest.mark.parametrize("command", [["ui"], ["server", "--workers", "1"]])
def test_a_busy_port_is_a_one_line_error(command, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "topiclab.cli", *command, "--port", str(port)],
                              env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr[-2000:]
    assert done.stderr.strip() == f"error: cannot listen on 127.0.0.1:{port}: Address already in use"


@pytest.mark.parametrize("command, stop", [
    (["ui"], "ctrl-c"),  # SIGINT to the whole foreground group, as a terminal sends it
    (["server", "--workers", "2"], "sigterm"),  # to topiclab alone, as a supervisor sends it
])
def test_a_stop_request_ends_the_server_and_its_workers(command, stop, tmp_path):
    port = free_port()
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "topiclab.cli", *command, "--port", str(port)],
                                   env=_env(tmp_path), stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        wait_until_answering(process, f"http://127.0.0.1:{port}/health", log)
        assert _serving(port), "the server's processes were not found by their port"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:  # opens on runs
            assert WORKFLOW_KEY in page.read().decode()
        if stop == "ctrl-c":
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0, log.read_text()[-2000:]
        deadline = time.monotonic() + 20
        while _serving(port) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not _serving(port), "a server process outlived topiclab"
        assert "Traceback" not in log.read_text(), log.read_text()[-3000:]
    finally:
        stop_process_group(process)


@pytest.mark.parametrize("command", [["run", "experiments/seed_news.yaml"], ["runs", "clean"]])
def test_a_tracking_server_that_does_not_answer_is_a_one_line_error(command, tmp_path):
    uri = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    done = subprocess.run([sys.executable, "-m", "topiclab.cli", *command], cwd=PROJECT_ROOT,
                          env={**topiclab_env(uri), **QUIET}, capture_output=True, text=True,
                          timeout=90)  # MLflow's own retries would take minutes
    assert done.returncode == 1, done.stderr[-2000:]
    assert done.stderr.strip() == (f"error: the tracking server {uri} does not answer ([Errno 111] Connection "
                                   "refused); start it (topiclab server) or point MLFLOW_TRACKING_URI elsewhere")

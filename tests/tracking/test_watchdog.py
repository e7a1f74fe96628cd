"""The SIGTERM watchdog ends every run it finds open or being ended, then exits with the signal's code."""

import os
import subprocess
import sys
import textwrap

from mlflow.tracking import MlflowClient

SCRIPT = textwrap.dedent("""
    import signal, sys
    import mlflow
    from topiclab.tracking import _lifecycle

    opened = mlflow.start_run(experiment_id=mlflow.create_experiment("open")).info.run_id
    mlflow.end_run()  # ended by us: the watchdog must end the run ids it is given, not the active run
    client = mlflow.tracking.MlflowClient()
    closing = client.create_run(client.get_experiment_by_name("open").experiment_id).info.run_id
    client.update_run(opened, "RUNNING")
    print(opened, closing, flush=True)
    # The main thread is ending one run (closing_run) while another is open, and is stuck: the
    # watchdog's grace period runs out and it ends both itself.
    _lifecycle.TERMINATE_GRACE_S = 0.5
    with _lifecycle.open_run(opened), _lifecycle.closing_run(closing):
        _lifecycle._end_open_runs_and_exit(signal.SIGTERM)
""")


def test_the_watchdog_ends_open_and_closing_runs_killed_and_exits_143(tracking_uri):
    process = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120,
                             env={**os.environ, "MLFLOW_TRACKING_URI": tracking_uri})
    assert process.returncode == 128 + 15, process.stderr[-2000:]
    assert process.stderr.strip().splitlines()[-1] == "error: terminated by SIGTERM"
    opened, closing = process.stdout.split()
    client = MlflowClient(tracking_uri)
    for run_id in (opened, closing):
        run = client.get_run(run_id)
        assert run.info.status == "KILLED"
        assert run.data.tags["topiclab.signal"] == "SIGTERM"

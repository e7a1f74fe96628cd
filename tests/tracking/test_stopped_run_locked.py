"""A run stopped while another process holds SQLite's write lock still ends KILLED, noted, with the stop raised."""

import sqlite3
import threading

import pytest
from mlflow.tracking import MlflowClient

from topiclab.errors import Terminated
from topiclab.tracking import tracked_run

HOLD_S = 2.0  # a write of another process (a parallel sweep's other trial) that the note and the end wait for


def test_a_stop_while_the_store_is_locked_ends_the_run_killed_and_raises_the_stop(tracking_uri, tmp_path):
    with pytest.raises(Terminated):
        with tracked_run("locked", "stopped") as run:
            run_id = run.info.run_id
            other = sqlite3.connect(tmp_path / "mlflow.db", check_same_thread=False, isolation_level=None)
            other.execute("BEGIN EXCLUSIVE")  # another process's write, held while this run is being ended
            threading.Timer(HOLD_S, lambda: (other.execute("COMMIT"), other.close())).start()
            raise Terminated(15, "SIGTERM")
    got = MlflowClient(tracking_uri).get_run(run_id)
    assert got.info.status == "KILLED"
    assert got.data.tags["topiclab.signal"] == "SIGTERM" and got.data.tags["error"].startswith("Terminated")

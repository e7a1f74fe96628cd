"""Servers started by tests: a free port, and a stop that leaves no worker behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM to the server's own process group, SIGKILL if it lingers or left workers."""
    for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        try:  # the leader is gone; make sure its workers are too
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return


def wait_until_answering(process: subprocess.Popen, url: str, log: Path, timeout: float = 180) -> None:
    """Poll ``url`` (a health or ping endpoint) until it answers 200; fail with the end of ``log``
    if the server exits first or does not answer within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, f"the server exited with {process.returncode}:\n{log.read_text()[-3000:]}"
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:  # URLError, refused, reset, timed out: not up yet
            pass
        assert time.monotonic() < deadline, f"no answer from {url} within {timeout:.0f} s:\n{log.read_text()[-3000:]}"
        time.sleep(0.5)

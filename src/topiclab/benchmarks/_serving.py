"""Serving under load: `topiclab serve` on 127.0.0.1 driven from a second process.

``run_serving_benchmark`` trains the config's classifiers into a temporary
store, serves its @champion with ``topiclab serve``, and has a separate
driver process (``python -m topiclab.benchmarks._serving``) send a bounded
number of requests (2,000, 8 at a time, one text each) to ``/invocations``;
errors, p50/p99 latency and requests per second go to section ``serving``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import TopiclabError
from ..paths import resolve
from ._sections import write_section

__all__ = ["drive", "serving_figures", "run_serving_benchmark", "SECTION"]

SECTION = "serving"
TARGET_ERRORS = 0


def drive(url: str, texts: list[str], requests: int = 2000, concurrency: int = 8) -> dict:
    """POST ``requests`` single-text requests, ``concurrency`` at a time; latencies (s) and error count."""
    def one(i: int) -> tuple[float, bool]:
        body = json.dumps({"dataframe_records": [{"text": texts[i % len(texts)]}]}).encode()
        request = urllib.request.Request(f"{url}/invocations", body, {"Content-Type": "application/json"})
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                ok = answer.status == 200 and b"predictions" in answer.read()
        except OSError:
            ok = False
        return time.perf_counter() - start, ok

    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, range(requests)))
    return {"latencies": [r[0] for r in results], "errors": sum(not r[1] for r in results),
            "seconds": time.perf_counter() - began}


def serving_figures(load: dict, concurrency: int) -> dict:
    latencies = np.asarray(load["latencies"])
    return {"requests": len(latencies), "concurrency": concurrency, "errors": int(load["errors"]),
            "p50_ms": float(np.percentile(latencies, 50) * 1000), "p99_ms": float(np.percentile(latencies, 99) * 1000),
            "requests_per_s": float(len(latencies) / load["seconds"])}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _topiclab(args: list[str], env: dict, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "topiclab.cli", *args], env=env, **popen)


def _wait_ready(url: str, server: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise TopiclabError(f"topiclab serve exited with code {server.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{url}/ping", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TopiclabError(f"topiclab serve did not answer {url}/ping within {timeout:.0f} s")


def _texts(config_path: str) -> list[str]:
    from ..config import load_classifier_config
    from ..data import load_data

    corpus = load_data(load_classifier_config(config_path).data)
    return [text for text in corpus.texts if text.strip()]


def run_serving_benchmark(out: str | Path = "BENCHMARKS.md", config: str = "experiments/classify_seed.yaml",
                          requests: int = 2000, concurrency: int = 8) -> dict:
    """Train into a temporary store, serve @champion, drive it from a second process; writes the section."""
    texts = _texts(config)
    with tempfile.TemporaryDirectory(prefix="topiclab-serving-") as folder:
        env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{Path(folder) / 'mlflow.db'}"}
        trained = _topiclab(["train", str(resolve(config))], env, stdout=subprocess.DEVNULL)
        if trained.wait() != 0:
            raise TopiclabError(f"training {config} for the serving benchmark failed")
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        server = _topiclab(["serve", "--port", str(port)], env, start_new_session=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_ready(url, server)
            (Path(folder) / "texts.json").write_text(json.dumps(texts))
            driver = subprocess.run([sys.executable, "-m", "topiclab.benchmarks._serving", url,
                                     str(Path(folder) / "texts.json"), str(requests), str(concurrency)],
                                    capture_output=True, text=True, env=env)
            if driver.returncode != 0:
                raise TopiclabError(f"the load driver failed: {driver.stderr.strip().splitlines()[-1:]}")
            figures = serving_figures(json.loads(driver.stdout), concurrency)
        finally:
            try:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(server.pid, signal.SIGKILL)
    _write(out, config, figures)
    return figures


def _write(out, config: str, figures: dict) -> None:
    from ..viz import markdown_table

    table = pd.DataFrame([{"requests": figures["requests"], "at a time": figures["concurrency"],
                           "errors": figures["errors"], "p50 (ms)": round(figures["p50_ms"], 1),
                           "p99 (ms)": round(figures["p99_ms"], 1),
                           "requests/s": round(figures["requests_per_s"], 1)}])
    body = (f"## Serving under load\n\n`topiclab serve` (the @champion of `{config}`, trained into a temporary "
            f"store) on 127.0.0.1, driven from a second process: {figures['requests']} requests of one text "
            f"each, {figures['concurrency']} at a time (`make bench-serve`).\n\n{markdown_table(table)}\n")
    met = "met" if figures["errors"] <= TARGET_ERRORS else "missed"
    targets = pd.DataFrame([{"target": "serving: 0 errors in 2,000 requests 8 at a time",
                             "measured": f"{figures['errors']} errors", "status": met}])
    write_section(out, SECTION, body, targets)


if __name__ == "__main__":  # the load driver: a process of its own, apart from the server
    url, texts_file, n, c = sys.argv[1:5]
    result = drive(url, json.loads(Path(texts_file).read_text()), int(n), int(c))
    print(json.dumps(result))

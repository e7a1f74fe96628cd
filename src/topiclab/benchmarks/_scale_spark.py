"""Spark at scale: `topiclab spark classify` / `spark embed` on the scale corpus, timed from outside.

Each measurement is one `python -m topiclab spark ...` process on the Parquet
parts of the scale corpus, so what is timed is what a user waits for: Spark's
start, the model's load in every Python worker, the read, the work and the
write. Documents per second = documents / wall seconds. Peak memory is the
largest resident set of the whole process tree (the driver, the JVM it
starts and the Python workers), sampled every 0.2 s with psutil.

Tiers:

* ``tfidf``: the TF-IDF champion (``tfidf_logreg`` of
  ``experiments/classify_bbc.yaml``, trained into a throwaway store) through
  ``spark classify``, at the full size on ``local[1]`` and ``local[2]``.
* ``static``: the documents' embeddings with the ``static`` backend (Model2Vec
  distilled from the packaged MiniLM) through ``spark embed``: the step an
  embedding classifier spends its time on; full size, ``local[1]`` and ``local[2]``.
* ``torch`` and ``onnx-int8``: MiniLM's embeddings through ``spark embed`` at a
  smaller size, with the time a million would take projected linearly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import TopiclabError
from ..paths import EXPERIMENTS_DIR

__all__ = ["SparkPoint", "tree_peak_rss", "train_tfidf_champion", "spark_command", "measure_spark",
           "PROJECTED_DOCUMENTS"]

PROJECTED_DOCUMENTS = 1_000_000
TFIDF_MODEL = "scale-tfidf-classifier"


@dataclass
class SparkPoint:
    tier: str  # tfidf, static, torch, onnx-int8
    master: str
    n_documents: int
    seconds: float
    peak_bytes: int
    cores: int | None = None  # CPUs the process tree was pinned to; None: every core of the machine

    @property
    def docs_per_s(self) -> float:
        return self.n_documents / self.seconds if self.seconds > 0 else float("nan")

    @property
    def projected_s(self) -> float:
        """Seconds for ``PROJECTED_DOCUMENTS`` at this rate (linear: Spark's work is per row)."""
        return PROJECTED_DOCUMENTS / self.docs_per_s


class tree_peak_rss:
    """Context manager sampling the summed resident memory of a process and its descendants."""

    def __init__(self, pid: int, every: float = 0.2):
        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self._stop.is_set():
            total = 0
            try:
                for process in [root, *root.children(recursive=True)]:
                    try:
                        total += process.memory_info().rss
                    except psutil.NoSuchProcess:
                        pass
            except psutil.NoSuchProcess:
                return
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _topiclab(args: list[str], env: dict, **run) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "topiclab.cli", *args], env=env, capture_output=True, text=True, **run)


def _last_line(process: subprocess.CompletedProcess) -> str:
    lines = (process.stderr or process.stdout or "").strip().splitlines()
    return lines[-1] if lines else f"exit code {process.returncode}"


def train_tfidf_champion(folder: Path, env: dict, seed: int = 42) -> str:
    """Train the TF-IDF champion of ``classify_bbc.yaml`` into the store of ``env``; its model URI."""
    raw = yaml.safe_load((EXPERIMENTS_DIR / "classify_bbc.yaml").read_text("utf-8"))
    raw.update({"name": "scale-tfidf", "seed": seed,
                "classifiers": [c for c in raw["classifiers"] if c["kind"] == "tfidf_logreg"],
                "registry": {**raw["registry"], "model_name": TFIDF_MODEL},
                "tracking": {"experiment": "scale-benchmark"}})
    config = Path(folder) / "classify_tfidf.yaml"
    config.write_text(yaml.safe_dump(raw), "utf-8")
    trained = _topiclab(["train", str(config)], env)
    if trained.returncode != 0:
        raise TopiclabError(f"training the TF-IDF champion for the scale benchmark failed: {_last_line(trained)}")
    return f"models:/{TFIDF_MODEL}@{raw['registry'].get('alias', 'champion')}"


def spark_command(tier: str, corpus: Path, output: Path, master: str, model_uri: str | None = None) -> list[str]:
    """The `topiclab spark` arguments of one tier."""
    if tier == "tfidf":
        return ["spark", "classify", str(corpus), str(output), "--model", str(model_uri), "--master", master]
    # No cache: every row is embedded, as on a corpus seen for the first time (and 1M rows stay off the disk).
    return ["spark", "embed", str(corpus), str(output), "--backend", tier, "--no-cache", "--master", master]


def _pinned(cores: int | None):
    """A ``preexec_fn`` keeping the process (and the JVM and workers it starts) on the first ``cores`` CPUs."""
    if cores is None:
        return None
    available = sorted(os.sched_getaffinity(0))
    if len(available) < cores:
        raise TopiclabError(f"cannot pin Spark to {cores} cores: this process may use {len(available)}")
    return lambda: os.sched_setaffinity(0, available[:cores])


def measure_spark(tier: str, corpus: Path, n_documents: int, master: str, env: dict,
                  model_uri: str | None = None, cores: int | None = None) -> SparkPoint:
    """One `topiclab spark` process on ``corpus``: wall seconds and the peak memory of its process tree.

    ``cores``: pin the whole process tree to that many CPUs (a speedup over cores
    needs ``local[1]`` on one: unpinned, its JVM threads work on the idle second core).
    """
    with tempfile.TemporaryDirectory(prefix="topiclab-scale-spark-") as folder:
        output = Path(folder) / "out.parquet"
        command = [sys.executable, "-m", "topiclab.cli", *spark_command(tier, corpus, output, master, model_uri)]
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                   preexec_fn=_pinned(cores))
        with tree_peak_rss(process.pid) as memory:
            _, errors = process.communicate()
        seconds = time.perf_counter() - start
        if process.returncode != 0:
            tail = errors.strip().splitlines()[-1:] or [f"exit code {process.returncode}"]
            raise TopiclabError(f"topiclab {' '.join(command[3:5])} ({tier}, {master}) failed: {tail[0]}")
        shutil.rmtree(output, ignore_errors=True)
    return SparkPoint(tier, master, n_documents, seconds, memory.peak, cores)


def spark_env(folder: Path) -> dict:
    """The environment of the benchmark's processes: a throwaway MLflow store, offline models."""
    return {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{Path(folder) / 'mlflow.db'}",
            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}

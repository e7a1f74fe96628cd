"""A tiny experiment (12 TF-IDF documents, no MiniLM, no taxonomy) and `topiclab` in subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROWS = [
    ("goal striker league match coach", "sport"), ("stadium referee penalty season club", "sport"),
    ("striker goal penalty match", "sport"), ("coach league club season", "sport"),
    ("shares investors profit market stocks", "markets"), ("bank earnings prices trading economy", "markets"),
    ("stocks market shares bank", "markets"), ("profit earnings investors trading", "markets"),
    ("rocket orbit astronaut launch satellite", "space"), ("mission planet telescope lunar crew", "space"),
    ("orbit launch rocket crew", "space"), ("satellite telescope planet mission", "space"),
]
SRC = str(Path(__file__).resolve().parents[1] / "src")


def toy_config(folder: Path, experiment: str = "toy", **sweep) -> Path:
    folder = Path(folder).resolve()
    csv = folder / "toy.csv"
    csv.write_text("id,text,label\n" + "\n".join(f"{i},{t},{l}" for i, (t, l) in enumerate(ROWS)) + "\n")
    config = {"name": "toy", "seed": 7, "data": {"path": str(csv)}, "vectorize": {"representation": "tfidf"},
              "cluster": {"k": 3}, "topics": {"taxonomy": None}, "tracking": {"experiment": experiment}}
    if sweep:
        config["sweep"] = sweep
    path = folder / "toy.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def topiclab_env(tracking_uri: str) -> dict[str, str]:
    env = {**os.environ, "MLFLOW_TRACKING_URI": tracking_uri}
    env["PYTHONPATH"] = os.pathsep.join([SRC, *filter(None, [env.get("PYTHONPATH")])])
    return env


def start_topiclab(args: list[str], tracking_uri: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "topiclab.cli", *args], env=topiclab_env(tracking_uri),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def wait_for_running(client, experiment: str, timeout: float = 240.0, where: str = ""):
    """The first RUNNING run of ``experiment`` (polled; ``where``: more of the filter, e.g. ``and tags...``),
    or None once ``timeout`` passes."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = client.get_experiment_by_name(experiment)
        if found is not None:
            runs = client.search_runs([found.experiment_id], f"attributes.status = 'RUNNING' {where}")
            if runs:
                return runs[0]
        time.sleep(0.1)
    return None


def big_corpus(folder: Path, n: int = 3000, seed: int = 7) -> Path:
    """``n`` documents of random topic words: slow enough to signal a run mid-way."""
    import random

    rng = random.Random(seed)
    words = [w for text, _ in ROWS for w in text.split()]
    csv = Path(folder).resolve() / "big.csv"
    csv.write_text("id,text\n" + "\n".join(f"{i},{' '.join(rng.choices(words, k=40))}" for i in range(n)) + "\n")
    return csv

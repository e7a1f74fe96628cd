"""``topiclab bench-speed``: a cold ``topiclab run`` against BERTopic's defaults cold, as processes.

For each shipped config (AG News 4k, BBC News), ``rounds`` times, alternating
which side goes first (a machine that slows down mid-benchmark slows both):

* ours cold: ``topiclab run CONFIG`` in a fresh process, its embedding cache an
  empty temporary folder (``TOPICLAB_CACHE_DIR``), its runs in a temporary
  MLflow store; wall time of the whole process, and the run's logged stage
  times (``time_*_s``: start-up, load, vectorize, cluster, topics, metrics, map,
  logging);
* ours warm: the same command again on the cache the cold run filled;
* BERTopic cold: ``BERTopic().fit_transform`` on the same texts with the same
  MiniLM, every other component its default (``_bertopic_cold``), in a fresh
  process, wall time of the whole process.

The shared embedding cache is never touched. ``run_speed_benchmark`` writes
section ``speed-cold`` of BENCHMARKS.md with its Targets rows and names the CPU
and its vector units. Figures are only as quiet as the machine they ran on.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..paths import EXPERIMENTS_DIR, PROJECT_ROOT
from ..vectorize import machine
from ..viz import markdown_table
from ._sections import write_section

__all__ = ["SPEED_SECTION", "SPEED_CONFIGS", "ColdRun", "SideBySide", "cold_side_by_side", "speed_targets",
           "speed_section", "run_speed_benchmark"]

SPEED_SECTION = "speed-cold"
SPEED_CONFIGS = ("ag_news_4k", "bbc_news")
RATIO_TARGET = 0.6  # our cold run / BERTopic's cold fit
AG_NMI_TARGET = 0.62
WARM_TARGET_S = 10.0
STAGES = ("startup", "load", "vectorize", "cluster", "topics", "metrics", "map", "logging")
_RUN_ID = re.compile(r"MLflow run id: (\w+)")


@dataclass
class ColdRun:
    wall_s: float
    nmi: float
    stages: dict[str, float] = field(default_factory=dict)


@dataclass
class SideBySide:
    config: str
    ours: list[ColdRun]
    warm: list[ColdRun]
    bertopic: list[ColdRun]

    def median(self, side: str, what: str = "wall_s") -> float:
        return statistics.median(getattr(run, what) for run in getattr(self, side))

    @property
    def ratio(self) -> float:
        return self.median("ours") / self.median("bertopic")

    def stage(self, name: str, side: str = "ours") -> float:
        values = [run.stages[name] for run in getattr(self, side) if name in run.stages]
        return statistics.median(values) if values else float("nan")


def _process(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return seconds, done.stdout


def _run_metrics(run_id: str, uri: str) -> dict[str, float]:
    from ..tracking import client

    before = os.environ.get("MLFLOW_TRACKING_URI")
    os.environ["MLFLOW_TRACKING_URI"] = uri
    try:
        return dict(client().get_run(run_id).data.metrics)
    finally:
        if before is None:
            os.environ.pop("MLFLOW_TRACKING_URI", None)
        else:
            os.environ["MLFLOW_TRACKING_URI"] = before


def _ours(config: Path, env: dict[str, str], sample: int | None, uri: str) -> ColdRun:
    command = [sys.executable, "-m", "topiclab.cli", "run", str(config), "--set", "tracking.experiment=bench-speed"]
    if sample is not None:
        command += ["--set", f"data.sample={sample}"]
    seconds, out = _process(command, env)
    found = _RUN_ID.search(out)
    metrics = _run_metrics(found.group(1), uri) if found else {}
    stages = {s: metrics[f"time_{s}_s"] for s in STAGES if f"time_{s}_s" in metrics}
    return ColdRun(seconds, metrics.get("nmi", float("nan")), stages)


def _bertopic(config: Path, env: dict[str, str], sample: int | None, folder: Path) -> ColdRun:
    out = folder / "bertopic.json"
    command = [sys.executable, "-m", "topiclab.benchmarks._bertopic_cold", str(config), str(out)]
    seconds, _ = _process(command + ([str(sample)] if sample is not None else []), env)
    import json

    answer = json.loads(out.read_text(encoding="utf-8"))
    return ColdRun(seconds, answer["nmi"], {"fit": answer["fit_s"]})


def cold_side_by_side(name: str, rounds: int = 3, sample: int | None = None) -> SideBySide:
    """``rounds`` cold runs of ours and of BERTopic on config ``name``, alternated, plus a warm re-run each."""
    config = EXPERIMENTS_DIR / f"{name}.yaml"
    result = SideBySide(name, [], [], [])
    for round_ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="topiclab-bench-speed-") as folder:
            base = Path(folder)
            uri = f"sqlite:///{base / 'mlflow.db'}"
            env = {**os.environ, "TOPICLAB_CACHE_DIR": str(base / "embeddings"), "MLFLOW_TRACKING_URI": uri,
                   "PYTHONPATH": os.pathsep.join(p for p in (str(PROJECT_ROOT / "src"),
                                                              os.environ.get("PYTHONPATH")) if p)}
            sides = [lambda: result.ours.append(_ours(config, env, sample, uri)),
                     lambda: result.bertopic.append(_bertopic(config, env, sample, base))]
            for side in (sides if round_ % 2 == 0 else sides[::-1]):
                side()
            result.warm.append(_ours(config, env, sample, uri))  # the cache the cold run just filled
    return result


def speed_targets(results: list[SideBySide]) -> pd.DataFrame:
    rows = []
    by_name = {r.config: r for r in results}
    if "ag_news_4k" in by_name:
        ag = by_name["ag_news_4k"]
        nmi = ag.median("ours", "nmi")
        rows.append({"target": f"cold AG run <= {RATIO_TARGET}x BERTopic's cold fit with NMI >= {AG_NMI_TARGET}",
                     "measured": f"{ag.ratio:.2f}x ({ag.median('ours'):.1f} s vs {ag.median('bertopic'):.1f} s), "
                                 f"NMI {nmi:.3f}",
                     "status": "met" if ag.ratio <= RATIO_TARGET and nmi >= AG_NMI_TARGET else "missed"})
        warm = ag.median("warm")
        rows.append({"target": f"warm AG re-run (cached embeddings) <= {WARM_TARGET_S:.0f} s",
                     "measured": f"{warm:.1f} s", "status": "met" if warm <= WARM_TARGET_S else "missed"})
    if "bbc_news" in by_name:
        bbc = by_name["bbc_news"]
        rows.append({"target": f"cold BBC run <= {RATIO_TARGET}x BERTopic's cold fit",
                     "measured": f"{bbc.ratio:.2f}x ({bbc.median('ours'):.1f} s vs {bbc.median('bertopic'):.1f} s)",
                     "status": "met" if bbc.ratio <= RATIO_TARGET else "missed"})
    return pd.DataFrame(rows, columns=["target", "measured", "status"])


def speed_section(results: list[SideBySide], rounds: int, sample: int | None, seconds: float) -> str:
    table = pd.DataFrame([{
        "config": r.config, "ours cold s": round(r.median("ours"), 1), "BERTopic cold s": round(r.median("bertopic"), 1),
        "ratio": round(r.ratio, 2), "ours warm s": round(r.median("warm"), 1),
        "ours NMI": round(r.median("ours", "nmi"), 3), "BERTopic NMI": round(r.median("bertopic", "nmi"), 3),
    } for r in results])
    stages = pd.DataFrame([{"config": r.config, "run": side, **{s: round(r.stage(s, side), 1) for s in STAGES}}
                           for r in results for side in ("ours", "warm")])
    scale = "every document" if sample is None else f"a seeded sample of {sample} documents"
    return "\n".join([
        "## Speed: a cold run against BERTopic's defaults", "",
        f"`topiclab bench-speed`: a cold `topiclab run` of each shipped config ({scale}) against "
        "`BERTopic().fit_transform` with the same MiniLM on the same texts, each a fresh process with an empty "
        f"embedding cache, alternated, {rounds} round(s), medians; then our warm re-run on the filled cache. "
        "Wall time of the whole process (imports, model load, logging included).", "",
        markdown_table(table), "",
        "Our runs' stages, cold (`ours`) and warm (median seconds, as each run logs them, `time_*_s`):", "",
        markdown_table(stages), "",
        f"CPU: {machine()}. Took {seconds / 60:.1f} min.", ""])


def run_speed_benchmark(out: str | None, configs: tuple[str, ...] = SPEED_CONFIGS, rounds: int = 3,
                        sample: int | None = None) -> tuple[list[SideBySide], pd.DataFrame]:
    started = time.perf_counter()
    results = [cold_side_by_side(name, rounds, sample) for name in configs]
    targets = speed_targets(results)
    if out is not None:
        write_section(out, SPEED_SECTION, speed_section(results, rounds, sample, time.perf_counter() - started),
                      targets)
    return results, targets

"""The whole pipeline at growing sizes: ``run_experiment`` on 2k to 128k articles of the scale corpus.

The experiment is the configured method of ``experiments/ag_news_4k.yaml``
(MiniLM-space embeddings combined with TF-IDF LSA, k-means, one round of
self-training, coherent keywords, coherence) with k = the corpus's topics.
Embeddings are warm: the embedder has embedded every article once before
anything is timed, so what is measured is the pipeline's own cost. Each
stage's wall time comes from ``Result.timings``; its peak memory is the
process's resident high-water mark over the stage (Linux: reset at the
stage's start through /proc/self/clear_refs; elsewhere the process's peak
so far); its CPU seconds are reported beside. The growth exponent is the least-squares slope of log time over
log documents (1 = linear).
"""

from __future__ import annotations

import gc
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import ExperimentConfig, config_from_dict
from ..errors import TopiclabError
from ..paths import EXPERIMENTS_DIR, atomic_file
from ..pipeline import run_experiment
from ..vectorize import BaseEmbedder
from ._scale_corpus import read_scale_corpus
from ._speed import peak_rss_bytes

__all__ = ["PipelinePoint", "PipelineScaling", "pipeline_config", "corpus_table", "pipeline_scaling",
           "fit_exponent", "StageMeter"]

PIPELINE_SIZES = (2_000, 8_000, 32_000, 128_000)


def fit_exponent(sizes, values) -> float:
    """Least-squares slope of log(value) over log(size); nan with fewer than two points."""
    if len(sizes) < 2:
        return float("nan")
    return float(np.polyfit(np.log(np.asarray(sizes, float)), np.log(np.maximum(values, 1e-9)), 1)[0])


def pipeline_config(path: Path, k: int, seed: int) -> ExperimentConfig:
    """The configured method (AG News's: short articles) on the table at ``path``, k = its topics."""
    from ..config import load_config

    method = load_config(EXPERIMENTS_DIR / "ag_news_4k.yaml")
    return config_from_dict({"name": f"scale-{path.stem}", "seed": seed, "data": {"path": str(path)},
                             "vectorize": method.vectorize.model_dump(mode="json"),
                             "cluster": {**method.cluster.model_dump(mode="json"), "k": k},
                             "topics": method.topics.model_dump(mode="json")})


def corpus_table(folder: Path, n: int) -> Path:
    """The first ``n`` articles of the scale corpus at ``folder`` as a CSV table the pipeline reads (cached)."""
    target = Path(folder) / f"first-{n}.csv"
    if not target.is_file():
        with atomic_file(target) as out:
            read_scale_corpus(folder, n).to_pandas().to_csv(out, index=False)
    return target


class StageMeter:
    """``on_stage`` hook of ``run_experiment``: each stage's resident peak (bytes) and CPU seconds.

    CPU seconds (of every thread of the process) beside the wall time: on a
    machine shared with other work, wall time wanders by a factor of two.
    """

    def __init__(self):
        self.peaks: dict[str, int] = {}
        self.cpu: dict[str, float] = {}
        self._started = 0.0
        self._resettable = Path("/proc/self/clear_refs").exists()

    def __call__(self, stage: str, event: str) -> None:
        if event == "end":
            self.cpu[stage] = time.process_time() - self._started
        if event == "start":
            gc.collect()
            if self._resettable:
                try:
                    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
                        refs.write("5")  # the high-water mark starts again from the current resident set
                except OSError:
                    self._resettable = False
            self._started = time.process_time()
        else:
            self.peaks[stage] = _high_water_bytes() if self._resettable else peak_rss_bytes()


def _high_water_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) * 1024
    return peak_rss_bytes()


def _warm_up(table: Path, embedder: BaseEmbedder, k: int, seed: int) -> None:
    """Pay once, untimed, what only a process's first run pays: imports and UMAP's numba compilation
    (of both its exact and its approximate-neighbour paths)."""
    from ..cluster import MAP_SAMPLE, map_coords as _map_coords

    points = np.random.default_rng(seed).normal(size=(MAP_SAMPLE, 16)).astype(np.float32)
    _map_coords(points, seed)
    _map_coords(points[:200], seed)
    run_experiment(pipeline_config(table, k, seed), embedder=embedder)


@dataclass
class PipelinePoint:
    n_documents: int
    seconds: float  # the whole run_experiment
    stages: dict[str, float]  # seconds per stage (Result.timings)
    stage_peaks: dict[str, int]  # resident peak per stage, bytes
    stage_cpu: dict[str, float]  # CPU seconds per stage (all threads)
    nmi: float
    n_topics: int

    @property
    def cpu_seconds(self) -> float:
        return sum(self.stage_cpu.values())

    @property
    def peak_bytes(self) -> int:
        return max(self.stage_peaks.values(), default=0)


@dataclass
class PipelineScaling:
    points: list[PipelinePoint]  # smallest first
    embedder: str
    k: int  # topics asked of k-means: the corpus's labels
    exponents: dict[str, float] = field(default_factory=dict)  # "total" and each stage

    def frame(self) -> pd.DataFrame:
        rows = []
        for p in self.points:
            row = {"documents": p.n_documents, "total (s)": round(p.seconds, 1), "CPU (s)": round(p.cpu_seconds, 1)}
            row.update({f"{s} (s)": round(v, 1) for s, v in p.stages.items()})
            row.update({"peak memory (GB)": round(p.peak_bytes / 1e9, 2), "NMI": round(p.nmi, 3),
                        "topics": p.n_topics})
            rows.append(row)
        return pd.DataFrame(rows)


def pipeline_scaling(folder: Path, embedder: BaseEmbedder, sizes=PIPELINE_SIZES, seed: int = 42,
                     k: int | None = None) -> PipelineScaling:
    """``run_experiment`` at each size (smallest first) on the scale corpus at ``folder``, embeddings warm."""
    sizes = sorted(sizes)
    tables = {n: corpus_table(folder, n) for n in sizes}
    largest = pd.read_csv(tables[sizes[-1]], dtype=str, keep_default_na=False)
    k = k or largest["label"].nunique()
    embedder.embed(largest["text"].str.strip().tolist())  # warm: every article embedded once, untimed
    del largest
    _warm_up(tables[sizes[0]], embedder, k, seed)
    points = []
    for n in sizes:
        config = pipeline_config(tables[n], k, seed)
        meter = StageMeter()
        result = run_experiment(config, embedder=embedder, on_stage=meter)
        if result.metrics.get("embedding_cache_misses", 0):  # the timings would hold embedding time
            raise TopiclabError(f"the pipeline at {n} documents embedded texts the warm-up did not: not warm")
        points.append(PipelinePoint(n, sum(result.timings.values()), dict(result.timings), dict(meter.peaks),
                                    dict(meter.cpu), float(result.metrics.get("nmi", math.nan)), len(result.topics)))
        del result
    stages = list(points[-1].stages)
    exponents = {"total": fit_exponent(sizes, [p.seconds for p in points]),
                 "total CPU": fit_exponent(sizes, [p.cpu_seconds for p in points])}
    exponents.update({s: fit_exponent(sizes, [p.stages.get(s, 0.0) for p in points]) for s in stages})
    return PipelineScaling(points, embedder.name, k, exponents)

"""Speed measurements for the benchmark, side by side in one process.

* ``cold_vs_warm``: one experiment with an empty embedding cache (model load
  and encoding included) against the same experiment on the filled cache.
* ``bertopic_overhead``: our pipeline with BERTopic as its clusterer against a
  bare ``BERTopic.fit_transform`` with the same components on the same
  precomputed embeddings.
* ``clustering_scaling``: time and peak memory of the clustering stage at
  growing corpus sizes, embeddings resampled from real ones with small noise,
  and the fitted growth exponent (slope of log time over log size).

Nothing here asserts a target; the benchmark reports what it measured.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.preprocessing import normalize

from ..cluster import BERTopicCluster, cluster_vectors
from ..config import ClusterConfig, ExperimentConfig
from ..data import load_data
from ..pipeline import Result, run_experiment
from ..vectorize import make_embedder, unload_models

__all__ = ["ColdWarm", "Overhead", "ScalingPoint", "Scaling", "SpeedResults", "cold_vs_warm", "warm_up_numba",
           "bertopic_overhead", "resample_embeddings", "clustering_scaling", "growth_exponent", "peak_rss_bytes"]

GiB = 2**30


@dataclass
class ColdWarm:
    """One experiment with an empty cache and the model not loaded, then again warm."""

    cold_s: float
    warm_s: float
    cold_stages: dict[str, float]
    warm_stages: dict[str, float]
    cold_misses: float
    warm_misses: float
    warm_result: Result


@dataclass
class Overhead:
    """Best-of-N seconds: our pipeline with BERTopic inside against bare ``BERTopic.fit_transform``."""

    ours_s: float
    ours_without_metrics_s: float
    bare_s: float
    ours_stages: dict[str, float]
    n_documents: int
    n_topics: float

    @property
    def ratio(self) -> float:
        return self.ours_s / self.bare_s


def peak_rss_bytes() -> int:
    """The process's peak resident memory so far."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def cold_vs_warm(config: ExperimentConfig) -> ColdWarm:
    """Total and per-stage seconds of a cold run (empty cache, model not loaded) and a warm one.

    Both use a fresh temporary cache: the cold run fills it, the warm run reads it.
    """
    unload_models()  # cold means the model is loaded again too
    settings = config.vectorize.embedding
    model, batch, backend = settings.model, settings.batch_size, settings.backend
    with tempfile.TemporaryDirectory(prefix="topiclab-cold-") as folder:
        cold = run_experiment(config, embedder=make_embedder(model, batch, cache_dir=Path(folder), backend=backend))
        warm = run_experiment(config, embedder=make_embedder(model, batch, cache_dir=Path(folder), backend=backend))
    return ColdWarm(cold_s=sum(cold.timings.values()), warm_s=sum(warm.timings.values()),
                    cold_stages=dict(cold.timings), warm_stages=dict(warm.timings),
                    cold_misses=cold.metrics["embedding_cache_misses"],
                    warm_misses=warm.metrics["embedding_cache_misses"], warm_result=warm)


def warm_up_numba(seed: int = 0) -> None:
    """Compile UMAP's and HDBSCAN's numba code once, so no timed run pays for it."""
    from hdbscan import HDBSCAN
    from umap import UMAP

    points = np.random.default_rng(seed).normal(size=(300, 16)).astype(np.float32)
    reduced = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                   random_state=seed).fit_transform(points)
    HDBSCAN(min_cluster_size=10, prediction_data=True).fit(reduced)


def _bare_bertopic(config: ExperimentConfig, texts: list[str], embeddings: np.ndarray) -> float:
    """Seconds of ``BERTopic.fit_transform`` alone, built exactly as our clusterer builds it."""
    start = time.perf_counter()
    BERTopicCluster(config.cluster, config.seed).fit_predict(embeddings, texts)
    return time.perf_counter() - start


def bertopic_overhead(config: ExperimentConfig, cache_dir: Path, repeats: int = 2) -> Overhead:
    """Best-of-``repeats`` seconds: our pipeline (clusterer ``bertopic``) vs bare BERTopic.

    Both get the same cached embeddings and the same seeded UMAP, HDBSCAN and
    vectoriser. Ours is timed end to end (load, vectorise from cache, cluster,
    keywords and names, metrics); ``ours_without_metrics_s`` leaves out the
    evaluation stage that bare BERTopic does not do.
    """
    embedder = make_embedder(config.vectorize.embedding.model, cache_dir=cache_dir,
                             backend=config.vectorize.embedding.backend)
    texts = load_data(config.data).texts
    # Imports and numba compilation happen once per process: pay them before timing.
    warm_up_numba(config.seed)
    _bare_bertopic(config, texts[:300], embedder.embed(texts[:300]))
    ours, ours_core, bare = [], [], []
    result = None
    for _ in range(repeats):
        result = run_experiment(config, embedder=embedder)
        ours.append(sum(result.timings.values()))
        ours_core.append(sum(v for k, v in result.timings.items() if k != "metrics"))
        embeddings = embedder.embed(result.corpus.texts)
        bare.append(_bare_bertopic(config, result.corpus.texts, embeddings))
    return Overhead(ours_s=min(ours), ours_without_metrics_s=min(ours_core), bare_s=min(bare),
                    ours_stages=dict(result.timings), n_documents=len(result.corpus.documents),
                    n_topics=result.metrics["n_topics"])


def resample_embeddings(embeddings: np.ndarray, size: int, noise: float = 0.01, seed: int = 0) -> np.ndarray:
    """``size`` unit vectors: real rows drawn with replacement, plus small Gaussian noise."""
    rng = np.random.default_rng(seed)
    rows = embeddings[rng.integers(0, len(embeddings), size)]
    jitter = rng.normal(scale=noise, size=rows.shape).astype(np.float32)
    return normalize(rows + jitter).astype(np.float32)


@dataclass
class ScalingPoint:
    n_documents: int
    seconds: float
    traced_peak_bytes: int  # peak of allocations during the stage (tracemalloc)
    process_peak_rss_bytes: int  # the whole process's peak resident memory after the stage


def clustering_scaling(embeddings: np.ndarray, cluster: ClusterConfig, sizes: tuple[int, ...],
                       seed: int = 0, noise: float = 0.01) -> list[ScalingPoint]:
    """Time and memory of ``cluster_vectors`` at each size (smallest first)."""
    points = []
    for size in sorted(sizes):
        features = resample_embeddings(embeddings, size, noise, seed)
        tracemalloc.start()
        start = time.perf_counter()
        cluster_vectors(features, cluster, seed)
        seconds = time.perf_counter() - start
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        points.append(ScalingPoint(size, seconds, int(traced_peak), peak_rss_bytes()))
        del features
    return points


def growth_exponent(points: list[ScalingPoint]) -> float:
    """Least-squares slope of log(seconds) over log(documents)."""
    if len(points) < 2:
        return float("nan")
    x = np.log([p.n_documents for p in points])
    y = np.log([max(p.seconds, 1e-9) for p in points])
    return float(np.polyfit(x, y, 1)[0])


@dataclass
class Scaling:
    """The clustering stage at growing sizes, and the fitted growth exponent."""

    points: list[ScalingPoint]
    exponent: float
    cluster: ClusterConfig
    source: str  # the corpus whose embeddings were resampled


@dataclass
class SpeedResults:
    """Everything the speed section measured; a part is None when it was not measured."""

    cold_warm: ColdWarm | None = None
    overhead: Overhead | None = None
    scaling: Scaling | None = None

    def metrics(self) -> dict[str, float]:
        """The figures as flat MLflow metrics of the benchmark's parent run."""
        out: dict[str, float] = {}
        if self.cold_warm is not None:
            out.update({"cold_run_s": self.cold_warm.cold_s, "warm_run_s": self.cold_warm.warm_s})
        if self.overhead is not None:
            o = self.overhead
            out.update({"bare_bertopic_s": o.bare_s, "ours_bertopic_s": o.ours_s,
                        "ours_bertopic_without_metrics_s": o.ours_without_metrics_s})
        if self.scaling is not None:
            out["clustering_growth_exponent"] = self.scaling.exponent
            for point in self.scaling.points:
                out[f"cluster_s_{point.n_documents}"] = point.seconds
                out[f"cluster_peak_rss_gib_{point.n_documents}"] = point.process_peak_rss_bytes / GiB
        return out

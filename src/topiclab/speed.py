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

from .cluster import BERTopicCluster, cluster_vectors
from .config import ClusterConfig, ExperimentConfig
from .experiment import run_experiment
from .vectorize import _load_sentence_transformer, make_embedder

__all__ = ["ScalingPoint", "cold_vs_warm", "warm_up_numba", "bertopic_overhead", "resample_embeddings",
           "clustering_scaling", "growth_exponent", "peak_rss_bytes"]


def peak_rss_bytes() -> int:
    """The process's peak resident memory so far."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def cold_vs_warm(config: ExperimentConfig) -> dict:
    """Total and per-stage seconds of a cold run (empty cache, model not loaded) and a warm one.

    Both use a fresh temporary cache: the cold run fills it, the warm run reads it.
    """
    _load_sentence_transformer.cache_clear()  # cold means the model is loaded again too
    model, batch = config.vectorize.embedding.model, config.vectorize.embedding.batch_size
    with tempfile.TemporaryDirectory(prefix="topiclab-cold-") as folder:
        cold = run_experiment(config, embedder=make_embedder(model, batch, cache_dir=Path(folder)))
        warm = run_experiment(config, embedder=make_embedder(model, batch, cache_dir=Path(folder)))
    return {
        "cold_s": sum(cold.timings.values()), "warm_s": sum(warm.timings.values()),
        "cold_stages": dict(cold.timings), "warm_stages": dict(warm.timings),
        "cold_misses": cold.metrics["embedding_cache_misses"], "warm_misses": warm.metrics["embedding_cache_misses"],
        "warm_result": warm,
    }


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


def bertopic_overhead(config: ExperimentConfig, cache_dir: Path, repeats: int = 2) -> dict:
    """Best-of-``repeats`` seconds: our pipeline (clusterer ``bertopic``) vs bare BERTopic.

    Both get the same cached embeddings and the same seeded UMAP, HDBSCAN and
    vectoriser. Ours is timed end to end (load, vectorise from cache, cluster,
    keywords and names, metrics); ``ours_without_metrics_s`` leaves out the
    evaluation stage that bare BERTopic does not do.
    """
    from .datasets import load_data

    embedder = make_embedder(config.vectorize.embedding.model, cache_dir=cache_dir)
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
    return {"ours_s": min(ours), "ours_without_metrics_s": min(ours_core), "bare_s": min(bare),
            "ours_stages": dict(result.timings), "n_documents": len(result.corpus.documents),
            "n_topics": result.metrics["n_topics"]}


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

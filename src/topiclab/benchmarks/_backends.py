"""Embedding backends side by side: throughput against plain sentence-transformers, k-means NMI, agreement.

``backend_rows`` embeds each corpus (AG News 4k, BBC News; ``../shared``)
with every backend in one process, uncached, after a warm-up that loads,
exports or distills outside the timing; ``rounds`` > 1 keeps each backend's
best time (a busy machine slows some rounds). k-means (the pipeline's, k = the
number of labels, the config's seed) runs on each backend's embeddings and is
scored by NMI. ``run_backend_benchmark`` writes section ``embedding-backends``
of BENCHMARKS.md with its Targets row.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from ..cluster import cluster_vectors
from ..config import ClusterConfig
from ..data import load_dataset
from ..evaluation import external_metrics
from ..vectorize import BACKENDS, backend_embedder, machine, unload_models
from ..viz import markdown_table
from ._sections import write_section

__all__ = ["BACKEND_SECTION", "BACKEND_CORPORA", "EXACT_BACKENDS", "backend_rows", "backend_targets",
           "run_backend_benchmark"]

BACKEND_SECTION = "embedding-backends"
BACKEND_CORPORA = ("ag_news_4k", "bbc_news")
EXACT_BACKENDS = ("onnx", "onnx-int8", "torch-bf16")  # the same MiniLM, run differently: eligible for the target
TARGET = ("an exact-quality backend >= 2x plain sentence-transformers throughput with NMI within 0.01 "
          "on BBC and AG")


def _timed_embedding(embedder, texts: list[str], rounds: int) -> tuple[np.ndarray, float]:
    embedder.embed(texts[:16])  # load the model (export or distill on first use) outside the timing
    best, vectors = float("inf"), None
    for _ in range(rounds):
        start = time.perf_counter()
        vectors = embedder.embed(texts)
        best = min(best, time.perf_counter() - start)
    return vectors, best


def backend_rows(corpora=BACKEND_CORPORA, backends=BACKENDS, limit: int | None = None, rounds: int = 1,
                 seed: int = 42) -> pd.DataFrame:
    """One row per corpus and backend: texts/s, ratio to torch, k-means NMI and its change, cosine with torch."""
    rows = []
    for name in corpora:
        corpus = load_dataset(name, limit=limit)
        texts, truth = corpus.texts, [str(label) for label in corpus.labels]
        cluster = ClusterConfig(method="kmeans", k=len(set(truth)))
        reference = None
        for backend in ("torch", *[b for b in backends if b != "torch"]):  # torch first: the reference
            vectors, seconds = _timed_embedding(backend_embedder(backend=backend), texts, rounds)
            reference = vectors if reference is None else reference
            comparable = vectors.shape == reference.shape
            nmi = external_metrics(truth, cluster_vectors(vectors, cluster, seed))["nmi"]
            rows.append({"corpus": name, "backend": backend, "documents": len(texts),
                         "texts_per_s": len(texts) / seconds,
                         "cosine_with_torch": float((vectors * reference).sum(axis=1).mean()) if comparable else None,
                         "nmi": nmi})
        unload_models()
    frame = pd.DataFrame(rows)
    torch_rows = frame[frame.backend == "torch"].set_index("corpus")
    frame["ratio"] = frame.texts_per_s / frame.corpus.map(torch_rows.texts_per_s)
    frame["nmi_change"] = frame.nmi - frame.corpus.map(torch_rows.nmi)
    return frame


def backend_targets(frame: pd.DataFrame) -> pd.DataFrame:
    """The Targets row: met when one exact backend is >= 2x torch with |NMI change| <= 0.01 on every corpus."""
    best_name, best_ratio, met = None, -1.0, False
    for backend, rows in frame[frame.backend.isin(EXACT_BACKENDS)].groupby("backend"):
        ok = bool((rows.ratio >= 2.0).all() and (rows.nmi_change.abs() <= 0.01).all())
        if (ok and not met) or (ok == met and rows.ratio.min() > best_ratio):
            best_name, best_ratio, met = backend, float(rows.ratio.min()), ok
    if best_name is None:
        measured = "no exact backend measured"
    else:
        rows = frame[frame.backend == best_name]
        measured = f"{best_name}: " + "; ".join(f"{r.corpus} {r.ratio:.2f}x, NMI {r.nmi_change:+.3f}"
                                                for r in rows.itertuples())
    return pd.DataFrame([{"target": TARGET, "measured": measured, "status": "met" if met else "missed"}])


def _body(frame: pd.DataFrame, targets: pd.DataFrame, seconds: float) -> str:
    table = frame.assign(
        texts_per_s=frame.texts_per_s.map("{:.1f}".format), ratio=frame.ratio.map("{:.2f}x".format),
        nmi=frame.nmi.map("{:.3f}".format), nmi_change=frame.nmi_change.map("{:+.3f}".format),
        cosine_with_torch=frame.cosine_with_torch.map(lambda c: "n/a" if pd.isna(c) else f"{c:.4f}"))
    table = table[["corpus", "backend", "documents", "texts_per_s", "ratio", "nmi", "nmi_change",
                   "cosine_with_torch"]]
    return "\n".join([
        "## Embedding backends", "",
        "`vectorize.embedding.backend` runs the packaged MiniLM through torch (plain sentence-transformers, the "
        "reference), onnxruntime fp32 (`onnx`) or dynamically quantised int8 (`onnx-int8`), torch under bfloat16 "
        "autocast (`torch-bf16`), or replaces it by its Model2Vec distillation (`static`, 256 dimensions, not "
        "comparable by cosine). Each corpus embedded whole by each backend in one process, uncached; k-means with "
        "k = the number of labels on each backend's embeddings. Written by `make bench-backends`.", "",
        f"CPU: {machine()}. Took {seconds / 60:.1f} min.", "",
        markdown_table(targets[["target", "measured", "status"]]), "",
        markdown_table(table), "",
    ])


def run_backend_benchmark(out: str | None = "BENCHMARKS.md", corpora=BACKEND_CORPORA, backends=BACKENDS,
                          limit: int | None = None, rounds: int = 1, seed: int = 42) -> pd.DataFrame:
    """Measure every backend on ``corpora`` and write section ``embedding-backends`` of ``out`` (None: nowhere);
    returns the rows."""
    start = time.perf_counter()
    frame = backend_rows(corpora, backends, limit, rounds, seed)
    targets = backend_targets(frame)
    if out is not None:
        write_section(out, BACKEND_SECTION, _body(frame, targets, time.perf_counter() - start), targets)
    return frame

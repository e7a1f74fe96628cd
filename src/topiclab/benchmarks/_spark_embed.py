"""`topiclab bench-spark-embed`: MiniLM through `topiclab spark embed` with the default backend, at scale.

What a user gets who embeds a large table on Spark without choosing a
backend: ``spark embed`` with ``auto``, which the driver resolves from this
machine's record (``vectorize.concrete_backend``) and every worker reuses. The
record is read (or timed, once) before the clock starts, as a user's second
job would find it. One `python -m topiclab spark embed` process on the scale
corpus (``_scale_corpus``: articles of 3 to 8 real sentences), timed from
outside (Spark's start and the model's load in each worker included), pinned to
as many cores as the master has workers. A million documents' time is
projected linearly: Spark's work is per row. The issue asks for the figure, not
a bound, so the section has no Targets row.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ._scale_corpus import scale_corpus
from ._scale_spark import SparkPoint, measure_spark, spark_env
from ..viz import markdown_table

__all__ = ["SECTION", "SparkEmbedResult", "run_spark_embed_benchmark", "spark_embed_section", "spark_embed_row"]

SECTION = "spark-embed"


@dataclass
class SparkEmbedResult:
    point: SparkPoint
    backend: str  # what auto resolved to on this machine
    cosine: float  # its mean cosine with torch on auto's sample (1 for torch itself)
    machine: str  # the CPU, its cores and vector units
    seed: int


def _cores(master: str) -> int | None:
    match = re.fullmatch(r"local\[(\d+)\]", master)
    return int(match.group(1)) if match else None


def run_spark_embed_benchmark(documents: int, master: str, seed: int = 0,
                              progress=print) -> SparkEmbedResult:
    """Build (or reuse) the scale corpus of ``documents`` articles and time ``spark embed`` (backend auto) on it."""
    from ..config import DEFAULT_EMBEDDING_MODEL
    from ..vectorize import auto_entry, machine

    entry = auto_entry(DEFAULT_EMBEDDING_MODEL)  # read, or timed once, before the clock starts
    corpus = scale_corpus(documents, seed)
    progress(f"spark embed (auto: {entry['backend']}) on {master}, {documents:,} documents ({corpus})")
    with tempfile.TemporaryDirectory(prefix="topiclab-spark-embed-") as store:
        point = measure_spark("auto", corpus, documents, master, spark_env(Path(store)), cores=_cores(master))
    return SparkEmbedResult(point, entry["backend"], float(entry.get("cosine") or 1.0), machine(), seed)


def spark_embed_row(result: SparkEmbedResult) -> dict:
    point = result.point
    return {"backend": f"auto ({result.backend})", "cosine with torch": f"{result.cosine:.5f}",
            "master": point.master, "cores": point.cores or "all", "documents": point.n_documents,
            "seconds": round(point.seconds, 1), "documents/s": round(point.docs_per_s, 1),
            "peak memory (GB)": round(point.peak_bytes / 1e9, 2),
            "projected for 1M (h)": round(point.projected_s / 3600, 1)}


def spark_embed_section(result: SparkEmbedResult) -> str:
    """The Markdown body of section ``spark-embed``."""
    row = spark_embed_row(result)
    return "\n".join([
        "## Spark: MiniLM embeddings with the default backend", "",
        "`topiclab bench-spark-embed`: one `python -m topiclab.cli spark embed --no-cache` process (the default "
        "backend `auto`, resolved once on the driver from this machine's record and reused by every worker) on "
        "the scale corpus (articles of 3 to 8 real sentences from `../shared/datasets`, seed "
        f"{result.seed}), timed from outside: Spark's start and the model's load in each worker included; peak "
        "memory of the process tree. The time for a million documents is projected linearly.", "",
        markdown_table(pd.DataFrame([row])), "",
        f"CPU: {result.machine}. At {row['documents/s']} documents/s, a million documents take about "
        f"{row['projected for 1M (h)']} h on {result.point.master}; the opt-in `onnx-int8` and `static` backends "
        "(section scale) are faster and trade quality for it.", ""])

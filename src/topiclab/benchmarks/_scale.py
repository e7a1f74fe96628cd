"""`topiclab bench-scale`: the whole pipeline at growing sizes and Spark at a million documents.

Writes section ``scale`` of BENCHMARKS.md with two Targets rows: the
pipeline's growth exponent from the smallest to the largest size (<= 1.2)
and its peak memory at the largest (< 8 GB); and, when Spark ran, the row
naming ``local[2]`` (TF-IDF champion, documents per second on ``local[2]``
over ``local[1]``, >= 1.8).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import TopiclabError
from ._scale_corpus import scale_corpus
from ._scale_pipeline import PIPELINE_SIZES, PipelineScaling, pipeline_scaling
from ._scale_spark import PROJECTED_DOCUMENTS, SparkPoint, measure_spark, spark_env, train_tfidf_champion
from ._sections import write_section

__all__ = ["SECTION", "ScaleResults", "scale_targets", "scale_section", "run_scale_benchmark", "default_embedder",
           "TARGET_EXPONENT", "TARGET_PEAK_BYTES", "TARGET_SPEEDUP"]

SECTION = "scale"
TARGET_EXPONENT = 1.2
TARGET_PEAK_BYTES = 8e9
TARGET_SPEEDUP = 1.8
MASTERS = ("local[1]", "local[2]")


@dataclass
class ScaleResults:
    pipeline: PipelineScaling | None = None
    spark: list[SparkPoint] = field(default_factory=list)
    spark_documents: int = 0
    minilm_documents: int = 0
    seed: int = 0

    def _rate(self, tier: str, master: str, cores: int | None) -> float | None:
        return next((p.docs_per_s for p in self.spark if (p.tier, p.master, p.cores) == (tier, master, cores)), None)

    def speedup(self, tier: str, pinned: bool = True) -> float | None:
        """local[2] on 2 cores over local[1] on 1 core (``pinned``) or on every core, documents per second."""
        one, two = self._rate(tier, MASTERS[0], 1 if pinned else None), self._rate(tier, MASTERS[1], 2)
        return two / one if one and two else None


MINILM_FALLBACK_DOCUMENTS = 8_000  # without the static backend, MiniLM embeds this many in minutes, not hours


def default_embedder(largest: int):
    """The fast ``static`` backend behind a private cache (embedded once: warm for every timed run).

    Where ``vectorize`` has no backends, plain MiniLM (the shared cache) for
    small runs only; warm embeddings make the timings the same either way.
    """
    from ..vectorize import make_embedder

    folder = Path(tempfile.mkdtemp(prefix="topiclab-scale-embeddings-"))
    try:
        return make_embedder(backend="static", cache_dir=folder)
    except TypeError:
        if largest <= MINILM_FALLBACK_DOCUMENTS:
            return make_embedder()
        raise TopiclabError(f"the pipeline at {largest} documents needs the static embedding backend "
                            "(make_embedder(backend='static')), which this vectorize lacks") from None


def scale_targets(results: ScaleResults) -> pd.DataFrame:
    rows = []
    if results.pipeline is not None and len(results.pipeline.points) >= 2:
        points = results.pipeline.points
        span = f"{_size(points[0].n_documents)}→{_size(points[-1].n_documents)}"
        exponent = results.pipeline.exponents["total"]
        rows.append({"target": f"pipeline growth exponent {span} <= {TARGET_EXPONENT}",
                     "measured": f"{exponent:.2f}", "status": "met" if exponent <= TARGET_EXPONENT else "missed"})
        peak = points[-1].peak_bytes
        rows.append({"target": f"peak memory at {_size(points[-1].n_documents)} < {TARGET_PEAK_BYTES / 1e9:.0f} GB",
                     "measured": f"{peak / 1e9:.2f} GB", "status": "met" if peak < TARGET_PEAK_BYTES else "missed"})
    speedup = results.speedup("tfidf")
    if speedup is not None:
        unpinned = results.speedup("tfidf", pinned=False)
        rows.append({"target": f"Spark classify (TF-IDF, {_size(results.spark_documents)} documents): "
                               f"local[2] / local[1] documents per second >= {TARGET_SPEEDUP} "
                               "(local[N] pinned to N cores)",
                     "measured": f"{speedup:.2f}" + (f" (local[1] unpinned, its JVM on the idle core: {unpinned:.2f})"
                                                     if unpinned is not None else ""),
                     "status": "met" if speedup >= TARGET_SPEEDUP else "missed"})
    return pd.DataFrame(rows, columns=["target", "measured", "status"])


def _size(n: int) -> str:
    if n == 0:
        return "0"
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def scale_section(results: ScaleResults, machine: str = "") -> str:
    from ..viz import markdown_table

    parts = ["## Scale", "", f"`make bench-scale`{f' on {machine}' if machine else ''}. The corpus: articles of "
             "3 to 8 sentences drawn (seeded) from the sentences of `../shared/datasets` (BBC News, its full text, "
             "AG News 4k) pooled by topic, as Parquet parts under `data/interim/scale/`.", ""]
    if results.pipeline is not None:
        pipeline = results.pipeline
        parts += ["### The whole pipeline", "",
                  f"`run_experiment` with the configured method of `experiments/ag_news_4k.yaml` (k = the corpus's "
                  f"{pipeline.k} topics) and warm embeddings ({pipeline.embedder}, embedded once "
                  "before timing). Seconds per stage; peak memory is the process's resident high-water mark.", "",
                  markdown_table(pipeline.frame()), "",
                  "Growth exponents (slope of log seconds over log documents; 1 = linear): "
                  + ", ".join(f"{stage} {value:.2f}" for stage, value in pipeline.exponents.items()) + ".", ""]
    if results.spark:
        table = pd.DataFrame([{"tier": p.tier, "master": p.master,
                               "cores": p.cores if p.cores is not None else f"all ({os.cpu_count()})",
                               "documents": p.n_documents,
                               "seconds": round(p.seconds, 1), "documents/s": round(p.docs_per_s, 1),
                               "peak memory (GB)": round(p.peak_bytes / 1e9, 2),
                               f"projected for {_size(PROJECTED_DOCUMENTS)} (min)": round(p.projected_s / 60, 1)}
                              for p in results.spark])
        parts += ["### Spark", "",
                  "One `python -m topiclab.cli spark` process per row, timed from outside (Spark's start and the "
                  "model's load included); peak memory of the process tree (driver, JVM, Python workers). "
                  "`cores`: the CPUs the process tree was pinned to (`local[N]` on N cores measures the speedup "
                  "over cores; unpinned, `local[1]`'s JVM reads, converts and writes on the core its one task "
                  "leaves idle). "
                  "`tfidf`: the TF-IDF champion of `experiments/classify_bbc.yaml` through `spark classify`; "
                  "`static`: `spark embed --backend static` (Model2Vec distilled from MiniLM), the step an "
                  "embedding classifier spends its time on; `torch` and `onnx-int8`: MiniLM through `spark embed` at "
                  f"{_size(results.minilm_documents)} documents, projected linearly to a million.", "",
                  markdown_table(table), ""]
        for tier in ("tfidf", "static"):
            ratio, unpinned = results.speedup(tier), results.speedup(tier, pinned=False)
            if ratio is not None:
                parts.append(f"- {tier}: local[2] / local[1] = {ratio:.2f} pinned to 2 and 1 cores"
                             + (f"; {unpinned:.2f} with local[1] unpinned" if unpinned is not None else ""))
        parts.append("")
    return "\n".join(parts)


def run_scale_benchmark(out: str | Path | None = "BENCHMARKS.md", sizes=PIPELINE_SIZES, spark_documents: int = 1_000_000,
                        minilm_documents: int = 50_000, seed: int = 0, pipeline: bool = True, spark: bool = True,
                        embedder=None, minilm_tiers=("torch", "onnx-int8"), progress=print) -> ScaleResults:
    """Build the corpus, measure, write section ``scale`` of ``out`` (None: nowhere)."""
    results = ScaleResults(spark_documents=spark_documents if spark else 0, minilm_documents=minilm_documents,
                           seed=seed)
    if pipeline:
        folder = scale_corpus(max(sizes), seed)
        progress(f"pipeline at {', '.join(map(_size, sorted(sizes)))} documents ({folder})")
        results.pipeline = pipeline_scaling(folder, embedder or default_embedder(max(sizes)), sizes)
    if spark:
        corpus, small = scale_corpus(spark_documents, seed), scale_corpus(minilm_documents, seed)
        with tempfile.TemporaryDirectory(prefix="topiclab-scale-store-") as store:
            env = spark_env(Path(store))
            model_uri = train_tfidf_champion(Path(store), env)
            for tier in ("tfidf", "static"):
                for master, cores in ((MASTERS[0], 1), (MASTERS[0], None), (MASTERS[1], 2)):
                    progress(f"spark {tier} on {master} ({cores or 'all'} cores), {_size(spark_documents)} documents")
                    results.spark.append(measure_spark(tier, corpus, spark_documents, master, env, model_uri, cores))
            for tier in minilm_tiers:
                progress(f"spark {tier} on {MASTERS[1]}, {_size(minilm_documents)} documents")
                results.spark.append(measure_spark(tier, small, minilm_documents, MASTERS[1], env, cores=2))
    from ._run import machine_info

    if out is not None:
        write_section(out, SECTION, scale_section(results, _machine(machine_info())), scale_targets(results))
    return results


def _machine(info) -> str:
    if isinstance(info, dict):  # the machine, not the package versions (logged with the runs)
        shown = ("cpu", "logical cores", "memory", "load average at start (1 min)", "python")
        return ", ".join(f"{key} {info[key]}" for key in shown if key in info)
    return str(info)

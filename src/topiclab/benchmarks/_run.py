"""``make bench``: measure quality against the baselines and speed; write BENCHMARKS.md.

For each dataset, our configured pipeline (``experiments/<dataset>.yaml``, or a
generic config where there is none), two ablations of it and every baseline
run through the same scorer (``evaluation.score_topics``) on the same corpus and
the same cached MiniLM embeddings; then all topic models again at 10 and 20
topics for topic quality. Beside them, a supervised ceiling (``_ceiling``): a
classifier trained on the gold labels, cross-validated on the same features.
Every run is logged to MLflow, nested under one parent run that also gets the
report. The speed section is measured in the same process (``_speed``).
Nothing is asserted: the report says which targets (``_targets``) were met.
"""

from __future__ import annotations

import os
import platform
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from ..config import ExperimentConfig, apply_overrides, config_from_dict, load_config, override_text
from ..data import DATASETS, load_dataset
from ..errors import TopiclabError
from ..evaluation import Evaluation, evaluation_from_result, reference_corpus
from ..paths import EMBEDDING_CACHE_DIR, EXPERIMENTS_DIR, resolve
from ..pipeline import run_experiment
from ..vectorize import cpu_model, make_embedder, vectorize
from . import _report as report
from . import _auto_k as auto_k
from . import _speed as speed
from ._baselines import BASELINES, run_baseline
from ._ceiling import supervised_ceiling
from ._sections import write_section

__all__ = ["SUITE", "BenchmarkSettings", "DatasetReport", "dataset_config", "benchmark_dataset", "machine_info",
           "measure_speed", "run_benchmark"]

# The labelled corpora of the development suite; the large ones as fixed 6,000-document samples, so that
# the whole benchmark stays within the hour on 2 cores.
SUITE = ("bbc_news", "ag_news_4k", "20newsgroups_6k", "huffpost_6k")
PACKAGES = ("topiclab", "numpy", "scipy", "scikit-learn", "torch", "sentence-transformers", "bertopic",
            "umap-learn", "hdbscan", "gensim", "mlflow", "optuna", "pandas")


@dataclass
class BenchmarkSettings:
    datasets: list[str] = field(default_factory=lambda: list(SUITE))
    configs: dict[str, str] = field(default_factory=dict)  # dataset -> config path (else experiments/<name>.yaml)
    topic_counts: tuple[int, ...] = (10, 20)
    baselines: tuple[str, ...] = BASELINES
    speed_dataset: str | None = "bbc_news"  # None: no speed section
    overhead: bool = True  # our pipeline with BERTopic inside vs bare BERTopic
    scaling_sizes: tuple[int, ...] = (2000, 8000, 32000, 128000)
    cache_dir: Path = EMBEDDING_CACHE_DIR
    experiment: str = "benchmarks"
    track: bool = True


@dataclass
class DatasetReport:
    name: str
    config: ExperimentConfig
    n_documents: int
    n_labels: int
    content_hash: str
    quality: list[Evaluation]
    topic_quality: dict[int, list[Evaluation]]
    ceilings: dict[str, dict[str, float]] = field(default_factory=dict)  # configured | minilm -> scores
    auto_k: auto_k.AutoKResult | None = None  # cluster.k: auto beside the configured k


def dataset_config(spec: str, settings: BenchmarkSettings, n_labels: int) -> ExperimentConfig:
    """Our configured pipeline for ``spec``: its config file, else a generic one (k = number of labels)."""
    path = settings.configs.get(spec)
    if path is None and spec in DATASETS and (EXPERIMENTS_DIR / f"{spec}.yaml").is_file():
        path = str(EXPERIMENTS_DIR / f"{spec}.yaml")
    if path is not None:
        return load_config(path)
    data = {"dataset": spec} if spec in DATASETS else {"path": str(resolve(spec))}
    return config_from_dict({"name": Path(spec).stem, "data": data, "cluster": {"k": n_labels},
                             "vectorize": {"representation": "combined", "tfidf_weight": 0.4},
                             "topics": {"taxonomy": None}})


def _variant(config: ExperimentConfig, name: str, **changes) -> ExperimentConfig:
    """A copy of ``config`` with dotted keys changed, validated again."""
    raw = config.model_dump(mode="json", exclude={"sweep"})
    raw = apply_overrides(raw, [f"{k.replace('__', '.')}={override_text(v)}" for k, v in changes.items()])
    raw["name"] = f"{config.name}:{name}"
    return config_from_dict(raw, source=name)


def _ours(config: ExperimentConfig, method: str, embedder) -> Evaluation:
    return evaluation_from_result(run_experiment(config, embedder=embedder), method=method)


def _embedding_variants(config: ExperimentConfig, k: int, keyword_ablation: bool = False
                        ) -> dict[str, ExperimentConfig]:
    """Our configured pipeline at ``k`` and its ablations (the plain spine defaults among them)."""
    variants = {"topiclab (config)": _variant(config, f"k{k}", cluster__k=k)}
    variants["topiclab k-means on MiniLM"] = _variant(config, f"kmeans-minilm-k{k}", cluster__k=k,
                                                       vectorize__representation="embedding",
                                                       cluster__method="kmeans", cluster__refine__method="none",
                                                       topics__keywords="ctfidf")
    if config.cluster.refine.method != "none" and not keyword_ablation:
        variants["topiclab config without refine"] = _variant(config, f"no-refine-k{k}", cluster__k=k,
                                                              cluster__refine__method="none")
    if keyword_ablation and config.topics.keywords != "ctfidf":
        variants["topiclab config, c-TF-IDF keywords"] = _variant(config, f"ctfidf-k{k}", cluster__k=k,
                                                                  topics__keywords="ctfidf")
    return variants


def benchmark_dataset(spec: str, settings: BenchmarkSettings, log=print) -> DatasetReport:
    corpus = load_dataset(spec)
    if not corpus.has_labels:
        raise TopiclabError(f"benchmark dataset {spec!r} has no gold labels")
    n_labels = len(set(corpus.labels))
    config = dataset_config(spec, settings, n_labels)
    k = config.cluster.k or n_labels
    embedder = make_embedder(config.vectorize.embedding.model, cache_dir=settings.cache_dir,
                             backend=config.vectorize.embedding.backend)
    embeddings = embedder.embed(corpus.texts)  # fills the cache once; every later run hits it
    reference = reference_corpus(corpus.texts)
    log(f"[{spec}] supervised ceiling")
    ceilings = _ceilings(corpus, config, embedder, embeddings, log)
    quality: list[Evaluation] = []
    for method, variant in _embedding_variants(config, k).items():
        log(f"[{spec}] {method} (k={k})")
        quality.append(_ours(variant, method, embedder))
    log(f"[{spec}] topiclab (config) with cluster.k: auto")
    chosen = auto_k.auto_k_result(config, n_labels, quality[0].metrics["nmi"], embedder)
    for method in settings.baselines:
        log(f"[{spec}] {method}")
        quality.append(run_baseline(method, corpus, None if method == "bertopic_default" else n_labels,
                                    config.seed, embeddings, reference))
    topic_quality: dict[int, list[Evaluation]] = {}
    for count in settings.topic_counts:
        runs = []
        for method, variant in _embedding_variants(config, count, keyword_ablation=True).items():
            log(f"[{spec}] {method} (k={count})")
            runs.append(_ours(variant, method, embedder))
        for method in ("nmf", "lda"):
            if method in settings.baselines:
                log(f"[{spec}] {method} (k={count})")
                runs.append(run_baseline(method, corpus, count, config.seed, embeddings, reference))
        topic_quality[count] = runs
    return DatasetReport(corpus.name, config, len(corpus.documents), n_labels, corpus.content_hash, quality,
                         topic_quality, ceilings, chosen)


def _ceilings(corpus, config: ExperimentConfig, embedder, embeddings, log=print) -> dict[str, dict[str, float]]:
    """Cross-validated classifiers on the gold labels: on our configured features, and on MiniLM alone.

    5 folds, or as many as the rarest label has documents; none below 2.
    """
    folds = min(5, *Counter(corpus.labels).values())
    if folds < 2:
        log(f"[{corpus.name}] no supervised ceiling: a label has a single document")
        return {}
    features = vectorize(corpus.texts, config.vectorize, config.seed, embedder=embedder).features
    return {"configured": supervised_ceiling(features, corpus.texts, corpus.labels, folds=folds, seed=config.seed),
            "minilm": supervised_ceiling(embeddings, corpus.texts, corpus.labels, view="features", folds=folds,
                                         seed=config.seed)}


def machine_info() -> dict[str, str]:
    import psutil

    info = {
        "cpu": cpu_model(),
        "logical cores": str(os.cpu_count()),
        "cores available to this process": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                                               else os.cpu_count()),
        "memory": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "load average at start (1 min)": f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a",
        "python": platform.python_version(),
        "os": platform.platform(),
    }
    for package in PACKAGES:
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = "not installed"
    return info


def measure_speed(settings: BenchmarkSettings, log=print) -> speed.SpeedResults:
    """Cold vs warm run, overhead over bare BERTopic, clustering at growing sizes (``settings.speed_dataset``)."""
    results = speed.SpeedResults()
    spec = settings.speed_dataset
    if not spec:
        return results
    corpus = load_dataset(spec)
    config = dataset_config(spec, settings, len(set(corpus.labels)))
    log(f"[speed] cold vs warm run of {config.name}")
    results.cold_warm = speed.cold_vs_warm(config)
    if settings.overhead:
        log("[speed] our pipeline with BERTopic inside vs bare BERTopic")
        bertopic = _variant(config, "bertopic", cluster__method="bertopic", cluster__k=None,
                            cluster__refine__method="none", vectorize__representation="embedding",
                            topics__keywords="ctfidf", topics__coherence=False)
        results.overhead = speed.bertopic_overhead(bertopic, settings.cache_dir)
    if settings.scaling_sizes:
        log(f"[speed] clustering stage at {settings.scaling_sizes} documents")
        embeddings = make_embedder(config.vectorize.embedding.model, cache_dir=settings.cache_dir,
                                   backend=config.vectorize.embedding.backend).embed(corpus.texts)
        cluster = config.cluster.model_copy(update={"refine": config.cluster.refine.model_copy(
            update={"method": "none"})})
        points = speed.clustering_scaling(embeddings, cluster, settings.scaling_sizes, config.seed)
        results.scaling = speed.Scaling(points=points, exponent=speed.growth_exponent(points), cluster=cluster,
                                        source=corpus.name)
    return results


def run_benchmark(out: str | Path = "BENCHMARKS.md", datasets: list[str] | None = None,
                  scaling: bool = True, settings: BenchmarkSettings | None = None, log=print) -> Path:
    """Run everything, log it to MLflow, write the report; returns the report's path."""
    settings = settings or BenchmarkSettings()
    if datasets is not None:  # None: the defaults; an empty list is a mistake, not a request for them
        if not datasets:
            raise TopiclabError("no dataset to benchmark")
        settings.datasets = list(datasets)
    for spec in settings.datasets:  # bad names fail before any work
        if spec not in DATASETS and not resolve(spec).is_file():
            load_dataset(spec)
    if not scaling:
        settings.scaling_sizes = ()
    target = resolve(out)
    started = datetime.now(timezone.utc)
    machine = machine_info()
    speed_results = measure_speed(settings, log)  # first, while no model is loaded: the cold run must load it
    reports = [benchmark_dataset(spec, settings, log) for spec in settings.datasets]
    sweeps = report.sweep_summaries(reports) if settings.track else {}
    body, targets = report.render(reports, speed_results, machine, started, sweeps)
    write_section(target, report.SECTION, body, targets)
    chosen = [r.auto_k for r in reports if r.auto_k is not None]
    if chosen:
        write_section(target, auto_k.SECTION, *auto_k.auto_k_section(chosen))
    if settings.track:
        report.track(reports, speed_results, target, settings.experiment)
    log(f"wrote {target}")
    return target

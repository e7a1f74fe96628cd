"""Experiment configs: the typed schema of ``experiments/*.yaml``, one section per stage."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..data import check_dataset_name
from ..errors import TopiclabError
from ._base import Section, flatten, read_config_file, validate_config

__all__ = [
    "DEFAULT_EMBEDDING_MODEL",
    "FigureSet",
    "DataConfig",
    "PassageConfig",
    "SegmentConfig",
    "EmbeddingBackend",
    "EmbeddingConfig",
    "TfidfConfig",
    "VectorizeConfig",
    "UmapConfig",
    "HdbscanConfig",
    "RefineConfig",
    "AutoKConfig",
    "ClusterConfig",
    "TopicsConfig",
    "TrackingConfig",
    "SweepConfig",
    "ExperimentConfig",
    "config_from_dict",
    "load_config",
    "used_settings",
]

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
FigureSet = Literal["none", "summary", "all"]


class DataConfig(Section):
    path: str | None = None
    dataset: str | None = None  # a name from data.DATASETS, instead of a path
    format: Literal["auto", "dump", "csv", "tsv", "jsonl", "json", "folder"] = "auto"
    gold: str | None = None
    text_column: str = "text"
    label_column: str = "label"
    limit: int | None = Field(default=None, gt=0)
    sample: int | None = Field(default=None, gt=0)  # fit on this many documents, drawn with the config's seed

    @field_validator("dataset")
    @classmethod
    def _known_dataset(cls, name: str | None) -> str | None:
        return None if name is None else check_dataset_name(name)

    @model_validator(mode="after")
    def _one_source(self) -> "DataConfig":
        if (self.path is None) == (self.dataset is None):
            raise TopiclabError("data: set exactly one of data.path and data.dataset")
        return self


class PassageConfig(Section):
    """How articles are cut into passages (segment.level: passage)."""

    unit: Literal["paragraph", "sentences"] = "paragraph"
    size: int = Field(default=3, gt=0)  # sentences per window
    overlap: int = Field(default=1, ge=0)  # sentences shared by consecutive windows
    max_chars: int = Field(default=2000, ge=100)

    @model_validator(mode="after")
    def _overlap_below_size(self) -> "PassageConfig":
        if self.overlap >= self.size:
            raise ValueError(f"overlap ({self.overlap}) must be smaller than size ({self.size})")
        return self


class SegmentConfig(Section):
    """Dumps only: ``line`` keeps one document per line; ``article``/``passage`` segment."""

    level: Literal["line", "article", "passage"] = "line"
    method: Literal["none", "blankline", "fixed", "texttiling", "learned"] = "learned"
    fixed_lines: int = Field(default=10, gt=0)  # fixed: lines per article
    window: int = Field(default=5, gt=0)  # texttiling: lines on each side of a gap
    cutoff: float = 1.0  # texttiling: depth > mean + cutoff * std
    model: str | None = None  # learned: boundary model JSON; None = the shipped one
    threshold: float | None = Field(default=None, gt=0.0, lt=1.0)  # learned: override
    # Web pages run together: the page-state model marks their chrome (menus, related links, comments),
    # cuts where a page starts, and keeps a page that is mostly chrome one article (segment/_pages.py).
    pages: bool = True
    passage: PassageConfig = PassageConfig()


EmbeddingBackend = Literal["auto", "torch", "onnx", "onnx-int8", "torch-bf16", "static"]
# auto: the fastest backend on this machine among those faithful to torch (mean cosine >= 0.999,
# checked when chosen and logged with the run); onnx-int8 and static trade quality, so stay opt-in.
DEFAULT_EMBEDDING_BACKEND = "auto"


class EmbeddingConfig(Section):
    model: str = DEFAULT_EMBEDDING_MODEL
    batch_size: int = Field(default=32, gt=0)
    # How the model runs (vectorize/_backends.py, _auto.py). The run logs the backend auto resolved to and
    # its cosine with torch (vectorize.embedding.backend_resolved / backend_cosine): `backend: torch` reproduces.
    backend: EmbeddingBackend = DEFAULT_EMBEDDING_BACKEND


class DocumentFrequencies(Section):
    """TF-IDF's word filters: ``min_df`` a number of documents or a share of them, ``max_df`` a share.
    Checked here, so a bad value names its key instead of failing in the fit."""

    min_df: int | float = 1
    max_df: float = Field(default=1.0, gt=0.0, le=1.0)  # a share only: `1` has always meant all documents

    @field_validator("min_df")
    @classmethod
    def _min_df(cls, value):
        if value < 0 or (isinstance(value, float) and value > 1):
            raise ValueError("must be a number of documents (0, 1, 2, ...) or a share between 0.0 and 1.0")
        return value


class TfidfConfig(DocumentFrequencies):
    max_features: int | None = Field(default=20000, gt=0)
    sublinear_tf: bool = True
    svd_components: int | None = Field(default=None, gt=1)


class VectorizeConfig(Section):
    representation: Literal["embedding", "tfidf", "combined"] = "embedding"
    embedding: EmbeddingConfig = EmbeddingConfig()
    tfidf: TfidfConfig = TfidfConfig()
    tfidf_weight: float = Field(default=0.5, ge=0.0, le=1.0)
    context_window: int = Field(default=0, ge=0)


class UmapConfig(Section):
    n_neighbors: int = Field(default=15, gt=1)
    n_components: int = Field(default=5, gt=0)
    min_dist: float = Field(default=0.0, ge=0.0)
    # UMAP's metrics that need no parameters of their own
    metric: Literal["cosine", "euclidean", "manhattan", "correlation", "chebyshev", "canberra", "braycurtis",
                    "hellinger"] = "cosine"


class HdbscanConfig(Section):
    min_cluster_size: int = Field(default=10, gt=1)
    min_samples: int | None = Field(default=None, gt=0)
    cluster_selection_method: Literal["eom", "leaf"] = "eom"


class RefineConfig(Section):
    """Self-training on confident cluster members (see refine.py); ``none`` keeps the clusters."""

    method: Literal["none", "self_train"] = "none"
    iterations: int = Field(default=5, ge=1)
    confident_share: float = Field(default=0.5, gt=0.0, le=1.0)
    view: Literal["features", "features+tfidf"] = "features"
    C: float = Field(default=1.0, gt=0.0)
    tfidf_weight: float = Field(default=1.0, ge=0.0)
    folds: int = Field(default=0, ge=0)  # >= 2: each document judged by a model not trained on it


class AutoKConfig(Section):
    """How ``cluster.k: auto`` chooses k (cluster/_choose_k.py documents the criteria and rules)."""

    # None: every k from min_k to 10, then steps of about 15% up to min(max_k, sqrt(documents))
    candidates: list[int] | None = None
    min_k: int = Field(default=2, ge=2)
    max_k: int = Field(default=50, ge=2)
    criterion: Literal["silhouette", "stability", "calinski_harabasz", "eigengap", "bic"] = "silhouette"
    # best: the best score; one_se: the smallest k within one standard error of it; share: the smallest k
    # whose score reaches `share` of the way from the curve's worst to its best
    rule: Literal["best", "one_se", "share"] = "best"
    # embedding: the criterion is computed on the sentence embeddings alone (when the representation has
    # them), the topics still clustered on the configured features; features: on those features; both: on
    # each, a candidate scored by the mean of its two ranks (the default: chosen leave-one-corpus-out)
    space: Literal["embedding", "features", "both"] = "both"
    share: float = Field(default=0.8, gt=0.0, le=1.0)
    bic_dims: int = Field(default=10, ge=1)  # bic: principal components the mixture is fitted on
    resamples: int = Field(default=3, ge=1)  # stability: pairs of subsamples
    sample_size: int = Field(default=2000, ge=10)  # silhouette: documents scored
    restarts: int = Field(default=3, ge=1)  # silhouette: seeded clusterings averaged per candidate

    @field_validator("candidates")
    @classmethod
    def _at_least_two(cls, values: list[int] | None) -> list[int] | None:
        if values is None:
            return None
        if not values:
            raise ValueError("candidates: give at least one k, or leave it out for the default range")
        if any(k < 2 for k in values):
            raise ValueError("every candidate k must be at least 2")
        return sorted(set(values))

    @model_validator(mode="after")
    def _range(self) -> "AutoKConfig":
        if self.min_k > self.max_k:
            raise ValueError(f"min_k ({self.min_k}) is above max_k ({self.max_k})")
        return self


class ClusterConfig(Section):
    method: Literal["kmeans", "agglomerative", "umap_hdbscan", "bertopic"] = "kmeans"
    k: int | Literal["auto"] | None = Field(default=3)  # auto: chosen from auto.candidates
    auto: AutoKConfig = AutoKConfig()
    linkage: Literal["ward", "average", "complete"] = "ward"
    umap: UmapConfig = UmapConfig()
    hdbscan: HdbscanConfig = HdbscanConfig()
    refine: RefineConfig = RefineConfig()
    # umap_hdbscan/bertopic: keep outliers (-1), or reassign each to its nearest topic centroid (cosine of
    # embeddings) when the similarity is at least outlier_min_similarity (cluster/_outliers.py); methods
    # without outliers ignore both. The default, reassign all, is the policy chosen leave-one-corpus-out on the
    # suite (`topiclab bench-outliers`, BENCHMARKS.md): it raised NMI on every corpus.
    outliers: Literal["keep", "reassign"] = "reassign"
    outlier_min_similarity: float = Field(default=-1.0, ge=-1.0, le=1.0)

    @field_validator("k")
    @classmethod
    def _positive_k(cls, value):
        if isinstance(value, int) and value <= 0:
            raise ValueError("k must be a positive integer or 'auto'")
        return value

    @model_validator(mode="after")
    def _auto_needs_a_fixed_k_method(self) -> "ClusterConfig":
        if self.k == "auto" and self.method not in ("kmeans", "agglomerative"):
            raise ValueError(f"k: auto applies to kmeans and agglomerative, not {self.method!r}")
        return self


class TopicsConfig(Section):
    n_keywords: int = Field(default=10, gt=0)
    # No taxonomy by default: topics are named by their keywords. A taxonomy is named explicitly (the seed's
    # configs name news.yaml; iptc.yaml is a general one), since a plausible wrong name is worse than none.
    taxonomy: str | None = None
    # A taxonomy name needs at least this share of the topic's documents nearest that entry (topics.label_scores);
    # chosen leave-one-corpus-out on the suite with iptc.yaml: BENCHMARKS.md, section naming.
    label_threshold: float = Field(default=0.356, ge=0.0, le=1.0)
    guided: bool = False  # the taxonomy's entries seed k-means; ignored without a taxonomy
    coherence: bool = True  # NPMI and C_v of the top-10 words (coherence.py)
    keywords: Literal["ctfidf", "lift", "coherent"] = "ctfidf"  # how top words are chosen (keywords.py)
    # Words never chosen as keywords (data.stop_words): news adds reporting verbs, titles, dates.
    stop_words: Literal["english", "english+news"] = "english+news"
    reduce_to: int | None = Field(default=None, ge=1)  # merge the most similar topics down to this many
    # Documents with a date: topic shares per time bin, N equal-width bins or a pandas period ("M", "W", "D")
    time_bins: int | str = 10
    # Names given by hand (topiclab label writes them): topic id -> name, replacing the automatic name
    names: dict[int, str] = Field(default_factory=dict)

    @field_validator("names")
    @classmethod
    def _names(cls, value: dict[int, str]) -> dict[int, str]:
        names = {topic: " ".join(str(name).split()) for topic, name in value.items()}
        empty = [str(topic) for topic, name in names.items() if not name]
        if empty:
            raise ValueError(f"the name of topic {', '.join(empty)} is empty")
        return names

    @field_validator("time_bins")
    @classmethod
    def _bins(cls, value: int | str) -> int | str:
        if isinstance(value, int):
            if value < 1:
                raise ValueError("time_bins must be a positive count or a pandas frequency such as 'M'")
            return value
        import pandas as pd

        for freq in (value, value[:-1] if value.endswith("E") else value):  # "ME" (offsets) = "M" (periods)
            try:
                pd.Period("2000-01-01", freq=freq)
                return freq
            except (ValueError, TypeError):
                continue
        raise ValueError(f"time_bins {value!r} is neither a count nor a pandas frequency such as 'M', 'W', 'D'")


class TrackingConfig(Section):
    experiment: str = "topiclab"


class SweepConfig(Section):
    """Parameter search (sweep.py): ``grid`` maps dotted config keys to values to try.

    With ``method: optuna`` a list is a categorical choice and ``{low, high, log}``
    a numeric range; ``n_trials`` trials maximise (or minimise) ``objective``. ``direction``
    unset follows the metric: minimise where lower is better (``davies_bouldin``, times).
    """

    grid: dict[str, Any] = Field(default_factory=dict)
    method: Literal["grid", "optuna"] = "grid"
    n_trials: int = Field(default=20, gt=0)
    objective: str = "nmi"
    direction: Literal["maximize", "minimize"] | None = None  # sweep.plan_sweep sets it from the objective


class ExperimentConfig(Section):
    name: str
    seed: int = 42
    data: DataConfig
    segment: SegmentConfig = SegmentConfig()
    vectorize: VectorizeConfig = VectorizeConfig()
    cluster: ClusterConfig = ClusterConfig()
    topics: TopicsConfig = TopicsConfig()
    tracking: TrackingConfig = TrackingConfig()
    sweep: SweepConfig | None = None
    # What a run draws (viz.FIGURE_SETS): every view in one report.html (all), the headline views (summary),
    # or nothing at all, not even the document map's UMAP (none). A sweep's trials draw none.
    figures: FigureSet = "all"

    @model_validator(mode="before")
    @classmethod
    def _experiment_named_after_config(cls, data: Any) -> Any:
        """A config that names no ``tracking.experiment`` logs to an experiment of its own ``name``, so a
        user's runs are found by the name they gave (``topiclab runs list --experiment NAME``)."""
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return data
        tracking = data.get("tracking")
        if tracking is None:
            return {**data, "tracking": {"experiment": data["name"]}}
        if isinstance(tracking, dict) and "experiment" not in tracking:
            return {**data, "tracking": {**tracking, "experiment": data["name"]}}
        return data


def config_from_dict(raw: dict[str, Any], source: str = "config") -> ExperimentConfig:
    return validate_config(ExperimentConfig, raw, source)


def load_config(path: str | Path, overrides: list[str] | None = None) -> ExperimentConfig:
    """Read, override and validate an experiment config."""
    return config_from_dict(read_config_file(path, overrides), source=str(path))


_DENSITY_METHODS = ("umap_hdbscan", "bertopic")  # the methods with UMAP, HDBSCAN and outliers


def _unused_settings(config: ExperimentConfig) -> set[str]:
    """Sections and keys (dotted) that ``config``'s methods never read: another method's settings."""
    cluster, segment, vectorize = config.cluster, config.segment, config.vectorize
    unused = set()
    if cluster.method not in _DENSITY_METHODS:
        unused |= {"cluster.umap", "cluster.hdbscan", "cluster.outliers", "cluster.outlier_min_similarity"}
    elif cluster.outliers == "keep":
        unused.add("cluster.outlier_min_similarity")
    if cluster.method == "umap_hdbscan":
        unused.add("cluster.k")
    if cluster.k != "auto":
        unused.add("cluster.auto")
    if cluster.method != "agglomerative":
        unused.add("cluster.linkage")
    if cluster.refine.method == "none":
        unused |= {f"cluster.refine.{key}" for key in RefineConfig.model_fields if key != "method"}
    if segment.level == "line":  # one document per line: nothing is cut
        unused |= {f"segment.{key}" for key in SegmentConfig.model_fields if key != "level"}
    else:
        own = {"fixed": {"fixed_lines"}, "texttiling": {"window", "cutoff"}, "learned": {"model", "threshold"}}
        for method, keys in own.items():
            if segment.method != method:
                unused |= {f"segment.{key}" for key in keys}
        if segment.level != "passage":
            unused.add("segment.passage")
    if vectorize.representation == "embedding":
        unused.add("vectorize.tfidf")
    if vectorize.representation != "combined":
        unused.add("vectorize.tfidf_weight")
    if vectorize.representation == "tfidf" and config.topics.taxonomy is None and segment.level == "line":
        unused.add("vectorize.embedding")  # no sentence embedding is computed at all
    if config.topics.taxonomy is None:
        unused |= {"topics.label_threshold", "topics.guided"}
    return unused


def used_settings(config: ExperimentConfig, exclude: set[str] | None = None) -> dict[str, Any]:
    """``config`` flattened to dotted keys (MLflow params), without the settings its methods never read:
    a k-means run has no ``cluster.hdbscan.*``, so runs compare on what they ran with. The whole config
    is still logged with each run (``config.yaml``)."""
    unused = _unused_settings(config)
    flat = flatten(config.model_dump(mode="json", exclude=exclude))
    return {key: value for key, value in flat.items()
            if not any(key == name or key.startswith(name + ".") for name in unused)}

"""Experiment configs: YAML files validated by a typed schema.

Every section rejects unknown keys, so a typo fails loudly instead of being
ignored. ``--set key=value`` overrides are applied before validation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import TopiclabError
from .paths import resolve

__all__ = [
    "ExperimentConfig",
    "load_config",
    "config_from_dict",
    "apply_overrides",
    "flatten",
    "DEFAULT_EMBEDDING_MODEL",
]

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DataConfig(_Section):
    path: str
    format: Literal["auto", "dump", "csv", "jsonl", "folder"] = "auto"
    gold: str | None = None
    text_column: str = "text"
    label_column: str = "label"
    limit: int | None = Field(default=None, gt=0)


class EmbeddingConfig(_Section):
    model: str = DEFAULT_EMBEDDING_MODEL
    batch_size: int = Field(default=32, gt=0)


class TfidfConfig(_Section):
    max_features: int | None = Field(default=20000, gt=0)
    min_df: int | float = 1
    max_df: float = 1.0
    sublinear_tf: bool = True
    svd_components: int | None = Field(default=None, gt=1)


class VectorizeConfig(_Section):
    representation: Literal["embedding", "tfidf", "combined"] = "embedding"
    embedding: EmbeddingConfig = EmbeddingConfig()
    tfidf: TfidfConfig = TfidfConfig()
    tfidf_weight: float = Field(default=0.5, ge=0.0, le=1.0)
    context_window: int = Field(default=0, ge=0)


class UmapConfig(_Section):
    n_neighbors: int = Field(default=15, gt=1)
    n_components: int = Field(default=5, gt=0)
    min_dist: float = Field(default=0.0, ge=0.0)
    metric: str = "cosine"


class HdbscanConfig(_Section):
    min_cluster_size: int = Field(default=10, gt=1)
    min_samples: int | None = Field(default=None, gt=0)
    cluster_selection_method: Literal["eom", "leaf"] = "eom"


class ClusterConfig(_Section):
    method: Literal["kmeans", "agglomerative", "umap_hdbscan", "bertopic"] = "kmeans"
    k: int | None = Field(default=3, gt=0)
    linkage: Literal["ward", "average", "complete"] = "ward"
    umap: UmapConfig = UmapConfig()
    hdbscan: HdbscanConfig = HdbscanConfig()


class TopicsConfig(_Section):
    n_keywords: int = Field(default=10, gt=0)
    taxonomy: str | None = "experiments/taxonomies/news.yaml"
    label_threshold: float = Field(default=0.3, ge=-1.0, le=1.0)
    guided: bool = True


class TrackingConfig(_Section):
    experiment: str = "topiclab"


class ExperimentConfig(_Section):
    name: str
    seed: int = 42
    data: DataConfig
    vectorize: VectorizeConfig = VectorizeConfig()
    cluster: ClusterConfig = ClusterConfig()
    topics: TopicsConfig = TopicsConfig()
    tracking: TrackingConfig = TrackingConfig()


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "config"
    if first["type"] == "extra_forbidden":
        return f"{where}: unknown key"
    if first["type"] == "missing":
        return f"{where}: required key is missing"
    return f"{where}: {first['msg']} (got {first.get('input')!r})"


def apply_overrides(raw: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Apply ``a.b=value`` overrides; values are parsed as YAML scalars."""
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise TopiclabError(f"override {item!r} is not of the form key=value")
        node = raw
        parts = key.strip().split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise TopiclabError(f"override {key!r}: {part!r} is not a section")
            node = child
        node[parts[-1]] = yaml.safe_load(value) if value.strip() else None
    return raw


def config_from_dict(raw: dict[str, Any], source: str = "config") -> ExperimentConfig:
    try:
        return ExperimentConfig.model_validate(raw)
    except ValidationError as error:
        raise TopiclabError(f"invalid config {source}: {_describe(error)}") from None


def load_config(path: str | Path, overrides: list[str] | None = None) -> ExperimentConfig:
    """Read, override and validate an experiment config."""
    file = resolve(path)
    if not file.is_file():
        raise TopiclabError(f"config file not found: {path}")
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        reason = str(error).splitlines()[0]
        raise TopiclabError(f"config file {path} is not valid YAML: {reason}") from None
    if not isinstance(raw, dict):
        raise TopiclabError(f"config file {path} must hold a mapping of keys")
    return config_from_dict(apply_overrides(raw, overrides or []), source=str(path))


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}``: configs as MLflow params."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat

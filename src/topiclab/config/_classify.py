"""Classifier configs: which labels, which classifiers, how to evaluate and register.

A YAML file validated like experiment configs (unknown keys fail loudly,
``--set key=value`` overrides apply before validation). Labels come either
from the data (a ``label`` column, or a gold file for a dump) or from a
finished clustering run (its human topic labels as pseudo-labels).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from ._base import Section, read_config_file, validate_config
from ._experiment import DataConfig, DocumentFrequencies, EmbeddingConfig, TrackingConfig

__all__ = [
    "CLASSIFIER_KINDS",
    "EMBEDDING_KINDS",
    "DEFAULT_MODEL_NAME",
    "ClassifierSpec",
    "ClassifierConfig",
    "classifier_config_from_dict",
    "load_classifier_config",
]

CLASSIFIER_KINDS = ("tfidf_logreg", "tfidf_svm", "embedding_logreg", "embedding_knn", "ensemble", "zero_shot")
EMBEDDING_KINDS = ("embedding_logreg", "embedding_knn", "zero_shot")
DEFAULT_MODEL_NAME = "news-topic-classifier"

# Which optional keys make sense for which kind: anything else is a mistake.
_KEYS_OF_KIND = {
    "tfidf_logreg": {"C", "class_weight"},
    "tfidf_svm": {"C", "class_weight"},
    "embedding_logreg": {"C", "class_weight"},
    "embedding_knn": {"n_neighbors"},
    "ensemble": {"members", "weights"},
    "zero_shot": {"temperature"},
}


class ClassifierEmbeddingConfig(EmbeddingConfig):
    # A text longer than this many words is embedded as the unit mean of its chunks of whole
    # sentences (the model reads only the start of a long text); null: the start alone.
    chunk_words: int | None = Field(default=150, gt=0)


class LabelsConfig(Section):
    source: Literal["data", "run"] = "data"  # "run": a clustering run's topic labels
    run_id: str | None = None  # with source "run": this run ...
    experiment: str | None = None  # ... or the latest finished run of this experiment
    include_outliers: bool = False  # keep documents of the outlier topic (-1)
    min_documents: int | None = Field(default=None, gt=0)  # drop labels with fewer (e.g. tiny clusters)

    @model_validator(mode="after")
    def _run_named(self) -> "LabelsConfig":
        if self.source == "run" and not (self.run_id or self.experiment):
            raise ValueError("labels.source 'run' needs labels.run_id or labels.experiment")
        return self


class ClassifierTfidfConfig(DocumentFrequencies):
    max_features: int | None = Field(default=None, gt=0)
    ngram_max: int = Field(default=1, ge=1, le=3)
    sublinear_tf: bool = True


class ClassifierSpec(Section):
    kind: Literal["tfidf_logreg", "tfidf_svm", "embedding_logreg", "embedding_knn", "ensemble", "zero_shot"]
    name: str | None = None  # the MLflow run name; defaults to the kind
    C: float = Field(default=10.0, gt=0)  # inverse regularisation (logreg, SVM)
    class_weight: Literal["balanced"] | None = None
    n_neighbors: int = Field(default=5, gt=0)
    members: list[str] = []  # ensemble: names of other classifiers in this config
    weights: list[float] | None = None  # ensemble: one weight per member
    temperature: float | None = Field(default=None, gt=0)  # zero_shot: None = fitted on the labels

    @model_validator(mode="after")
    def _keys_fit_kind(self) -> "ClassifierSpec":
        stray = (self.model_fields_set - {"kind", "name"}) - _KEYS_OF_KIND[self.kind]
        if stray:
            raise ValueError(f"{', '.join(sorted(stray))} does not apply to kind {self.kind!r}")
        if self.kind == "ensemble":
            if len(self.members) < 2:
                raise ValueError("an ensemble needs at least 2 members")
            if self.weights is not None and len(self.weights) != len(self.members):
                raise ValueError("ensemble weights need one weight per member")
        if self.name is None:
            self.name = self.kind
        return self


def _default_classifiers() -> list[ClassifierSpec]:
    return [ClassifierSpec(kind=kind) for kind in CLASSIFIER_KINDS if kind not in ("ensemble", "zero_shot")]


class EvaluationConfig(Section):
    folds: int = Field(default=5, ge=2)  # stratified k-fold cross-validation
    test_size: float = Field(default=0.2, gt=0.0, lt=1.0)  # stratified held-out split
    calibration_folds: int = Field(default=3, ge=2)  # Platt scaling of the linear SVM


class AbstentionConfig(Section):
    enabled: bool = True  # "none of these" below the thresholds chosen on out-of-fold predictions
    target_coverage: float = Field(default=0.95, gt=0.0, le=1.0)  # share of in-taxonomy texts kept labelled


class RegistryConfig(Section):
    enabled: bool = True  # register the best classifier at all
    model_name: str = DEFAULT_MODEL_NAME
    alias: str = "champion"
    select_by: Literal["cv_accuracy", "cv_macro_f1", "holdout_accuracy", "holdout_macro_f1"] = "cv_accuracy"


class ClassifierConfig(Section):
    name: str
    seed: int = 42
    data: DataConfig | None = None  # read when labels.source is "data"
    labels: LabelsConfig = LabelsConfig()
    embedding: ClassifierEmbeddingConfig = ClassifierEmbeddingConfig()
    tfidf: ClassifierTfidfConfig = ClassifierTfidfConfig()
    classifiers: list[ClassifierSpec] = Field(default_factory=_default_classifiers, min_length=1)
    evaluation: EvaluationConfig = EvaluationConfig()
    taxonomy: str | None = None  # names + descriptions (+ examples): zero-shot labels and prior knowledge
    taxonomy_prior: bool = False  # train on the taxonomy too, stacked with the zero-shot model
    abstention: AbstentionConfig = AbstentionConfig()
    registry: RegistryConfig = RegistryConfig()
    tracking: TrackingConfig = TrackingConfig(experiment="classifiers")

    @model_validator(mode="after")
    def _consistent(self) -> "ClassifierConfig":
        if self.labels.source == "data" and self.data is None:
            if self.taxonomy is None:
                raise ValueError("labels.source 'data' needs a data section (or a taxonomy for zero-shot only)")
            if "classifiers" not in self.model_fields_set:
                self.classifiers = [ClassifierSpec(kind="zero_shot")]  # no training data: zero-shot only
            elif any(spec.kind != "zero_shot" for spec in self.classifiers):
                raise ValueError("without training data (no data section) only zero_shot classifiers can be built")
        if self.taxonomy_prior and self.taxonomy is None:
            raise ValueError("taxonomy_prior needs a taxonomy file")
        if self.taxonomy is None and any(spec.kind == "zero_shot" for spec in self.classifiers):
            raise ValueError("a zero_shot classifier needs a taxonomy file")
        names = [spec.name for spec in self.classifiers]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"classifier names must be unique; repeated: {', '.join(repeated)}")
        plain = {spec.name for spec in self.classifiers if spec.kind != "ensemble"}
        for spec in self.classifiers:
            unknown = [m for m in spec.members if m not in plain]
            if unknown:
                raise ValueError(f"ensemble {spec.name!r}: members {unknown} are not "
                                 f"non-ensemble classifiers of this config ({', '.join(sorted(plain))})")
        return self

    def spec(self, name: str) -> ClassifierSpec:
        return next(spec for spec in self.classifiers if spec.name == name)

    def needs_embeddings(self, spec: ClassifierSpec) -> bool:
        if spec.kind == "ensemble":
            return any(self.needs_embeddings(self.spec(member)) for member in spec.members)
        return spec.kind in EMBEDDING_KINDS or self.taxonomy is not None

    @property
    def has_training_data(self) -> bool:
        return not (self.labels.source == "data" and self.data is None)


def classifier_config_from_dict(raw: dict, source: str = "config") -> ClassifierConfig:
    return validate_config(ClassifierConfig, raw, source)


def load_classifier_config(path: str | Path, overrides: list[str] | None = None) -> ClassifierConfig:
    """Read, override and validate a classifier config."""
    return classifier_config_from_dict(read_config_file(path, overrides), source=str(path))
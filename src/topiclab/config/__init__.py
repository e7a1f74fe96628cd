"""Typed YAML configs: one strict section base, one reader, one override syntax.

``experiments/*.yaml`` hold experiment configs (``ExperimentConfig``), classifier
configs (``ClassifierConfig``) and the segmentation benchmark's config
(``SegmentEvalConfig``). Unknown keys and wrong types are one-line errors.
"""

from ._base import (Section, apply_overrides, describe_error, did_you_mean, flatten, override_label, override_text,
                    read_config_file, run_name, validate_config)
from ._classify import (CLASSIFIER_KINDS, DEFAULT_MODEL_NAME, EMBEDDING_KINDS, ClassifierConfig, ClassifierSpec,
                        EvaluationConfig, LabelsConfig, RegistryConfig, classifier_config_from_dict,
                        load_classifier_config)
from ._experiment import (DEFAULT_EMBEDDING_BACKEND, DEFAULT_EMBEDDING_MODEL, AutoKConfig, FigureSet, ClusterConfig, DataConfig, EmbeddingBackend, EmbeddingConfig,
                          ExperimentConfig, HdbscanConfig, PassageConfig, RefineConfig, SegmentConfig, SweepConfig, TfidfConfig,
                          TopicsConfig, TrackingConfig, UmapConfig, VectorizeConfig, config_from_dict, load_config,
                          used_settings)
from ._segmentation import (DumpSpec, PageDumpSpec, ScaleSpec, SegmentEvalConfig, TrainSpec, WebDumpSpec, WebEvalSpec,
                            load_segment_eval_config)

__all__ = [
    "Section", "describe_error", "apply_overrides", "override_text", "validate_config", "read_config_file",
    "flatten", "did_you_mean", "override_label", "run_name",
    "DEFAULT_EMBEDDING_BACKEND", "DEFAULT_EMBEDDING_MODEL", "FigureSet", "DataConfig", "PassageConfig", "SegmentConfig", "EmbeddingBackend", "EmbeddingConfig", "TfidfConfig",
    "VectorizeConfig", "UmapConfig", "HdbscanConfig", "RefineConfig", "AutoKConfig", "ClusterConfig", "TopicsConfig",
    "TrackingConfig", "SweepConfig", "ExperimentConfig", "config_from_dict", "load_config", "used_settings",
    "CLASSIFIER_KINDS", "EMBEDDING_KINDS", "DEFAULT_MODEL_NAME", "ClassifierSpec", "ClassifierConfig",
    "LabelsConfig", "EvaluationConfig", "RegistryConfig", "classifier_config_from_dict", "load_classifier_config",
    "DumpSpec", "PageDumpSpec", "WebDumpSpec", "WebEvalSpec", "ScaleSpec", "TrainSpec", "SegmentEvalConfig",
    "load_segment_eval_config",
]

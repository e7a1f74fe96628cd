"""Segmentation benchmark and boundary-model training configs (``experiments/segmentation.yaml``).

Which labelled corpus to cut into synthetic dumps, which segmenters to compare
(each a ``segment`` section of an experiment config) and how to train the
learned one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from ._base import Section, read_config_file, validate_config
from ._experiment import SegmentConfig, TrackingConfig

__all__ = ["DumpSpec", "TrainSpec", "SegmentEvalConfig", "load_segment_eval_config"]


class DumpSpec(Section):
    """Synthetic dumps cut from a labelled CSV/JSONL table of articles."""

    path: str = "../shared/datasets/bbc_news.csv"
    text_column: str = "text"
    label_column: str = "label"
    split: Literal["train", "eval", "all"] = "eval"
    dumps: int = Field(default=1, gt=0)
    articles_per_dump: int = Field(default=300, ge=2)
    unit: Literal["sentence", "paragraph"] = "sentence"
    max_sentences: int = Field(default=4, gt=0)  # paragraph unit: sentences per line, at most
    truncate_share: float = Field(default=0.0, ge=0.0, le=1.0)  # articles cut off mid-sentence


class TrainSpec(Section):
    """Dumps the boundary model is fitted on (train half only) and validated on."""

    data: list[DumpSpec]
    validation_share: float = Field(default=0.2, gt=0.0, lt=1.0)
    hidden: list[int] = Field(default=[16], min_length=1)  # hidden layer sizes of each network
    alpha: float = Field(default=0.1, gt=0.0)  # L2 penalty
    members: int = Field(default=5, gt=0)  # networks in the ensemble (random states seed, seed+1...)
    output: str | None = None  # default: the model shipped inside the package


class SegmentEvalConfig(Section):
    name: str = "segmentation"
    seed: int = 42
    data: DumpSpec = DumpSpec()
    segmenters: dict[str, SegmentConfig]
    baseline: str
    train: TrainSpec | None = None
    tracking: TrackingConfig = TrackingConfig(experiment="segmentation")

    @model_validator(mode="after")
    def _known_baseline(self) -> "SegmentEvalConfig":
        if self.baseline not in self.segmenters:
            raise ValueError(f"baseline {self.baseline!r} is not one of the segmenters")
        return self


def load_segment_eval_config(path: str | Path, overrides: list[str] | None = None) -> SegmentEvalConfig:
    return validate_config(SegmentEvalConfig, read_config_file(path, overrides), source=str(path))

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

__all__ = ["DumpSpec", "PageDumpSpec", "WebDumpSpec", "WebEvalSpec", "ScaleSpec", "TrainSpec", "SegmentEvalConfig",
           "load_segment_eval_config"]

WebCase = Literal["page", "article", "comments"]


class DumpSpec(Section):
    """Synthetic dumps cut from a labelled table (CSV/TSV/JSONL/JSON) of articles."""

    path: str = "../shared/datasets/bbc_news.csv"
    text_column: str = "text"
    label_column: str = "label"
    split: Literal["train", "eval", "all"] = "eval"
    dumps: int = Field(default=1, gt=0)
    articles_per_dump: int = Field(default=300, ge=2)
    unit: Literal["sentence", "paragraph"] = "sentence"
    max_sentences: int = Field(default=4, gt=0)  # paragraph unit: sentences per line, at most
    truncate_share: float = Field(default=0.0, ge=0.0, le=1.0)  # articles cut off mid-sentence


class PageDumpSpec(Section):
    """Realistic dumps (``segment.build_page_dump``) from a JSONL table with id, label, title, text."""

    path: str = "../shared/datasets/bbc_fulltext.jsonl"
    split: Literal["train", "eval", "all"] = "eval"
    dumps: int = Field(default=1, gt=0)
    articles_per_dump: int = Field(default=100, ge=2)
    unit: Literal["sentence", "paragraph"] = "paragraph"
    same_label_share: float = Field(default=0.6, ge=0.0, le=1.0)  # neighbours sharing a label, about
    cut_share: float = Field(default=0.33, ge=0.0, le=1.0)  # articles cut to their first 1-3 paragraphs
    snippet_share: float = Field(default=0.1, ge=0.0, le=1.0)  # of those, cut to one line of snippet_chars
    snippet_chars: tuple[int, int] = (150, 400)  # a snippet's length: drawn between the two
    title_share: float = Field(default=0.5, ge=0.0, le=1.0)
    boilerplate_per_article: float = Field(default=2.0, ge=0.0)  # mean boilerplate lines per article
    dateline_share: float = Field(default=0.0, ge=0.0, le=1.0)  # articles opening with a dateline
    kicker_share: float = Field(default=0.0, ge=0.0, le=1.0)  # articles opening with an upper-case kicker
    lowercase: bool = False  # lower-case every line: the case-free regime

    @model_validator(mode="after")
    def _snippet_range(self) -> "PageDumpSpec":
        low, high = self.snippet_chars
        if not 0 < low < high:
            raise ValueError(f"snippet_chars must be two lengths, shortest first: got {list(self.snippet_chars)}")
        return self


class WebDumpSpec(Section):
    """Dumps of real web pages (``segment.spec_web_dumps``): ``pages_per_dump`` pages of one source run together.

    ``case``: ``page`` (every line of each page), ``article`` (only its gold article lines) or
    ``comments`` (whole pages that carry at least ``comment_lines`` prose lines after their article).
    """

    source: str = "scrapinghub"
    case: WebCase = "page"
    split: Literal["train", "eval", "all"] = "train"
    dumps: int = Field(default=4, gt=0)
    pages_per_dump: int = Field(default=8, ge=2)
    max_pages: int | None = Field(default=None, gt=0)  # a sample of the source's half (the seed draws it)
    comment_lines: int = Field(default=20, gt=0)


class WebEvalSpec(Section):
    """Leave-one-source-out on real web pages: train with one source's train half (plus the BBC mix of
    ``train:``), score on the other's eval half; the mix and threshold are picked on the training side."""

    sources: list[str] = Field(default=["scrapinghub", "dragnet"], min_length=2)
    eval_pages: int = Field(default=32, gt=1)  # per source, of its eval half (``segment.sample_pages``)
    comment_pages: int = Field(default=8, gt=1)  # per source, of its eval half's comment pages
    train_pages: int = Field(default=40, gt=1)  # per source, of its train half (a fifth held for validation)
    pages_per_dump: int = Field(default=8, ge=2)
    comment_lines: int = Field(default=20, gt=0)
    # Candidate training mixes: name -> dumps per case of the training source's train pages.
    mixes: dict[str, dict[WebCase, int]] = {"bbc": {}, "pages": {"page": 4, "article": 4}}
    members: int | None = Field(default=None, gt=0)  # networks per fold's model (default: train.members)
    # Wire copy (eval half of bbc_fulltext.jsonl): datelines, no titles, continuation paragraphs.
    wire: PageDumpSpec = PageDumpSpec(dumps=2, articles_per_dump=30, title_share=0.0, cut_share=0.0,
                                      snippet_share=0.0, boilerplate_per_article=0.0, dateline_share=1.0)


class TrainSpec(Section):
    """Dumps the boundary model is fitted on (train half only) and validated on."""

    data: list[DumpSpec]
    pages: list[PageDumpSpec] = []  # realistic dumps (train split only), content lines as the segmenter sees them
    web: list[WebDumpSpec] = []  # real web pages (train split only), content lines as the segmenter sees them
    validation_share: float = Field(default=0.2, gt=0.0, lt=1.0)
    hidden: list[int] = Field(default=[16], min_length=1)  # hidden layer sizes of each network
    alpha: float = Field(default=0.1, gt=0.0)  # L2 penalty
    members: int = Field(default=5, gt=0)  # networks in the ensemble (random states seed, seed+1...)
    output: str | None = None  # default: the model shipped inside the package


class ScaleSpec(Section):
    """Time and memory of the learned segmenter on big realistic dumps (built from ``pages``' articles)."""

    sizes: list[int] = Field(default=[12_500, 25_000, 50_000, 100_000], min_length=2)  # lines
    megabytes: float = Field(default=20.0, gt=0.0)  # and one dump of this size


class SegmentEvalConfig(Section):
    name: str = "segmentation"
    seed: int = 42
    data: DumpSpec = DumpSpec()
    pages: PageDumpSpec | None = None  # realistic dumps, scored beside the lower-cased ones
    web: WebEvalSpec | None = None  # real web pages, leave-one-source-out
    scale: ScaleSpec | None = None  # big dumps: is the segmenter linear in time and memory?
    report: str | None = None  # BENCHMARKS.md: section `segmentation` written with the targets
    segmenters: dict[str, SegmentConfig]
    baseline: str
    train: TrainSpec | None = None
    tracking: TrackingConfig = TrackingConfig(experiment="segmentation")

    @model_validator(mode="after")
    def _known_baseline(self) -> "SegmentEvalConfig":
        if self.baseline not in self.segmenters:
            raise ValueError(f"baseline {self.baseline!r} is not one of the segmenters")
        if self.pages is not None and "learned" not in self.segmenters:  # the report's seed check runs it
            raise ValueError("pages: the report needs a segmenter named 'learned' (it segments the seed dump)")
        return self


def load_segment_eval_config(path: str | Path, overrides: list[str] | None = None) -> SegmentEvalConfig:
    return validate_config(SegmentEvalConfig, read_config_file(path, overrides), source=str(path))

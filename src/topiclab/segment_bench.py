"""The segmentation benchmark and the boundary model's training, from one YAML file.

``experiments/segmentation.yaml`` says which labelled corpus to cut into
synthetic dumps, which segmenters to compare (each a ``segment`` section of an
experiment config) and how to train the learned one. ``topiclab segment-eval``
and ``topiclab segment-train`` run it; MLflow logging lives in ``tracking``.
"""

from __future__ import annotations

from pathlib import Path
import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .config import SegmentConfig, _describe, apply_overrides, read_config_file, validate_config
from .errors import TopiclabError
from .paths import resolve
from .segment_eval import SyntheticDump, build_dumps, load_articles, train_boundary_model
from .segment_model import DEFAULT_MODEL_RESOURCE, BoundaryModel
from .vectorize import BaseEmbedder

__all__ = ["DumpSpec", "TrainSpec", "SegmentEvalConfig", "load_segment_eval_config", "eval_dumps",
           "training_dumps", "train_from_config", "default_model_path", "segment_file", "format_results"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DumpSpec(_Section):
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


class TrainSpec(_Section):
    """Dumps the boundary model is fitted on (train half only) and validated on."""

    data: list[DumpSpec]
    validation_share: float = Field(default=0.2, gt=0.0, lt=1.0)
    hidden: list[int] = Field(default=[16], min_length=1)  # hidden layer sizes of each network
    alpha: float = Field(default=0.1, gt=0.0)  # L2 penalty
    members: int = Field(default=5, gt=0)  # networks in the ensemble (random states seed, seed+1...)
    output: str | None = None  # default: the model shipped inside the package


class SegmentEvalConfig(_Section):
    name: str = "segmentation"
    seed: int = 42
    data: DumpSpec = DumpSpec()
    segmenters: dict[str, SegmentConfig]
    baseline: str
    train: TrainSpec | None = None
    experiment: str = "segmentation"  # MLflow experiment

    @model_validator(mode="after")
    def _known_baseline(self) -> "SegmentEvalConfig":
        if self.baseline not in self.segmenters:
            raise ValueError(f"baseline {self.baseline!r} is not one of the segmenters")
        return self


def load_segment_eval_config(path: str | Path, overrides: list[str] | None = None) -> SegmentEvalConfig:
    return validate_config(SegmentEvalConfig, read_config_file(path, overrides), source=str(path))


def _articles(spec: DumpSpec):
    return load_articles(spec.path, None if spec.split == "all" else spec.split,
                         spec.text_column, spec.label_column)


def _dumps(spec: DumpSpec, seed: int, articles=None, n_dumps: int | None = None) -> list[SyntheticDump]:
    articles = _articles(spec) if articles is None else articles
    return build_dumps(articles, n_dumps or spec.dumps, spec.articles_per_dump, seed, spec.unit,
                       spec.max_sentences, spec.truncate_share)


def _held_out(article_id: str, share: float) -> bool:
    digest = hashlib.sha256(f"validation:{article_id}".encode()).hexdigest()
    return int(digest, 16) % 1000 < share * 1000


def eval_dumps(config: SegmentEvalConfig) -> list[SyntheticDump]:
    return _dumps(config.data, config.seed)


def default_model_path() -> Path:
    return Path(__file__).resolve().parent / DEFAULT_MODEL_RESOURCE


def training_dumps(config: SegmentEvalConfig) -> tuple[list[SyntheticDump], list[SyntheticDump]]:
    """(fit, validation) dumps from the ``train`` half; validation uses other articles."""
    if config.train is None:
        raise TopiclabError("config has no 'train' section")
    train, validation = [], []
    share = config.train.validation_share
    for number, spec in enumerate(config.train.data):
        if spec.split != "train":
            raise TopiclabError(f"train.data[{number}].split must be 'train', not {spec.split!r}")
        if spec.dumps < 2:
            raise TopiclabError(f"train.data[{number}]: needs at least 2 dumps (fit and validation)")
        # Validation dumps use other articles than the fitted ones (by a salted hash of the id).
        articles = _articles(spec)
        held = [a for a in articles if _held_out(a.id, share)]
        kept = [a for a in articles if not _held_out(a.id, share)]
        n_held = min(max(1, round(spec.dumps * share)), spec.dumps - 1)
        seed = config.seed + 1000 * (number + 1)
        train += _dumps(spec, seed, kept, spec.dumps - n_held)
        validation += _dumps(spec, seed + 500, held, n_held)
    return train, validation


def train_from_config(config: SegmentEvalConfig, embedder: BaseEmbedder) -> BoundaryModel:
    """Fit the boundary model on the ``train`` dumps of ``config`` (never the eval half)."""
    train, validation = training_dumps(config)
    info = {
        "trained_on": sorted({spec.path for spec in config.train.data}),
        "split": "train",
        "train_dumps": len(train),
        "train_articles": sum(d.n_articles for d in train),
        "validation_dumps": len(validation),
        "seed": config.seed,
    }
    spec = config.train
    return train_boundary_model(train, validation, embedder, config.seed, tuple(spec.hidden), spec.alpha,
                                spec.members, info)


def segment_file(path: str | Path, method: str = "learned", overrides: list[str] | None = None) -> list[str]:
    """Lines describing the articles of a dump: id, line span, size, first words."""
    from .corpus import read_text
    from .segment import make_segmenter, segment_lines

    try:
        settings = SegmentConfig.model_validate(
            apply_overrides({"method": method, "level": "article"}, overrides or []))
    except ValidationError as error:
        raise TopiclabError(f"invalid segment option: {_describe(error)}") from None
    file = resolve(path)
    if file.is_dir():
        raise TopiclabError(f"{path} is a directory, not a dump")
    text, _ = read_text(file)
    spans = segment_lines(text.splitlines(), make_segmenter(settings))
    width = max(3, len(str(len(spans))))
    out = [f"{len(spans)} article(s) in {path} (segmenter: {settings.method})"]
    for span in spans:
        words = " ".join(span.text[:300].split()[:12])
        out.append(f"A{span.index + 1:0{width}d}  lines {span.line_start}-{span.line_end}  "
                   f"({span.text.count(chr(10)) + 1} lines)  {words} ...")
    return out


def format_results(rows: list[dict], baseline: str) -> str:
    """Markdown table of the scores, then the best segmenter's Pk beside the baseline's."""
    header = "| segmenter | Pk | WindowDiff | precision | recall | F1 | boundaries | seconds |"
    lines = [header, "|" + "---|" * 8]
    for row in rows:
        lines.append(f"| {row['segmenter']} | {row['pk']:.4f} | {row['windowdiff']:.4f} | "
                     f"{row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | "
                     f"{row['n_predicted']} | {row['seconds']:.1f} |")
    best = min(rows, key=lambda row: row["pk"])
    base = next(row for row in rows if row["segmenter"] == baseline)
    lines.append("")
    lines.append(f"best: {best['segmenter']} Pk={best['pk']:.4f} | baseline: {base['segmenter']} "
                 f"Pk={base['pk']:.4f} | {rows[0]['n_articles']} articles, {rows[0]['n_lines']} lines")
    return "\n".join(lines)

"""Train the learned segmenter's boundary model on synthetic dumps of the train half.

The dumps come from the ``train`` section of a segmentation config
(``experiments/segmentation.yaml``); validation dumps use other articles of the
train half (a salted hash of the id), and the decision threshold is the one
with the lowest validation Pk. The eval half is never seen.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..config import SegmentEvalConfig
from ..data import hash_bucket
from ..errors import TopiclabError
from ._evaluate import score_segmentation
from ._features import gap_features
from ._model import DEFAULT_MODEL_RESOURCE, BoundaryModel, decode_boundaries, fit_boundary_model, single_line_penalty
from ._features import LineEncoder
from ..data import load_web_pages
from ._realistic import load_page_articles, spec_page_dumps
from ._synthetic import SyntheticDump, spec_articles, spec_dumps
from ._text import is_truncated
from ._web_dumps import spec_web_dumps

__all__ = ["tune_threshold", "train_boundary_model", "training_dumps", "train_from_config", "default_model_path",
           "DumpFeatures", "web_training_dumps", "web_train_pages", "held_pages"]


def _complete(dump: SyntheticDump) -> np.ndarray:
    return np.array([not is_truncated(line) for line in dump.lines])


def tune_threshold(probabilities: list[np.ndarray], dumps: list[SyntheticDump],
                   single_line_penalty: float = 0.0) -> tuple[float, float]:
    """The decision threshold with the lowest mean Pk over ``dumps`` (and that Pk)."""
    complete = [_complete(d) for d in dumps]
    best = (0.5, np.inf)
    for threshold in np.round(np.arange(0.05, 0.96, 0.025), 3):
        value = float(np.mean([
            score_segmentation(d.boundaries, decode_boundaries(p, c, threshold, single_line_penalty))["pk"]
            for d, p, c in zip(dumps, probabilities, complete)]))
        if value < best[1] - 1e-12:
            best = (float(threshold), value)
    return best


def train_boundary_model(train: list[SyntheticDump], validation: list[SyntheticDump],
                         embedder: LineEncoder | None, seed: int, hidden: tuple[int, ...] = (16,),
                         alpha: float = 0.1, members: int = 5, info: dict | None = None,
                         features: "DumpFeatures | None" = None) -> BoundaryModel:
    """Fit on ``train`` dumps, pick the threshold on ``validation`` dumps.

    The prior against one-line complete articles comes from how often the training dumps
    have them. ``embedder=None`` trains on lexical and style features only (for tests).
    ``features``: a ``DumpFeatures`` that keeps each dump's gap features (several fits, one reading).
    """
    features_of = features or DumpFeatures(embedder)
    features = [features_of(d) for d in train]
    name = embedder.name.split("/")[-1] if embedder is not None else "none"
    model = fit_boundary_model(np.vstack(features), np.concatenate([d.boundaries for d in train]),
                               seed, hidden, alpha, members, embedding_model=name, info=info)
    articles = single = 0
    for dump in train:
        starts = np.concatenate([[0], np.flatnonzero(dump.boundaries) + 1, [len(dump.lines)]])
        complete = _complete(dump)
        articles += len(starts) - 1
        single += int(sum(complete[a] for a, b in zip(starts[:-1], starts[1:]) if b - a == 1))
    model.single_line_penalty = single_line_penalty(articles, single)
    probabilities = [model.probabilities(features_of(d)) for d in validation]
    model.threshold, validation_pk = tune_threshold(probabilities, validation, model.single_line_penalty)
    model.info["validation_pk"] = round(validation_pk, 4)
    return model


class DumpFeatures:
    """Gap features of dumps, computed once per dump object (leave-one-source-out fits several models)."""

    def __init__(self, embedder: LineEncoder | None):
        self.embedder = embedder
        self._kept: dict[int, tuple[SyntheticDump, np.ndarray]] = {}

    def __call__(self, dump: SyntheticDump) -> np.ndarray:
        if id(dump) not in self._kept:  # the dump is kept too, so its id is not reused
            self._kept[id(dump)] = (dump, gap_features(dump.lines, self.embedder))
        return self._kept[id(dump)][1]


def _held_out(article_id: str, share: float) -> bool:
    return hash_bucket(article_id, 1000, salt="validation:") < share * 1000


def default_model_path() -> Path:
    """Where the shipped boundary model lives in this checkout (``segment-train`` writes it)."""
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
        articles = spec_articles(spec)
        held = [a for a in articles if _held_out(a.id, share)]
        kept = [a for a in articles if not _held_out(a.id, share)]
        n_held = min(max(1, round(spec.dumps * share)), spec.dumps - 1)
        seed = config.seed + 1000 * (number + 1)
        # Every spec of a table draws its articles in one order (build seeds differ): the regimes
        # view the same articles differently, and their sentences are embedded once.
        train += spec_dumps(spec, seed, kept, spec.dumps - n_held, order_seed=config.seed)
        validation += spec_dumps(spec, seed + 500, held, n_held, order_seed=config.seed + 500)
    for number, spec in enumerate(config.train.pages):
        if spec.split != "train":
            raise TopiclabError(f"train.pages[{number}].split must be 'train', not {spec.split!r}")
        if spec.dumps < 2:
            raise TopiclabError(f"train.pages[{number}]: needs at least 2 dumps (fit and validation)")
        articles = load_page_articles(spec.path, "train")
        held = [a for a in articles if _held_out(a.id, share)]
        kept = [a for a in articles if not _held_out(a.id, share)]
        n_held = min(max(1, round(spec.dumps * share)), spec.dumps - 1)
        seed = config.seed + 1000 * (len(config.train.data) + number + 1)
        train += [d.content_dump() for d in spec_page_dumps(spec, seed, kept, spec.dumps - n_held, config.seed)]
        validation += [d.content_dump() for d in spec_page_dumps(spec, seed + 500, held, n_held, config.seed + 500)]
    for number, spec in enumerate(config.train.web):
        if spec.split != "train":
            raise TopiclabError(f"train.web[{number}].split must be 'train', not {spec.split!r}")
        seed = config.seed + 1000 * (len(config.train.data) + len(config.train.pages) + number + 1)
        fit, held = web_training_dumps(spec, seed, share)
        train += fit
        validation += held
    return train, validation


def web_train_pages(source: str, share: float) -> tuple[list, list]:
    """(fit, validation) pages of ``source``'s train half: validation pages by a salted hash of the
    page id, about ``share`` of them."""
    pages = load_web_pages(source, "train")
    return ([p for p in pages if not _held_out(p.id, share)], [p for p in pages if _held_out(p.id, share)])


def held_pages(max_pages: int | None, share: float) -> int | None:
    """How many validation pages go with ``max_pages`` fitted ones: the same share as the dumps'."""
    return None if max_pages is None else max(2, round(max_pages * share))


def web_training_dumps(spec, seed: int, share: float) -> tuple[list[SyntheticDump], list[SyntheticDump]]:
    """(fit, validation) content dumps of a ``WebDumpSpec`` (train split); validation dumps use other pages."""
    if spec.dumps < 2:
        raise TopiclabError(f"web dumps of {spec.source} ({spec.case}): need at least 2 (fit and validation)")
    kept, held = web_train_pages(spec.source, share)
    n_held = min(max(1, round(spec.dumps * share)), spec.dumps - 1)
    fit = spec_web_dumps(spec, seed, kept, spec.dumps - n_held)
    held_spec = spec.model_copy(update={"max_pages": held_pages(spec.max_pages, share)})
    validation = spec_web_dumps(held_spec, seed + 500, held, n_held)
    return [d.content_dump() for d in fit], [d.content_dump() for d in validation]


def train_from_config(config: SegmentEvalConfig, embedder: LineEncoder) -> BoundaryModel:
    """Fit the boundary model on the ``train`` dumps of ``config`` (never the eval half)."""
    train, validation = training_dumps(config)
    info = {
        "trained_on": sorted({spec.path for spec in [*config.train.data, *config.train.pages]}
                             | {f"pages:{spec.source}" for spec in config.train.web}),
        "split": "train",
        "train_dumps": len(train),
        "train_articles": sum(d.n_articles for d in train),
        "validation_dumps": len(validation),
        "seed": config.seed,
    }
    spec = config.train
    return train_boundary_model(train, validation, embedder, config.seed, tuple(spec.hidden), spec.alpha,
                                spec.members, info)

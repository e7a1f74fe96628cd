"""Measure segmenters on synthetic dumps built from a labelled corpus.

A synthetic dump concatenates real articles, shuffled with a fixed seed, one
sentence (or paragraph of a few sentences) per line: the shape of a raw dump,
with known boundaries. Scores: Pk and WindowDiff (``nltk.metrics.segmentation``)
and exact boundary precision, recall and F1.

Articles are split into two halves by a hash of their id: the boundary model is
trained on dumps of the ``train`` half only, and evaluated on the ``eval`` half,
so no article is seen in both.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import numpy as np
from nltk.metrics.segmentation import pk, windowdiff

from .corpus import Document, load_corpus
from .errors import TopiclabError
from .segment import BaseSegmenter, Dump, embedder_for
from .segment_features import gap_features
from .segment_model import BoundaryModel, decode_boundaries, fit_boundary_model, single_line_penalty
from .segment_text import is_truncated, split_sentences
from .vectorize import BaseEmbedder

__all__ = [
    "SyntheticDump",
    "split_of",
    "load_articles",
    "build_dump",
    "build_dumps",
    "boundary_string",
    "score_segmentation",
    "evaluate_segmenter",
    "train_boundary_model",
    "tune_threshold",
]


@dataclass(frozen=True)
class SyntheticDump:
    lines: list[str]
    boundaries: np.ndarray  # per gap between lines: does a new article start after it?
    article_ids: list[str]
    labels: list[str | None]

    @property
    def n_articles(self) -> int:
        return len(self.article_ids)


def split_of(article_id: str) -> str:
    """``train`` or ``eval``, from a hash of the id: stable whatever the row order."""
    return "eval" if int(hashlib.sha256(str(article_id).encode()).hexdigest(), 16) % 2 else "train"


def load_articles(path: str, split: str | None = None, text_column: str = "text",
                  label_column: str = "label") -> list[Document]:
    """Documents of a labelled table (CSV/JSONL), optionally one half of them."""
    corpus = load_corpus(path, "auto", text_column, label_column)
    if corpus.format not in ("csv", "jsonl"):
        raise TopiclabError(f"{path}: synthetic dumps need a CSV or JSONL table of articles")
    documents = [d for d in corpus.documents if split is None or split_of(d.id) == split]
    if not documents:
        raise TopiclabError(f"{path}: no articles in split {split!r}")
    return documents


def _article_lines(text: str, unit: str, rng: np.random.Generator, max_sentences: int,
                   truncate: bool) -> list[str]:
    sentences = split_sentences(" ".join(text.split()))
    if unit == "sentence":
        lines = sentences
    else:  # paragraphs; each article has its own style, around `typical` sentences a line
        typical = int(rng.integers(1, max_sentences + 1))
        lines, i = [], 0
        while i < len(sentences):
            take = int(rng.integers(max(1, typical - 1), typical + 2))
            lines.append(" ".join(sentences[i:i + take]))
            i += take
    if truncate and lines and rng.random() < 0.5:
        # A teaser: the article's first few hundred characters on one line, cut mid-sentence,
        # as news feeds and scraped front pages give them.
        teaser = " ".join(lines)[:int(rng.integers(300, 1000))]
        return [teaser.rsplit(" ", 1)[0].rstrip(".!?")] if " " in teaser else [teaser]
    if truncate and lines:
        # Cut the article off mid-sentence after some of its lines, as scraped dumps often are.
        keep = int(rng.integers(1, len(lines) + 1))
        lines = lines[:keep]
        words = lines[-1].split()
        if len(words) > 3:
            cut = int(rng.integers(max(2, len(words) // 2), len(words)))
            lines[-1] = " ".join(words[:cut]).rstrip(".!?")
    return lines


def build_dump(articles: list[Document], seed: int, unit: str = "sentence", max_sentences: int = 4,
               truncate_share: float = 0.0) -> SyntheticDump:
    """Concatenate ``articles`` in an order shuffled with ``seed``, one ``unit`` per line.

    ``truncate_share`` of the articles are cut off mid-sentence: half of them after a random
    number of lines, half as a single teaser line of their first 300-1000 characters.
    """
    if unit not in ("sentence", "paragraph"):
        raise TopiclabError(f"unknown dump unit {unit!r} (sentence or paragraph)")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(articles))
    lines: list[str] = []
    starts: list[int] = []
    ids, labels = [], []
    for index in order:
        article = articles[index]
        truncate = bool(rng.random() < truncate_share)
        body = _article_lines(article.text, unit, rng, max_sentences, truncate)
        if not body:
            continue
        starts.append(len(lines))
        lines += body
        ids.append(article.id)
        labels.append(article.label)
    boundaries = np.zeros(max(len(lines) - 1, 0), dtype=bool)
    boundaries[np.asarray(starts[1:], dtype=int) - 1] = True
    return SyntheticDump(lines=lines, boundaries=boundaries, article_ids=ids, labels=labels)


def build_dumps(articles: list[Document], n_dumps: int, articles_per_dump: int, seed: int,
                unit: str = "sentence", max_sentences: int = 4, truncate_share: float = 0.0
                ) -> list[SyntheticDump]:
    """``n_dumps`` dumps of distinct articles (as far as the corpus goes)."""
    needed = n_dumps * articles_per_dump
    if articles_per_dump < 2 or len(articles) < articles_per_dump:
        raise TopiclabError(
            f"need at least {max(articles_per_dump, 2)} articles per dump, the corpus has {len(articles)}"
        )
    order = np.random.default_rng(seed).permutation(len(articles))
    order = np.resize(order, needed)  # wraps around only if the corpus is too small
    return [
        build_dump([articles[i] for i in order[d * articles_per_dump:(d + 1) * articles_per_dump]],
                   seed + d + 1, unit, max_sentences, truncate_share)
        for d in range(n_dumps)
    ]


def boundary_string(boundaries: np.ndarray) -> str:
    """``'0010...'``: one character per gap, ``1`` where a new segment starts."""
    return "".join("1" if b else "0" for b in np.asarray(boundaries, dtype=bool))


def score_segmentation(reference: np.ndarray, hypothesis: np.ndarray,
                       k: int | None = None) -> dict[str, float]:
    """Pk and WindowDiff (window ``k``: half the mean reference segment length)
    and exact boundary precision, recall and F1."""
    reference = np.asarray(reference, dtype=bool)
    hypothesis = np.asarray(hypothesis, dtype=bool)
    if reference.shape != hypothesis.shape:
        raise TopiclabError(f"segmentations differ in length: {reference.shape[0]} vs {hypothesis.shape[0]}")
    n_gaps = len(reference)
    hits = int((reference & hypothesis).sum())
    predicted, true = int(hypothesis.sum()), int(reference.sum())
    precision = hits / predicted if predicted else float(true == 0)
    recall = hits / true if true else float(predicted == 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    if k is None:
        k = max(1, int(round((n_gaps + 1) / (2.0 * (true + 1)))))
    k = min(k, max(n_gaps, 1))
    ref, hyp = boundary_string(reference), boundary_string(hypothesis)
    if n_gaps == 0:
        pk_value = wd_value = 0.0
    else:
        pk_value, wd_value = pk(ref, hyp, k=k), windowdiff(ref, hyp, k)
    return {"pk": float(pk_value), "windowdiff": float(wd_value), "precision": precision,
            "recall": recall, "f1": f1, "k": k, "n_reference": true, "n_predicted": predicted}


def evaluate_segmenter(segmenter: BaseSegmenter, dumps: list[SyntheticDump],
                       embedder: BaseEmbedder | None = None) -> dict[str, float]:
    """Scores over dumps: Pk and WindowDiff averaged per dump, P/R/F1 pooled."""
    embedder = embedder_for(segmenter, embedder)
    per_dump, reference, hypothesis = [], [], []
    start = time.perf_counter()
    for dump in dumps:
        predicted = segmenter.boundaries(Dump.from_lines(dump.lines), embedder)
        per_dump.append(score_segmentation(dump.boundaries, predicted))
        reference.append(dump.boundaries)
        hypothesis.append(predicted)
    seconds = time.perf_counter() - start
    pooled = score_segmentation(np.concatenate(reference), np.concatenate(hypothesis))
    return {
        "pk": float(np.mean([s["pk"] for s in per_dump])),
        "windowdiff": float(np.mean([s["windowdiff"] for s in per_dump])),
        "precision": pooled["precision"],
        "recall": pooled["recall"],
        "f1": pooled["f1"],
        "n_dumps": len(dumps),
        "n_articles": sum(d.n_articles for d in dumps),
        "n_lines": sum(len(d.lines) for d in dumps),
        "n_predicted": pooled["n_predicted"],
        "seconds": seconds,
    }


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
                         embedder: BaseEmbedder | None, seed: int, hidden: tuple[int, ...] = (16,),
                         alpha: float = 0.1, members: int = 5, info: dict | None = None
                         ) -> BoundaryModel:
    """Fit on ``train`` dumps, pick the threshold on ``validation`` dumps.

    The prior against one-line complete articles comes from how often the training dumps
    have them. ``embedder=None`` trains on lexical and style features only (for tests).
    """
    features = [gap_features(d.lines, embedder) for d in train]
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
    probabilities = [model.probabilities(gap_features(d.lines, embedder)) for d in validation]
    model.threshold, validation_pk = tune_threshold(probabilities, validation, model.single_line_penalty)
    model.info["validation_pk"] = round(validation_pk, 4)
    return model

"""Labelled texts for training: gold labels from the data, or a clustering run's topics."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from ..config import ClassifierConfig
from ..data import Corpus, label_from_gold, load_data, load_gold, sample_corpus
from ..errors import TopiclabError

__all__ = ["ASSIGNMENT_COLUMNS", "LabelledTexts", "labelled_from_corpus", "labelled_from_assignments",
           "load_labelled", "drop_rare_labels", "check_labels"]

ASSIGNMENT_COLUMNS = ("id", "topic", "topic_label", "text")


@dataclass
class LabelledTexts:
    """Texts with one topic label each, and where they came from."""

    name: str
    source: str
    ids: list[str]
    texts: list[str]
    labels: list[str]
    content_hash: str

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"id": self.ids, "text": self.texts, "label": self.labels})

    @property
    def label_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(self.labels).items()))


def labelled_from_corpus(corpus: Corpus) -> LabelledTexts:
    missing = [d.id for d in corpus.documents if d.label is None]
    if missing:
        raise TopiclabError(
            f"{corpus.source}: {len(missing)} of {len(corpus.documents)} documents have no label "
            f"(first: {missing[0]}); give a label column or a gold file covering every line"
        )
    return LabelledTexts(corpus.name, corpus.source, [d.id for d in corpus.documents], corpus.texts,
                         [str(d.label) for d in corpus.documents], corpus.content_hash)


def labelled_from_assignments(frame: pd.DataFrame, source: str,
                              include_outliers: bool = False) -> LabelledTexts:
    """Pseudo-labels: the human topic label of each document of a clustering run."""
    absent = [c for c in ASSIGNMENT_COLUMNS if c not in frame.columns]
    if absent:
        raise TopiclabError(f"{source} is not a clustering assignments table: no column(s) {absent}")
    keep = frame["text"].notna() & (frame["text"].astype(str).str.strip() != "")
    if not include_outliers:
        keep &= pd.to_numeric(frame["topic"], errors="coerce") != -1
    rows = frame[keep]
    if rows.empty:
        raise TopiclabError(f"{source} has no documents with a topic to learn from")
    digest = hashlib.sha256(rows[list(ASSIGNMENT_COLUMNS)].to_csv(index=False).encode()).hexdigest()
    return LabelledTexts("pseudo-labels", source, rows["id"].astype(str).tolist(),
                         rows["text"].astype(str).tolist(), rows["topic_label"].astype(str).tolist(), digest)


def load_labelled(config: ClassifierConfig) -> LabelledTexts:
    """Gold labels of ``config.data``: a label column, or a gold file for a dump."""
    corpus = load_data(config.data)
    if config.data.gold:
        if corpus.format != "dump":
            raise TopiclabError("data.gold labels the lines of a dump; a table takes its labels "
                                f"from the {config.data.label_column!r} column")
        corpus = label_from_gold(corpus, load_gold(config.data.gold))
    elif not any(d.label is not None for d in corpus.documents):
        raise TopiclabError(f"{corpus.source} has no labels: give a {config.data.label_column!r} "
                            "column, a data.gold file, or use labels.source: run")
    return labelled_from_corpus(sample_corpus(corpus, config.data.sample, config.seed))  # data.sample


def drop_rare_labels(data: LabelledTexts, min_documents: int | None) -> tuple[LabelledTexts, list[str]]:
    """Keep labels with at least ``min_documents`` documents; returns the data and the dropped labels."""
    counts = Counter(data.labels)
    dropped = sorted(label for label, n in counts.items() if min_documents and n < min_documents)
    if not dropped:
        return data, []
    keep = [i for i, label in enumerate(data.labels) if label not in dropped]
    subset = LabelledTexts(data.name, data.source, [data.ids[i] for i in keep], [data.texts[i] for i in keep],
                           [data.labels[i] for i in keep], data.content_hash)
    return subset, dropped


def check_labels(labels: list[str], folds: int, test_size: float) -> None:
    """Refuse label sets that cannot be cross-validated or split, naming the problem."""
    counts = Counter(labels)
    if len(counts) < 2:
        only = next(iter(counts), None)
        raise TopiclabError(f"the training data has a single label ({only!r}, {len(labels)} documents); "
                            "a classifier needs at least two labels")
    label, fewest = min(counts.items(), key=lambda item: (item[1], item[0]))
    if fewest < folds:
        raise TopiclabError(f"label {label!r} has {fewest} document(s), fewer than evaluation.folds={folds}: "
                            "add documents of that label, lower the folds, or drop small labels "
                            "with labels.min_documents")
    held_out = math.ceil(test_size * len(labels))
    if held_out < len(counts) or len(labels) - held_out < len(counts):
        raise TopiclabError(f"evaluation.test_size={test_size} holds out {held_out} of {len(labels)} documents; "
                            f"both sides of the split need one document per label ({len(counts)} labels)")

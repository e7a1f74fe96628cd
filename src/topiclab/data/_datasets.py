"""Labelled corpora by name or by path, for experiments and benchmarks.

Names: the labelled CSV files under ``../shared/datasets`` (``bbc_news``,
``ag_news_4k``, ``20newsgroups``, ``huffpost_headlines``), and fixed 6,000-document
samples of the two large ones (``20newsgroups_6k``, ``huffpost_6k``). Nothing is
downloaded. Anything else is
a path to a table (CSV, TSV, JSONL, JSON) with ``text`` and ``label`` columns (or any input
``load_corpus`` reads). Each corpus carries the SHA-256 of its content,
which the tracking layer logs with every run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Callable, Protocol

from ..errors import TopiclabError
from ..paths import SHARED_DATASETS_DIR
from ._corpus import Corpus, MissingTextColumn, load_corpus
from ._splits import sample_corpus

__all__ = ["DataSource", "DatasetInfo", "DATASETS", "dataset_names", "check_dataset_name", "load_dataset",
           "load_shared_csv", "load_shared_sample", "load_data"]


class DataSource(Protocol):
    """What ``load_data`` reads: an experiment's ``data`` section (``config.DataConfig``)."""

    path: str | None
    dataset: str | None
    format: str
    text_column: str
    label_column: str
    limit: int | None


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    description: str
    loader: Callable[..., Corpus]


def load_shared_csv(name: str, limit: int | None = None, **_) -> Corpus:
    """One of the labelled CSVs in ``../shared/datasets`` (``id,text,label``)."""
    path = SHARED_DATASETS_DIR / f"{name}.csv"
    if not path.is_file():
        raise TopiclabError(
            f"dataset {name!r} needs {path}, which is absent (the shared datasets are not in this checkout)"
        )
    return replace(load_corpus(path, "csv", limit=limit), name=name)


def load_shared_sample(name: str, limit: int | None = None, source: str = "", size: int = 6000,
                       **_) -> Corpus:
    """A fixed seeded sample (seed 0, corpus order) of a large shared CSV, so benchmarks stay within the hour.

    The sample does not follow an experiment's seed: every run and every benchmark of
    the name sees the same documents, and its content hash says which.
    """
    full = load_shared_csv(source)
    sample = sample_corpus(full, size, seed=0)
    digest = hashlib.sha256(f"{full.content_hash}/sample={size}/seed=0".encode()).hexdigest()
    corpus = replace(sample, name=name, content_hash=digest)
    return replace(corpus, documents=corpus.documents[:limit]) if limit else corpus


DATASETS: dict[str, DatasetInfo] = {
    "bbc_news": DatasetInfo("bbc_news", "BBC News, 1,490 long articles, 5 labels", load_shared_csv),
    "ag_news_4k": DatasetInfo("ag_news_4k", "AG News, 4,000 short texts, 4 labels", load_shared_csv),
    "20newsgroups": DatasetInfo("20newsgroups", "20 Newsgroups, 18,256 posts, 20 labels (headers, footers, "
                                "quotes stripped)", load_shared_csv),
    "huffpost_headlines": DatasetInfo("huffpost_headlines", "HuffPost headlines, 20,000 short texts, 41 "
                                      "sections (some renamed: overlapping labels)", load_shared_csv),
    "20newsgroups_6k": DatasetInfo("20newsgroups_6k", "a fixed 6,000-post sample of 20newsgroups",
                                   partial(load_shared_sample, source="20newsgroups")),
    "huffpost_6k": DatasetInfo("huffpost_6k", "a fixed 6,000-headline sample of huffpost_headlines",
                               partial(load_shared_sample, source="huffpost_headlines")),
}


def dataset_names() -> list[str]:
    return sorted(DATASETS)


def check_dataset_name(name: str) -> str:
    """``name`` itself if it names a dataset; otherwise the one-line error."""
    if name not in DATASETS:
        raise TopiclabError(
            f"unknown dataset {name!r} (known: {', '.join(dataset_names())}; "
            "or give the path of a CSV/TSV/JSONL/JSON table)"
        )
    return name


def _looks_like_path(spec: str) -> bool:
    return any(sep in spec for sep in ("/", "\\")) or Path(spec).suffix != "" or Path(spec).exists()


def load_dataset(spec: str, limit: int | None = None, **options) -> Corpus:
    """A dataset by name (see ``DATASETS``) or a table/dump/folder by path."""
    if spec in DATASETS:
        return DATASETS[spec].loader(name=spec, limit=limit, **options)
    if _looks_like_path(spec):
        return load_corpus(spec, limit=limit)
    check_dataset_name(spec)  # raises: neither a name nor a path
    raise AssertionError("unreachable")


def load_data(data: DataSource) -> Corpus:
    """The corpus an experiment's ``data`` section asks for."""
    if data.dataset:
        return load_dataset(data.dataset, limit=data.limit)
    try:
        return load_corpus(data.path, data.format, data.text_column, data.label_column, data.limit)
    except MissingTextColumn as error:  # the config names the column: say which key
        example = f", e.g. --set data.text_column={error.likely}" if error.likely else ""
        raise TopiclabError(f"{error}; set data.text_column to the column that holds the text{example}") from None

"""Labelled corpora by name or by path, for experiments and benchmarks.

Names: ``bbc_news`` and ``ag_news_4k`` (CSV files under ``../shared/datasets``)
and ``20newsgroups`` (scikit-learn's fetcher; it downloads once into
scikit-learn's data home, or reads the cache already there). Anything else is
a path to a table (CSV, TSV, JSONL, JSON) with ``text`` and ``label`` columns (or any input
``load_corpus`` reads). Each corpus carries the SHA-256 of its content,
which the tracking layer logs with every run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Protocol

from ..errors import TopiclabError
from ..paths import SHARED_DATASETS_DIR
from ._corpus import Corpus, Document, load_corpus

__all__ = ["DataSource", "DatasetInfo", "DATASETS", "dataset_names", "check_dataset_name", "load_dataset",
           "load_shared_csv", "load_20newsgroups", "load_data"]


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


def load_20newsgroups(name: str = "20newsgroups", limit: int | None = None, data_home: str | None = None,
                      subset: str = "all", download_if_missing: bool = True, **_) -> Corpus:
    """scikit-learn's 20 Newsgroups, headers, footers and quotes removed (the usual protocol).

    Downloads once (14 MB) into scikit-learn's data home unless the cache is
    already there; ``download_if_missing=False`` only reads the cache.
    """
    from sklearn.datasets import fetch_20newsgroups

    try:
        bunch = fetch_20newsgroups(data_home=data_home, subset=subset, shuffle=False,
                                   remove=("headers", "footers", "quotes"),
                                   download_if_missing=download_if_missing)
    except OSError as error:
        raise TopiclabError(f"dataset {name!r} is not available: {error}") from None
    digest = hashlib.sha256(f"20newsgroups/{subset}/remove=headers,footers,quotes\n".encode())
    documents = []
    for row, (text, target) in enumerate(zip(bunch.data, bunch.target)):
        label = bunch.target_names[int(target)]
        digest.update(f"{label}\t{text}\x00".encode("utf-8", "surrogatepass"))
        if text.strip():  # some posts are only quotes: nothing left to cluster
            documents.append(Document(id=f"{name}:{row}", text=text.strip(), label=label))
    if not documents:
        raise TopiclabError(f"dataset {name!r} holds no non-empty text")
    corpus = Corpus(name=name, source=f"sklearn.datasets.fetch_20newsgroups(subset={subset!r})",
                    format="sklearn", documents=documents, content_hash=digest.hexdigest())
    return replace(corpus, documents=corpus.documents[:limit]) if limit else corpus


DATASETS: dict[str, DatasetInfo] = {
    "bbc_news": DatasetInfo("bbc_news", "BBC News, 1,490 long articles, 5 labels", load_shared_csv),
    "ag_news_4k": DatasetInfo("ag_news_4k", "AG News, 4,000 short texts, 4 labels", load_shared_csv),
    "20newsgroups": DatasetInfo("20newsgroups", "20 Newsgroups (scikit-learn fetcher), 20 labels",
                                load_20newsgroups),
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
    return load_corpus(data.path, data.format, data.text_column, data.label_column, data.limit)

"""Synthetic dumps with known boundaries, built from a labelled corpus of articles.

A synthetic dump concatenates real articles, shuffled with a fixed seed, one
sentence (or paragraph of a few sentences) per line: the shape of a raw dump,
with known boundaries. Articles are split into two halves by a hash of their id
(``data.split_of``): the boundary model is trained on dumps of the ``train`` half
only, and evaluated on the ``eval`` half, so no article is seen in both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import DumpSpec, SegmentEvalConfig
from ..data import TABLE_FORMATS, Document, load_corpus, split_of
from ..errors import TopiclabError
from ._text import split_sentences

__all__ = ["SyntheticDump", "load_articles", "build_dump", "build_dumps", "spec_articles", "spec_dumps",
           "eval_dumps"]


@dataclass(frozen=True)
class SyntheticDump:
    lines: list[str]
    boundaries: np.ndarray  # per gap between lines: does a new article start after it?
    article_ids: list[str]
    labels: list[str | None]

    @property
    def n_articles(self) -> int:
        return len(self.article_ids)


def load_articles(path: str, split: str | None = None, text_column: str = "text",
                  label_column: str = "label") -> list[Document]:
    """Documents of a labelled table (CSV/TSV/JSONL/JSON), optionally one half of them."""
    corpus = load_corpus(path, "auto", text_column, label_column)
    if corpus.format not in TABLE_FORMATS.values():
        raise TopiclabError(f"{path}: synthetic dumps need a table of articles (CSV, TSV, JSONL or JSON)")
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
                unit: str = "sentence", max_sentences: int = 4, truncate_share: float = 0.0,
                order_seed: int | None = None) -> list[SyntheticDump]:
    """``n_dumps`` dumps of distinct articles (as far as the corpus goes), in an order drawn with
    ``order_seed`` (default ``seed``)."""
    needed = n_dumps * articles_per_dump
    if articles_per_dump < 2 or len(articles) < articles_per_dump:
        raise TopiclabError(
            f"need at least {max(articles_per_dump, 2)} articles per dump, the corpus has {len(articles)}"
        )
    order = np.random.default_rng(seed if order_seed is None else order_seed).permutation(len(articles))
    order = np.resize(order, needed)  # wraps around only if the corpus is too small
    return [
        build_dump([articles[i] for i in order[d * articles_per_dump:(d + 1) * articles_per_dump]],
                   seed + d + 1, unit, max_sentences, truncate_share)
        for d in range(n_dumps)
    ]


def spec_articles(spec: DumpSpec):
    return load_articles(spec.path, None if spec.split == "all" else spec.split,
                         spec.text_column, spec.label_column)


def spec_dumps(spec: DumpSpec, seed: int, articles=None, n_dumps: int | None = None,
               order_seed: int | None = None) -> list[SyntheticDump]:
    articles = spec_articles(spec) if articles is None else articles
    return build_dumps(articles, n_dumps or spec.dumps, spec.articles_per_dump, seed, spec.unit,
                       spec.max_sentences, spec.truncate_share, order_seed)


def eval_dumps(config: SegmentEvalConfig) -> list[SyntheticDump]:
    return spec_dumps(config.data, config.seed)



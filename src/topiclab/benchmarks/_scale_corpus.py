"""A large synthetic news corpus for the scale benchmark, built deterministically from real sentences.

The sentences of the labelled texts in ``../shared/datasets`` (BBC News, its
cased full text, AG News 4k) are pooled by topic; each article of the corpus
draws a topic, then 3 to 8 sentences of that topic (seeded RNG), so the
articles are short, realistic and about one thing, and a million of them are
as varied as the pool allows. The draws are numpy arrays and the joins are
Arrow kernels: a million articles take seconds, not minutes.

The corpus is written as Parquet parts (``id``, ``text``, ``label``) under
``data/interim/scale/n{N}-seed{S}/``, the folder renamed into place whole,
and reused on the next call with the same size and seed.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..data import load_corpus, load_shared_csv, split_sentences
from ..errors import TopiclabError
from ..paths import INTERIM_DIR, SHARED_DATASETS_DIR, atomic_file

__all__ = ["SentencePool", "sentence_pool", "shared_sentence_pool", "build_articles", "scale_corpus",
           "read_scale_corpus", "SCALE_DIR", "MIN_SENTENCES", "MAX_SENTENCES"]

SCALE_DIR = INTERIM_DIR / "scale"
MIN_SENTENCES, MAX_SENTENCES = 3, 8
MIN_WORDS = 4  # shorter "sentences" are captions, bylines and list items
PART_ROWS = 100_000
# The sources' labels on one scale: AG News's onto BBC's names, plus its World.
_LABELS = {"sports": "sport", "sci/tech": "tech"}


@dataclass(frozen=True)
class SentencePool:
    """Every usable sentence once, grouped by topic: ``sentences[starts[t]:starts[t + 1]]`` is topic ``t``'s."""

    sentences: pa.Array  # string
    starts: np.ndarray  # (n_topics + 1,) offsets into ``sentences``
    topics: list[str]

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.starts)


def sentence_pool(texts: Iterable[tuple[str, str]]) -> SentencePool:
    """The pool of ``(text, label)`` pairs: sentences of at least ``MIN_WORDS`` words, once per topic."""
    by_topic: dict[str, dict[str, None]] = {}
    for text, label in texts:
        topic = _LABELS.get(str(label).strip().lower(), str(label).strip().lower())
        kept = by_topic.setdefault(topic, {})
        for paragraph in str(text).splitlines():
            for sentence in split_sentences(paragraph):
                if len(sentence.split()) >= MIN_WORDS:
                    kept[sentence] = None  # a dict keeps the first-seen order: the pool is deterministic
    topics = sorted(t for t, kept in by_topic.items() if kept)
    if not topics:
        raise TopiclabError(f"no sentence of {MIN_WORDS}+ words in the texts given for the scale corpus")
    sentences = [s for t in topics for s in by_topic[t]]
    starts = np.concatenate([[0], np.cumsum([len(by_topic[t]) for t in topics])]).astype(np.int64)
    return SentencePool(pa.array(sentences, pa.string()), starts, topics)


def shared_sentence_pool() -> SentencePool:
    """The pool of ``../shared/datasets``: bbc_news.csv, ag_news_4k.csv and bbc_fulltext.jsonl."""
    fulltext = SHARED_DATASETS_DIR / "bbc_fulltext.jsonl"
    if not fulltext.is_file():
        raise TopiclabError(f"the scale corpus needs {fulltext}, which is absent (the shared datasets are "
                            "not in this checkout)")
    corpora = [load_shared_csv("bbc_news"), load_shared_csv("ag_news_4k"), load_corpus(fulltext, "jsonl")]
    return sentence_pool((d.text, d.label) for corpus in corpora for d in corpus.documents)


def build_articles(pool: SentencePool, n: int, seed: int, first: int = 0) -> pa.Table:
    """Articles ``first`` .. ``first + n - 1`` of the corpus of ``seed`` (``id``, ``text``, ``label``).

    Article ``i`` depends only on ``seed`` and ``i`` (its own generator stream
    per block of ``PART_ROWS``), so parts can be built in any order.
    """
    tables = []
    for block_start in range(first - first % PART_ROWS, first + n, PART_ROWS):
        lo, hi = max(first, block_start), min(first + n, block_start + PART_ROWS)
        table = _block(pool, seed, block_start // PART_ROWS)
        tables.append(table.slice(lo - block_start, hi - lo))
    return pa.concat_tables(tables) if tables else _block(pool, seed, 0).slice(0, 0)


def _block(pool: SentencePool, seed: int, block: int) -> pa.Table:
    """``PART_ROWS`` articles from their own generator (seed, block)."""
    rng = np.random.default_rng([seed, block])
    counts = pool.counts
    topic = rng.choice(len(pool.topics), size=PART_ROWS, p=counts / counts.sum())  # as the sources weigh them
    lengths = rng.integers(MIN_SENTENCES, MAX_SENTENCES + 1, size=PART_ROWS)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    owner = np.repeat(topic, lengths)  # the topic of every sentence slot
    picks = pool.starts[owner] + (rng.random(offsets[-1]) * counts[owner]).astype(np.int64)
    words = pa.ListArray.from_arrays(pa.array(offsets), pool.sentences.take(pa.array(picks)))
    ids = pc.binary_join_element_wise("a", pa.array(np.arange(PART_ROWS) + block * PART_ROWS).cast(pa.string()),
                                      "")
    labels = pa.array(np.asarray(pool.topics, dtype=object)[topic], pa.string())
    return pa.table({"id": ids, "text": pc.binary_join(words, " "), "label": labels})


def scale_corpus(n: int, seed: int = 0, pool: SentencePool | None = None, folder: Path = SCALE_DIR) -> Path:
    """The folder of Parquet parts holding the ``n`` articles of ``seed``; built once, then reused.

    ``pool`` defaults to ``shared_sentence_pool()`` (read only when the corpus
    is not there yet). A different pool needs a different ``folder``: the
    cache is keyed by size and seed only.
    """
    if n < 1:
        raise TopiclabError(f"the scale corpus needs at least one document, not {n}")
    target = Path(folder) / f"n{n}-seed{seed}"
    if target.is_dir():
        return target
    pool = pool or shared_sentence_pool()
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        for part, start in enumerate(range(0, n, PART_ROWS)):
            with atomic_file(building / f"part-{part:05d}.parquet") as out:
                pq.write_table(build_articles(pool, min(PART_ROWS, n - start), seed, start), out)
        building.chmod(0o755)
        building.rename(target)  # the folder appears whole; a racing builder's copy is dropped below
    except OSError:
        if not target.is_dir():
            raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target


def read_scale_corpus(folder: Path, n: int | None = None) -> pa.Table:
    """The first ``n`` (default: all) articles of a corpus written by ``scale_corpus``."""
    table = pq.read_table(sorted(Path(folder).glob("part-*.parquet")))
    return table if n is None else table.slice(0, n)

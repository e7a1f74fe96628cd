"""Benchmark section "stream": a topic model updated batch by batch (``topiclab bench-stream``).

Protocol, on each labelled corpus of the suite (``load_stream``): the documents in
a seeded order (by date where every document has one), one label held back
(``held_back_label``: the mid-sized label), cut into ``N_BATCHES`` batches. The
first is fitted with the corpus's configured method (``experiments/<name>.yaml``,
else the generic config of ``topiclab bench``) at k = the labels it holds; the
others are fed one at a time to ``topics.update_topic_model``, the held-back
label's documents spread over batches ``FIRST_NEW`` and later. What is measured
(``stream_metrics``, defined exactly in the section's text):

* new-story recall and precision of the topics born after the fit;
* stability: the share of earlier documents whose topic is unchanged after each update;
* NMI of the final assignment against a refit from scratch on every batch, at k = all labels;
* seconds per update against the refit's.

The anchors (BERTopic's ``partial_fit`` with online parts, ``merge_models`` of
per-batch models) run on the same batches in ``_stream_anchors``; the update's
constants are chosen leave-one-corpus-out in ``_stream_report``; the cost of an
update against the size of the history is ``_stream_history``.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import ExperimentConfig, apply_overrides, config_from_dict
from ..data import load_dataset, sample_corpus
from ..errors import TopiclabError
from ..evaluation import nmi
from ..pipeline import run_experiment
from ..topics import parse_dates

__all__ = ["SECTION", "N_BATCHES", "FIRST_NEW", "Stream", "StreamRun", "held_back_label", "stream_batches",
           "load_stream", "stream_config", "fit_first_batch", "refit_everything", "stability", "follow_merges",
           "new_story_scores", "run_update_stream", "stream_metrics"]

SECTION = "stream"
N_BATCHES = 6  # the fitted batch and five updates
FIRST_NEW = 3  # the held-back label appears from this batch (1-based) on
_UNTIMED_STAGES = ("metrics", "map")  # a refit's scoring and figures are not part of its cost here


@dataclass
class Stream:
    """One corpus cut into batches: ``batches[i]`` indexes ``texts``/``gold``; batch 1 is fitted."""

    name: str
    texts: list[str]
    gold: np.ndarray
    held_back: str
    batches: list[np.ndarray]
    ordered_by: str  # "date" | "seeded shuffle"

    @property
    def held(self) -> np.ndarray:
        return self.gold == self.held_back

    def table(self, batches: list[np.ndarray]) -> pd.DataFrame:
        rows = np.concatenate(batches)
        return pd.DataFrame({"id": rows.astype(str), "text": [self.texts[i] for i in rows], "label": self.gold[rows]})


@dataclass
class StreamRun:
    """One method over one stream: every document's recorded topic after the last batch (-1: outlier),
    the topics born after the fit, and one row per update."""

    method: str
    setting: str
    topics: np.ndarray  # by document index of the stream; documents never seen: -2
    born: set[int]
    updates: list[dict] = field(default_factory=list)  # batch, seconds, stability, stability_recorded, new
    fit_seconds: float = float("nan")


def held_back_label(gold) -> str:
    """The mid-sized label: labels ordered by (documents, name), the one at position len // 2."""
    counts = Counter(np.asarray(gold).tolist())
    ordered = sorted(counts, key=lambda label: (counts[label], str(label)))
    return ordered[len(ordered) // 2]


def stream_batches(order: np.ndarray, held: np.ndarray, n_batches: int = N_BATCHES,
                   first_new: int = FIRST_NEW) -> list[np.ndarray]:
    """``order`` (document indices) cut into ``n_batches`` batches: the other labels' documents in equal
    consecutive parts, the held-back label's documents in equal consecutive parts over batches
    ``first_new``..``n_batches``, each batch kept in stream order."""
    if not 2 <= first_new <= n_batches:
        raise TopiclabError(f"the held-back label must appear in batch 2..{n_batches}, not {first_new}")
    position = np.empty(len(order), dtype=int)
    position[order] = np.arange(len(order))
    rest = order[~held[order]]
    new = order[held[order]]
    parts = [list(p) for p in np.array_split(rest, n_batches)]
    for batch, chunk in zip(range(first_new - 1, n_batches), np.array_split(new, n_batches - first_new + 1)):
        parts[batch] += list(chunk)
    return [np.array(sorted(p, key=position.__getitem__), dtype=int) for p in parts]


def load_stream(dataset: str, seed: int = 42, n_batches: int = N_BATCHES, first_new: int = FIRST_NEW,
                limit: int | None = None) -> Stream:
    """A labelled corpus as a stream: dated documents by date (ties seeded), else a seeded shuffle;
    ``limit``: a seeded sample of that many documents (smoke runs)."""
    from ._auto_k import gold_labels

    corpus = load_dataset(dataset)
    if limit is not None:
        corpus = sample_corpus(corpus, limit, seed)
    if not corpus.has_labels:
        raise TopiclabError(f"stream benchmark corpus {dataset!r} has no gold labels")
    gold = np.asarray(gold_labels(dataset, corpus.labels), dtype=object)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(gold))
    ordered_by = "seeded shuffle"
    if all(d.date is not None for d in corpus.documents):
        dates = parse_dates([d.date for d in corpus.documents]).to_numpy()
        order = order[np.argsort(dates[order], kind="stable")]
        ordered_by = "date"
    label = held_back_label(gold)
    batches = stream_batches(order, gold == label, n_batches, first_new)
    return Stream(corpus.name, corpus.texts, gold, label, batches, ordered_by)


def stream_config(method: ExperimentConfig, table: Path, k: int) -> ExperimentConfig:
    """The corpus's configured method on ``table`` at ``k``: no figures, no coherence (not measured here)."""
    raw = method.model_dump(mode="json", exclude={"sweep"})
    raw = apply_overrides(raw, [f"cluster.k={k}", "figures=none", "topics.coherence=false"])
    raw["data"] = {"path": str(table), "format": "csv"}
    raw["name"] = f"{method.name}:stream-{table.stem}"
    return config_from_dict(raw, source=f"stream {table.stem}")


def _fit(stream: Stream, method: ExperimentConfig, batches: list[np.ndarray], embedder, stem: str):
    frame = stream.table(batches)
    k = len(set(frame["label"]))
    with tempfile.TemporaryDirectory(prefix="topiclab-stream-") as folder:
        table = Path(folder) / f"{stem}.csv"
        frame.to_csv(table, index=False)
        result = run_experiment(stream_config(method, table, k), embedder=embedder)
    if len(result.assignments) != len(frame):  # the table reader drops empty texts: none may be
        raise TopiclabError(f"{stream.name}: {len(frame) - len(result.assignments)} documents of the stream were "
                            "dropped when read back (empty texts)")
    seconds = sum(s for stage, s in result.timings.items() if stage not in _UNTIMED_STAGES)
    return result, seconds


def fit_first_batch(stream: Stream, method: ExperimentConfig, embedder):
    """The configured method on batch 1 at k = its labels: (Result, seconds without scoring)."""
    return _fit(stream, method, stream.batches[:1], embedder, "batch-1")


def refit_everything(stream: Stream, method: ExperimentConfig, embedder):
    """The configured method from scratch on every batch at k = all labels: (Result, seconds)."""
    return _fit(stream, method, stream.batches, embedder, "all-batches")


def stability(before: np.ndarray, after: np.ndarray) -> float:
    """Share of documents whose topic is the same in ``before`` and ``after`` (1.0 for none)."""
    before, after = np.asarray(before), np.asarray(after)
    return float(np.mean(before == after)) if len(before) else 1.0


def follow_merges(topics: np.ndarray, merged: dict[int, int]) -> np.ndarray:
    """``topics`` with each merged topic replaced by the topic it was merged into (chains followed)."""
    def final(topic: int) -> int:
        seen = set()
        while topic in merged and topic not in seen:
            seen.add(topic)
            topic = merged[topic]
        return topic

    return np.array([final(int(t)) for t in topics], dtype=int)


def new_story_scores(topics: np.ndarray, born: set[int], held: np.ndarray) -> tuple[float, float, int]:
    """(recall, precision, documents in born topics): recall is the share of the held-back documents whose
    topic is born; precision the share of the born topics' documents that are held back (nan: none born)."""
    in_born = np.isin(topics, sorted(born)) if born else np.zeros(len(topics), dtype=bool)
    recall = float(np.mean(in_born[held])) if held.any() else float("nan")
    precision = float(np.mean(held[in_born])) if in_born.any() else float("nan")
    return recall, precision, int(in_born.sum())


def _features(model, texts: list[str], embedder) -> np.ndarray:
    return model.features_of(texts, embedder)


def run_update_stream(stream: Stream, fitted, embedder, seed: int, setting: str = "default", **constants
                      ) -> StreamRun:
    """``update_topic_model`` on batches 2.. of ``stream`` from ``fitted`` (``fit_first_batch``'s result).

    Each update is timed from the batch's texts to the new model (its features, the update); the
    stability figures compare, on every earlier document, the topic before and after the update:
    ``stability`` by the model's assignment (``TopicModel.predict_features``: nearest centroid, what
    ``topiclab assign`` gives), ``stability_recorded`` by the topic recorded when it arrived (which only
    a merge changes)."""
    from ..topics import update_topic_model

    result, fit_seconds = fitted
    model = result.topic_model
    first = stream.batches[0]
    recorded = np.full(len(stream.texts), -2, dtype=int)
    recorded[first] = result.assignments
    seen = list(first)
    seen_features = _features(model, [stream.texts[i] for i in first], embedder)
    run = StreamRun("topiclab update", setting, recorded, set(), fit_seconds=fit_seconds)
    merged: dict[int, int] = {}
    for number, batch in enumerate(stream.batches[1:], start=2):
        texts = [stream.texts[i] for i in batch]
        start = time.perf_counter()
        features = _features(model, texts, embedder)
        new_model, update = update_topic_model(model, texts, features, seed=seed, batch_name=f"batch {number}",
                                               **constants)
        seconds = time.perf_counter() - start
        lineage = update.lineage
        merged.update({int(r.topic): int(r.parent) for r in lineage.itertuples() if r.status == "merged"})
        born = {int(t) for t in lineage.loc[lineage.status == "new", "topic"]}
        before_recorded = recorded[seen].copy()
        recorded[seen] = follow_merges(recorded[seen], merged)
        row = {"batch": number, "documents": len(batch), "seconds": seconds,
               "stability": stability(model.predict_features(seen_features)[0],
                                      new_model.predict_features(seen_features)[0]),
               "stability_recorded": stability(before_recorded, recorded[seen]),
               "new topics": len(born), "assigned share": float(update.assigned_share),
               "outlier share": float(update.outlier_share),
               "held back in batch": int(stream.held[batch].sum())}
        recorded[batch] = np.asarray(update.topics, dtype=int)
        run.born |= born
        run.updates.append(row)
        seen += list(batch)
        seen_features = np.vstack([seen_features, features])
        model = new_model
    run.born = {t for t in run.born if t not in merged}  # a born topic merged into an old one is no longer new
    run.topics = follow_merges(recorded, merged)
    return run


def stream_metrics(stream: Stream, run: StreamRun, refit: np.ndarray | None, refit_seconds: float,
                   refit_nmi: float) -> dict:
    """One row: the method's figures on the stream (``refit``: the refit's topic per document, stream order)."""
    seen = run.topics != -2
    recall, precision, in_born = new_story_scores(run.topics[seen], run.born, stream.held[seen])
    updates = pd.DataFrame(run.updates)
    final_nmi = nmi(stream.gold[seen], run.topics[seen])
    return {"corpus": stream.name, "method": run.method, "setting": run.setting,
            "recall": recall, "precision": precision, "born topics": len(run.born), "in born topics": in_born,
            "stability (min)": float(updates["stability"].min()),
            "stability (mean)": float(updates["stability"].mean()),
            "stability recorded (min)": float(updates["stability_recorded"].min()),
            "NMI": final_nmi, "NMI refit": refit_nmi,
            "NMI vs refit": nmi(refit[seen], run.topics[seen]) if refit is not None else float("nan"),
            "update s (mean)": float(updates["seconds"].mean()), "update s (max)": float(updates["seconds"].max()),
            "refit s": refit_seconds, "fit s": run.fit_seconds,
            "update / refit": float(updates["seconds"].max()) / refit_seconds if refit_seconds else float("nan")}

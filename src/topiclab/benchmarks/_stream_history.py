"""An update's cost against the size of the model's history (the stream section's scale part).

One batch (``batch`` documents of AG News 4k drawn with the seed, a quarter of
them from its held-back label) updates models fitted on histories of growing
size: the corpus's other documents of the other labels, resampled with
replacement to 1k, 10k and 100k documents (texts repeat: only the count grows,
as ``_speed.resample_embeddings`` grows embeddings). Each model is fitted by
the corpus's configured method at k = the history's labels, as the stream's
first batch is; the update (the batch's features and ``update_topic_model``) is
timed ``repeats`` times on the same model and the median kept. Beside it, the
same history with batches of growing size shows what the cost does grow with.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import ExperimentConfig
from ..data import load_dataset
from ..pipeline import run_experiment
from ._scale_pipeline import fit_exponent
from ._stream import held_back_label, stream_config

__all__ = ["HISTORY_DATASET", "HISTORY_SIZES", "HISTORY_BATCH", "BATCH_SIZES", "history_cost",
           "history_exponents"]

HISTORY_DATASET = "ag_news_4k"
HISTORY_SIZES = (1_000, 10_000, 100_000)
HISTORY_BATCH = 1_000
BATCH_SIZES = (250, 500, 1_000)  # at the middle history size


def _timed_update(model, texts: list[str], embedder, seed: int, constants: dict, repeats: int) -> float:
    from ..topics import update_topic_model

    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        features = model.features_of(texts, embedder)
        update_topic_model(model, texts, features, seed=seed, batch_name="batch 2", **constants)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def history_cost(method: ExperimentConfig, embedder, seed: int = 42, constants: dict | None = None,
                 sizes: tuple[int, ...] = HISTORY_SIZES, batch: int = HISTORY_BATCH,
                 batch_sizes: tuple[int, ...] = BATCH_SIZES, repeats: int = 3, dataset: str = HISTORY_DATASET,
                 log=print) -> pd.DataFrame:
    """One row per (history, batch) point: seconds of the update (median of ``repeats``), fit seconds."""
    constants = constants or {}
    corpus = load_dataset(dataset)
    texts, gold = corpus.texts, np.asarray(corpus.labels, dtype=object)
    rng = np.random.default_rng(seed)
    held = gold == held_back_label(gold)
    order = rng.permutation(len(texts))
    largest = max([batch, *batch_sizes])
    # the batch: a quarter held back, the rest from the other labels; the history never holds its texts
    new = order[held[order]][: largest // 4]
    old = order[~held[order]]
    batch_rows = np.concatenate([new, old[: largest - len(new)]])
    batch_rows = batch_rows[rng.permutation(len(batch_rows))]
    pool = old[largest - len(new):]
    embedder.embed([texts[i] for i in order])  # warm: every text embedded once before anything is timed
    rows = []
    middle = sorted(sizes)[len(sizes) // 2]
    for size in sorted(sizes):
        history = pool[rng.integers(0, len(pool), size)]
        frame = pd.DataFrame({"id": np.arange(size).astype(str), "text": [texts[i] for i in history],
                              "label": gold[history]})
        log(f"[stream] history of {size:,} documents: fitting")
        with tempfile.TemporaryDirectory(prefix="topiclab-history-") as folder:
            table = Path(folder) / f"history-{size}.csv"
            frame.to_csv(table, index=False)
            result = run_experiment(stream_config(method, table, len(set(frame["label"]))), embedder=embedder)
        fit_seconds = sum(s for stage, s in result.timings.items() if stage not in ("metrics", "map"))
        for count in sorted({batch, *(batch_sizes if size == middle else ())}):
            batch_texts = [texts[i] for i in batch_rows[:count]]
            seconds = _timed_update(result.topic_model, batch_texts, embedder, seed, constants, repeats)
            log(f"[stream] history {size:,}, batch {count:,}: update {seconds:.2f} s")
            rows.append({"history": size, "batch": count, "update s": seconds, "fit s": fit_seconds})
    return pd.DataFrame(rows)


def history_exponents(points: pd.DataFrame, batch: int = HISTORY_BATCH) -> dict[str, float]:
    """Slopes of log update seconds over log history (fixed batch) and over log batch (fixed history);
    the ratio of the largest history's seconds to the smallest's."""
    by_history = points[points.batch == batch].sort_values("history")
    middle = points.groupby("history")["batch"].nunique().idxmax()
    by_batch = points[points.history == middle].sort_values("batch")
    return {"history exponent": fit_exponent(by_history.history, by_history["update s"]),
            "batch exponent": fit_exponent(by_batch.batch, by_batch["update s"]),
            "largest / smallest history": float(by_history["update s"].iloc[-1] / by_history["update s"].iloc[0]),
            "smallest history": int(by_history.history.iloc[0]), "largest history": int(by_history.history.iloc[-1])}

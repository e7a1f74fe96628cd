"""The stream benchmark's anchors, on the same batches as ``topiclab update``: BERTopic (0.17).

* ``partial_fit``: BERTopic's online topic modelling as its documentation sets it up
  ("Online Topic Modeling"): ``IncrementalPCA(n_components=5)`` for UMAP,
  ``MiniBatchKMeans`` for HDBSCAN, ``OnlineCountVectorizer(stop_words="english",
  decay=0.01)``; ``partial_fit`` on batch 1, then on each later batch. MiniBatchKMeans
  needs its k up front: it gets the number of labels of the whole stream (the
  held-back one included), which no user would know. A topic is born when its id
  first gets documents after batch 1.
* ``merge_models``: one BERTopic per batch with the library's defaults (UMAP with
  the seed, HDBSCAN, min_topic_size 10), each merged into the model so far with
  ``BERTopic.merge_models([so_far, batch_model], min_similarity)``; a topic is born
  when the merge adds it after batch 1. ``min_similarity`` is chosen
  leave-one-corpus-out, as our constants are (``MERGE_SIMILARITIES``).

Both get the stream's precomputed MiniLM embeddings (what our method uses) and
are timed per batch from embeddings to the updated model. Their stability is
measured as ours: every earlier document's topic by the model before and after
the update (``transform`` with the embeddings) and the topic recorded on arrival.
"""

from __future__ import annotations

import logging
import time

import numpy as np

from ._stream import Stream, StreamRun, stability

__all__ = ["MERGE_SIMILARITIES", "partial_fit_stream", "batch_models", "merge_stream"]

MERGE_SIMILARITIES = (0.7, 0.8, 0.9)  # 0.7: BERTopic's default


def _quiet() -> None:
    logging.getLogger("BERTopic").setLevel(logging.WARNING)


def _transform(model, texts: list[str], embeddings: np.ndarray) -> np.ndarray:
    topics, _ = model.transform(texts, embeddings)
    return np.asarray(topics, dtype=int)


def partial_fit_stream(stream: Stream, embeddings: np.ndarray, seed: int) -> StreamRun:
    """BERTopic's ``partial_fit`` with its online components over the stream's batches."""
    from bertopic import BERTopic
    from bertopic.vectorizers import OnlineCountVectorizer
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.decomposition import IncrementalPCA

    _quiet()
    embeddings = np.asarray(embeddings, dtype=np.float64)  # MiniBatchKMeans after IncrementalPCA: one dtype
    k = len(set(stream.gold.tolist()))
    model = BERTopic(umap_model=IncrementalPCA(n_components=5),
                     hdbscan_model=MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3),
                     vectorizer_model=OnlineCountVectorizer(stop_words="english", decay=0.01))
    recorded = np.full(len(stream.texts), -2, dtype=int)
    run = StreamRun("BERTopic partial_fit", "MiniBatchKMeans, k = all labels", recorded, set())
    first = stream.batches[0]
    start = time.perf_counter()
    model.partial_fit([stream.texts[i] for i in first], embeddings[first])
    run.fit_seconds = time.perf_counter() - start
    recorded[first] = model.topics_
    initial = set(np.asarray(model.topics_).tolist())
    seen = list(first)
    for number, batch in enumerate(stream.batches[1:], start=2):
        seen_texts = [stream.texts[i] for i in seen]
        before = _transform(model, seen_texts, embeddings[seen])
        start = time.perf_counter()
        model.partial_fit([stream.texts[i] for i in batch], embeddings[batch])
        seconds = time.perf_counter() - start
        topics = np.asarray(model.topics_, dtype=int)
        born = set(topics.tolist()) - initial - run.born
        run.updates.append({"batch": number, "documents": len(batch), "seconds": seconds,
                            "stability": stability(before, _transform(model, seen_texts, embeddings[seen])),
                            "stability_recorded": 1.0, "new topics": len(born),
                            "outlier share": float(np.mean(topics == -1)),
                            "held back in batch": int(stream.held[batch].sum())})
        recorded[batch] = topics
        run.born |= born
        seen += list(batch)
    return run


def batch_models(stream: Stream, embeddings: np.ndarray, seed: int) -> list[tuple[object, float]]:
    """One BERTopic with the library's defaults per batch: (model, seconds to fit it)."""
    from bertopic import BERTopic

    from ..cluster import umap_class

    _quiet()
    models = []
    for batch in stream.batches:
        umap = umap_class()(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", low_memory=False,
                            random_state=seed)
        start = time.perf_counter()
        model = BERTopic(umap_model=umap).fit([stream.texts[i] for i in batch], embeddings[batch])
        models.append((model, time.perf_counter() - start))
    return models


def merge_stream(stream: Stream, embeddings: np.ndarray, models: list[tuple[object, float]],
                 min_similarity: float) -> StreamRun:
    """``merge_models`` of the per-batch models (``batch_models``), one batch at a time."""
    from bertopic import BERTopic

    _quiet()
    recorded = np.full(len(stream.texts), -2, dtype=int)
    run = StreamRun("BERTopic merge_models", f"min_similarity {min_similarity:g}", recorded, set())
    merged, run.fit_seconds = models[0]
    first = stream.batches[0]
    recorded[first] = merged.topics_
    initial_max = max(merged.topic_labels_)
    seen = list(first)
    for number, (batch, (model, fit_seconds)) in enumerate(zip(stream.batches[1:], models[1:]), start=2):
        seen_texts = [stream.texts[i] for i in seen]
        before = _transform(merged, seen_texts, embeddings[seen])
        start = time.perf_counter()
        after_merge = BERTopic.merge_models([merged, model], min_similarity=min_similarity)
        seconds = fit_seconds + time.perf_counter() - start
        topics = np.asarray(after_merge.topics_, dtype=int)
        previous = np.asarray(merged.topics_, dtype=int)
        added = topics[len(previous):]  # merge_models appends the new model's documents' topics
        born = {t for t in added.tolist() if t > initial_max} - run.born
        run.updates.append({"batch": number, "documents": len(batch), "seconds": seconds,
                            "stability": stability(before, _transform(after_merge, seen_texts, embeddings[seen])),
                            "stability_recorded": stability(previous, topics[:len(previous)]),
                            "new topics": len(born), "outlier share": float(np.mean(added == -1)),
                            "held back in batch": int(stream.held[batch].sum())})
        recorded[batch] = added
        run.born |= born
        seen += list(batch)
        merged = after_merge
    return run

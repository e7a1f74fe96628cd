"""``run_experiment(config) -> Result``: the whole pipeline as plain data.

No tracking here: ``topiclab.tracking`` logs a Result to MLflow, so the core runs
and tests without a store.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA

from . import metrics as m
from .cluster import cluster_vectors
from .config import ExperimentConfig
from .corpus import Corpus, Gold, label_from_gold, load_gold
from .coherence import topic_coherence
from .datasets import load_data
from .keywords import topic_keywords
from .segment import segment_corpus
from .topics import (Topic, centroids, describe_topics, load_taxonomy,
                     name_topics, taxonomy_texts)
from .vectorize import BaseEmbedder, make_embedder, vectorize

__all__ = ["Result", "run_experiment", "line_accuracy"]


@dataclass
class Result:
    config: ExperimentConfig
    corpus: Corpus
    assignments: np.ndarray  # topic id of each document, -1 = outlier
    topics: list[Topic]
    metrics: dict[str, float]
    timings: dict[str, float]
    coords: np.ndarray  # 2-D position of each document, for the document map
    gold: Gold | None = field(default=None, repr=False)

    @property
    def label_of_topic(self) -> dict[int, str]:
        return {t.id: t.label for t in self.topics}

    @property
    def document_labels(self) -> list[str]:
        names = self.label_of_topic
        return [names[int(t)] for t in self.assignments]

    def topic_table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "topic": t.id,
                "label": t.label,
                "size": t.size,
                "keywords": ", ".join(t.keywords),
                "example": t.example,
                "label_score": round(t.label_score, 4),
            }
            for t in self.topics
        )

    def assignments_table(self) -> pd.DataFrame:
        frame = self.corpus.to_frame()[["id", "line_start", "line_end", "label", "text"]]
        frame = frame.rename(columns={"label": "gold_label"})
        frame.insert(1, "topic", self.assignments)
        frame.insert(2, "topic_label", self.document_labels)
        frame["x"], frame["y"] = self.coords[:, 0], self.coords[:, 1]
        return frame


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    start = time.perf_counter()
    yield
    timings[stage] = time.perf_counter() - start


def line_accuracy(corpus: Corpus, document_labels: list[str], gold: Gold) -> float:
    """Share of the dump's gold lines whose document got an accepted topic."""
    predicted, accepted = [], []
    for doc, label in zip(corpus.documents, document_labels):
        for line in range(doc.line_start, doc.line_end + 1):
            topics = gold.topics_of_line(line)
            if topics:
                predicted.append(label)
                accepted.append(topics)
    return m.label_accuracy(predicted, accepted)


def _map_coords(features: np.ndarray, seed: int) -> np.ndarray:
    if len(features) < 3:
        return np.zeros((len(features), 2))
    return PCA(n_components=2, random_state=seed).fit_transform(features)


def run_experiment(config: ExperimentConfig, embedder: BaseEmbedder | None = None,
                   progress: bool = False) -> Result:
    """Load, vectorise, cluster, describe and score one experiment."""
    timings: dict[str, float] = {}
    seed = config.seed
    needs_embedder = config.vectorize.representation != "tfidf" or config.topics.taxonomy
    if embedder is None and needs_embedder:  # one embedder (one cache read) for segmentation and vectors
        embedder = make_embedder(config.vectorize.embedding.model, config.vectorize.embedding.batch_size, progress)
    with _timed(timings, "load"):
        corpus = load_data(config.data)  # a named dataset or a path
        gold = load_gold(config.data.gold) if config.data.gold else None
    with _timed(timings, "segment"):  # dumps: lines -> articles or passages (config.segment)
        corpus = segment_corpus(corpus, config.segment, embedder)
        if gold is not None and corpus.format == "dump":
            corpus = label_from_gold(corpus, gold)
    texts = corpus.texts
    groups = [d.article_id or "" for d in corpus.documents]

    with _timed(timings, "vectorize"):
        vectors = vectorize(texts, config.vectorize, seed, groups, embedder, progress)
        embeddings = vectors.embeddings
        entries = entry_vectors = None
        if config.topics.taxonomy:
            entries = load_taxonomy(config.topics.taxonomy)
            entry_vectors = embedder.embed(taxonomy_texts(entries))
            if embeddings is None:
                embeddings = embedder.embed(texts)

    with _timed(timings, "cluster"):
        guided = (config.topics.guided and entry_vectors is not None
                  and config.vectorize.representation == "embedding")
        labels = cluster_vectors(vectors.features, config.cluster, seed, texts,
                                 seeds=entry_vectors if guided else None)

    with _timed(timings, "topics"):
        keywords = topic_keywords(texts, labels, config.topics.n_keywords, config.topics.keywords)
        naming_space = embeddings if embeddings is not None else vectors.features
        names = name_topics(centroids(naming_space, labels), keywords, entries, entry_vectors,
                            config.topics.label_threshold)
        topics = describe_topics(texts, labels, vectors.features, names, keywords)

    with _timed(timings, "metrics"):
        scores: dict[str, float] = {"n_documents": len(texts), "n_topics": len(set(labels.tolist()) - {-1})}
        scores.update(m.internal_metrics(vectors.features, labels))
        scores["topic_diversity"] = m.topic_diversity(keywords)
        if config.topics.coherence:  # NPMI and C_v of the top-10 words, on this corpus
            top10 = (keywords if config.topics.n_keywords >= 10
                     else topic_keywords(texts, labels, 10, config.topics.keywords))
            scores.update(topic_coherence(top10, texts))
        scores["outlier_share"] = m.outlier_share(labels)
        scores["embedding_cache_hits"] = vectors.cache_hits
        scores["embedding_cache_misses"] = vectors.cache_misses
        doc_labels = [names[int(t)][0] for t in labels]
        if corpus.has_labels:
            scores.update(m.external_metrics(corpus.labels, labels))
            scores["label_accuracy"] = m.label_accuracy(doc_labels, [{l} for l in corpus.labels])
        if gold is not None and corpus.format == "dump":
            scores["line_accuracy"] = line_accuracy(corpus, doc_labels, gold)
        coords = _map_coords(vectors.features, seed)
    scores.update({f"time_{stage}_s": seconds for stage, seconds in timings.items()})
    return Result(config, corpus, labels, topics, scores, timings, coords, gold)

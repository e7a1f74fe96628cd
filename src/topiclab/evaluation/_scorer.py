"""The evaluation harness: one set of scores for any topic model's output.

A topic model's output is the topic of each document (-1 = outlier) and the
top words of each topic. ``score_topics`` turns that into the metrics every
method is compared on: NMI, ARI, V-measure, accuracy (when gold labels
exist), NPMI and C_v coherence, topic diversity and outlier share.
The pipeline (``run_experiment``) and every baseline score through it, so
their numbers are comparable by construction. ``Evaluation`` carries one
method's run on one corpus, for logging and for the benchmark tables;
pipeline Results convert to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..cluster import OUTLIER
from ..data import Corpus
from . import _metrics as m
from ._coherence import ReferenceCorpus, topic_coherence

__all__ = ["Evaluation", "score_topics", "evaluation_from_result", "PROTOCOL_TOP_N"]

PROTOCOL_TOP_N = 10  # top words per topic for coherence and diversity


def score_topics(texts: list[str], assignments: np.ndarray, keywords: dict[int, list[str]],
                 truth: list | None = None, reference: ReferenceCorpus | None = None,
                 coherence: bool = True, features: np.ndarray | None = None, seed: int = 0) -> dict[str, float]:
    """Clustering and topic-quality scores of one model's output on one corpus.

    ``keywords``: at least the top ``PROTOCOL_TOP_N`` words of each topic;
    ``truth``: gold labels (external metrics); ``features``: what was clustered
    (silhouette and Davies-Bouldin; ``seed`` draws silhouette's sample on big corpora).
    """
    assignments = np.asarray(assignments, dtype=int)
    scores: dict[str, float] = {
        "n_documents": len(texts),
        "n_topics": len(set(assignments.tolist()) - {OUTLIER}),
    }
    if features is not None:
        scores.update(m.internal_metrics(features, assignments, seed))
    scores["topic_diversity"] = m.topic_diversity(keywords, PROTOCOL_TOP_N)
    if coherence:
        scores.update(topic_coherence(keywords, reference if reference is not None else texts,
                                      top_n=PROTOCOL_TOP_N))
    scores["outlier_share"] = m.outlier_share(assignments)
    if truth is not None and all(label is not None for label in truth):
        scores.update(m.external_metrics(list(truth), assignments))
    return scores


@dataclass
class Evaluation:
    """One method's topics on one corpus, scored."""

    method: str
    corpus: Corpus
    assignments: np.ndarray
    keywords: dict[int, list[str]]
    metrics: dict[str, float]
    timings: dict[str, float]
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def total_time(self) -> float:
        return float(sum(self.timings.values()))

    def topic_table(self) -> pd.DataFrame:
        sizes = pd.Series(self.assignments).value_counts()
        rows = [{"topic": int(t), "size": int(sizes.get(t, 0)), "keywords": ", ".join(self.keywords.get(t, []))}
                for t in sorted(set(self.assignments.tolist()), key=lambda t: (t == OUTLIER, -sizes.get(t, 0), t))]
        return pd.DataFrame(rows, columns=["topic", "size", "keywords"])

    def assignments_table(self) -> pd.DataFrame:
        frame = self.corpus.to_frame()[["id", "label", "text"]].rename(columns={"label": "gold_label"})
        frame.insert(1, "topic", self.assignments)
        return frame


def evaluation_from_result(result, method: str = "topiclab") -> Evaluation:
    """A pipeline Result as an Evaluation (its metrics already hold the harness scores)."""
    keywords = {t.id: list(t.keywords) for t in result.topics}
    params = {"k": result.config.cluster.k, "cluster.method": result.config.cluster.method,
              "vectorize.representation": result.config.vectorize.representation}
    return Evaluation(method=method, corpus=result.corpus, assignments=np.asarray(result.assignments),
                      keywords=keywords, metrics=dict(result.metrics), timings=dict(result.timings),
                      params=params)

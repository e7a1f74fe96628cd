"""The topic model a run found, as an object that assigns new text (BERTopic's ``transform``).

``TopicModel.fit`` keeps what assignment needs: the embedder's name, the
representation and its fitted TF-IDF/LSA parts, one centroid per topic in the
clusterer's feature space, and each topic's label and keywords. ``transform``
puts each new text in the topic of its nearest centroid (Euclidean, as
k-means assigns), so a k-means run's own documents get back exactly the
topics the run gave them; for HDBSCAN/BERTopic (density clusters, outliers)
the nearest centroid is an approximation. ``score`` is the cosine similarity
to that centroid.

On disk (``save``/``load``): ``topic_model.json`` (settings, labels,
keywords, time bins), ``centroids.npy`` (no pickle) and, for TF-IDF features,
the fitted vectoriser and LSA as ``lsa.json`` and arrays (``vectorize.save_lsa``; models saved
before it hold a skops file, still read).

Fitted by a run, it also keeps what ``update_topic_model`` needs to take new
batches (``_history.learn_update_rules``: sizes, join and merge rules, word
counts, each batch's counts), saved beside the rest.

When the run's documents had dates, ``time_bins_`` holds its ``TimeBins``:
``transform(texts, dates)`` then also gives each text its ``time_bin``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.preprocessing import normalize

from ..cluster import OUTLIER
from ..errors import TopiclabError
from ..paths import atomic_file, write_atomically
from ..persist import load_fitted
from ..vectorize import LSA_SETTINGS, BaseEmbedder, load_lsa, lsa_vectors, make_embedder, save_lsa
from ._update_state import load_update_state, save_update_state
from ._over_time import TimeBins, parse_dates

__all__ = ["TEXT_COLUMN", "DATE_COLUMN", "TopicModel"]

TEXT_COLUMN = "text"
DATE_COLUMN = "date"
_SETTINGS = "topic_model.json"
_CENTROIDS = "centroids.npy"
_OLD_LSA = "lsa.skops"  # models saved before lsa.json: read, never written
_OLD_VOCABULARY = "lsa_vocabulary.json"


class TopicModel:
    """Assign texts to a fitted run's topics.

    ``representation`` and ``tfidf_weight`` are the run's ``vectorize``
    settings; new text gets no context smoothing (it has no neighbours).
    """

    def __init__(self, embedding_model: str | None = None, representation: str = "embedding",
                 tfidf_weight: float = 0.5, batch_size: int = 32, embedding_backend: str = "torch"):
        self.embedding_model = embedding_model
        self.representation = representation
        self.tfidf_weight = tfidf_weight
        self.batch_size = batch_size
        self.embedding_backend = embedding_backend  # the run's, resolved: new text is embedded as the run's was

    def fit(self, features: np.ndarray, labels: np.ndarray, names: dict[int, str],
            keywords: dict[int, list[str]], lsa: tuple | None = None,
            time_bins: TimeBins | None = None) -> "TopicModel":
        """Centroids of each topic (outliers excluded) in ``features``, the clusterer's space."""
        labels = np.asarray(labels, dtype=int)
        ids = sorted(int(t) for t in set(labels.tolist()) if t != OUTLIER)
        if not ids:
            raise TopiclabError("the run found no topic to assign text to (every document is an outlier)")
        if self.representation != "embedding" and lsa is None:
            raise TopiclabError(f"representation {self.representation!r} needs the fitted TF-IDF parts")
        self.topic_ids_ = np.array(ids, dtype=int)
        self.centroids_ = np.vstack([features[labels == t].mean(axis=0) for t in ids]).astype(np.float64)
        self.labels_ = {t: names[t] for t in ids}
        self.keywords_ = {t: list(keywords.get(t, [])) for t in ids}
        self.lsa_ = lsa
        self.time_bins_ = time_bins
        return self

    def features_of(self, texts: list[str], embedder: BaseEmbedder | None = None) -> np.ndarray:
        """``texts`` in the space the clusterer saw (the run's ``vectorize.representation``)."""
        parts = []
        if self.representation in ("embedding", "combined"):
            embedder = embedder or make_embedder(self.embedding_model, self.batch_size,
                                                 backend=self.embedding_backend)
            weight = 1.0 - self.tfidf_weight if self.representation == "combined" else 1.0
            parts.append(np.sqrt(weight) * embedder.embed(texts))
        if self.representation in ("tfidf", "combined"):
            weight = self.tfidf_weight if self.representation == "combined" else 1.0
            parts.append(np.sqrt(weight) * lsa_vectors(texts, *self.lsa_))
        return np.hstack(parts).astype(np.float32)

    def predict_features(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Topic id and cosine score of each row, by its nearest centroid."""
        distances = ((features[:, None, :].astype(np.float64) - self.centroids_[None]) ** 2).sum(axis=2)
        nearest = distances.argmin(axis=1)
        cosine = (normalize(features) * normalize(self.centroids_)[nearest]).sum(axis=1)
        return self.topic_ids_[nearest], cosine

    def transform(self, texts: list[str], embedder: BaseEmbedder | None = None,
                  dates: list | None = None) -> pd.DataFrame:
        """One row per text: ``topic``, ``topic_label``, ``score`` (and ``time_bin`` given ``dates``,
        when the model has time bins)."""
        texts = [str(t) for t in texts]
        with_bins = dates is not None and getattr(self, "time_bins_", None) is not None
        if not texts:
            frame = pd.DataFrame({"topic": pd.Series(dtype=int), "topic_label": pd.Series(dtype=object),
                                  "score": pd.Series(dtype=float)})
            return frame.assign(time_bin=pd.Series(dtype=object)) if with_bins else frame
        topics, scores = self.predict_features(self.features_of(texts, embedder))
        frame = pd.DataFrame({"topic": topics.astype(int), "topic_label": [self.labels_[int(t)] for t in topics],
                              "score": scores.astype(float)})
        if with_bins:
            if len(dates) != len(texts):
                raise TopiclabError(f"{len(dates)} dates for {len(texts)} texts")
            frame["time_bin"] = self.time_bins_.assign(parse_dates(list(dates)))
        return frame

    def save(self, folder: str | Path) -> Path:
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        with atomic_file(out / _CENTROIDS) as file:
            np.save(file, self.centroids_, allow_pickle=False)
        if self.lsa_ is not None:
            save_lsa(*self.lsa_, out)
        settings = {"embedding_model": self.embedding_model, "representation": self.representation,
                    "tfidf_weight": self.tfidf_weight, "batch_size": self.batch_size,
                    "embedding_backend": self.embedding_backend,
                    "topic_ids": self.topic_ids_.tolist(),
                    "labels": {str(t): v for t, v in self.labels_.items()},
                    "keywords": {str(t): v for t, v in self.keywords_.items()},
                    "time_bins": self.time_bins_.to_dict() if getattr(self, "time_bins_", None) else None}
        save_update_state(self, out)  # what update_topic_model needs (topics/_update_state.py)
        write_atomically(out / _SETTINGS, json.dumps(settings, indent=1))
        return out

    @classmethod
    def load(cls, folder: str | Path) -> "TopicModel":
        root = Path(folder)
        if not (root / _SETTINGS).is_file():
            raise TopiclabError(f"{root} holds no topic model ({_SETTINGS} missing)")
        settings = json.loads((root / _SETTINGS).read_text(encoding="utf-8"))
        model = cls(settings["embedding_model"], settings["representation"], settings["tfidf_weight"],
                    settings["batch_size"], settings.get("embedding_backend", "torch"))  # older models: torch
        model.topic_ids_ = np.array(settings["topic_ids"], dtype=int)
        model.centroids_ = np.load(root / _CENTROIDS, allow_pickle=False)
        model.labels_ = {int(t): v for t, v in settings["labels"].items()}
        model.keywords_ = {int(t): v for t, v in settings["keywords"].items()}
        model.lsa_ = _load_lsa_parts(root)
        bins = settings.get("time_bins")  # absent in models saved before time bins
        model.time_bins_ = TimeBins.from_dict(bins) if bins else None
        load_update_state(model, root)  # absent in models saved before updates
        return model


def _load_lsa_parts(root: Path) -> tuple | None:
    """The TF-IDF/LSA parts: JSON and arrays, or the skops file of models saved before them."""
    if (root / LSA_SETTINGS).is_file():
        return load_lsa(root)
    if not (root / _OLD_LSA).is_file():
        return None
    parts = tuple(load_fitted(root / _OLD_LSA))
    if (root / _OLD_VOCABULARY).is_file():  # the vocabulary beside lsa.skops; older still: inside it
        terms = json.loads((root / _OLD_VOCABULARY).read_text(encoding="utf-8"))
        parts[0].vocabulary_ = {term: i for i, term in enumerate(terms)}
    return parts

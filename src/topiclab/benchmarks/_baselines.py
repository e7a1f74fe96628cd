"""Reference topic models, run through the same harness as the pipeline.

* ``bertopic_default``: BERTopic with its library defaults (UMAP, HDBSCAN,
  plain ``CountVectorizer``); only UMAP's seed is fixed. It gets the same
  precomputed MiniLM embeddings as our pipeline (BERTopic's own default model).
* ``tfidf_kmeans``: k-means on L2-normalised TF-IDF; topics described by the
  project's c-TF-IDF keywords.
* ``lda``: scikit-learn's LatentDirichletAllocation on word counts.
* ``nmf``: scikit-learn's NMF on TF-IDF.

LDA and NMF assign each document its strongest topic and describe a topic by
its largest component weights. All bag-of-words models use the project's
analyzer (English stop words removed, tokens of at least 2 letters), with
words in fewer than 2 documents or more than 95 % of them dropped (as in
scikit-learn's topic-extraction example), so keywords compare.
"""

from __future__ import annotations

import time

import numpy as np

from ..data import Corpus, word_vectorizer
from ..errors import TopiclabError
from ..evaluation import PROTOCOL_TOP_N, Evaluation, ReferenceCorpus, score_topics
from ..topics import ctfidf_keywords

__all__ = ["BASELINES", "BaseTopicModel", "BERTopicDefault", "TfidfKMeans", "LDATopicModel",
           "NMFTopicModel", "make_baseline", "run_baseline"]

BASELINES = ("bertopic_default", "tfidf_kmeans", "lda", "nmf")


def _bag_of_words_options(n_documents: int) -> dict:
    # Tiny corpora keep every word: min_df=2 / max_df=0.95 would empty them.
    return {"min_df": 2, "max_df": 0.95} if n_documents >= 20 else {}


def _tfidf(n_documents: int):
    return word_vectorizer("tfidf", **_bag_of_words_options(n_documents))


def _top_words(components: np.ndarray, words: np.ndarray, top_n: int) -> dict[int, list[str]]:
    return {topic: [str(words[i]) for i in np.argsort(-row)[:top_n] if row[i] > 0]
            for topic, row in enumerate(components)}


class BaseTopicModel:
    """Plug-in point: ``fit(texts, embeddings)`` sets ``labels_`` and ``keywords_``."""

    needs_embeddings = False

    def fit(self, texts: list[str], embeddings: np.ndarray | None = None) -> "BaseTopicModel":
        raise NotImplementedError


class BERTopicDefault(BaseTopicModel):
    """``BERTopic()`` as a user would call it, with only UMAP's random_state set."""

    needs_embeddings = True

    def __init__(self, random_state: int = 0):
        self.random_state = random_state

    def fit(self, texts, embeddings=None):
        from bertopic import BERTopic
        from umap import UMAP

        if embeddings is None:
            raise TopiclabError("bertopic_default needs precomputed embeddings")
        # The library's own default UMAP, plus the seed.
        umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                          low_memory=False, random_state=self.random_state)
        self.model_ = BERTopic(umap_model=umap_model)
        topics, _ = self.model_.fit_transform(texts, embeddings)
        self.labels_ = np.asarray(topics, dtype=int)
        self.keywords_ = {int(t): [w for w, _ in words][:PROTOCOL_TOP_N]
                          for t, words in self.model_.get_topics().items()}
        return self


class _FixedKTopicModel(BaseTopicModel):
    """A topic model told its number of topics."""

    def __init__(self, k: int, random_state: int = 0):
        self.k = k
        self.random_state = random_state


class TfidfKMeans(_FixedKTopicModel):
    def fit(self, texts, embeddings=None):
        from sklearn.cluster import KMeans

        matrix = _tfidf(len(texts)).fit_transform(texts)
        model = KMeans(n_clusters=self.k, n_init=10, random_state=self.random_state)
        self.labels_ = model.fit_predict(matrix).astype(int)
        self.keywords_ = ctfidf_keywords(texts, self.labels_, PROTOCOL_TOP_N)
        return self


class LDATopicModel(_FixedKTopicModel):
    def fit(self, texts, embeddings=None):
        from sklearn.decomposition import LatentDirichletAllocation

        vectorizer = word_vectorizer(**_bag_of_words_options(len(texts)))
        counts = vectorizer.fit_transform(texts)
        self.model_ = LatentDirichletAllocation(n_components=self.k, random_state=self.random_state)
        weights = self.model_.fit_transform(counts)
        self.labels_ = weights.argmax(axis=1).astype(int)
        self.keywords_ = _top_words(self.model_.components_, vectorizer.get_feature_names_out(),
                                    PROTOCOL_TOP_N)
        return self


class NMFTopicModel(_FixedKTopicModel):
    def fit(self, texts, embeddings=None):
        from sklearn.decomposition import NMF

        vectorizer = _tfidf(len(texts))
        matrix = vectorizer.fit_transform(texts)
        self.model_ = NMF(n_components=self.k, random_state=self.random_state, max_iter=500)
        weights = self.model_.fit_transform(matrix)
        self.labels_ = weights.argmax(axis=1).astype(int)
        self.keywords_ = _top_words(self.model_.components_, vectorizer.get_feature_names_out(),
                                    PROTOCOL_TOP_N)
        return self


def make_baseline(method: str, k: int | None, seed: int) -> BaseTopicModel:
    if method not in BASELINES:
        raise TopiclabError(f"unknown baseline {method!r} (known: {', '.join(BASELINES)})")
    if method == "bertopic_default":
        return BERTopicDefault(seed)
    if k is None or k < 1:
        raise TopiclabError(f"baseline {method!r} needs a number of topics k >= 1")
    return {"tfidf_kmeans": TfidfKMeans, "lda": LDATopicModel, "nmf": NMFTopicModel}[method](k, seed)


def run_baseline(method: str, corpus: Corpus, k: int | None = None, seed: int = 42,
                 embeddings: np.ndarray | None = None,
                 reference: ReferenceCorpus | None = None) -> Evaluation:
    """Fit one baseline on ``corpus`` and score it with the harness."""
    model = make_baseline(method, k, seed)
    if k is not None and k > len(corpus.documents):
        raise TopiclabError(f"k={k} is larger than the number of documents ({len(corpus.documents)})")
    texts = corpus.texts
    start = time.perf_counter()
    model.fit(texts, embeddings)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    truth = corpus.labels if corpus.has_labels else None
    scores = score_topics(texts, model.labels_, model.keywords_, truth, reference)
    timings = {"fit": fit_seconds, "metrics": time.perf_counter() - start}
    scores.update({f"time_{stage}_s": seconds for stage, seconds in timings.items()})
    params = {"method": method, "k": k, "seed": seed, "dataset": corpus.name}
    return Evaluation(method=method, corpus=corpus, assignments=model.labels_, keywords=model.keywords_,
                      metrics=scores, timings=timings, params=params)

"""``run_experiment(config) -> Result``: the whole pipeline as plain data.

The stages in data-flow order, one call each: load (``data``), segment,
vectorize, cluster, topics, evaluation. No tracking here: ``topiclab.tracking``
logs a Result to MLflow, so the core runs and tests without a store.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from pathlib import Path

from pydantic import ValidationError

from .cluster import map_coords as _map_coords  # the name tests replace
from .cluster import (MAP_SAMPLE, UMAP_MIN_DOCUMENTS, AUTO, choose_k, cluster_vectors, outlier_shares,  # noqa: F401
                      reassign_outliers)
from .config import DataConfig, ExperimentConfig, SegmentConfig, apply_overrides, describe_error
from .data import Corpus, Gold, label_from_gold, load_data, load_gold, read_lines, sample_corpus
from .errors import TopiclabError
from .evaluation import PROTOCOL_TOP_N, label_accuracy, score_topics
from .paths import resolve
from .segment import (BaseSegmenter, Span, line_ranges, make_segmenter, needs_segmenting, segment_corpus,
                      segment_lines, segment_report)
from .topics import (TaxonomyEntry, TimeBins, Topic, TopicModel, centre_similarity, ctfidf_weights, describe_topics,
                     learn_update_rules, load_taxonomy,
                     merge_topics, name_topics, parse_dates, reduce_topics, taxonomy_texts, topic_keywords, topic_tree,
                     topic_rows, topics_over_time, topics_per_class, with_given_names)
from .vectorize import BaseEmbedder, concrete_backend, make_embedder, vectorize

__all__ = ["RUN_METRICS", "LOWER_IS_BETTER", "Result", "run_experiment", "load_with_gold",
           "labelled_by_gold", "line_accuracy", "segmentation_embedder", "find_articles", "segment_file", "load_batch"]


# Every metric a run logs (some only with gold labels, a taxonomy, a dump's gold file, density clusters
# or cluster.k: auto): what a sweep may optimise. A test checks that a run logs no other.
RUN_METRICS = ("nmi", "ari", "v_measure", "accuracy", "label_accuracy", "line_accuracy", "silhouette",
               "davies_bouldin", "npmi", "c_v", "keyword_vocab_share", "n_scored_topics", "topic_diversity",
               "outlier_share", "outlier_share_before", "outlier_share_after", "n_topics", "n_documents",
               "chosen_k", "embedding_cache_hits", "embedding_cache_misses",
               *(f"time_{stage}_s" for stage in ("load", "segment", "vectorize", "cluster", "topics", "metrics",
                                                 "map", "startup", "logging")))
# time_startup_s (the process before the command: imports) and time_logging_s (tracking) come from
# topiclab run and tracking.track_experiment, not from run_experiment.
# Those where lower is better; the rest are better higher, or counts with no better side.
LOWER_IS_BETTER = frozenset({"davies_bouldin", "outlier_share", "outlier_share_before", "outlier_share_after",
                             "embedding_cache_misses", *(m for m in RUN_METRICS if m.startswith("time_"))})


@dataclass
class Result:
    config: ExperimentConfig
    corpus: Corpus
    assignments: np.ndarray  # topic id of each document, -1 = outlier
    topics: list[Topic]
    metrics: dict[str, float]
    timings: dict[str, float]
    coords: np.ndarray | None  # 2-D position of each document for the document map (None: figures: none)
    gold: Gold | None = field(default=None, repr=False)
    topic_model: TopicModel | None = field(default=None, repr=False)  # assigns new text
    k_curve: pd.DataFrame | None = field(default=None, repr=False)  # cluster.k: auto, one row per candidate
    topic_mapping: pd.DataFrame | None = field(default=None, repr=False)  # reduce_to/merge: old -> new topic
    topic_tree: dict | None = field(default=None, repr=False)  # topics.topic_tree (2+ topics)
    over_time: pd.DataFrame | None = field(default=None, repr=False)  # documents with dates: shares per bin
    per_class: pd.DataFrame | None = field(default=None, repr=False)  # labelled documents: topics per label
    similarity: np.ndarray | None = field(default=None, repr=False)  # cosine of each document to its topic's centre

    @property
    def label_of_topic(self) -> dict[int, str]:
        return {t.id: t.label for t in self.topics}

    @property
    def document_labels(self) -> list[str]:
        names = self.label_of_topic
        return [names[int(t)] for t in self.assignments]

    def topic_table(self) -> pd.DataFrame:
        """One row per topic (``topics.topic_rows``: keywords and their weights, representatives)."""
        return pd.DataFrame(topic_rows(self.topics, [d.id for d in self.corpus.documents], self.corpus.texts))

    def assignments_table(self) -> pd.DataFrame:
        """One row per document: its topic, ``similarity`` (cosine of its vector to the topic's mean vector,
        the confidence of the assignment; empty for outliers) and, with figures, its map position."""
        frame = self.corpus.to_frame()[["id", "line_start", "line_end", "label", "text"]]
        frame = frame.rename(columns={"label": "gold_label"})
        frame.insert(1, "topic", self.assignments)
        frame.insert(2, "topic_label", self.document_labels)
        if self.similarity is not None:
            frame.insert(3, "similarity", np.round(self.similarity, 4))
        if self.coords is not None:
            frame["x"], frame["y"] = self.coords[:, 0], self.coords[:, 1]
        return frame



@contextmanager
def _timed(timings: dict[str, float], stage: str, on_stage: Callable[[str, str], None] | None = None):
    """Seconds of ``stage`` into ``timings``; ``on_stage(stage, "start" | "end")`` around it (e.g. a memory meter)."""
    if on_stage is not None:
        on_stage(stage, "start")
    start = time.perf_counter()
    yield
    timings[stage] = time.perf_counter() - start
    if on_stage is not None:
        on_stage(stage, "end")


def line_accuracy(corpus: Corpus, document_labels: list[str], gold: Gold) -> float:
    """Share of the dump's gold lines whose document got an accepted topic."""
    predicted, accepted = [], []
    for doc, label in zip(corpus.documents, document_labels):
        for line in range(doc.line_start, doc.line_end + 1):
            topics = gold.topics_of_line(line)
            if topics:
                predicted.append(label)
                accepted.append(topics)
    return label_accuracy(predicted, accepted)


def segmentation_embedder(segmenter: BaseSegmenter, embedder: BaseEmbedder | None = None) -> BaseEmbedder | None:
    """The embedder ``segmenter`` needs: ``embedder`` if it is the right model, else a cached one of that model."""
    if not segmenter.needs_embedder:
        return None
    wanted = segmenter.embedding_model()
    if embedder is not None and (wanted is None or embedder.name.split("/")[-1] == wanted):
        return embedder
    return make_embedder(wanted) if wanted else make_embedder()


def find_articles(lines: list[str], config: SegmentConfig, embedder: BaseEmbedder | None = None) -> list[Span]:
    """The articles of a dump given as its raw lines, by the segmenter ``config`` names."""
    segmenter = make_segmenter(config)
    return segment_lines(lines, segmenter, segmentation_embedder(segmenter, embedder), pages=config.pages)


def load_with_gold(data: DataConfig) -> tuple[Corpus, Gold | None]:
    """The corpus ``data`` names and its gold file (``data.gold``), if it has one."""
    return load_data(data), (load_gold(data.gold) if data.gold else None)


def labelled_by_gold(corpus: Corpus, gold: Gold | None) -> Corpus:
    """A dump's documents (its lines, or its articles once segmented) labelled with the gold topic of
    their first line; other corpora as they are."""
    return label_from_gold(corpus, gold) if gold is not None and corpus.format == "dump" else corpus


def _segment(corpus: Corpus, config: SegmentConfig, embedder: BaseEmbedder | None) -> Corpus:
    if not needs_segmenting(corpus, config):
        return corpus
    segmenter = make_segmenter(config)
    return segment_corpus(corpus, config, segmenter, segmentation_embedder(segmenter, embedder))


def load_batch(config: ExperimentConfig, embedder: BaseEmbedder | None = None) -> Corpus:
    """A new batch (``topiclab update``): ``config.data`` loaded and, a dump, segmented as a run's would be."""
    return _segment(load_data(config.data), config.segment, embedder)


def _shares_taxonomy_names(labels: list, entries: list[TaxonomyEntry] | None) -> bool:
    """Label accuracy means something only where gold labels are taxonomy names."""
    if not entries:
        return False
    names = {e.name.casefold() for e in entries}
    return any(str(label).casefold() in names for label in set(labels))


def _fit_topic_model(config: ExperimentConfig, vectors, labels: np.ndarray, names: dict,
                     keywords: dict, texts: list[str], time_bins: TimeBins | None = None,
                     dates: pd.Series | None = None) -> TopicModel | None:
    """The saved-object form of the run's topics, with what updates need (``topics.learn_update_rules``);
    None when every document is an outlier."""
    if not (labels != -1).any():
        return None
    settings = config.vectorize
    embedding = settings.embedding
    model = TopicModel(embedding.model, settings.representation, settings.tfidf_weight, embedding.batch_size,
                       concrete_backend(embedding.model, embedding.backend))
    model.fit(vectors.features, labels, {t: n[0] for t, n in names.items()}, keywords, vectors.lsa, time_bins)
    topics = config.topics
    return learn_update_rules(model, vectors.features, labels, texts, stop_words=topics.stop_words,
                              n_keywords=topics.n_keywords, keywords=topics.keywords, taxonomy=topics.taxonomy,
                              label_threshold=topics.label_threshold,
                              time_bins=time_bins.assign(dates) if time_bins is not None else None)


def _corpus_dates(corpus: Corpus) -> pd.Series | None:
    """The documents' dates as timestamps, or None when no document has one (a bad date is an error)."""
    if all(d.date is None for d in corpus.documents):
        return None
    return parse_dates([d.date for d in corpus.documents], [d.id for d in corpus.documents])


def _given_labels(labels, n: int) -> np.ndarray:
    labels = np.asarray(labels, dtype=int)
    if len(labels) != n:
        raise TopiclabError(f"{len(labels)} topic assignments for {n} documents: the data changed since that run")
    return labels


def _cluster(config: ExperimentConfig, vectors, embeddings, texts: list[str], entry_vectors,
             scores: dict[str, float], layout: dict | None = None):
    """Cluster (k: auto resolved), outliers kept or reassigned; returns (config, labels, k curve).
    ``layout`` receives the clustering's UMAP embedding, where it fitted one (``cluster_vectors``)."""
    seed, k_curve = config.seed, None
    if config.cluster.k == AUTO:  # candidates scored, the best k kept (cluster/_choose_k.py)
        chosen, k_curve = choose_k(vectors.features, config.cluster, seed, embeddings)
        config = config.model_copy(update={"cluster": config.cluster.model_copy(update={"k": chosen})})
    guided = (config.topics.guided and entry_vectors is not None
              and config.vectorize.representation == "embedding")
    labels = cluster_vectors(vectors.features, config.cluster, seed, texts,
                             seeds=entry_vectors if guided else None, layout=layout)
    if config.cluster.method in ("umap_hdbscan", "bertopic"):  # density clusters leave outliers
        before = labels
        if config.cluster.outliers == "reassign":
            space = embeddings if embeddings is not None else vectors.features
            labels = reassign_outliers(space, labels, config.cluster.outlier_min_similarity)
        scores.update(outlier_shares(before, labels))
    return config, labels, k_curve


def run_experiment(config: ExperimentConfig, embedder: BaseEmbedder | None = None,
                   progress: bool = False, labels=None, merge: list[int] | None = None,
                   on_stage: Callable[[str, str], None] | None = None) -> Result:
    """Load, segment, vectorise, cluster, describe and score one experiment.

    ``labels`` (one topic per document, e.g. a finished run's) skip clustering,
    outlier handling and ``topics.reduce_to``; ``merge`` then names topics to
    merge into one (``topiclab merge``). ``on_stage(stage, event)`` is called as each
    timed stage starts and ends (the scale benchmark's memory meter).
    """
    timings: dict[str, float] = {}
    seed = config.seed
    # A bad taxonomy file fails the run before any text is read or embedded.
    entries = load_taxonomy(config.topics.taxonomy) if config.topics.taxonomy else None
    needs_embedder = config.vectorize.representation != "tfidf" or config.topics.taxonomy
    if embedder is None and needs_embedder:  # one embedder (one cache read) for segmentation and vectors
        settings = config.vectorize.embedding
        embedder = make_embedder(settings.model, settings.batch_size, progress, backend=settings.backend)
    with _timed(timings, "load", on_stage):
        corpus, gold = load_with_gold(config.data)  # a named dataset or a path
    with _timed(timings, "segment", on_stage):  # dumps: lines -> articles or passages (config.segment)
        corpus = labelled_by_gold(_segment(corpus, config.segment, embedder), gold)
        corpus = sample_corpus(corpus, config.data.sample, seed)  # data.sample: fit on a seeded sample
        dates = _corpus_dates(corpus)
    texts = corpus.texts
    groups = [d.article_id or "" for d in corpus.documents]

    with _timed(timings, "vectorize", on_stage):
        vectors = vectorize(texts, config.vectorize, seed, groups, embedder, progress)
        embeddings = vectors.embeddings
        entry_vectors = None
        if entries:
            entry_vectors = embedder.embed(taxonomy_texts(entries))
            if embeddings is None:
                embeddings = embedder.embed(texts)

    k_curve = mapping = None
    extra: dict[str, float] = {}
    layout: dict[str, np.ndarray] = {}  # the clustering's UMAP embedding, if it fitted one: the map reuses it
    with _timed(timings, "cluster", on_stage):
        if labels is None:
            config, labels, k_curve = _cluster(config, vectors, embeddings, texts, entry_vectors, extra, layout)
            if config.topics.reduce_to is not None:  # merge the most similar topics (topics/_reduce.py)
                space = embeddings if embeddings is not None else vectors.features
                labels, mapping = reduce_topics(labels, space, texts, config.topics.reduce_to,
                                                config.topics.stop_words)
        else:
            labels = _given_labels(labels, len(texts))
        if merge:
            labels, mapping = merge_topics(labels, merge)

    with _timed(timings, "topics", on_stage):
        keywords = topic_keywords(texts, labels, config.topics.n_keywords, config.topics.keywords,
                                  stop_list=config.topics.stop_words)
        naming_space = embeddings if embeddings is not None else vectors.features
        members = {int(t): naming_space[labels == t] for t in sorted(set(labels.tolist()))}
        names = name_topics(members, keywords, entries, entry_vectors, config.topics.label_threshold)
        names = with_given_names(names, config.topics.names)  # topics.names: named by hand
        weights = ctfidf_weights(texts, labels, keywords, config.topics.stop_words)
        topics = describe_topics(texts, labels, vectors.features, names, keywords, weights)
        bins = TimeBins.fit(dates, config.topics.time_bins) if dates is not None else None
        topic_model = _fit_topic_model(config, vectors, labels, names, keywords, texts, bins, dates)
        label_names = {t: n[0] for t, n in names.items()}
        tree = (topic_tree(vectors.features, labels, texts, label_names, keywords, config.topics.n_keywords,
                           config.topics.stop_words) if topic_model is not None else None)
        over_time = topics_over_time(dates, labels, label_names, bins) if bins is not None else None
        per_class = topics_per_class(corpus.labels, labels, label_names) if corpus.has_labels else None

    with _timed(timings, "metrics", on_stage):
        protocol_keywords = (keywords if config.topics.n_keywords >= PROTOCOL_TOP_N
                             else topic_keywords(texts, labels, PROTOCOL_TOP_N, config.topics.keywords,
                                            stop_list=config.topics.stop_words))
        scores = score_topics(texts, labels, protocol_keywords, corpus.labels if corpus.has_labels else None,
                              coherence=config.topics.coherence, features=vectors.features, seed=seed)
        scores.update(extra)
        if k_curve is not None:
            scores["chosen_k"] = float(config.cluster.k)
        scores["embedding_cache_hits"] = vectors.cache_hits
        scores["embedding_cache_misses"] = vectors.cache_misses
        doc_labels = [names[int(t)][0] for t in labels]
        if corpus.has_labels and _shares_taxonomy_names(corpus.labels, entries):
            scores["label_accuracy"] = label_accuracy(doc_labels, [{l} for l in corpus.labels])
        if (gold is not None and corpus.format == "dump"
                and _shares_taxonomy_names([a["topic"] for a in gold.articles], entries)):
            scores["line_accuracy"] = line_accuracy(corpus, doc_labels, gold)
    coords = None
    if config.figures != "none":  # figures: none skips the map's UMAP, the costliest figure
        with _timed(timings, "map", on_stage):  # the document map's 2-D positions
            coords = _map_coords(vectors.features, seed, layout.get("reduced"))  # cluster/_map.py
    scores.update({f"time_{stage}_s": seconds for stage, seconds in timings.items()})
    return Result(config, corpus, labels, topics, scores, timings, coords, gold, topic_model, k_curve, mapping, tree,
                  over_time, per_class, centre_similarity(vectors.features, labels))


def segment_file(path: str | Path, method: str = "learned", overrides: list[str] | None = None,
                 embedder: BaseEmbedder | None = None, gold: str | Path | None = None) -> dict:
    """The articles of a dump (``topiclab segment``): ``segment.segment_report`` of its lines, plus
    ``summary``, lines describing each article (id, line span, size, boilerplate, first words)
    and, with ``gold``, its scores against that gold file."""
    try:
        settings = SegmentConfig.model_validate(
            apply_overrides({"method": method, "level": "article"}, overrides or []))
    except ValidationError as error:
        raise TopiclabError(f"invalid segment option: {describe_error(error, SegmentConfig)}") from None
    file = resolve(path)
    if file.is_dir():
        raise TopiclabError(f"{path} is a directory, not a dump")
    lines, _ = read_lines(file)
    gold_spans = load_gold(gold) if gold is not None else None
    segmenter = make_segmenter(settings)
    report = segment_report(lines, segmenter, segmentation_embedder(segmenter, embedder), gold_spans, str(gold),
                            pages=settings.pages)
    width = max(3, len(str(report["n_articles"])))
    out = [f"{report['n_articles']} article(s) in {path} (segmenter: {settings.method})"]
    for span in report["spans"]:
        first, last = span["lines"]
        boilerplate = set(span["boilerplate_lines"])
        content = [lines[n - 1] for n in range(first, last + 1) if lines[n - 1].strip() and n not in boilerplate]
        words = " ".join(" ".join(content)[:300].split()[:12])
        marked = f", boilerplate: {line_ranges(boilerplate)}" if boilerplate else ""
        out.append(f"A{span['article']:0{width}d}  lines {first}-{last}  ({last - first + 1} lines{marked})  "
                   f"{words} ...")
    if gold_spans is not None:
        g = report["gold"]
        out.append(f"against {gold}: {g['n_articles']} gold article(s), {g['n_predicted'] + 1} found | "
                   f"Pk {g['pk']:.4f} | WindowDiff {g['windowdiff']:.4f} | boundary precision "
                   f"{g['precision']:.3f} recall {g['recall']:.3f} F1 {g['f1']:.3f}")
    report["summary"] = out
    return report

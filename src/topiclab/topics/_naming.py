"""Describe clusters as topics: c-TF-IDF keywords and human labels.

Keywords come from class-based TF-IDF (as in BERTopic) over the project's
analyzer, so stop words never make a topic name. Human labels come from a
taxonomy file (names and short descriptions), only when one is named: a topic
takes the entry most of its documents are nearest to when that share clears
the threshold, otherwise a name made of its keywords.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.preprocessing import normalize

from ..cluster import OUTLIER
from ..data import StopList, word_vectorizer
from ..errors import TopiclabError
from ..yamlfile import read_yaml_mapping

__all__ = ["Topic", "TaxonomyEntry", "load_taxonomy", "taxonomy_texts", "with_given_names", "ctfidf_counts",
           "ctfidf_scores", "top_words", "ctfidf_keywords", "ctfidf_weights", "centroids", "label_scores", "name_topics",
           "describe_topics", "REPRESENTATIVES", "centre_similarity", "topic_rows"]


@dataclass(frozen=True)
class TaxonomyEntry:
    name: str
    description: str = ""
    examples: tuple[str, ...] = ()  # sentences of this topic: extra prototypes for zero-shot classifiers


@dataclass
class Topic:
    id: int
    label: str
    size: int
    keywords: list[str] = field(default_factory=list)
    example: str = ""
    label_score: float = float("nan")
    keyword_weights: list[float] = field(default_factory=list)  # c-TF-IDF weight of each keyword
    representatives: list[int] = field(default_factory=list)  # positions of its most central documents


def load_taxonomy(path: str | Path) -> list[TaxonomyEntry]:
    shape = "a 'topics' list of name/description/examples"
    data = read_yaml_mapping(path, "taxonomy file", shape)
    try:
        entries = [_entry(t) for t in data["topics"]]
    except (KeyError, TypeError, AttributeError):
        raise TopiclabError(f"{path} is not a taxonomy ({shape})") from None
    if not entries:
        raise TopiclabError(f"taxonomy {path} lists no topics")
    names = [e.name for e in entries]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise TopiclabError(f"taxonomy {path} repeats topic name(s): {', '.join(repeated)}")
    empty = [e.name for e in entries if not e.description.strip()]
    if empty:
        raise TopiclabError(f"taxonomy {path}: topic(s) {', '.join(empty)} have an empty description")
    return entries


def _entry(raw: dict) -> TaxonomyEntry:
    examples = raw.get("examples") or []
    if isinstance(examples, str) or not all(isinstance(x, str) and x.strip() for x in examples):
        raise TypeError("examples must be a list of sentences")
    return TaxonomyEntry(str(raw["name"]).strip(), str(raw.get("description") or ""), tuple(examples))


def taxonomy_texts(entries: list[TaxonomyEntry]) -> list[str]:
    """What gets embedded for each entry: its name and its description."""
    return [f"{e.name}. {e.description}".strip() for e in entries]


def ctfidf_counts(texts: list[str], labels: np.ndarray,
                  stop_list: StopList = "english+news") -> tuple[list[int], np.ndarray, np.ndarray]:
    """Topic ids (sorted), their word counts (one row per topic) and the words, ``stop_list`` removed."""
    topic_ids = sorted(set(np.asarray(labels).tolist()))
    joined = [" ".join(t for t, l in zip(texts, labels) if l == topic) for topic in topic_ids]
    vectorizer = word_vectorizer(stop_list=stop_list)
    try:
        counts = vectorizer.fit_transform(joined).toarray().astype(float)
    except ValueError:  # no word survives stop-word removal
        return topic_ids, np.zeros((len(topic_ids), 0)), np.array([], dtype=object)
    return topic_ids, counts, vectorizer.get_feature_names_out()


def ctfidf_scores(counts: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """Class-based TF-IDF of each row of ``counts``: tf_c * log(1 + A / f), A and f from ``reference``
    (the word counts of every topic; ``counts`` itself by default)."""
    reference = counts if reference is None else reference
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    average = reference.sum() / max(len(reference), 1)
    idf = np.log(1 + average / np.maximum(reference.sum(axis=0), 1))
    return tf * idf


def top_words(scores: np.ndarray, words: np.ndarray, n_keywords: int) -> list[str]:
    """The ``n_keywords`` best-scoring words of one row of scores (positive scores only)."""
    return [str(words[i]) for i in np.argsort(-scores, kind="stable")[:n_keywords] if scores[i] > 0]


def ctfidf_keywords(texts: list[str], labels: np.ndarray, n_keywords: int = 10,
                    stop_list: StopList = "english+news") -> dict[int, list[str]]:
    """Top words of each cluster by class-based TF-IDF: tf_c * log(1 + A / f), ``stop_list`` removed."""
    topic_ids, counts, words = ctfidf_counts(texts, labels, stop_list)
    if not len(words):
        return {topic: [] for topic in topic_ids}
    scores = ctfidf_scores(counts)
    return {topic: [words[i] for i in np.argsort(-row)[:n_keywords] if row[i] > 0]
            for topic, row in zip(topic_ids, scores)}


def ctfidf_weights(texts: list[str], labels: np.ndarray, keywords: dict[int, list[str]],
                   stop_list: StopList = "english+news") -> dict[int, list[float]]:
    """The c-TF-IDF weight of each topic's keywords (whichever method chose them; 0 for a word c-TF-IDF
    does not see), in the keywords' order: what the top-words bars draw and topics.csv records."""
    topic_ids, counts, words = ctfidf_counts(texts, labels, stop_list)
    scores = ctfidf_scores(counts) if len(words) else counts
    column = {str(w): i for i, w in enumerate(words)}
    return {topic: [float(row[column[w]]) if w in column else 0.0 for w in keywords.get(topic, [])]
            for topic, row in zip(topic_ids, scores)}


def centroids(vectors: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    """Unit-length mean vector of each cluster."""
    return {
        int(topic): normalize(vectors[labels == topic].mean(axis=0, keepdims=True))[0]
        for topic in sorted(set(labels.tolist()))
    }


def label_scores(member_vectors: np.ndarray, entry_vectors: np.ndarray) -> np.ndarray:
    """A topic's score for each taxonomy entry: the share of its documents whose nearest entry (cosine of
    their embeddings) it is. A share, not a cosine: cosines sit at different levels in different corpora
    (long articles, headlines, lower-cased text), a share does not, so one threshold holds across corpora
    (chosen leave-one-corpus-out: BENCHMARKS.md, section naming)."""
    members = np.atleast_2d(member_vectors)
    nearest = np.argmax(members @ normalize(entry_vectors).T, axis=1)
    return np.bincount(nearest, minlength=len(entry_vectors)) / max(len(members), 1)


def name_topics(topic_members: dict[int, np.ndarray], keywords: dict[int, list[str]],
                entries: list[TaxonomyEntry] | None, entry_vectors: np.ndarray | None,
                threshold: float) -> dict[int, tuple[str, float]]:
    """A human label and its score for each topic, from the embeddings of its documents
    (``topic_members``): the entry most of them are nearest to, when its share (``label_scores``) is at
    least ``threshold``, else the topic's top keywords."""
    names: dict[int, tuple[str, float]] = {}
    for topic, members in topic_members.items():
        fallback = " / ".join(keywords.get(topic, [])[:3]) or f"topic {topic}"
        if topic == OUTLIER:
            names[topic] = ("outliers", float("nan"))
        elif entries and entry_vectors is not None:
            scores = label_scores(members, entry_vectors)
            best = int(np.argmax(scores))
            score = float(scores[best])
            names[topic] = (entries[best].name, score) if score >= threshold else (fallback, score)
        else:
            names[topic] = (fallback, float("nan"))
    taken: dict[str, int] = {}
    for label, _ in names.values():
        taken[label] = taken.get(label, 0) + 1
    for topic, (label, score) in names.items():
        if taken[label] > 1 and topic != OUTLIER:  # tell apart clusters that share a name
            names[topic] = (f"{label} ({', '.join(keywords.get(topic, [])[:2])})", score)
    return names


REPRESENTATIVES = 3  # most central documents kept per topic (topics.csv)
OPENING_CHARS = 300  # of each representative document in topics.csv


def centre_similarity(features, labels: np.ndarray) -> np.ndarray:
    """Cosine of each document's vector to the mean vector of its topic (NaN for outliers): how surely
    it belongs there (assignments.csv's ``similarity``)."""
    labels = np.asarray(labels)
    unit = normalize(features)
    out = np.full(len(labels), np.nan)
    for topic in set(labels.tolist()) - {OUTLIER}:
        rows = np.flatnonzero(labels == topic)
        centre = normalize(np.asarray(features[rows].mean(axis=0)).reshape(1, -1))[0]
        out[rows] = np.asarray(unit[rows] @ centre).ravel()
    return out


def _opening(text: str) -> str:
    return text if len(text) <= OPENING_CHARS else text[:OPENING_CHARS].rsplit(" ", 1)[0] + " …"


def topic_rows(topics: list[Topic], ids: list, texts: list[str]) -> list[dict]:
    """topics.csv's rows: keywords with their c-TF-IDF weights (same order, ``", "``-separated), the most
    central document, and the ids and openings of the ``REPRESENTATIVES`` most central ones
    (``representatives``: a JSON list of strings, as texts hold any separator)."""
    return [{"topic": t.id, "label": t.label, "size": t.size, "keywords": ", ".join(t.keywords),
             "keyword_weights": ", ".join(f"{w:.4g}" for w in t.keyword_weights), "example": t.example,
             "label_score": round(t.label_score, 4),
             "representative_ids": ", ".join(str(ids[i]) for i in t.representatives),
             "representatives": json.dumps([_opening(texts[i]) for i in t.representatives], ensure_ascii=False)}
            for t in topics]


def with_given_names(names: dict[int, tuple[str, float]],
                     given: dict[int, str]) -> dict[int, tuple[str, float]]:
    """``names`` (``name_topics``') with the topics in ``given`` named by hand (``topics.names``,
    ``topiclab label``; no score); one-line errors for the outliers, an unknown topic, an empty name,
    or a name another topic has."""
    if not given:
        return names
    known = sorted(t for t in names if t != OUTLIER)
    if OUTLIER in given:
        raise TopiclabError(f"{OUTLIER} is the outliers, not a topic: it cannot be named")
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise TopiclabError(f"no topic {', '.join(map(str, unknown))} to name "
                            f"(the topics are {', '.join(map(str, known))})")
    named = dict(names)
    for topic, name in given.items():
        name = " ".join(str(name).split())
        if not name:
            raise TopiclabError(f"the name of topic {topic} is empty")
        named[topic] = (name, float("nan"))
    for topic in sorted(given):
        twin = next((t for t in known if t != topic and named[t][0].casefold() == named[topic][0].casefold()), None)
        if twin is not None:
            raise TopiclabError(f"topics {topic} and {twin} would both be named {named[topic][0]!r}: give each a "
                                f"name of its own, or merge them (topiclab merge RUN_ID {min(topic, twin)},"
                                f"{max(topic, twin)})")
    return named


def describe_topics(texts: list[str], labels: np.ndarray, vectors: np.ndarray | None,
                    names: dict[int, tuple[str, float]], keywords: dict[int, list[str]],
                    weights: dict[int, list[float]] | None = None,
                    representatives: int = REPRESENTATIVES) -> list[Topic]:
    """One Topic per cluster, largest first, with its most central document as example and its
    ``representatives`` most central documents (nearest its mean vector) as positions into ``texts``."""
    topics = []
    for topic in sorted(set(labels.tolist()), key=lambda t: (t == OUTLIER, -(labels == t).sum(), t)):
        members = np.flatnonzero(labels == topic)
        central = members[:representatives]
        if vectors is not None:
            centre = vectors[members].mean(axis=0)
            similarity = np.asarray(vectors[members] @ centre).ravel()
            central = members[np.argsort(-similarity, kind="stable")[:representatives]]
        label, score = names[topic]
        topics.append(Topic(int(topic), label, len(members), keywords.get(topic, []), texts[central[0]], score,
                            list((weights or {}).get(topic, [])), [int(i) for i in central]))
    return topics

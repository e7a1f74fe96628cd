"""Coherence under the protocol: gensim NPMI/C_v on the corpus itself, outliers excluded."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from topiclab.data import tokenize as protocol_tokens
from topiclab.evaluation import reference_corpus, topic_coherence
from topiclab.config import config_from_dict
from topiclab.evaluation import score_topics
from topiclab.pipeline import run_experiment

# Short documents (fewer tokens than NPMI's 10-word window): each is one window.
TEXTS = [
    "apple banana cherry orchard",
    "apple banana orchard harvest",
    "banana cherry harvest orchard",
    "apple cherry harvest",
    "engine piston gearbox garage",
    "engine gearbox mechanic garage",
    "piston mechanic garage",
    "engine piston mechanic gearbox",
    "apple engine",
]


def _npmi_by_hand(tokens: list[list[str]], topic: list[str]) -> float:
    """NPMI over documents as windows, with gensim's epsilon, averaged over word pairs."""
    n = len(tokens)
    sets = [set(doc) for doc in tokens]
    values = []
    for a, b in itertools.permutations(topic, 2):
        joint = sum(a in s and b in s for s in sets) / n + 1e-12
        pa, pb = sum(a in s for s in sets) / n, sum(b in s for s in sets) / n
        values.append(math.log(joint / (pa * pb)) / -math.log(joint))
    return float(np.mean(values))


def test_protocol_tokens_drop_stop_words_digits_and_single_letters():
    assert protocol_tokens(["The 3 cats and a dog, 2024 x-rays"]) == [["cats", "dog", "rays"]]


def test_npmi_matches_an_independent_computation():
    reference = reference_corpus(TEXTS)
    topics = {0: ["apple", "banana", "cherry", "orchard"], 1: ["engine", "piston", "gearbox"]}
    scores = topic_coherence(topics, reference)
    expected = np.mean([_npmi_by_hand(reference.tokens, words) for words in topics.values()])
    assert scores["npmi"] == pytest.approx(expected, abs=1e-6)
    assert -1.0 <= scores["npmi"] <= 1.0 and 0.0 <= scores["c_v"] <= 1.0


def test_coherent_topics_score_higher_than_mixed_ones():
    reference = reference_corpus(TEXTS)
    coherent = topic_coherence({0: ["apple", "banana", "orchard"], 1: ["engine", "gearbox", "garage"]}, reference)
    mixed = topic_coherence({0: ["apple", "gearbox", "orchard"], 1: ["engine", "banana", "garage"]}, reference)
    assert coherent["npmi"] > mixed["npmi"]
    assert coherent["c_v"] > mixed["c_v"]


def test_outlier_topic_is_excluded_and_unknown_words_are_counted():
    reference = reference_corpus(TEXTS)
    topics = {0: ["apple", "banana", "cherry"], 1: ["engine", "piston", "gearbox"]}
    with_outliers = {**topics, -1: ["apple", "piston", "banana"]}
    assert topic_coherence(with_outliers, reference) == topic_coherence(topics, reference)

    stop_words = {0: ["the", "apple", "banana", "of"], 1: ["engine", "and", "piston", "2024"]}
    scores = topic_coherence(stop_words, reference)
    assert scores["keyword_vocab_share"] == pytest.approx(4 / 8)
    assert scores["npmi"] == pytest.approx(
        topic_coherence({0: ["apple", "banana"], 1: ["engine", "piston"]}, reference)["npmi"])
    nothing = topic_coherence({0: ["the", "of"]}, reference)
    assert math.isnan(nothing["npmi"]) and nothing["n_scored_topics"] == 0


def test_only_the_top_ten_words_count():
    reference = reference_corpus(TEXTS * 2)
    words = ["apple", "banana", "cherry", "orchard", "harvest", "engine", "piston", "gearbox", "garage",
             "mechanic"]
    assert topic_coherence({0: words + ["apple"]}, reference) == topic_coherence({0: words}, reference)


def test_score_topics_puts_clustering_and_topic_metrics_side_by_side():
    truth = ["fruit"] * 4 + ["cars"] * 4 + ["fruit"]
    assignments = np.array([0, 0, 0, 0, 1, 1, 1, 1, -1])
    keywords = {0: ["apple", "banana", "cherry"], 1: ["engine", "piston", "garage"], -1: ["apple", "engine"]}
    scores = score_topics(TEXTS, assignments, keywords, truth)
    assert scores["n_topics"] == 2 and scores["outlier_share"] == pytest.approx(1 / 9)
    assert scores["topic_diversity"] == 1.0  # the outlier topic's repeated words do not count
    assert 0.0 < scores["nmi"] < 1.0 and 0.0 < scores["accuracy"] <= 1.0
    assert {"npmi", "c_v", "ari"} <= set(scores)
    assert "nmi" not in score_topics(TEXTS, assignments, keywords, truth=None, coherence=False)


def test_experiment_metrics_include_coherence(tmp_path):
    csv = tmp_path / "mini.csv"
    rows = [f"{i},{text},{'fruit' if i < 4 or i == 8 else 'cars'}" for i, text in enumerate(TEXTS)]
    csv.write_text("id,text,label\n" + "\n".join(rows) + "\n")
    config = config_from_dict({"name": "mini", "data": {"path": str(csv)},
                               "vectorize": {"representation": "tfidf"}, "cluster": {"k": 2},
                               "topics": {"taxonomy": None, "n_keywords": 5}})
    result = run_experiment(config)
    assert {"npmi", "c_v", "keyword_vocab_share", "nmi"} <= set(result.metrics)
    keywords = {t.id: t.keywords for t in result.topics}
    assert max(len(words) for words in keywords.values()) == 5
    # Coherence uses the protocol's top 10 even when fewer keywords are shown.
    from topiclab.topics import ctfidf_keywords

    top10 = ctfidf_keywords(result.corpus.texts, result.assignments, 10)
    assert result.metrics["npmi"] == pytest.approx(topic_coherence(top10, result.corpus.texts)["npmi"])
    off = run_experiment(config.model_copy(update={"topics": config.topics.model_copy(update={"coherence": False})}))
    assert "npmi" not in off.metrics

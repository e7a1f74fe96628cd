"""Keyword selection methods (topics.keywords) and the cross-fitted refinement option."""

from __future__ import annotations

import numpy as np
import pytest

from topiclab.evaluation import reference_corpus, topic_coherence
from topiclab.config import config_from_dict
from topiclab.topics import KEYWORD_METHODS, topic_keywords
from topiclab.cluster import SelfTrainingRefiner

# Cluster 0 is about fruit but every document also says "said" and "people";
# cluster 1 mixes two car vocabularies that never meet in one document.
TEXTS = [
    "apple banana orchard said people", "apple banana harvest said people",
    "banana orchard harvest said people", "apple orchard harvest said",
    "engine piston gearbox said", "engine piston gearbox people",
    "tyre wheel brake said", "tyre wheel brake people", "engine piston tyre",
]
LABELS = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1])


def test_ctfidf_is_the_default_and_matches_the_spine():
    from topiclab.topics import ctfidf_keywords

    assert topic_keywords(TEXTS, LABELS, 5) == ctfidf_keywords(TEXTS, LABELS, 5)
    assert set(KEYWORD_METHODS) == {"ctfidf", "lift", "coherent"}


def test_lift_prefers_words_the_cluster_owns():
    lift = topic_keywords(TEXTS, LABELS, 3, "lift")
    assert set(lift[0]) <= {"apple", "banana", "orchard", "harvest"}
    assert "said" not in lift[0] and "people" not in lift[1]


def test_coherent_keywords_co_occur_more_than_lift_keywords():
    reference = reference_corpus(TEXTS)
    lift = topic_keywords(TEXTS, LABELS, 3, "lift", candidates=6)
    coherent = topic_keywords(TEXTS, LABELS, 3, "coherent", candidates=6)
    assert coherent[0][0] == lift[0][0]  # the topic's best word stays first
    assert topic_coherence({1: coherent[1]}, reference)["npmi"] >= topic_coherence({1: lift[1]}, reference)["npmi"]
    assert len(coherent[1]) == 3 and len(set(coherent[1])) == 3


def test_keywords_method_is_a_config_option():
    config = config_from_dict({"name": "x", "data": {"path": "a.csv"}, "topics": {"keywords": "lift"}})
    assert config.topics.keywords == "lift"
    from topiclab.errors import TopiclabError

    with pytest.raises(TopiclabError, match="topics.keywords"):
        config_from_dict({"name": "x", "data": {"path": "a.csv"}, "topics": {"keywords": "magic"}})


def test_cross_fitted_refinement_repairs_labels_and_is_seeded():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 8)) * 3
    truth = np.repeat(np.arange(3), 30)
    features = centres[truth] + rng.normal(size=(90, 8))
    noisy = truth.copy()
    flip = rng.choice(90, 15, replace=False)
    noisy[flip] = (noisy[flip] + 1) % 3
    refiner = SelfTrainingRefiner(iterations=2, confident_share=1.0, folds=5, random_state=3)
    refined = refiner.fit_predict(features, noisy)
    assert (refined == truth).mean() > (noisy == truth).mean()
    again = SelfTrainingRefiner(iterations=2, confident_share=1.0, folds=5, random_state=3).fit_predict(features, noisy)
    assert np.array_equal(refined, again)


def test_window_npmi_agrees_with_gensim_c_npmi():
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

    from topiclab.topics import window_npmi, window_occurrences

    rng = np.random.default_rng(1)
    vocab = [f"w{i}" for i in range(40)]
    # No word twice in a document: gensim's window slide forgets a word that leaves the
    # window even when it is still inside it, so only then do the counts agree exactly.
    tokens = [list(rng.choice(vocab, size=int(rng.integers(4, 30)), replace=False)) for _ in range(80)]
    topic = ["w0", "w1", "w2", "w3"]
    npmi = window_npmi(window_occurrences(tokens, {w: i for i, w in enumerate(topic)}, window=10))
    ours = npmi[np.triu_indices(len(topic), 1)].mean()
    model = CoherenceModel(topics=[topic], texts=tokens, dictionary=Dictionary(tokens), coherence="c_npmi", topn=4)
    assert ours == pytest.approx(model.get_coherence_per_topic()[0], abs=1e-6)


def test_coherent_keywords_prefer_words_used_side_by_side_and_are_not_shared():
    filler = " ".join(f"filler{c}" for c in "abcdefghijklmnop")
    # "storm" is in every weather story; "flood" sits beside it, "budget" shares the
    # document but far away. Both are in 5 of 6 stories, so their lift ties.
    weather = [f"storm {'' if i == 0 else 'flood'} {filler} {'' if i == 1 else 'budget'} crisis" for i in range(6)]
    sport = [f"goal match {filler} league {'crisis' if i else ''}" for i in range(6)]
    politics = [f"vote party {filler} minister" for _ in range(6)]
    labels = np.repeat([0, 1, 2], 6)
    texts = weather + sport + politics
    lift = topic_keywords(texts, labels, 4, "lift")
    coherent = topic_keywords(texts, labels, 4, "coherent")
    assert lift[0][:2] == ["storm", "budget"]  # lift alone breaks the tie by name
    assert coherent[0][:2] == ["storm", "flood"]
    assert "crisis" in lift[1]  # "crisis" is typical of weather, and of sport too
    assert "crisis" not in coherent[1] and set(coherent[1]) == {"goal", "match", "league"}

import numpy as np
import pytest

from topiclab.errors import TopiclabError
from topiclab.topics import (TaxonomyEntry, centroids, ctfidf_keywords, describe_topics, label_scores,
                             load_taxonomy, name_topics)

TEXTS = [
    "The Kosovo talks with Serbia stalled over autonomy",
    "Serbia rejects Kosovo independence at the talks",
    "Voters cast ballots in the election; turnout was high",
    "The election count shows the ruling party lost votes",
]
LABELS = np.array([0, 0, 1, 1])


def test_ctfidf_keywords_are_distinctive_and_free_of_stop_words():
    keywords = ctfidf_keywords(TEXTS, LABELS, n_keywords=4)
    assert set(keywords[0]) <= {"kosovo", "serbia", "talks", "autonomy", "stalled", "rejects", "independence"}
    assert "election" in keywords[1]
    assert not {"the", "of", "to", "with", "at", "in", "was"} & set(keywords[0] + keywords[1])


def test_names_come_from_taxonomy_above_threshold_else_keywords():
    members = {0: np.array([[1.0, 0.0], [0.9, 0.1]]), 1: np.array([[0.0, 1.0], [1.0, 0.0]])}
    entries = [TaxonomyEntry("Balkans"), TaxonomyEntry("Elections")]
    entry_vectors = np.array([[1.0, 0.0], [0.6, 0.8]])
    names = name_topics(members, {0: ["kosovo"], 1: ["vote", "ballot"]}, entries, entry_vectors, threshold=0.6)
    assert names[0] == ("Balkans", 1.0)  # both documents are nearest Balkans
    assert names[1] == ("vote / ballot", 0.5)  # half its documents nearest each entry: under the threshold


def test_label_scores_are_shares_of_documents_nearest_each_entry():
    documents = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [0.1, 0.9]])
    scores = label_scores(documents, np.array([[2.0, 0.0], [0.0, 0.5]]))  # entries' lengths do not count
    np.testing.assert_allclose(scores, [0.5, 0.5])
    np.testing.assert_allclose(label_scores(np.array([0.8, 0.6]), np.eye(2)), [1.0, 0.0])


def test_clusters_sharing_a_name_are_told_apart():
    vectors = {0: np.array([1.0, 0.0]), 1: np.array([0.9, 0.1])}
    names = name_topics(vectors, {0: ["kosovo", "talks"], 1: ["serbia", "vote"]},
                        [TaxonomyEntry("Balkans")], np.array([[1.0, 0.0]]), threshold=0.5)
    assert names[0][0] == "Balkans (kosovo, talks)" and names[1][0] == "Balkans (serbia, vote)"


def test_outliers_are_named_outliers():
    names = name_topics({-1: np.array([1.0])}, {-1: ["x"]}, None, None, threshold=0.0)
    assert names[-1][0] == "outliers"


def test_describe_topics_orders_by_size_and_picks_central_example():
    labels = np.array([0, 1, 1, 1])
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.1, 0.9], [0.6, 0.4]])
    keywords = {0: ["a"], 1: ["b"]}
    names = {0: ("zero", 0.5), 1: ("one", 0.7)}
    topics = describe_topics(["t0", "t1", "t2", "t3"], labels, vectors, names, keywords)
    assert [t.id for t in topics] == [1, 0]
    assert topics[0].size == 3 and topics[0].example in {"t1", "t2"}


def test_centroids_are_unit_length():
    result = centroids(np.array([[2.0, 0.0], [0.0, 2.0]]), np.array([0, 0]))
    np.testing.assert_allclose(np.linalg.norm(result[0]), 1.0)


def test_default_taxonomy_holds_the_three_seed_topics():
    names = [e.name for e in load_taxonomy("experiments/taxonomies/news.yaml")]
    assert names == ["Balkans diplomacy", "Elections", "Russia-China relations"]


def test_bad_taxonomy(tmp_path):
    bad = tmp_path / "t.yaml"
    bad.write_text("- just a list\n")
    with pytest.raises(TopiclabError, match="must hold a 'topics' list of name/description/examples"):
        load_taxonomy(bad)
    bad.write_text("topics: {name: x}\n")
    with pytest.raises(TopiclabError, match="is not a taxonomy"):
        load_taxonomy(bad)
    bad.write_bytes("topics:\n  - name: Caf\xe9\n    description: coffee\n".encode("latin-1"))
    with pytest.raises(TopiclabError, match=r"t.yaml is not UTF-8 text \(byte 21\)"):
        load_taxonomy(bad)


IPTC_SUBJECTS = {
    "arts, culture, entertainment and media", "conflict, war and peace", "crime, law and justice",
    "disaster, accident and emergency incident", "economy, business and finance", "education", "environment",
    "health", "human interest", "labour", "lifestyle and leisure", "politics", "religion",
    "science and technology", "society", "sport", "weather"}


def test_iptc_taxonomy_holds_the_17_top_level_subjects_each_described():
    entries = load_taxonomy("experiments/taxonomies/iptc.yaml")
    assert {e.name for e in entries} == IPTC_SUBJECTS and len(entries) == 17
    assert all(5 <= len(e.description.split()) <= 25 for e in entries)  # one line each


def test_a_topic_below_the_default_threshold_keeps_its_keywords():
    from topiclab.config import TopicsConfig

    threshold = TopicsConfig().label_threshold
    entries = [TaxonomyEntry(f"entry {i}", "x") for i in range(10)]
    nearest = int(np.ceil(threshold * 100))  # of 100 documents, this many nearest entry 0: just at the threshold

    def topic(at_entry_0: int) -> np.ndarray:  # the other documents spread over entries 1-9, fewer at each
        others = [1 + i % 9 for i in range(100 - at_entry_0)]
        return np.eye(10)[[0] * at_entry_0 + others]

    names = name_topics({0: topic(nearest - 1), 1: topic(nearest)}, {0: ["oil", "airline", "fares"], 1: ["x"]},
                        entries, np.eye(10), threshold=threshold)
    assert names[0] == ("oil / airline / fares", pytest.approx((nearest - 1) / 100))
    assert names[1] == ("entry 0", pytest.approx(nearest / 100))


def test_taxonomy_without_entries_or_with_repeated_names_is_refused(tmp_path):
    bad = tmp_path / "t.yaml"
    bad.write_text("topics: []\n")
    with pytest.raises(TopiclabError, match="lists no topics"):
        load_taxonomy(bad)
    bad.write_text("topics:\n  - {name: sport, description: games}\n  - {name: sport, description: matches}\n")
    with pytest.raises(TopiclabError, match="repeats topic name"):
        load_taxonomy(bad)


def test_given_names_replace_the_automatic_ones_and_bad_ones_are_refused():
    from topiclab.topics import with_given_names

    names = {-1: ("outliers", float("nan")), 0: ("sport", 0.9), 1: ("markets", 0.8), 2: ("space", 0.7)}
    named = with_given_names(names, {1: "  Energy   markets ", 2: "Space flight"})
    assert named[1][0] == "Energy markets" and np.isnan(named[1][1]) and named[0] == ("sport", 0.9)
    assert with_given_names(names, {}) is names
    for given, message in (({7: "x"}, "no topic 7 to name (the topics are 0, 1, 2)"),
                           ({-1: "noise"}, "-1 is the outliers, not a topic"),
                           ({0: " "}, "the name of topic 0 is empty"),
                           ({0: "Markets"}, "topics 0 and 1 would both be named 'Markets'"),
                           ({0: "A", 2: "a"}, "topics 0 and 2 would both be named 'A'")):
        with pytest.raises(TopiclabError, match=message.replace("(", r"\(").replace(")", r"\)")):
            with_given_names(names, given)

"""Reduce and merge topics: the most similar pair goes first, the mapping says where each old topic went."""

import numpy as np
import pytest
from topic_corpus import SUBJECTS, config_dict, write_csv

from topiclab.config import config_from_dict
from topiclab.errors import TopiclabError
from topiclab.pipeline import run_experiment
from topiclab.topics import apply_mapping, merge_topics, reduce_topics

TEXTS = ["rain storm snow", "storm snow wind", "rain wind storm", "snow rain frost",  # 0 and 2: weather
         "bank rates shares", "shares bonds bank",  # 1: money
         "flood rain storm", "wind frost snow",  # 2
         "goal match cup", "match cup keeper"]  # 3: sport
LABELS = np.array([0, 0, 0, 0, 1, 1, 2, 2, 3, 3])
VECTORS = np.array([[1, 0, 0]] * 4 + [[0, 1, 0]] * 2 + [[0.9, 0.1, 0]] * 2 + [[0, 0, 1]] * 2, dtype=float)


def test_reduce_merges_the_most_similar_topics_first():
    labels, mapping = reduce_topics(LABELS, VECTORS, TEXTS, 3)
    assert dict(zip(mapping.old_topic, mapping.new_topic)) == {0: 0, 1: 1, 2: 0, 3: 2}
    assert mapping.documents.tolist() == [4, 2, 2, 2]
    assert labels.tolist() == [0, 0, 0, 0, 1, 1, 0, 0, 2, 2]
    labels, mapping = reduce_topics(LABELS, VECTORS, TEXTS, 1)
    assert set(labels.tolist()) == {0} and set(mapping.new_topic) == {0}


def test_reduce_keeps_outliers_and_is_identity_at_the_number_of_topics():
    labels = LABELS.copy()
    labels[-1] = -1
    reduced, mapping = reduce_topics(labels, VECTORS, TEXTS, 4)
    assert reduced.tolist() == labels.tolist()
    assert mapping.set_index("old_topic").loc[-1, "new_topic"] == -1


@pytest.mark.parametrize("n", [0, 5])
def test_reduce_to_outside_one_to_the_number_of_topics_is_refused(n):
    with pytest.raises(TopiclabError, match=rf"reduce_to={n} must be between 1 and the number of topics \(4\)"):
        reduce_topics(LABELS, VECTORS, TEXTS, n)


def test_merge_by_hand_renumbers_in_order_of_smallest_old_id():
    labels, mapping = merge_topics(LABELS, [3, 1])
    assert dict(zip(mapping.old_topic, mapping.new_topic)) == {0: 0, 1: 1, 2: 2, 3: 1}
    assert (apply_mapping(LABELS, mapping) == labels).all()
    with pytest.raises(TopiclabError, match="no topic 9 to merge"):
        merge_topics(LABELS, [1, 9])
    with pytest.raises(TopiclabError, match="at least two different topics"):
        merge_topics(LABELS, [2, 2])
    with pytest.raises(TopiclabError, match="-1 is the outliers, not a topic"):
        merge_topics(LABELS, [-1, 2])


def test_run_reduces_k_means_topics_to_the_subjects_and_renames_them(tmp_path):
    path = write_csv(tmp_path / "small.csv")
    config = config_from_dict(config_dict(path, cluster={"k": 6}, topics={"reduce_to": 3}))
    result = run_experiment(config)
    assert len(result.topics) == 3 and len(result.topic_model.topic_ids_) == 3
    assert len(result.topic_mapping) == 6 and sorted(set(result.topic_mapping.new_topic)) == [0, 1, 2]
    assert result.metrics["nmi"] == pytest.approx(1.0)  # each subject back in one topic
    for topic in result.topics:  # keywords recomputed: each topic's words are one subject's
        assert sum(set(topic.keywords) <= set(words) for words in SUBJECTS.values()) == 1, topic
        assert topic.label == " / ".join(topic.keywords[:3])
    assert (result.topic_model.transform(result.corpus.texts).topic.to_numpy() == result.assignments).all()


def test_run_with_reduce_to_above_the_number_of_topics_fails(tmp_path):
    config = config_from_dict(config_dict(write_csv(tmp_path / "small.csv"), topics={"reduce_to": 4}))
    with pytest.raises(TopiclabError, match=r"reduce_to=4 must be between 1 and the number of topics \(3\)"):
        run_experiment(config)


def test_reduce_to_below_one_is_a_config_error(tmp_path):
    with pytest.raises(TopiclabError, match="topics.reduce_to"):
        config_from_dict(config_dict(tmp_path / "x.csv", topics={"reduce_to": 0}))

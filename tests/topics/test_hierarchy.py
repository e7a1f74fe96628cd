"""The topic tree: average linkage of topic vectors; every node has its topics and keywords."""

import numpy as np

from topiclab.topics import topic_tree
from topiclab.viz import topic_hierarchy_figure

TEXTS = ["rain storm snow", "storm snow wind", "flood rain storm", "wind frost snow",
         "bank rates shares", "shares bonds bank", "goal match cup", "match cup keeper"]
LABELS = np.array([0, 0, 1, 1, 2, 2, 3, 3])
VECTORS = np.array([[1, 0, 0.1]] * 2 + [[0.9, 0.2, 0.1]] * 2 + [[0, 1, 0]] * 2 + [[0, 0.1, 1]] * 2, dtype=float)
NAMES = {0: "storms", 1: "floods", 2: "money", 3: "sport"}
KEYWORDS = {0: ["storm", "snow"], 1: ["flood", "frost"], 2: ["bank", "shares"], 3: ["cup", "match"]}


def test_tree_joins_the_closest_topics_first_and_ends_in_one_root():
    tree = topic_tree(VECTORS, LABELS, TEXTS, NAMES, KEYWORDS)
    nodes = tree["nodes"]
    assert len(nodes) == 2 * 4 - 1 and tree["linkage"] == "average" and tree["metric"] == "cosine"
    leaves = nodes[:4]
    assert [n["topic"] for n in leaves] == [0, 1, 2, 3] and leaves[2]["keywords"] == ["bank", "shares"]
    first = nodes[4]
    assert first["topics"] == [0, 1] and first["size"] == 4 and first["children"] == ["topic 0", "topic 1"]
    assert {"storm", "snow", "rain"} & set(first["keywords"][:3]) and not {"bank", "cup"} & set(first["keywords"])
    root = nodes[-1]
    assert root["topics"] == [0, 1, 2, 3] and root["size"] == 8
    distances = [n["distance"] for n in nodes[4:]]
    assert distances == sorted(distances) and distances[0] < 0.05 < distances[-1]


def test_outliers_are_left_out_and_one_topic_is_a_single_leaf():
    labels = LABELS.copy()
    labels[:2] = -1
    tree = topic_tree(VECTORS, labels, TEXTS, NAMES, KEYWORDS)
    assert [n["topics"] for n in tree["nodes"][:3]] == [[1], [2], [3]] and len(tree["nodes"]) == 5
    single = topic_tree(VECTORS, np.zeros(8, dtype=int), TEXTS, NAMES, KEYWORDS)
    assert len(single["nodes"]) == 1


def test_dendrogram_draws_every_join_and_hovers_keywords():
    figure = topic_hierarchy_figure(topic_tree(VECTORS, LABELS, TEXTS, NAMES, KEYWORDS))
    lines, leaves, joins = figure.data
    assert sum(x is None for x in lines.x) == 3  # one bracket per join
    assert len(leaves.x) == 4 and len(joins.x) == 3
    assert any("bank, shares" in text for text in leaves.hovertext)
    assert all("topics: " in text for text in joins.hovertext)
    assert list(figure.layout.xaxis.ticktext)[0].startswith(("0:", "1:", "2:", "3:"))


def test_a_topic_with_a_zero_vector_still_joins_the_tree():
    vectors = VECTORS.copy()
    vectors[6:] = 0.0  # e.g. documents none of whose words the features know
    tree = topic_tree(vectors, LABELS, TEXTS, NAMES, KEYWORDS)
    assert len(tree["nodes"]) == 7 and tree["nodes"][-1]["topics"] == [0, 1, 2, 3]
    assert tree["nodes"][-1]["distance"] == 1.0  # the zero topic joins last, at cosine distance 1

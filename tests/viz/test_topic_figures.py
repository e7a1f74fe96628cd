"""The topic views say what the run found: keyword weights, one colour per topic, readable distances,
the k rule, a heatmap scale that spans the data; and a run's views on one page with plotly.js once."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from topic_corpus import config_dict, write_csv

from topiclab import viz
from topiclab.config import AutoKConfig, config_from_dict
from topiclab.pipeline import run_experiment
from topiclab.topics import ctfidf_weights


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    """Three subjects, k = 4 (so topic sizes differ), dated and labelled: every view applies."""
    path = write_csv(tmp_path_factory.mktemp("views") / "small.csv")
    return run_experiment(config_from_dict(config_dict(path, cluster={"k": 4}, topics={"time_bins": 4})))


def _colours_by_name(figure) -> dict[str, str]:
    return {trace.name: trace.marker.color for trace in figure.data}


def test_bars_are_the_keywords_ctfidf_weights_all_of_them(result):
    figure = viz.top_words_bars(result.topic_model, {t.id: t.keyword_weights for t in result.topics})
    assert len(figure.data) == len(result.topics)
    weights = ctfidf_weights(result.corpus.texts, result.assignments, result.topic_model.keywords_)
    for trace, topic in zip(figure.data, result.topic_model.topic_ids_):
        words = result.topic_model.keywords_[int(topic)]
        assert list(trace.y) == words[::-1]  # every keyword, best on top
        assert list(trace.x) == pytest.approx(weights[int(topic)][::-1])
        assert list(trace.x) != list(range(1, len(words) + 1))  # weights, not ranks 1..8
    assert all(axis.title.text == "c-TF-IDF weight" for name, axis in figure.layout.to_plotly_json().items()
               if name.startswith("xaxis") for axis in [figure.layout[name]])


def test_bar_lengths_are_the_weights_given():
    class Model:
        topic_ids_ = np.array([0, 1])
        labels_ = {0: "a", 1: "b"}
        keywords_ = {0: ["x", "y", "z"], 1: ["u", "v"]}

    figure = viz.top_words_bars(Model(), {0: [0.5, 0.1, 0.05], 1: [0.3, 0.2]})
    assert list(figure.data[0].x) == [0.05, 0.1, 0.5] and list(figure.data[0].y) == ["z", "y", "x"]
    assert list(figure.data[1].x) == [0.2, 0.3]


@pytest.mark.parametrize("count, grid", [(1, (1, 1)), (5, (1, 5)), (6, (2, 3)), (7, (2, 4)), (10, (2, 5)),
                                         (13, (3, 5)), (16, (4, 4))])
def test_panel_grid_leaves_no_panel_alone_on_a_row(count, grid):
    rows, columns = viz._topic_figures.panel_grid(count)
    assert (rows, columns) == grid and rows * columns >= count
    assert rows == 1 or count - (rows - 1) * columns >= 2


def test_each_topic_has_one_colour_in_every_figure(result):
    ids = [int(t) for t in result.topic_model.topic_ids_]
    expected = {t: viz.topic_color(t) for t in ids}
    assert len(set(expected.values())) == len(ids)
    figures = viz.run_figures(result, "all")
    name_of = {t: f"{t}: {result.topic_model.labels_[t]}" for t in ids}
    bars = {trace.name: trace.marker.color for trace in figures["top_words"].data}
    circles = _colours_by_name(figures["intertopic_distance_map"])
    points = _colours_by_name(figures["document_map"])
    lines = {trace.name: trace.line.color for trace in figures["topics_over_time"].data}
    for topic in ids:
        assert bars[name_of[topic]] == circles[name_of[topic]] == points[name_of[topic]] == expected[topic]
        assert lines[name_of[topic]] == expected[topic]
    leaves = next(trace for trace in figures["topic_hierarchy"].data if trace.name == "topics")
    leaf_topics = [int(text.split("topics: ")[1].split("<")[0]) for text in leaves.hovertext]
    assert list(leaves.marker.color) == [expected[t] for t in leaf_topics]
    sizes = viz.topic_sizes(result)
    bar_colours = [tuple(round(c, 3) for c in patch.get_facecolor()[:3]) for patch in sizes.axes[0].patches]
    from matplotlib.colors import to_rgb

    table = result.topic_table()
    assert bar_colours == [tuple(round(c, 3) for c in to_rgb(expected[t])) for t in table["topic"][::-1]]
    viz.close_figure(sizes)
    assert viz.topic_color(-1) == viz.OUTLIER_COLOR and viz.topic_color(3) == viz.topic_color(23)


def test_intertopic_map_names_sizes_and_reads_cosine_distances(result):
    model = result.topic_model
    figure = viz.intertopic_distance_map(model, {t.id: t.size for t in result.topics})
    names = [trace.text[0] for trace in figure.data]
    assert names == [f"{t}: {model.labels_[int(t)]}" for t in model.topic_ids_]  # named, not 0..4
    assert len({trace.marker.size[0] for trace in figure.data}) > 1  # sizes differ as the topics do
    assert all("documents" in trace.hovertext[0] and model.keywords_[int(t)][0] in trace.hovertext[0]
               for trace, t in zip(figure.data, model.topic_ids_))
    assert figure.layout.yaxis.scaleanchor == "x"  # equal axes: a distance reads the same either way
    xy = np.array([[trace.x[0], trace.y[0]] for trace in figure.data])
    from sklearn.preprocessing import normalize

    unit = normalize(model.centroids_)
    cosine = 1 - unit @ unit.T
    drawn = np.linalg.norm(xy[:, None] - xy[None], axis=2)
    # classical MDS: the drawn distances follow the cosine distances (exact for three topics)
    assert np.corrcoef(drawn[np.triu_indices(len(xy), 1)], cosine[np.triu_indices(len(xy), 1)])[0, 1] > 0.9
    three = viz._topic_figures.cosine_mds(model.centroids_[:3])
    assert np.linalg.norm(three[0] - three[1]) == pytest.approx(cosine[0, 1], abs=1e-6)


def test_similarity_heatmap_prints_values_on_a_scale_spanning_them(result):
    figure = viz.topic_similarity_heatmap(result.topic_model)
    heat = figure.data[0]
    unit = result.topic_model.centroids_ / np.linalg.norm(result.topic_model.centroids_, axis=1, keepdims=True)
    similarity = unit @ unit.T
    off = similarity[~np.eye(len(similarity), dtype=bool)]
    assert heat.zmin == pytest.approx(off.min()) and heat.zmax == pytest.approx(off.max())
    assert heat.text[0][1] == f"{similarity[0, 1]:.2f}" and heat.texttemplate == "%{text}"


def _curve(consensus: bool) -> pd.DataFrame:
    ks = [2, 3, 4, 5]
    if consensus:
        return pd.DataFrame({"k": ks, "score_features": [0.1, 0.3, 0.2, 0.15], "score_embedding": [0.2, 0.4, 0.5, 0.1],
                             "score": [0.375, 0.875, 0.75, 0.25], "silhouette": [0.1, 0.3, 0.2, 0.15], "se": 0.0})
    return pd.DataFrame({"k": ks, "score": [0.10, 0.30, 0.32, 0.20], "silhouette": [0.10, 0.30, 0.32, 0.20],
                         "se": [0.02, 0.03, 0.03, 0.02]})


def test_k_curve_marks_the_choice_the_band_and_the_rule():
    settings = AutoKConfig(rule="one_se", space="features")
    figure = viz.k_curve_figure(_curve(False), 3, settings)
    names = [trace.name for trace in figure.data]
    assert "± 1 standard error" in names and "chosen k = 3" in names
    star = next(trace for trace in figure.data if trace.name == "chosen k = 3")
    assert list(star.x) == [3] and list(star.y) == [0.30]
    assert any("best − 1 SE" in a.text for a in figure.layout.annotations)
    assert any(shape.y0 == pytest.approx(0.29) for shape in figure.layout.shapes)  # the rule's threshold
    consensus = viz.k_curve_figure(_curve(True), 3, AutoKConfig(space="both"))
    names = [trace.name for trace in consensus.data]
    assert {"silhouette on the features", "silhouette on the embedding", "rank on the features",
            "mean rank (the score)", "chosen k = 3"} <= set(names)
    assert "± 1 standard error" not in names  # a mean of ranks has no standard error
    assert "rank, averaged over" in consensus.layout.title.text


def test_report_page_holds_every_view_and_plotly_once(result):
    figures = viz.run_figures(result, "all")
    assert {"document_map", "top_words", "intertopic_distance_map", "topic_similarity", "topic_hierarchy",
            "topics_over_time", "topics_per_class"} <= set(figures)
    assert set(viz.run_figures(result, "summary")) == {"document_map", "top_words", "intertopic_distance_map"}
    assert viz.run_figures(result, "none") == {}
    page = viz.report_page(figures, "small")
    from plotly.offline import get_plotlyjs

    assert page.count(get_plotlyjs()[:200]) == 1 and 'src="http' not in page
    assert all(f'id="{name}"' in page for name in figures)


def test_topic_table_has_keyword_weights_and_representatives_assignments_similarity(result):
    table = result.topic_table()
    for row in table.itertuples():
        weights = [float(w) for w in row.keyword_weights.split(", ")]
        assert len(weights) == len(row.keywords.split(", ")) and weights[0] > 0
        ids = row.representative_ids.split(", ")
        texts = json.loads(row.representatives)
        assert 1 <= len(ids) == len(texts) <= 3 and len(ids) == min(3, row.size)
        assert row.example.startswith(texts[0][:40])  # the most central document leads
    assignments = result.assignments_table()
    assert assignments["similarity"].between(-1, 1).all()
    own = assignments.groupby("topic")["similarity"].mean()
    assert (own > 0.3).all()  # each document is near its own topic's centre

"""viz.py and viz.py on small data built here (the notebooks run them end to end)."""

from __future__ import annotations

import json
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pytest

from topiclab import viz
from topiclab.data import Gold, load_dump
from topiclab.errors import TopiclabError
from topiclab.segment import Span


def _runs() -> pd.DataFrame:
    """The shape ``mlflow.search_runs`` returns, for three runs."""
    return pd.DataFrame({
        "run_id": ["r1", "r2", "r3"],
        "experiment_id": ["7", "7", "7"],
        "status": ["FINISHED"] * 3,
        "start_time": pd.to_datetime(["2026-01-01 10:00", "2026-01-01 09:00", "2026-01-01 11:00"], utc=True),
        "tags.mlflow.runName": ["k3", "k2", "k4"],
        "params.cluster.k": ["3", "2", "4"],
        "params.seed": ["42", "42", "42"],
        "params.name": ["k3", "k2", "k4"],
        "metrics.silhouette": [0.30, 0.20, 0.25],
        "metrics.nmi": [0.5, 0.4, np.nan],
        "metrics.time_cluster_s": [1.0, 2.0, 3.0],
        "metrics.best_nmi": [np.nan, np.nan, np.nan],  # a sweep parent's metric, absent here
    })


def test_comparison_table_orders_runs_and_keeps_what_is_compared():
    table = viz.comparison_table(_runs(), ui_url="http://ui:1/", param="cluster.k", metric="silhouette")
    assert list(table["run"]) == ["k2", "k3", "k4"]  # oldest first
    assert list(table.columns[:4]) == ["run", "run_id", "cluster.k", "silhouette"]
    assert "seed" not in table and "name" not in table  # same everywhere / differs by construction
    assert "time_cluster_s" not in table and "best_nmi" not in table and "nmi" in table
    assert table.loc[0, "link"] == "http://ui:1/#/experiments/7/runs/r2"
    assert viz.best_run(table, "silhouette")["run"] == "k3"
    assert viz.best_run(table, "silhouette", maximize=False)["run"] == "k2"


def test_comparison_table_names_what_is_missing():
    with pytest.raises(TopiclabError, match="no metric named 'npmi'"):
        viz.comparison_table(_runs(), metrics=["npmi"])
    with pytest.raises(TopiclabError, match="no parameter named 'cluster.method'"):
        viz.comparison_table(_runs(), param="cluster.method")
    with pytest.raises(TopiclabError, match="no runs to compare"):
        viz.comparison_table(_runs().iloc[0:0])


def test_urls_and_grid_items():
    url = viz.compare_url(["a1", "b2"], ["3", "3"], "http://127.0.0.1:5000")
    runs = url.split("runs=")[1].split("&")[0]
    assert runs.startswith("[%22") and json.loads(unquote(runs)) == ["a1", "b2"]
    assert json.loads(unquote(url.split("experiments=")[1])) == ["3"]
    assert viz.model_version_url("news clf", 4).endswith("/#/models/news%20clf/versions/4")
    assert viz.grid_items({"cluster.k": [2, 3], "cluster.method": ["kmeans"]}) == \
        ["cluster.k=2,3", "cluster.method=kmeans"]
    with pytest.raises(TopiclabError, match="cluster.k"):
        viz.grid_items({"cluster.k": []})


def test_metric_vs_param_numeric_and_categorical_axes():
    table = viz.comparison_table(_runs(), param="cluster.k", metric="silhouette")
    axis = viz.metric_vs_param(table, "cluster.k", "silhouette").axes[0]
    assert sorted(axis.collections[0].get_offsets()[:, 0].tolist()) == [2, 3, 4]
    table["cluster.k"] = ["two", "three", "four"]
    axis = viz.metric_vs_param(table, "cluster.k", "silhouette").axes[0]
    assert [t.get_text() for t in axis.get_xticklabels()] == ["two", "three", "four"]
    with pytest.raises(TopiclabError, match="no column named 'npmi'"):
        viz.metric_vs_param(table, "cluster.k", "npmi")


def test_link_table_formats_numbers_and_links():
    html = viz.link_table(pd.DataFrame({"x": [0.123456], "link": ["http://u/1"]})).to_html()
    assert ">0.123<" in html and '<a href="http://u/1"' in html


def test_line_table_languages_lengths_and_duplicates(tmp_path):
    dump = tmp_path / "dump.txt"
    dump.write_text("The government announced a new budget for schools today.\n\n"
                    "Die Regierung hat heute einen neuen Haushalt beschlossen.\n"
                    "the government  announced a new budget for schools today.\n"
                    "Short.\n", encoding="utf-8")
    table = viz.line_table(load_dump(dump))
    assert list(table["language"]) == ["en", "blank", "de", "en", "short"]
    assert table["duplicate_of"].tolist()[3] == 1 and table["duplicate_of"].isna().sum() == 4
    assert table.loc[0, "words"] == 9 and table.loc[1, "chars"] == 0
    summary = viz.dump_summary(table)
    assert summary["n_lines"] == 5 and summary["n_blank_lines"] == 1 and summary["n_duplicate_lines"] == 1
    assert summary["n_languages"] == 2
    assert viz.duplicate_lines(table)[["line", "duplicate_of"]].values.tolist() == [[4, 1]]
    assert dict(viz.language_counts(table).values.tolist()) == {"en": 2, "de": 1, "short": 1}


def test_article_boundaries_and_scores_against_gold():
    lines = ["a one", "a two", "", "b one", "c one", "c two"]
    gold = Gold(articles=[{"lines": [1, 3], "topic": "A"}, {"lines": [4, 4], "topic": "B"},
                          {"lines": [5, 6], "topic": "C"}])
    perfect = [Span(0, 1, 3, "a one\na two"), Span(1, 4, 4, "b one"), Span(2, 5, 6, "c one\nc two")]
    merged = [Span(0, 1, 4, "a one\na two\nb one"), Span(1, 5, 6, "c one\nc two")]
    assert viz.gold_boundaries(lines, gold).tolist() == [False, True, True, False]
    assert viz.boundaries_of_spans(lines, perfect).tolist() == [False, True, True, False]
    assert viz.segmentation_scores(lines, perfect, gold)["pk"] == 0.0
    worse = viz.segmentation_scores(lines, merged, gold)
    assert worse["pk"] > 0 and worse["recall"] == 0.5
    table = viz.article_table(merged, gold)
    assert table["gold_topic"].tolist() == ["A", "C"] and table["matches_gold"].tolist() == [False, True]
    assert table["paragraphs"].tolist() == [3, 2]


def test_benchmark_markdown_tables_round_trip(tmp_path):
    """Tables written as BENCHMARKS.md writes them (evaluate.markdown_table) parse back, typed."""
    from topiclab import benchmarks as bench_tables
    from topiclab.viz import markdown_table

    quality = pd.DataFrame({"method": ["topiclab (config)", "nmf | plain"], "k": [5, 5],
                            "NMI": [0.912, 0.5], "ARI": [0.9, np.nan], "accuracy": [0.95, 0.6]})
    topics = pd.DataFrame({"method": ["topiclab (config)", "nmf"], "NPMI": [0.2, 0.17],
                           "diversity": [0.95, 0.94]})
    text = "\n".join(["# Benchmarks", "", "## Quality: bbc_news", "", markdown_table(quality), "",
                      "### bbc_news, 10 topics", "", markdown_table(topics), "", "## Machine", "",
                      markdown_table(pd.DataFrame({"item": ["cores"], "value": ["2"]}))])
    (tmp_path / "B.md").write_text(text, encoding="utf-8")
    tables = bench_tables.markdown_tables(tmp_path / "B.md")
    assert list(tables) == ["quality_bbc_news", "bbc_news_10_topics", "machine"]
    parsed = tables["quality_bbc_news"]
    assert parsed["method"].tolist() == ["topiclab (config)", "nmf | plain"]
    assert parsed["NMI"].tolist() == [0.912, 0.5] and np.isnan(parsed.loc[1, "ARI"])
    assert tables["bbc_news_10_topics"]["diversity"].tolist() == [0.95, 0.94]
    figure = bench_tables.overview_figure(tables)
    titles = [axis.get_title() for axis in figure.axes]
    assert titles == ["quality bbc news", "bbc news 10 topics"]  # the machine table has no method
    assert bench_tables.markdown_tables(tmp_path / "absent.md") == {}
    assert bench_tables.overview_figure({}) is None


def test_config_diff_lists_only_what_differs_from_the_defaults():
    from topiclab.config import load_config
    from topiclab.viz import config_diff, config_frame

    config = load_config("experiments/seed_news.yaml", ["cluster.k=4", "topics.n_keywords=10"])
    diff = config_diff(config).set_index("key")
    assert diff.loc["cluster.k", "value"] == "4" and diff.loc["cluster.k", "default"] != "4"
    assert "topics.n_keywords" not in diff.index  # set, but to its default
    assert "cluster.method" not in diff.index and len(diff) < len(config_frame(config)) / 3
    assert diff.loc["name", "default"] == "(required)"


def test_parallel_coordinates_has_an_axis_per_parameter_and_the_objective_last():
    import pandas as pd

    from topiclab.viz import parallel_coordinates

    table = pd.DataFrame({"run": ["a", "b", "c"], "cluster.k": ["2", "3", "4"],
                          "cluster.method": ["kmeans", "agglomerative", "kmeans"], "nmi": [0.2, 0.5, 0.4]})
    figure = parallel_coordinates(table, ["cluster.k", "cluster.method"], "nmi")
    dimensions = figure.data[0].dimensions
    assert [d.label for d in dimensions] == ["cluster.k", "cluster.method", "nmi"]
    assert list(dimensions[0].values) == [2.0, 3.0, 4.0]
    assert list(dimensions[1].ticktext) == ["kmeans", "agglomerative"] and list(dimensions[1].values) == [0, 1, 0]
    assert list(figure.data[0].line.color) == [0.2, 0.5, 0.4]
    with pytest.raises(TopiclabError, match="no column named 'silhouette'"):
        parallel_coordinates(table, ["cluster.k"], "silhouette")


def test_varying_params_leave_out_ids_and_params_only_some_runs_log():
    runs = _runs()
    runs["params.merge.topics"] = [None, None, "0,1"]  # a merged run's own key
    runs["params.merge.parent_run"] = [None, "a" * 32, "b" * 32]
    runs["params.seed"] = ["42", None, "42"]  # a run without it does not make it vary
    assert viz.varying_params(runs) == ["cluster.k"]
    runs.loc[1, "params.seed"] = "7"
    assert viz.varying_params(runs) == ["cluster.k", "seed"]


def test_cluster_k_is_plotted_as_the_topics_a_run_holds():
    table = pd.DataFrame({"run": ["k2", "k3", "k3-merge"], "cluster.k": ["2", "3", "3"],
                          "n_topics": [2.0, 3.0, 2.0], "silhouette": [0.2, 0.3, 0.25]})
    assert viz.topics_axis(table, "cluster.k") == "n_topics"
    assert viz.topics_axis(table, "seed") == "seed"
    assert viz.topics_axis(table.drop(columns="n_topics"), "cluster.k") == "cluster.k"
    figure = viz.metric_vs_param(table, viz.topics_axis(table, "cluster.k"), "silhouette")
    xs = figure.axes[0].collections[0].get_offsets()[:, 0]
    assert list(xs) == [2.0, 3.0, 2.0]  # the merged run sits with the 2-topic run

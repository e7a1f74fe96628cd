"""``figures: none | summary | all``: what a run draws, and that none draws nothing, not even the map."""

import pytest
from mlflow.tracking import MlflowClient
from topic_corpus import config_dict, write_csv

from topiclab import pipeline
from topiclab.config import config_from_dict
from topiclab.tracking import track_experiment


@pytest.fixture
def small(tmp_path):
    return write_csv(tmp_path / "small.csv")


def test_figures_none_logs_tables_but_no_figure_and_computes_no_map(small, monkeypatch, shared_tracking_uri):
    def no_map(*args, **kwargs):
        raise AssertionError("figures: none computed the document map")

    monkeypatch.setattr(pipeline, "_map_coords", no_map)
    config = config_from_dict(config_dict(small, "figure-sets", figures="none"))
    result, run_id = track_experiment(config)
    names = {a.path for a in MlflowClient(shared_tracking_uri).list_artifacts(run_id)}
    assert {"topics.csv", "assignments.csv", "topic_model"} <= names
    assert not {n for n in names if n.endswith((".html", ".png"))}, names
    assert result.coords is None and "time_map_s" not in result.metrics
    assert {"x", "y"}.isdisjoint(result.assignments_table().columns)
    assert "similarity" in result.assignments_table().columns


def test_figures_summary_draws_the_headline_views_on_one_page(small, shared_tracking_uri, tmp_path):
    config = config_from_dict(config_dict(small, "figure-sets", figures="summary", topics={"time_bins": 4}))
    _, run_id = track_experiment(config)
    store = MlflowClient(shared_tracking_uri)
    names = {a.path for a in store.list_artifacts(run_id)}
    assert "report.html" in names and "topic_sizes.png" not in names
    page = open(store.download_artifacts(run_id, "report.html", str(tmp_path)), encoding="utf-8").read()
    assert '<section id="top_words">' in page and '<section id="document_map">' in page
    assert '<section id="topics_over_time">' not in page  # all only


def test_figures_setting_is_checked():
    from topiclab.errors import TopiclabError

    with pytest.raises(TopiclabError, match="figures"):
        config_from_dict({"name": "x", "data": {"path": "a.csv"}, "figures": "some"})

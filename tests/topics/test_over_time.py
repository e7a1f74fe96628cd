"""Topics over time (dated documents) and per class (labelled documents)."""

import pandas as pd
import pytest
from topic_corpus import config_dict, subject_rows, write_csv

from topiclab.config import config_from_dict
from topiclab.errors import TopiclabError
from topiclab.pipeline import run_experiment
from topiclab.topics import TimeBins, TopicModel, parse_dates, topics_over_time, topics_per_class
from topiclab.viz import topics_over_time_figure, topics_per_class_figure


def test_dates_parse_in_mixed_forms_and_the_first_bad_row_is_named():
    parsed = parse_dates(["2024-01-03", "2024-02-10T10:00:00+02:00", "March 5, 2024"])
    assert [str(d) for d in parsed] == ["2024-01-03 00:00:00", "2024-02-10 08:00:00", "2024-03-05 00:00:00"]
    with pytest.raises(TopiclabError, match=r"date 'soon' in row 3 \(id c\) does not parse \(2 of 4"):
        parse_dates(["2024-01-01", "2024-01-02", "soon", None], ["a", "b", "c", "d"])
    for empty in (None, float("nan"), "", "  "):  # a table's empty cell reads as NaN: not the date 'nan'
        with pytest.raises(TopiclabError, match=r"^date in row 2 \(id b\) is missing \(1 of 2 dates are missing"):
            parse_dates(["2024-01-01", empty], ["a", "b"])


def test_count_bins_are_equal_width_and_frequency_bins_are_periods():
    dates = parse_dates(["2024-01-01", "2024-01-05", "2024-01-10", "2024-01-11"])
    bins = TimeBins.fit(dates, 2)
    assert bins.names() == ["2024-01-01", "2024-01-06"]
    assert bins.assign(dates) == ["2024-01-01", "2024-01-01", "2024-01-06", "2024-01-06"]
    assert bins.assign(parse_dates(["2023-12-31", "2024-01-11"])) == [None, "2024-01-06"]  # outside: no bin
    assert TimeBins.fit(dates, "W").assign(dates) == ["2024-01-01/2024-01-07"] * 2 + ["2024-01-08/2024-01-14"] * 2
    assert TimeBins.from_dict(bins.to_dict()) == bins


def test_shares_per_bin_and_per_class_cover_every_pair():
    dates = parse_dates(["2024-01-01", "2024-01-20", "2024-02-02", "2024-02-03"])
    labels = [0, 1, 1, -1]
    names = {0: "a", 1: "b"}
    table = topics_over_time(dates, labels, names, TimeBins(freq="M"))
    assert list(table.columns) == ["bin", "topic", "topic_label", "documents", "share"]
    assert table.groupby("bin").share.sum().tolist() == pytest.approx([1.0, 1.0])
    feb = table[table.bin == "2024-02"].set_index("topic")
    assert feb.documents.to_dict() == {0: 0, 1: 1, -1: 1} and feb.loc[-1, "topic_label"] == "outliers"
    per_class = topics_per_class(["x", "x", "y", "y"], labels, names)
    assert per_class[per_class["class"] == "x"].share.tolist() == [0.5, 0.5, 0.0]
    assert len(topics_over_time_figure(table).data) == 3
    heatmap = topics_per_class_figure(per_class).data[0]
    assert list(heatmap.y) == ["x", "y"] and len(heatmap.x) == 3


def test_run_with_dates_and_labels_counts_topics_per_month_and_class(tmp_path):
    path = write_csv(tmp_path / "small.csv")
    result = run_experiment(config_from_dict(config_dict(path, topics={"time_bins": "ME"})))
    assert result.config.topics.time_bins == "M"  # pandas' offset alias, read as the period
    table = result.over_time
    assert sorted(set(table.bin)) == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert table.documents.sum() == 24 and (table.groupby("bin").documents.sum() == 6).all()
    assert set(result.per_class.groupby("class").share.max()) == {1.0}  # each subject is one topic
    model = TopicModel.load(result.topic_model.save(tmp_path / "model"))
    out = model.transform(["rain and snow", "bank shares"], dates=["2024-02-03", "2025-07-01"])
    assert out.time_bin.tolist() == ["2024-02", "2025-07"]
    assert "time_bin" not in model.transform(["rain"]).columns


def test_run_without_dates_or_labels_has_neither_view(tmp_path):
    path = write_csv(tmp_path / "plain.csv", columns=("text",))
    result = run_experiment(config_from_dict(config_dict(path)))
    assert result.over_time is None and result.per_class is None and result.topic_model.time_bins_ is None


def test_a_date_that_does_not_parse_fails_the_run_naming_its_row(tmp_path):
    rows = subject_rows()
    rows[4]["date"] = "31/31/2024"
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(TopiclabError, match=r"date '31/31/2024' in row 5 .*does not parse"):
        run_experiment(config_from_dict(config_dict(path)))


@pytest.mark.parametrize("bins", [0, "fortnightly"])
def test_time_bins_must_be_a_count_or_a_frequency(tmp_path, bins):
    with pytest.raises(TopiclabError, match="topics.time_bins"):
        config_from_dict(config_dict(tmp_path / "x.csv", topics={"time_bins": bins}))

"""The few-shot classifier benchmark (make bench-classifiers): its scores and its target rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from topiclab.benchmarks import classifier_targets, few_shot_scores, ours_config
from topiclab.benchmarks._fewshot import CHUNKED, OURS, PLAIN, UNBLENDED, ZERO, CheckScores
from topiclab.benchmarks._sections import read_sections, write_section


def test_ours_is_the_products_config_with_nothing_set_per_dataset():
    bbc, ag = ours_config("bbc_news", "experiments/taxonomies/bbc.yaml"), ours_config(
        "ag_news_4k", "experiments/taxonomies/ag_news.yaml")
    assert bbc.taxonomy_prior and bbc.spec("ours").members == ["tfidf_logreg", "embedding_logreg"]
    same = lambda c: c.model_dump(exclude={"name", "data", "taxonomy"})  # noqa: E731
    assert same(bbc) == same(ag) and bbc.embedding.chunk_words == 150


def test_few_shot_scores_on_a_bbc_subset(shared_dir):
    scores = few_shot_scores("bbc_news", "experiments/taxonomies/bbc.yaml", shots=(0, 2), draws=2, limit=60)
    assert set(scores["method"]) == {ZERO, PLAIN, CHUNKED, OURS, UNBLENDED}
    assert len(scores[scores["shots"] == 0]) == 1 and len(scores[scores["shots"] == 2]) == 10  # 5 methods x 2 draws
    assert scores["accuracy"].between(0, 1).all()
    assert scores[scores["method"] == OURS]["prior_weight"].between(0, 1).all()
    assert (scores[scores["method"] == UNBLENDED]["prior_weight"] == 0).all()
    again = few_shot_scores("bbc_news", "experiments/taxonomies/bbc.yaml", shots=(2,), draws=1, limit=60)
    first = scores[(scores["shots"] == 2) & (scores["draw"] == 0)].reset_index(drop=True)
    pd.testing.assert_series_equal(first["accuracy"], again["accuracy"])  # seeded draws: same numbers


def test_every_target_gets_a_row_met_or_missed(tmp_path):
    scores = pd.DataFrame([
        {"dataset": "bbc_news", "shots": 0, "draw": 0, "method": ZERO, "accuracy": 0.85},
        {"dataset": "bbc_news", "shots": 10, "draw": 0, "method": OURS, "accuracy": 0.96},
        {"dataset": "bbc_news", "shots": 10, "draw": 1, "method": OURS, "accuracy": 0.93},
    ])
    targets = classifier_targets(scores, CheckScores("zero_shot", 1.0, 0.96, 0.5), "tfidf_svm", 0.981)
    assert len(targets) == 6 and list(targets.columns) == ["target", "measured", "status"]
    status = dict(zip(targets["target"], targets["status"]))
    assert status["BBC News, 10 articles per label (ours): accuracy >= 0.95"] == "missed"  # mean 0.945
    assert status["seed champion, out-of-taxonomy check sentences: abstains >= 0.75"] == "missed"
    assert sum(s == "met" for s in status.values()) == 4
    assert targets["measured"].tolist()[3] == "0.9450"
    report = tmp_path / "BENCHMARKS.md"
    write_section(report, "classifiers", "## Classifiers\n\nbody", targets)
    rows, _ = read_sections(report)["classifiers"]
    assert [r["status"] for r in rows] == targets["status"].tolist()
    assert np.isclose(float(rows[5]["measured"]), 0.981)

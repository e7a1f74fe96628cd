"""The boilerplate section: its table, and targets judged on what the pipeline marks."""

import pandas as pd

from topiclab.benchmarks._boilerplate import MARKERS, PIPELINE, boilerplate_section


def _rows(pipeline: dict[str, tuple[float, float]]) -> pd.DataFrame:
    rows = []
    for held_out, (recall, marked) in pipeline.items():
        for marker in MARKERS:
            own = (recall, marked) if marker == PIPELINE else (0.99, 0.50)  # the others: recall at any cost
            rows.append({"held out": held_out, "trained on": "other (train half)", "pages": "all (32)",
                         "marker": marker, "threshold": 0.5, "recall": own[0], "article_marked": own[1]})
    return pd.DataFrame(rows)


def test_the_targets_are_judged_on_the_pipelines_marks_recall_and_article_lines_at_once():
    body, targets = boilerplate_section(_rows({"scrapinghub": (0.87, 0.048), "dragnet": (0.83, 0.15)}))
    status = dict(zip(targets["target"], targets["status"]))
    assert status["boilerplate, scrapinghub held out: recall >= 0.85 and article lines marked <= 0.05"] == "met"
    assert status["boilerplate, dragnet held out: recall >= 0.85 and article lines marked <= 0.05"] == "missed"
    measured = dict(zip(targets["target"], targets["measured"]))
    assert measured["boilerplate, scrapinghub held out: recall >= 0.85 and article lines marked <= 0.05"] == \
        "0.870 / 0.048"
    assert PIPELINE in body and "## Boilerplate" in body
    _, high_recall_only = boilerplate_section(_rows({"scrapinghub": (0.99, 0.06)}))
    assert high_recall_only["status"].tolist() == ["missed"]

"""The "Choosing the number of topics" section: chosen k and NMI beside the fixed k, targets met or missed."""

import pandas as pd

from topiclab.benchmarks import read_sections, write_section
from topiclab.benchmarks._auto_k import SECTION, AutoKResult, auto_k_section


def _result(dataset, chosen, nmi):
    curve = pd.DataFrame({"k": [3, 4, 5], "silhouette": [0.1, 0.2, 0.15], "score": [0.1, 0.2, 0.15]})
    return AutoKResult(dataset, 5, 5, 0.9, chosen, nmi, "silhouette", curve)


def test_section_reports_targets_from_measurements(tmp_path):
    body, targets = auto_k_section([_result("bbc_news", 5, 0.9), _result("ag_news_4k", 12, 0.6)])
    assert "Choosing the number of topics" in body and "| bbc_news" in body
    assert targets.status.tolist() == ["met", "missed"]
    path = write_section(tmp_path / "BENCHMARKS.md", SECTION, body, targets)
    assert SECTION in read_sections(path)

"""The embedding-backend Targets row, judged from measured rows (the measuring needs ../shared: make bench-backends)."""

import pandas as pd

from topiclab.benchmarks import backend_targets


def _rows(ratios: dict[str, tuple[float, float]], nmi_changes: dict[str, tuple[float, float]]) -> pd.DataFrame:
    rows = [{"corpus": "ag_news_4k", "backend": "torch", "ratio": 1.0, "nmi_change": 0.0},
            {"corpus": "bbc_news", "backend": "torch", "ratio": 1.0, "nmi_change": 0.0}]
    for backend, (ag, bbc) in ratios.items():
        rows.append({"corpus": "ag_news_4k", "backend": backend, "ratio": ag, "nmi_change": nmi_changes[backend][0]})
        rows.append({"corpus": "bbc_news", "backend": backend, "ratio": bbc, "nmi_change": nmi_changes[backend][1]})
    return pd.DataFrame(rows)


def test_met_needs_one_exact_backend_fast_and_faithful_on_both_corpora():
    row = backend_targets(_rows({"onnx-int8": (2.4, 2.1), "onnx": (1.5, 1.2)},
                                {"onnx-int8": (-0.004, 0.006), "onnx": (0.0, 0.0)})).iloc[0]
    assert row["status"] == "met" and row["measured"].startswith("onnx-int8")
    assert "plain sentence-transformers" in row["target"]


def test_static_never_meets_it_and_one_slow_corpus_misses_it():
    row = backend_targets(_rows({"static": (50.0, 30.0), "onnx-int8": (2.4, 1.3)},
                                {"static": (0.0, 0.0), "onnx-int8": (0.0, 0.0)})).iloc[0]
    assert row["status"] == "missed" and row["measured"].startswith("onnx-int8")


def test_an_nmi_drop_beyond_a_hundredth_misses_it():
    row = backend_targets(_rows({"onnx-int8": (2.5, 2.2)}, {"onnx-int8": (-0.02, 0.0)})).iloc[0]
    assert row["status"] == "missed"

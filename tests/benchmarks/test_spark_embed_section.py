"""The Spark embedding benchmark's section: the backend auto resolved to, the rate and the projection to 1M."""

from __future__ import annotations

import pytest

from topiclab.benchmarks import read_sections, write_section
from topiclab.benchmarks._scale_spark import SparkPoint
from topiclab.benchmarks._spark_embed import SECTION, SparkEmbedResult, _cores, spark_embed_row, spark_embed_section


def _result(seconds: float) -> SparkEmbedResult:
    return SparkEmbedResult(SparkPoint("auto", "local[2]", 50_000, seconds, 2_300_000_000, cores=2),
                            backend="onnx", cosine=0.999987, machine="Some CPU, 2 cores (avx2)", seed=0)


def test_the_row_names_the_resolved_backend_and_projects_a_million_linearly():
    row = spark_embed_row(_result(2_500.0))
    assert row["backend"] == "auto (onnx)" and row["cosine with torch"] == "0.99999"
    assert row["documents/s"] == pytest.approx(20.0)
    assert row["projected for 1M (h)"] == pytest.approx(1_000_000 / 20 / 3600, abs=0.05)  # 13.9 h
    assert row["cores"] == 2 and row["peak memory (GB)"] == pytest.approx(2.3)
    assert spark_embed_row(_result(1_250.0))["documents/s"] == pytest.approx(40.0)  # twice as fast, half the time


def test_the_section_names_the_machine_and_adds_no_target_row(tmp_path):
    body = spark_embed_section(_result(2_500.0))
    assert "Some CPU, 2 cores (avx2)" in body and "auto (onnx)" in body and "13.9 h" in body
    report = tmp_path / "B.md"
    write_section(report, SECTION, body)
    rows, text = read_sections(report)[SECTION]
    assert rows == [] and "| auto (onnx) | 0.99999 | local[2] |" in text


@pytest.mark.parametrize("master, cores", [("local[2]", 2), ("local[1]", 1), ("local[*]", None), ("yarn", None)])
def test_a_local_master_is_pinned_to_its_workers(master, cores):
    assert _cores(master) == cores

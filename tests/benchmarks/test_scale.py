"""The scale benchmark's parts on tiny sizes: the corpus builder, the growth fit, the section."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from topiclab.benchmarks import (PipelinePoint, PipelineScaling, ScaleResults, build_articles, fit_exponent,
                                 read_scale_corpus, read_sections, scale_corpus, scale_section, scale_targets,
                                 sentence_pool)
from topiclab.benchmarks._scale_corpus import MAX_SENTENCES, MIN_SENTENCES, PART_ROWS, shared_sentence_pool
from topiclab.benchmarks._scale_spark import SparkPoint
from topiclab.benchmarks import write_section
from topiclab.data import split_sentences

TEXTS = [
    ("The striker scored twice in the final. The coach praised his defence after the match. Fans sang all night.",
     "Sport"),
    ("The bank raised interest rates again. Shares fell sharply on the news. Investors fear a long recession.",
     "Business"),
    ("Parliament passed the new budget bill. The minister defended the tax rises. Ok.", "Politics"),
    ("A new phone chip doubles battery life. The software update fixes the camera bug.", "Sci/Tech"),
]


def test_pool_groups_sentences_by_topic_and_drops_short_ones():
    pool = sentence_pool(TEXTS)
    assert pool.topics == ["business", "politics", "sport", "tech"]  # AG News's names mapped onto BBC's
    assert pool.counts.tolist() == [3, 2, 3, 2]  # "Ok." is too short to count as a sentence
    politics = pool.sentences.to_pylist()[pool.starts[1]:pool.starts[2]]
    assert politics == ["Parliament passed the new budget bill.", "The minister defended the tax rises."]


def test_articles_are_deterministic_on_topic_and_independent_of_how_they_are_cut():
    pool = sentence_pool(TEXTS)
    whole = build_articles(pool, 300, seed=7)
    assert whole.equals(build_articles(pool, 300, seed=7))
    assert not whole.equals(build_articles(pool, 300, seed=8))
    assert whole.slice(120, 50).equals(build_articles(pool, 50, seed=7, first=120))
    assert whole.column("id").to_pylist()[:3] == ["a0", "a1", "a2"]
    by_topic = {t: set(pool.sentences.to_pylist()[pool.starts[i]:pool.starts[i + 1]])
                for i, t in enumerate(pool.topics)}
    for row in whole.to_pylist():
        sentences = split_sentences(row["text"])
        assert MIN_SENTENCES <= len(sentences) <= MAX_SENTENCES
        assert set(sentences) <= by_topic[row["label"]]  # every sentence from the article's own topic
    shares = pd.Series(whole.column("label").to_pylist()).value_counts(normalize=True)
    assert shares["business"] > shares["politics"]  # topics weighed by their sentences (3 against 2)


def test_corpus_is_written_in_parts_once_and_cut_at_any_size(tmp_path):
    pool = sentence_pool(TEXTS)
    n = PART_ROWS + 1_000  # two parts
    folder = scale_corpus(n, seed=3, pool=pool, folder=tmp_path)
    assert folder.name == f"n{n}-seed3" and sorted(p.name for p in folder.iterdir()) == [
        "part-00000.parquet", "part-00001.parquet"]
    table = read_scale_corpus(folder)
    assert table.num_rows == n and table.column_names == ["id", "text", "label"]
    assert table.slice(PART_ROWS - 5, 10).equals(build_articles(pool, 10, seed=3, first=PART_ROWS - 5))
    stamp = (folder / "part-00000.parquet").stat().st_mtime_ns
    assert scale_corpus(n, seed=3, pool=None, folder=tmp_path) == folder  # cached: the pool is not even needed
    assert (folder / "part-00000.parquet").stat().st_mtime_ns == stamp
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no half-built folder left
    small = read_scale_corpus(scale_corpus(500, seed=3, pool=pool, folder=tmp_path))
    assert small.equals(table.slice(0, 500))  # a smaller corpus is the start of a bigger one


def test_shared_pool_draws_on_all_three_datasets(shared_dir):
    pool = shared_sentence_pool()
    assert pool.topics == ["business", "entertainment", "politics", "sport", "tech", "world"]
    sentences = set(pool.sentences.to_pylist())
    assert len(pool.sentences) >= len(sentences) > 50_000  # a sentence is kept once per topic
    assert any(s[0].isupper() for s in sentences)  # bbc_fulltext.jsonl is cased, the CSVs are not
    table = build_articles(pool, 2_000, seed=0)
    assert table.num_rows == 2_000 and set(table.column("label").to_pylist()) == set(pool.topics)


def test_growth_exponent_is_the_log_log_slope():
    sizes = [2_000, 8_000, 32_000]
    assert fit_exponent(sizes, [3 * n ** 1.0 for n in sizes]) == pytest.approx(1.0)
    assert fit_exponent(sizes, [1e-6 * n ** 2 for n in sizes]) == pytest.approx(2.0)
    assert np.isnan(fit_exponent([2_000], [1.0]))


def _point(n, seconds, peak):
    return PipelinePoint(n, seconds, {"load": 0.1 * seconds, "cluster": 0.9 * seconds},
                         {"load": peak // 2, "cluster": peak}, {"load": 0.1, "cluster": seconds}, nmi=0.8, n_topics=6)


def test_section_and_targets_from_measurements(tmp_path):
    points = [_point(2_000, 1.0, 10**9), _point(8_000, 4.5, 2 * 10**9), _point(32_000, 30.0, 9 * 10**9)]
    sizes = [p.n_documents for p in points]
    scaling = PipelineScaling(points, "static", 6, {"total": fit_exponent(sizes, [p.seconds for p in points])})
    spark = [SparkPoint("tfidf", "local[1]", 20_000, 10.0, 10**9, cores=1),
             SparkPoint("tfidf", "local[1]", 20_000, 8.0, 10**9),  # unpinned: its JVM on the second core
             SparkPoint("tfidf", "local[2]", 20_000, 5.0, 10**9, cores=2)]
    results = ScaleResults(pipeline=scaling, spark=spark, spark_documents=20_000, minilm_documents=2_000)
    targets = scale_targets(results)
    assert targets["target"].tolist() == [
        "pipeline growth exponent 2k→32k <= 1.2", "peak memory at 32k < 8 GB",
        "Spark classify (TF-IDF, 20k documents): local[2] / local[1] documents per second >= 1.8 "
        "(local[N] pinned to N cores)"]
    assert targets["status"].tolist() == ["missed", "missed", "met"]  # exponent ~1.23; 9 GB; 2.0
    assert targets["measured"].iloc[2] == "2.00 (local[1] unpinned, its JVM on the idle core: 1.60)"
    assert results.speedup("tfidf") == pytest.approx(2.0) and results.speedup("static") is None
    assert results.speedup("tfidf", pinned=False) == pytest.approx(1.6)
    body = scale_section(results)
    assert "| 32000 |" in body and "local[2] / local[1] = 2.00 pinned to 2 and 1 cores; 1.60 with local[1] unpinned" in body
    report = tmp_path / "BENCHMARKS.md"
    write_section(report, "scale", body, targets)
    rows, written = read_sections(report)["scale"]
    assert [r["status"] for r in rows] == ["missed", "missed", "met"] and "### Spark" in written


def test_spark_processes_are_pinned_to_the_cores_asked_for():
    import os
    import subprocess
    import sys

    from topiclab.benchmarks._scale_spark import _pinned

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("pinning to one core of several needs a machine with two or more cores")
    probe = [sys.executable, "-c", "import os; print(len(os.sched_getaffinity(0)))"]
    pinned = subprocess.run(probe, preexec_fn=_pinned(1), capture_output=True, text=True, check=True)
    free = subprocess.run(probe, preexec_fn=_pinned(None), capture_output=True, text=True, check=True)
    assert int(pinned.stdout) == 1 and int(free.stdout) == len(os.sched_getaffinity(0))
    with pytest.raises(Exception, match="cannot pin Spark"):
        _pinned(len(os.sched_getaffinity(0)) + 1)

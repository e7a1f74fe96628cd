"""The naming benchmark's choice of threshold, leave-one-corpus-out, on records made by hand; the
command's refusals. The measured run (needs ../shared) is `topiclab bench-naming`."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from topiclab.benchmarks import NAMING_LABEL_MAPS, choose_threshold, leave_one_corpus_out, naming_figures
from topiclab.benchmarks._naming import SHIPPED, naming_targets
from topiclab.paths import PROJECT_ROOT


def _records(corpus: str, rows: list[tuple[float, bool | None]]) -> pd.DataFrame:
    """Topics of one corpus: (score, named right?); None = its majority label maps to nothing."""
    return pd.DataFrame([{"variant": SHIPPED, "corpus": corpus, "score": score, "best": "sport",
                          "right": "" if ok is None else ("sport" if ok else "politics")} for score, ok in rows])


def test_figures_count_only_topics_whose_label_maps():
    records = _records("a", [(0.9, True), (0.8, None), (0.7, False), (0.2, True)])
    figures = naming_figures(records, 0.5)
    assert figures == {"topics": 4.0, "named": 0.75, "judged": 2.0, "correct": 0.5}
    assert np.isnan(naming_figures(records, 0.95)["correct"])


def test_threshold_is_the_lowest_score_whose_named_topics_are_right_often_enough():
    records = _records("a", [(0.9, True)] * 9 + [(0.5, False), (0.4, True), (0.3, False)])
    assert choose_threshold(records, 0.9) == 0.4  # 10 of 11 right at 0.4; 10 of 12 at 0.3
    assert choose_threshold(records, 1.0) == 0.9
    assert choose_threshold(_records("a", [(0.6, False)]), 0.9) == pytest.approx(0.601)  # nothing named


def test_each_corpus_is_scored_at_a_threshold_chosen_without_it():
    records = pd.concat([_records("a", [(0.8, True), (0.3, True)]), _records("b", [(0.7, True), (0.4, False)]),
                         _records("c", [(0.6, False), (0.2, True)])])
    loco = leave_one_corpus_out(records, 0.9).set_index("corpus")
    assert loco.loc["c", "threshold"] == 0.7  # chosen on a and b: c's own wrong topic at 0.6 plays no part
    assert loco.loc["c", "named"] == 0.0 and np.isnan(loco.loc["c", "correct"])
    assert loco.loc["a", "threshold"] == 0.7 and loco.loc["a", "correct"] == 1.0
    assert loco.loc["b", "threshold"] == 0.8 and loco.loc["b", "named"] == 0.0
    assert loco.loc["all", "threshold"] == 0.7
    targets = naming_targets(loco.reset_index(), 0.9)
    assert list(targets["status"]) == ["met", "missed", "missed"]


def test_every_suite_corpus_maps_onto_the_iptc_taxonomy():
    from topiclab.topics import load_taxonomy

    names = {e.name for e in load_taxonomy("experiments/taxonomies/iptc.yaml")}
    assert set(NAMING_LABEL_MAPS) == {"bbc_news", "ag_news_4k", "20newsgroups_6k", "huffpost_6k"}
    assert all(set(right) <= names for mapping in NAMING_LABEL_MAPS.values() for right in mapping.values())


@pytest.mark.parametrize("corpora, message", [
    ("bbc_news", "error: --corpora 'bbc_news': leave-one-corpus-out needs at least two corpora"),
    ("bbc_news,mine", "error: no label mapping for corpus 'mine'"),
])
def test_bench_naming_refuses_before_measuring(tmp_path, corpora, message):
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "src"), "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path}/s.db"}
    done = subprocess.run([sys.executable, "-m", "topiclab.cli", "bench-naming", "--corpora", corpora],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stderr.strip().startswith(message), done.stderr[-2000:]
    assert len(done.stderr.strip().splitlines()) == 1 and not (tmp_path / "BENCHMARKS.md").exists()

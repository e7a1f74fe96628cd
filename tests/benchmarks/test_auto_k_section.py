"""The "Choosing the number of topics" section: the rule chosen leave-one-corpus-out, targets from measurements."""

import numpy as np
import pandas as pd

from topiclab.benchmarks import read_sections, write_section
from topiclab.benchmarks import _k_criteria as criteria
from topiclab.benchmarks._auto_k import SECTION, CorpusK, gold_labels, k_section


def _curve(n_labels: int, silhouette_peak: int, bic_best: int) -> pd.DataFrame:
    ks = np.arange(2, 31)
    return pd.DataFrame({"k": ks, "silhouette": -np.abs(ks - silhouette_peak) / 10, "silhouette_se": 0.001,
                         "calinski_harabasz": -ks, "davies_bouldin": ks, "eigengap": -ks,
                         "bic@5": np.abs(ks - bic_best), "bic@10": np.abs(ks - bic_best),
                         "nmi": 0.8 - np.abs(ks - n_labels) / 40})


def _corpus(name: str, n_labels: int, silhouette_peak: int, bic_best: int = 30, topeax=(7, 0.5)) -> CorpusK:
    curve = _curve(n_labels, silhouette_peak, bic_best)
    return CorpusK(name, 1000, n_labels, None, {"configured": curve, "minilm": curve.drop(columns=["bic@5"])},
                   {"configured": {0.005: 30, 0.01: 25, 0.02: 20}, "minilm": {}}, 0.8, *topeax)


def _loco(corpora):
    return criteria.leave_one_corpus_out(
        {c.dataset: {"curves": c.curves, "counts": c.counts, "n_labels": c.n_labels, "nmi_at_labels": 0.8}
         for c in corpora})


def test_each_corpus_gets_the_setting_that_worked_on_the_others(tmp_path):
    corpora = [_corpus("a", 5, 5), _corpus("b", 8, 8), _corpus("c", 12, 12), _corpus("d", 20, 20, topeax=(9, 0.9))]
    loco, table = _loco(corpora)
    assert loco["setting (chosen on the others)"].tolist() == ["silhouette max on MiniLM"] * 5
    assert not any(s.space == "minilm" and s.criterion == "bic@5" for _, s in table)  # not measured there
    assert loco["k"].tolist()[:4] == [5, 8, 12, 20]
    body, targets = k_section(corpora, log=lambda line: None)  # chosen k = labels: no pipeline run needed
    assert "leave-one-corpus-out" in body and "| a " in body
    assert targets.status.tolist() == ["met", "met", "met"] * 3 + ["met", "met", "missed"]  # d: below Topeax
    path = write_section(tmp_path / "BENCHMARKS.md", SECTION, body, targets)
    assert SECTION in read_sections(path)


def test_a_setting_that_fits_three_corpora_is_not_rescued_by_the_held_out_one():
    # silhouette is right on a, b, c but far off on d; BIC is right on d only: d still gets silhouette
    corpora = [_corpus("a", 5, 5), _corpus("b", 8, 8), _corpus("c", 12, 12), _corpus("d", 20, 3, bic_best=20)]
    held = _loco(corpora)[0].set_index("held out")
    assert held.loc["d", "setting (chosen on the others)"] == "silhouette max on MiniLM" and held.loc["d", "k"] == 3


def test_huffpost_renamed_sections_are_merged():
    labels = ["WORLDPOST", "THE WORLDPOST", "ARTS", "CULTURE & ARTS", "ARTS & CULTURE", "SPORTS"]
    assert len(set(gold_labels("huffpost_6k", labels))) == 3
    assert gold_labels("bbc_news", labels) == labels

"""Unknown keys get a "did you mean"; runs are named by their overrides; a run's params are the settings its
methods read."""

import pytest

from topiclab.config import (classifier_config_from_dict, config_from_dict, load_config, run_name,
                             used_settings)
from topiclab.errors import TopiclabError

BASE = {"name": "x", "data": {"path": "a.txt"}}


@pytest.mark.parametrize("raw, message", [
    ({**BASE, "clustr": {}}, "clustr: unknown key; did you mean 'cluster'?"),
    ({**BASE, "cluster": {"kk": 3}}, "cluster.kk: unknown key; did you mean 'k'?"),
    ({"name": "x", "data": {"path": "a.txt", "text_colum": "body"}}, "data.text_colum: unknown key; did you mean "
                                                                     "'text_column'?"),
    ({**BASE, "sweep": {"gird": {}}}, "sweep.gird: unknown key; did you mean 'grid'?"),
])
def test_a_mistyped_key_gets_did_you_mean(raw, message):
    with pytest.raises(TopiclabError) as error:
        config_from_dict(raw)
    assert str(error.value).endswith(message)


def test_did_you_mean_reaches_overrides_lists_and_nothing_far_off():
    with pytest.raises(TopiclabError, match=r"cluster\.hdbscan\.min_cluster_sise: unknown key; did you mean "
                                            r"'min_cluster_size'\?"):
        load_config("experiments/seed_news.yaml", ["cluster.hdbscan.min_cluster_sise=5"])
    with pytest.raises(TopiclabError, match=r"classifiers\.0\.temprature: unknown key; did you mean 'temperature'"):
        classifier_config_from_dict({"name": "x", "taxonomy": "t.yaml",
                                     "classifiers": [{"kind": "zero_shot", "temprature": 1}]})
    with pytest.raises(TopiclabError) as error:
        config_from_dict({**BASE, "cluster": {"zzzzzz": 3}})
    assert str(error.value).endswith("cluster.zzzzzz: unknown key")


def test_sweep_grid_key_gets_did_you_mean():
    from topiclab.sweep import check_key

    with pytest.raises(TopiclabError, match=r"did you mean 'k'\?"):
        check_key("cluster.kk")


def test_run_name_shows_the_overrides_but_not_where_the_run_is_logged():
    assert run_name("seed_news", ["cluster.method=agglomerative", "seed=7"]) == \
        "seed_news[cluster.method=agglomerative,seed=7]"
    assert run_name("seed_news", ["seed=7", "tracking.experiment=elsewhere", "seed=8"]) == "seed_news[seed=8]"
    assert run_name("seed_news", ["tracking.experiment=elsewhere"]) == "seed_news"
    assert run_name("seed_news", ["cluster.k=03"]) == "seed_news[cluster.k=3]"  # as YAML reads it


def test_a_run_logs_the_settings_of_the_methods_it_used():
    kmeans = used_settings(config_from_dict({**BASE, "cluster": {"method": "kmeans", "k": 4}}))
    assert kmeans["cluster.k"] == 4 and "cluster.linkage" not in kmeans
    assert not [k for k in kmeans if k.startswith(("cluster.hdbscan", "cluster.umap", "cluster.auto",
                                                   "cluster.outlier", "vectorize.tfidf", "segment.window"))]
    density = used_settings(config_from_dict({**BASE, "cluster": {"method": "umap_hdbscan", "k": None}}))
    assert density["cluster.hdbscan.min_cluster_size"] == 10 and "cluster.umap.n_neighbors" in density
    assert "cluster.k" not in density and "cluster.outliers" in density
    auto = used_settings(config_from_dict({**BASE, "cluster": {"method": "agglomerative", "k": "auto"},
                                           "vectorize": {"representation": "combined"}}))
    assert {"cluster.auto.criterion", "cluster.linkage", "vectorize.tfidf_weight", "vectorize.tfidf.min_df"} <= set(auto)
    tfidf = used_settings(config_from_dict({**BASE, "vectorize": {"representation": "tfidf"}}))
    assert "vectorize.tfidf.min_df" in tfidf and not [k for k in tfidf if k.startswith("vectorize.embedding")]

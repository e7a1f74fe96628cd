"""The document map: the run's own coordinates (UMAP, PCA for few documents), hover text of each document."""

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from topiclab.config import config_from_dict
from topiclab.cluster import UMAP_MIN_DOCUMENTS, map_coords as _map_coords
from topiclab.pipeline import run_experiment
from topiclab.viz import document_map


def test_map_coords_are_seeded_and_keep_separated_groups_apart():
    vectors, groups = make_blobs(n_samples=90, centers=6, n_features=20, cluster_std=1.0, random_state=3)
    first, again = _map_coords(vectors, seed=7), _map_coords(vectors, seed=7)
    assert first.shape == (90, 2) and np.allclose(first, again)
    centres = np.array([first[groups == g].mean(axis=0) for g in range(6)])
    spread = max(np.linalg.norm(first[groups == g] - centres[g], axis=1).mean() for g in range(6))
    gaps = [np.linalg.norm(centres[a] - centres[b]) for a in range(6) for b in range(a + 1, 6)]
    assert min(gaps) > spread  # no two topics fall into one blob


def test_map_of_many_documents_lays_out_a_sample_and_places_the_rest_among_neighbours(monkeypatch):
    import topiclab.cluster._map as pipeline  # the map's own module

    vectors, groups = make_blobs(n_samples=400, centers=4, n_features=20, cluster_std=1.0, random_state=3)
    monkeypatch.setattr(pipeline, "MAP_SAMPLE", 120)  # the sampled path, on a corpus a test can afford
    coords = _map_coords(vectors, seed=5)
    assert coords.shape == (400, 2) and np.allclose(coords, _map_coords(vectors, seed=5))
    anchors = np.sort(np.random.default_rng(5).choice(400, 120, replace=False))
    assert np.allclose(coords[anchors], pipeline.umap_coords(vectors[anchors], 5))  # the sample is UMAP's
    centres = np.array([coords[groups == g].mean(axis=0) for g in range(4)])
    nearest = np.linalg.norm(coords[:, None, :] - centres[None], axis=2).argmin(axis=1)
    assert (nearest == groups).mean() > 0.95  # placed documents land in their own group's region


def test_map_coords_of_a_few_documents_are_pca():
    from sklearn.decomposition import PCA

    vectors = np.random.default_rng(0).normal(size=(UMAP_MIN_DOCUMENTS - 1, 5))
    assert np.allclose(_map_coords(vectors, 1), PCA(n_components=2, random_state=1).fit_transform(vectors))
    assert _map_coords(vectors[:2], 1).shape == (2, 2)


@pytest.fixture(scope="module")
def seed_result():
    config = config_from_dict({"name": "map", "data": {"path": "data/raw/seed_news.txt"},
                               "segment": {"level": "line"}, "vectorize": {"representation": "tfidf"},
                               "topics": {"taxonomy": None}, "cluster": {"k": 3}})
    return run_experiment(config)


def test_document_map_hover_shows_topic_lines_and_first_words(seed_result):
    figure = document_map(seed_result)
    frame = seed_result.assignments_table()
    points = [p for trace in figure.data for p in zip(trace.customdata, trace.x)]
    assert len(points) == len(frame)
    assert "customdata[0]" in figure.data[0].hovertemplate and "lines" in figure.data[0].hovertemplate
    first = frame.iloc[0]
    hover = next(c for trace in figure.data for c in trace.customdata if c[3] == first["id"])
    assert hover[0] == first["topic_label"] and hover[1] == str(first["line_start"])
    assert hover[2].split()[0] == first["text"].split()[0]
    assert "PCA" in figure.layout.title.text  # 28 lines: below UMAP_MIN_DOCUMENTS


def test_the_map_reuses_the_clusterings_umap_instead_of_fitting_a_second(tmp_path, monkeypatch):
    import topiclab.cluster._map as layouts
    from topic_corpus import config_dict, subject_rows, write_csv

    def second_umap(*args, **kwargs):
        raise AssertionError("the map fitted a second UMAP although clustering had one")

    monkeypatch.setattr(layouts, "umap_coords", second_umap)
    path = write_csv(tmp_path / "docs.csv", subject_rows(per_subject=20))  # 60 >= UMAP_MIN_DOCUMENTS
    config = config_from_dict(config_dict(path, cluster={"method": "umap_hdbscan", "k": None,
                                                         "hdbscan": {"min_cluster_size": 5}}))
    result = run_experiment(config)
    assert result.coords.shape == (60, 2) and np.isfinite(result.coords).all()
    assert "time_map_s" in result.metrics


def test_a_two_dimensional_clustering_layout_is_the_map_itself():
    reduced = np.random.default_rng(0).normal(size=(UMAP_MIN_DOCUMENTS, 2))
    features = np.zeros((UMAP_MIN_DOCUMENTS, 5))
    assert np.array_equal(_map_coords(features, 0, reduced), reduced)
    five = np.random.default_rng(1).normal(size=(UMAP_MIN_DOCUMENTS, 5))
    assert _map_coords(features, 0, five).shape == (UMAP_MIN_DOCUMENTS, 2)  # its PCA

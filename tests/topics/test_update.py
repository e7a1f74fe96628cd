"""update_topic_model on small synthetic topics (unit vectors around orthogonal centres, words per topic):
old ids kept, a new story becomes one new topic, the rules come from the model, nothing is changed in place."""

import copy

import numpy as np
import pandas as pd
import pytest

from topiclab.cluster import OUTLIER
from topiclab.errors import TopiclabError
from topiclab.topics import (TimeBins, TopicModel, TopicUpdate, check_updatable, history_over_time,
                             join_thresholds, learn_update_rules, new_topic_min_size, update_topic_model)
from topiclab.topics._history import split_half_cosine

WORDS = {0: "goal match striker keeper league cup", 1: "bank rates inflation bonds markets shares",
         2: "election vote ballot candidate poll turnout", 3: "storm flood rain wind hurricane coast"}
DIM = 24


def _blob(rng, topic: int, n: int, spread: float = 0.15) -> np.ndarray:
    """Around a centre that shares a direction with the others (as sentence embeddings do: cosine 0.4)."""
    centre = 0.8 * np.ones(DIM) / np.sqrt(DIM) + np.eye(DIM)[topic]
    x = centre / np.linalg.norm(centre) + spread * rng.standard_normal((n, DIM))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _texts(rng, topic: int, n: int) -> list[str]:
    return [" ".join(rng.choice(WORDS[topic].split(), 5)) for _ in range(n)]


def _batch(rng, sizes: dict[int, int]):
    features = np.vstack([_blob(rng, t, n) for t, n in sizes.items()])
    texts = sum((_texts(rng, t, n) for t, n in sizes.items()), [])
    truth = np.concatenate([[t] * n for t, n in sizes.items()])
    return texts, features, truth


@pytest.fixture
def fitted():
    rng = np.random.default_rng(0)
    texts, features, labels = _batch(rng, {0: 40, 1: 40, 2: 30})
    model = TopicModel("all-MiniLM-L6-v2", "embedding").fit(
        features, labels, {0: "Sport", 1: "Money", 2: "Politics"}, {0: ["goal"], 1: ["bank"], 2: ["vote"]})
    learn_update_rules(model, features, labels, texts, n_keywords=5)
    return model, rng


def test_a_new_story_becomes_one_new_topic_and_old_ids_and_names_stay(fitted):
    model, rng = fitted
    texts, features, truth = _batch(rng, {0: 20, 1: 20, 3: 25})
    before = (model.topic_ids_.copy(), model.centroids_.copy(), dict(model.labels_), len(model.batches_))
    new, update = update_topic_model(model, texts, features, seed=1)
    assert isinstance(update, TopicUpdate) and update.n_new_topics == 1
    for old in (0, 1):  # as close as all but the loosest 2% of the topic's own members: they join
        assert (update.topics[truth == old] == old).mean() >= 0.8
        assert set(update.topics[truth == old].tolist()) <= {old, OUTLIER}
    storm = update.topics[truth == 3]
    assert (storm == 3).mean() >= 0.8 and set(storm.tolist()) <= {3, OUTLIER}  # the next id, max + 1
    assert new.topic_ids_.tolist() == [0, 1, 2, 3]
    assert {t: new.labels_[t] for t in (0, 1, 2)} == before[2]
    assert set(new.keywords_[3][:3]) <= set(WORDS[3].split())
    assert new.labels_[3] == " / ".join(new.keywords_[3][:3])  # no taxonomy: named by its keywords
    lineage = update.lineage.set_index("topic")
    assert lineage.status.to_dict() == {0: "grew", 1: "grew", 2: "kept", 3: "new"}
    assert lineage.loc[0, "size_after"] == 40 + (update.topics == 0).sum() and lineage.loc[2, "size_after"] == 30
    assert lineage.loc[3, "size_before"] == 0 and pd.isna(lineage.loc[3, "parent"])
    assert update.assigned_share == pytest.approx(np.isin(update.topics, [0, 1, 2]).mean())
    assert update.outlier_share == pytest.approx((update.topics == OUTLIER).mean())
    inside = update.topics != OUTLIER
    assert (update.similarity[inside] > 0.5).all() and (update.similarity[~inside] == 0).all()
    # the model given is not changed
    assert (model.topic_ids_ == before[0]).all() and np.array_equal(model.centroids_, before[1])
    assert model.labels_ == before[2] and len(model.batches_) == before[3] and model.sizes_[0] == 40
    # a size-weighted running mean: the untouched topic's centroid is the same, a grown one moved
    assert np.allclose(new.centroids_[2], model.centroids_[2])
    joined = update.topics == 0
    expected = (model.centroids_[0] * 40 + features[joined].sum(axis=0)) / (40 + joined.sum())
    assert np.allclose(new.centroids_[0], expected)


def test_a_batch_of_old_stories_makes_no_new_topic(fitted):
    model, rng = fitted
    texts, features, _ = _batch(rng, {0: 15, 1: 15, 2: 15})
    new, update = update_topic_model(model, texts, features, seed=1)
    assert update.n_new_topics == 0 and new.topic_ids_.tolist() == [0, 1, 2]
    assert update.assigned_share >= 0.9
    assert set(update.lineage.status) <= {"kept", "grew"}


def test_updates_chain_through_save_and_load_and_keep_each_batch(fitted, tmp_path):
    model, rng = fitted
    texts, features, _ = _batch(rng, {0: 10, 3: 25})
    first, update = update_topic_model(model, texts, features, seed=1, batch_name="monday")
    loaded = TopicModel.load(first.save(tmp_path / "m"))
    check_updatable(loaded)
    assert loaded.merge_cosine_ == pytest.approx(first.merge_cosine_)
    assert (loaded.word_counts_ != first.word_counts_).nnz == 0 and list(loaded.words_) == list(first.words_)
    texts, features, truth = _batch(rng, {3: 20, 1: 10})
    second, again = update_topic_model(loaded, texts, features, seed=1)
    assert again.n_new_topics == 0 and (again.topics[truth == 3] == 3).mean() >= 0.8  # the born topic takes them
    assert set(again.lineage.status) <= {"kept", "grew"}
    table = history_over_time(second)
    assert list(dict.fromkeys(table["bin"])) == ["fit", "monday", "update 2"]
    assert table.groupby("bin")["documents"].sum().to_dict() == {"fit": 110, "monday": 35, "update 2": 30}
    assert table.groupby("bin")["share"].sum().round(6).eq(1).all()


def test_dated_batches_extend_the_time_bins(fitted):
    model, rng = fitted
    stamps = pd.Series(pd.to_datetime(["2024-01-01", "2024-01-11"]))
    model.time_bins_ = TimeBins.fit(stamps, 2)  # two 5-day bins
    model.batches_ = [{"name": "fit", "rows": [["2024-01-01", 0, 40], ["2024-01-06", 1, 40], ["2024-01-06", 2, 30]]}]
    texts, features, _ = _batch(rng, {0: 5, 1: 5})
    new, _ = update_topic_model(model, texts, features, seed=1, dates=["2024-01-20"] * 10)
    assert new.time_bins_.names()[-1] == "2024-01-16" and model.time_bins_.names()[-1] == "2024-01-06"
    table = history_over_time(new)
    assert list(dict.fromkeys(table["bin"])) == ["2024-01-01", "2024-01-06", "2024-01-16"]


def test_the_merge_rule_merges_only_topics_as_close_as_two_halves_of_a_topic(fitted):
    model, rng = fitted
    assert model.merge_cosine_ > 0.9  # two halves of one topic; two topics sit at 0.5
    texts, features, _ = _batch(rng, {0: 30, 1: 30})
    _, update = update_topic_model(model, texts, features, seed=1)
    assert "merged" not in set(update.lineage.status)
    model.merge_cosine_ = -1.0  # a model whose halves were far apart: any pair a batch touches merges
    texts, features, _ = _batch(rng, {0: 10})
    new, update = update_topic_model(model, texts, features, seed=1, min_new_topic_size=1000)
    lineage = update.lineage.set_index("topic")
    merged = lineage[lineage.status == "merged"]
    assert len(new.topic_ids_) == 1 and len(merged) == 2 and set(merged.parent) == {0}
    assert lineage.loc[0, "size_after"] == 40 + 40 + 30 + (update.topics == 0).sum()
    assert set(update.topics.tolist()) <= {0, OUTLIER}
    assert {t: m["into"] for t, m in new.merged_.items()} == {1: 0, 2: 0}
    assert set(history_over_time(new).topic_label) >= {"Money", "Politics"}  # history keeps their names


def test_one_loose_topic_does_not_let_two_close_topics_of_the_fit_merge():
    """The merge bound is the median split-half cosine: with the lowest, one loose topic (its halves at ~0.7)
    would make any two topics closer than that merge as soon as a batch touches one of them."""
    rng = np.random.default_rng(5)
    near = _blob(rng, 1, 1)[0] + 0.25 * np.eye(DIM)[5]  # a centre between topics 0 and 1's
    parts = [_blob(rng, 0, 40), _blob(rng, 1, 40), _blob(rng, 2, 40), _blob(rng, 3, 40, spread=0.6),
             normalize_rows(near + 0.15 * rng.standard_normal((40, DIM)))]
    features, labels = np.vstack(parts), np.repeat(np.arange(5), 40)
    texts = [" ".join(rng.choice(WORDS[t % 4].split(), 5)) for t in labels]
    model = TopicModel("all-MiniLM-L6-v2", "embedding").fit(
        features, labels, {t: f"T{t}" for t in range(5)}, {t: [] for t in range(5)})
    learn_update_rules(model, features, labels, texts, n_keywords=5)
    unit = normalize_rows(model.centroids_)
    halves = [split_half_cosine(features[labels == t]) for t in range(5)]
    batch_texts, batch, _ = _batch(rng, {1: 30})
    _, update = update_topic_model(model, batch_texts, batch, seed=1)
    assert "merged" not in set(update.lineage.status) and update.lineage.status[1] == "grew"
    assert min(halves) < unit[1] @ unit[4] < model.merge_cosine_ == pytest.approx(np.median(halves))


def normalize_rows(x: np.ndarray) -> np.ndarray:
    x = np.atleast_2d(x)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_the_rules_come_from_the_training_documents(fitted):
    model, _ = fitted
    low, high = join_thresholds(model, 0.0), join_thresholds(model, 0.5)
    assert (low < high).all() and (high < 1).all()
    assert new_topic_min_size(model, 1000) == 250 * 40 // 110 + 1  # a quarter of the median topic's share (40 of 110)
    assert new_topic_min_size(model, 4) == 3
    with pytest.raises(TopiclabError, match="join_quantile"):
        join_thresholds(model, 1.5)


def test_a_side_of_an_old_topic_is_no_new_story_but_a_distinct_one_is(fitted):
    """The birth rule (``margin_``): a tight group at cosine 0.67 to Sport's centroid, about Sport's join
    threshold, stands less apart from Sport than the model's topics do from each other: no
    new topic (without the rule it would be one); a distinct story of as many documents is, and claims its
    documents that first joined an old topic."""
    model, rng = fitted
    assert 0.0 < model.margin_ < 1.0
    sport = model.centroids_[0] / np.linalg.norm(model.centroids_[0])
    side = 0.8 * sport + np.eye(DIM)[10]  # cosine 0.67 to Sport's centroid, about its join threshold
    side = side / np.linalg.norm(side) + 0.05 * rng.standard_normal((30, DIM))
    side /= np.linalg.norm(side, axis=1, keepdims=True)
    texts, features, _ = _batch(rng, {0: 20, 1: 20})
    batch = (texts + _texts(rng, 0, 30), np.vstack([features, side]))
    _, update = update_topic_model(model, *batch, seed=1)
    assert update.n_new_topics == 0 and set(update.topics[40:].tolist()) <= {0, OUTLIER}
    without_rule = copy.copy(model)
    without_rule.margin_ = None  # as a state saved before the rule: the side group is born
    assert update_topic_model(without_rule, *batch, seed=1)[1].n_new_topics == 1
    texts, features, truth = _batch(rng, {0: 20, 1: 20, 3: 30})
    _, update = update_topic_model(model, texts, features, seed=1)
    assert update.n_new_topics == 1 and (update.topics[truth == 3] == 3).mean() >= 0.9


def test_bad_batches_are_one_line_errors(fitted):
    model, rng = fitted
    texts, features, _ = _batch(rng, {0: 5})
    with pytest.raises(TopiclabError, match="the batch is empty"):
        update_topic_model(model, [], np.zeros((0, DIM)), seed=1)
    with pytest.raises(TopiclabError, match="embedded with another model or backend"):
        update_topic_model(model, texts, np.hstack([features, features]), seed=1)
    older = TopicModel("all-MiniLM-L6-v2", "embedding").fit(features, np.zeros(5, dtype=int), {0: "a"}, {0: []})
    with pytest.raises(TopiclabError, match="older topiclab") as raised:
        update_topic_model(older, texts, features, seed=1)
    assert "\n" not in str(raised.value)


def test_an_older_saved_model_loads_and_assigns_but_cannot_be_updated(fitted, tmp_path):
    model, rng = fitted
    folder = model.save(tmp_path / "m")
    (folder / "update_state.json").unlink()
    older = TopicModel.load(folder)
    texts, features, _ = _batch(rng, {0: 5})
    assert (older.predict_features(features)[0] == 0).all()
    with pytest.raises(TopiclabError, match="older topiclab"):
        update_topic_model(older, texts, features, seed=1)


def test_every_run_fits_an_updatable_topic_model(tmp_path):
    """The pipeline fills the update state (TF-IDF here: no embedder); a batch of a new subject updates it."""
    from topiclab.config import config_from_dict
    from topiclab.pipeline import run_experiment

    sport = ["the striker scored a late goal in the football match", "the keeper saved a penalty in the cup final",
             "the team won the league after a goal in extra time", "fans cheered as the club won the match"] * 3
    money = ["the central bank raised interest rates again", "shares fell as inflation data worried markets",
             "the bank cut its growth forecast and rates", "investors sold bonds as inflation rose"] * 3
    path = tmp_path / "small.csv"
    path.write_text("text\n" + "\n".join(f'"{t}"' for t in sport + money) + "\n", encoding="utf-8")
    config = config_from_dict({"name": "small", "data": {"path": str(path)}, "seed": 3,
                               "vectorize": {"representation": "tfidf"},
                               "cluster": {"k": 2}, "topics": {"coherence": False, "n_keywords": 4}})
    model = run_experiment(config).topic_model
    check_updatable(model)
    assert sum(model.sizes_.values()) == 24 and model.naming_["n_keywords"] == 4
    assert [b["name"] for b in model.batches_] == ["fit"]
    batch = sport[:4]
    new, update = update_topic_model(model, batch, model.features_of(batch), seed=3)
    assert update.n_new_topics == 0 and set(update.topics.tolist()) <= {*model.topic_ids_.tolist(), OUTLIER}


def test_documents_with_zero_vectors_are_outliers(fitted):
    """A TF-IDF/LSA vector of words the model never saw is all zeros: an outlier, never a group."""
    model, rng = fitted
    texts, features, _ = _batch(rng, {0: 5})
    zeros = np.zeros((6, DIM))
    _, update = update_topic_model(model, texts + ["unseen words"] * 6, np.vstack([features, zeros]), seed=1)
    assert (update.topics[5:] == OUTLIER).all() and update.n_new_topics == 0

"""The topic model as an object: it gives a k-means run's documents back their topics, saves and loads."""

import numpy as np
import pytest

from topiclab.config import config_from_dict
from topiclab.errors import TopiclabError
from topiclab.pipeline import run_experiment
from topiclab.topics import TopicModel

SPORT = ["the striker scored a late goal in the football match", "the keeper saved a penalty in the cup final",
         "the team won the league after a goal in extra time", "fans cheered as the club won the match"]
MONEY = ["the central bank raised interest rates again", "shares fell as inflation data worried markets",
         "the bank cut its growth forecast and rates", "investors sold bonds as inflation rose"]
HELD_OUT = ["a header in the last minute won the match for the club", "bond markets fell when the bank raised rates"]


@pytest.fixture
def corpus_csv(tmp_path):
    path = tmp_path / "small.csv"
    rows = [(t, "sport") for t in SPORT] + [(t, "money") for t in MONEY]
    path.write_text("text,label\n" + "\n".join(f'"{t}",{l}' for t, l in rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("representation", ["tfidf", "embedding", "combined"])
def test_kmeans_run_documents_get_their_topics_back(corpus_csv, representation, tmp_path):
    config = config_from_dict({"name": "small", "data": {"path": str(corpus_csv)},
                               "vectorize": {"representation": representation},
                               "cluster": {"k": 2}, "topics": {"taxonomy": None, "coherence": False}})
    result = run_experiment(config)
    model = result.topic_model
    texts = result.corpus.texts
    assigned = model.transform(texts)
    assert list(assigned.columns) == ["topic", "topic_label", "score"]
    assert (assigned.topic.to_numpy() == result.assignments).all()
    assert assigned.topic_label.tolist() == result.document_labels
    loaded = TopicModel.load(model.save(tmp_path / "saved"))
    again = loaded.transform(texts + HELD_OUT)
    assert (again.topic.to_numpy()[: len(texts)] == result.assignments).all()
    assert np.allclose(again.score.to_numpy()[: len(texts)], assigned.score.to_numpy(), atol=1e-5)
    if representation != "tfidf":  # new sentences (not in the corpus) land with their subject
        sport_topic = result.assignments[0]
        assert again.topic.iloc[-2] == sport_topic and again.topic.iloc[-1] != sport_topic


def test_a_folder_without_a_topic_model_is_refused(tmp_path):
    with pytest.raises(TopiclabError, match="holds no topic model"):
        TopicModel.load(tmp_path)


def test_all_outliers_give_no_model():
    model = TopicModel("x", "embedding")
    with pytest.raises(TopiclabError, match="no topic"):
        model.fit(np.zeros((3, 2)), np.array([-1, -1, -1]), {}, {})


def test_the_lsa_parts_are_saved_without_pickle_or_skops_and_older_saves_still_load(corpus_csv, tmp_path):
    import json
    import subprocess
    import sys

    from topiclab.persist import save_fitted

    config = config_from_dict({"name": "small", "data": {"path": str(corpus_csv)},
                               "vectorize": {"representation": "combined"},
                               "cluster": {"k": 2}, "topics": {"taxonomy": None, "coherence": False}})
    model = run_experiment(config).topic_model
    vocabulary = dict(model.lsa_[0].vocabulary_)
    folder = model.save(tmp_path / "saved")
    assert not list(folder.glob("*.skops"))
    terms = json.loads((folder / "lsa.json").read_text())["vocabulary"]
    assert {t: i for i, t in enumerate(terms)} == vocabulary
    loaded = TopicModel.load(folder)
    assert np.array_equal(loaded.features_of(SPORT), model.features_of(SPORT))
    # saving and loading never imports skops (its import walks all of scikit-learn: seconds per run)
    code = (f"import sys; from topiclab.topics import TopicModel; m = TopicModel.load({str(folder)!r}); "
            f"m.save({str(tmp_path / 'again')!r}); print('skops' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"
    for name in ("lsa.json", "lsa_idf.npy", "lsa_components.npy"):  # a model saved before: lsa.skops
        (folder / name).unlink()
    save_fitted(model.lsa_, folder / "lsa.skops")
    old = TopicModel.load(folder)
    assert old.lsa_[0].vocabulary_ == vocabulary
    assert (old.transform(SPORT).topic.to_numpy() == model.transform(SPORT).topic.to_numpy()).all()

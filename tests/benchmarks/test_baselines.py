"""Baselines through the same harness as the pipeline, logged the same way."""

from __future__ import annotations

import numpy as np
import pytest

from topiclab.benchmarks import BASELINES, run_baseline
from topiclab.data import Corpus, Document
from topiclab.errors import TopiclabError

TOPICS = {
    "sport": "goal striker league match coach stadium referee penalty season club",
    "markets": "shares investors profit market stocks bank earnings prices trading economy",
    "space": "rocket orbit astronaut launch satellite mission planet telescope lunar crew",
}


def _corpus(per_topic=20, seed=0) -> Corpus:
    rng = np.random.default_rng(seed)
    documents = []
    for label, words in TOPICS.items():
        vocab = words.split()
        for i in range(per_topic):
            text = "the " + " and the ".join(rng.choice(vocab, 7)) + " of it"
            documents.append(Document(id=f"{label}-{i}", text=text, label=label))
    return Corpus(name="toy", source="memory", format="memory", documents=documents, content_hash="0" * 64)


@pytest.mark.parametrize("method", ["tfidf_kmeans", "lda", "nmf"])
def test_bag_of_words_baselines_recover_clear_topics(method):
    corpus = _corpus()
    evaluation = run_baseline(method, corpus, k=3, seed=1)
    assert len(evaluation.assignments) == len(corpus.documents)
    assert evaluation.metrics["n_topics"] <= 3 and evaluation.metrics["outlier_share"] == 0.0
    assert evaluation.metrics["nmi"] > 0.6
    assert {"npmi", "c_v", "topic_diversity", "ari", "accuracy", "time_fit_s"} <= set(evaluation.metrics)
    words = {w for kws in evaluation.keywords.values() for w in kws}
    assert not words & {"the", "and", "of", "it"}  # the project's analyzer drops stop words
    assert evaluation.metrics["keyword_vocab_share"] == 1.0


def test_baselines_are_seeded():
    corpus = _corpus()
    first = run_baseline("lda", corpus, k=3, seed=5)
    second = run_baseline("lda", corpus, k=3, seed=5)
    assert np.array_equal(first.assignments, second.assignments)
    assert first.keywords == second.keywords


def test_bertopic_defaults_run_on_precomputed_embeddings():
    corpus = _corpus(per_topic=25)
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 16)) * 4
    truth = np.repeat(np.arange(3), 25)
    embeddings = (centres[truth] + rng.normal(size=(75, 16))).astype(np.float32)
    evaluation = run_baseline("bertopic_default", corpus, seed=3, embeddings=embeddings)
    assert evaluation.metrics["n_topics"] >= 2 and evaluation.metrics["nmi"] > 0.5
    # BERTopic's default vectoriser keeps stop words; the protocol cannot score them.
    words = {w for t, kws in evaluation.keywords.items() if t != -1 for w in kws}
    assert words & {"the", "and", "of", "it"}
    assert evaluation.metrics["keyword_vocab_share"] < 1.0
    with pytest.raises(TopiclabError, match="needs precomputed embeddings"):
        run_baseline("bertopic_default", corpus)


def test_bad_baseline_requests_are_one_line_errors():
    corpus = _corpus(per_topic=3)
    with pytest.raises(TopiclabError, match="unknown baseline 'pca'"):
        run_baseline("pca", corpus, k=2)
    with pytest.raises(TopiclabError, match="needs a number of topics"):
        run_baseline("nmf", corpus)
    with pytest.raises(TopiclabError, match="larger than the number of documents"):
        run_baseline("nmf", corpus, k=50)
    assert set(BASELINES) == {"bertopic_default", "tfidf_kmeans", "lda", "nmf"}


def test_a_baseline_is_logged_like_a_pipeline_run(shared_tracking_uri):
    from topiclab import tracking

    evaluation = run_baseline("nmf", _corpus(), k=3, seed=1)
    run_id = tracking.track_evaluation(evaluation, "baselines-test")
    run = tracking.client().get_run(run_id)
    assert run.info.status == "FINISHED"
    assert run.data.tags["data_hash"] == "0" * 64 and run.data.tags["method"] == "nmf"
    assert run.data.metrics["nmi"] == pytest.approx(evaluation.metrics["nmi"])
    assert run.data.metrics["npmi"] == pytest.approx(evaluation.metrics["npmi"])
    assert run.inputs.dataset_inputs[0].dataset.digest == "0" * 16
    artifacts = {a.path for a in tracking.client().list_artifacts(run_id)}
    assert {"topics.csv", "assignments.csv"} <= artifacts

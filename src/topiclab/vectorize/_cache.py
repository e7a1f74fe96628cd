"""The embedding cache: vectors on disk per model and per text.

A second run of the same experiment (or a sweep over it) encodes nothing.
Shards are written atomically: a killed run leaves no half-written file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from ..config import DEFAULT_EMBEDDING_BACKEND, DEFAULT_EMBEDDING_MODEL
from ..paths import EMBEDDING_CACHE_DIR, atomic_file
from ._chunks import ChunkedEmbedder
from ._auto import concrete_backend
from ._backends import backend_embedder
from ._embedders import BaseEmbedder

__all__ = ["EmbeddingCache", "CachedEmbedder", "make_embedder"]


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors keyed by text hash, in ``.npz`` shards under one folder per model."""

    def __init__(self, directory: Path, model_name: str):
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in model_name)[-60:]
        digest = hashlib.sha256(model_name.encode()).hexdigest()[:12]
        self.directory = Path(directory) / f"{safe}-{digest}"

    def load(self) -> dict[str, np.ndarray]:
        table: dict[str, np.ndarray] = {}
        if not self.directory.is_dir():
            return table
        for shard in sorted(self.directory.glob("*.npz")):
            with np.load(shard) as data:
                table.update(zip(data["keys"].tolist(), data["vectors"]))
        return table

    def store(self, keys: list[str], vectors: np.ndarray) -> Path:
        name = hashlib.sha256("".join(keys).encode()).hexdigest()[:24]
        target = self.directory / f"{name}.npz"
        with atomic_file(target) as out:  # readers see the whole shard or none
            np.savez(out, keys=np.array(keys), vectors=vectors.astype(np.float32))
        return target


class CachedEmbedder(BaseEmbedder):
    """Wraps an embedder with an on-disk cache; counts hits and misses."""

    def __init__(self, embedder: BaseEmbedder, cache_dir: Path = EMBEDDING_CACHE_DIR):
        self.embedder = embedder
        self.cache = EmbeddingCache(cache_dir, embedder.name)
        self.hits = 0
        self.misses = 0
        self._table: dict[str, np.ndarray] | None = None  # shards are read once per embedder

    @property
    def name(self) -> str:
        return self.embedder.name

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [_text_key(t) for t in texts]
        if self._table is None:
            self._table = self.cache.load()
        table = self._table
        missing = list(dict.fromkeys(k for k in keys if k not in table))
        self.hits += len(keys) - sum(1 for k in keys if k not in table)
        self.misses += len(missing)
        if missing:
            by_key = dict(zip(keys, texts))
            fresh = self.embedder.embed([by_key[k] for k in missing])
            self.cache.store(missing, fresh)
            table.update(zip(missing, fresh))
        return np.stack([table[k] for k in keys]).astype(np.float32)


def make_embedder(model: str = DEFAULT_EMBEDDING_MODEL, batch_size: int = 32, progress: bool = False,
                  cache_dir: Path | None = EMBEDDING_CACHE_DIR, chunk_words: int | None = None,
                  backend: str = DEFAULT_EMBEDDING_BACKEND) -> BaseEmbedder:
    """``model`` on ``backend`` behind the cache (one cache folder per model and backend); with
    ``chunk_words``, long texts as the mean of their chunks (cached per chunk)."""
    embedder = backend_embedder(model, concrete_backend(model, backend), batch_size, progress)
    embedder = CachedEmbedder(embedder, cache_dir) if cache_dir is not None else embedder
    return ChunkedEmbedder(embedder, chunk_words) if chunk_words else embedder

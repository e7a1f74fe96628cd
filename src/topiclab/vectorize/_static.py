"""A static (Model2Vec) distillation of the packaged MiniLM: a table lookup per token, no transformer.

``distill_static`` runs ``model2vec.distill`` once, offline from the packaged
model's path, and keeps the result under ``data/interim/models/``; the folder
appears whole (renamed into place) or not at all. Much faster than MiniLM and
less exact (it never reaches the 0.99 agreement ``auto`` asks for).
"""

from __future__ import annotations

import os
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..paths import INTERIM_DIR
from ._embedders import BaseEmbedder, default_model_path

__all__ = ["STATIC_DIR", "StaticEmbedder", "distill_static"]

STATIC_DIR = INTERIM_DIR / "models" / "all-MiniLM-L6-v2-static"


def distill_static(folder: Path = STATIC_DIR, source: Path | None = None) -> Path:
    """The distilled model's folder (made once; a second call finds it)."""
    if (folder / "config.json").is_file():
        return folder
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from model2vec.distill import distill

    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=f".{folder.name}-") as work:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = distill(model_name=str(source or default_model_path()), pca_dims=256)
        staged = Path(work) / "model"
        model.save_pretrained(staged)
        try:
            os.rename(staged, folder)  # one rename: the folder is whole or absent
        except OSError:  # another process put its (identical) distillation there first
            if not (folder / "config.json").is_file():
                raise
    return folder


@lru_cache(maxsize=2)
def _load(path: str):
    from model2vec import StaticModel

    return StaticModel.from_pretrained(path, normalize=True, force_download=False)


class StaticEmbedder(BaseEmbedder):
    """The Model2Vec distillation of MiniLM (256 dimensions); a text with no known token gives a zero row."""

    name = "all-MiniLM-L6-v2+static"

    def __init__(self, folder: Path = STATIC_DIR):
        self.folder = folder

    def embed(self, texts: list[str]) -> np.ndarray:
        model = _load(str(distill_static(self.folder)))
        if not texts:
            return np.zeros((0, model.dim), dtype=np.float32)
        # One process: the pool model2vec starts above 10,000 texts would fight a Spark or sweep worker for cores.
        vectors = np.asarray(model.encode(list(texts), use_multiprocessing=False), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)  # again in float32: the table is float16
        return vectors / np.where(norms > 0, norms, 1.0)

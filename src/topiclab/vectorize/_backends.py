"""Embedding backends: the same MiniLM run by torch (exact), onnxruntime (fp32 or int8), torch in bfloat16,
or replaced by its static Model2Vec distillation (``vectorize.embedding.backend``).

``backend_embedder`` builds the embedder of a backend; ``auto`` is first
resolved to a concrete backend (``_auto.concrete_backend``), so an embedder's ``name``
always names what really ran. torch keeps the model's bare name, so caches
made before backends existed stay valid; every other backend adds ``+backend``.
"""

from __future__ import annotations

import numpy as np

from ..config import DEFAULT_EMBEDDING_MODEL
from ..errors import TopiclabError
from ._embedders import BaseEmbedder, SentenceEmbedder, _load_sentence_transformer

__all__ = ["BACKENDS", "Bf16Embedder", "backend_embedder"]

BACKENDS = ("torch", "onnx", "onnx-int8", "torch-bf16", "static")  # concrete ones; "auto" picks among them


class Bf16Embedder(SentenceEmbedder):
    """sentence-transformers under ``torch.autocast("cpu", bfloat16)``; rows back in float32, normalised.

    Fast only on CPUs with AMX or AVX512-BF16; elsewhere far slower than fp32.
    """

    @property
    def name(self) -> str:
        return f"{self.model}+torch-bf16"

    def embed(self, texts: list[str]) -> np.ndarray:
        import torch

        model = _load_sentence_transformer(self.location)
        if not texts:
            return np.zeros((0, model.get_embedding_dimension()), dtype=np.float32)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            vectors = model.encode(list(texts), batch_size=self.batch_size, show_progress_bar=self.progress,
                                   convert_to_tensor=True)
        vectors = vectors.float().cpu().numpy()
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)


def backend_embedder(model: str = DEFAULT_EMBEDDING_MODEL, backend: str = "torch", batch_size: int = 32,
                     progress: bool = False) -> BaseEmbedder:
    """The uncached embedder of ``model`` on a concrete ``backend`` (``make_embedder`` resolves ``auto``)."""
    if backend == "auto":
        raise TopiclabError("backend 'auto' must be resolved first (vectorize.concrete_backend)")
    if backend == "torch":
        return SentenceEmbedder(model, batch_size, progress)
    if backend not in BACKENDS:
        raise TopiclabError(f"unknown embedding backend {backend!r}: choose auto or one of {', '.join(BACKENDS)}")
    if model.split("/")[-1] != DEFAULT_EMBEDDING_MODEL:
        raise TopiclabError(f"embedding backend {backend!r} runs only {DEFAULT_EMBEDDING_MODEL}, not {model!r}: "
                            "use backend torch for other models")
    if backend == "torch-bf16":
        return Bf16Embedder(model, batch_size, progress)
    if backend == "static":
        from ._static import StaticEmbedder

        return StaticEmbedder()
    from ._onnx import OnnxEmbedder

    return OnnxEmbedder(quantized=backend == "onnx-int8", batch_size=batch_size)


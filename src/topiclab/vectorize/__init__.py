"""Stage 3, vectorize: texts -> vectors (sentence embeddings, TF-IDF, or both).

Embedders plug in through ``BaseEmbedder``; ``make_embedder`` gives the offline
MiniLM behind an on-disk cache keyed by model, backend and text (backends:
torch, onnxruntime fp32/int8, bfloat16, a static distillation, or auto); ``ChunkedEmbedder`` reads
long texts whole, as the mean of the embeddings of their chunks.
"""

from ._auto import (AGREEMENT, AUTO_RECORD, CANDIDATES, auto_choice, auto_entry, auto_record, backend_params, concrete_backend, cpu_model, has_bf16_units, machine, resolve_backend,
                    sample_texts)
from ._backends import BACKENDS, Bf16Embedder, backend_embedder
from ._chunks import CHUNK_WORDS, MAX_CHUNKS, ChunkedEmbedder, text_chunks
from ._cache import CachedEmbedder, EmbeddingCache, make_embedder
from ._embedders import BaseEmbedder, SentenceEmbedder, default_model_path, unload_models
from ._features import Vectors, fit_lsa, lsa_vectors, smooth_in_context, tfidf_vectors, vectorize
from ._lsa_files import LSA_SETTINGS, load_lsa, save_lsa
from ._onnx import OnnxEmbedder, export_onnx
from ._static import StaticEmbedder, distill_static

__all__ = ["BACKENDS", "backend_embedder", "backend_params", "concrete_backend", "Bf16Embedder", "OnnxEmbedder", "export_onnx",
           "StaticEmbedder", "distill_static", "AGREEMENT", "AUTO_RECORD", "CANDIDATES", "auto_entry", "auto_record", "auto_choice", "resolve_backend", "sample_texts",
           "cpu_model", "has_bf16_units", "machine",
           "BaseEmbedder", "SentenceEmbedder", "default_model_path", "unload_models", "EmbeddingCache",
           "CHUNK_WORDS", "MAX_CHUNKS", "ChunkedEmbedder", "text_chunks", "CachedEmbedder", "make_embedder", "fit_lsa", "lsa_vectors", "tfidf_vectors", "smooth_in_context", "Vectors", "vectorize",
           "LSA_SETTINGS", "save_lsa", "load_lsa"]

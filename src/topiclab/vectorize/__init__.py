"""Stage 3, vectorize: texts -> vectors (sentence embeddings, TF-IDF, or both).

Embedders plug in through ``BaseEmbedder``; ``make_embedder`` gives the offline
MiniLM behind an on-disk cache keyed by model and text; ``ChunkedEmbedder`` reads
long texts whole, as the mean of the embeddings of their chunks.
"""

from ._chunks import CHUNK_WORDS, ChunkedEmbedder, text_chunks
from ._cache import CachedEmbedder, EmbeddingCache, make_embedder
from ._embedders import BaseEmbedder, SentenceEmbedder, default_model_path, unload_models
from ._features import Vectors, fit_lsa, lsa_vectors, smooth_in_context, tfidf_vectors, vectorize

__all__ = ["BaseEmbedder", "SentenceEmbedder", "default_model_path", "unload_models", "EmbeddingCache",
           "CHUNK_WORDS", "ChunkedEmbedder", "text_chunks", "CachedEmbedder", "make_embedder", "fit_lsa", "lsa_vectors", "tfidf_vectors", "smooth_in_context", "Vectors", "vectorize"]

"""Long texts embedded whole: the mean of the embeddings of their chunks.

A sentence model reads only the start of a long text (MiniLM: 256 word
pieces, about 190 words), so the rest of a news article is lost. A
``ChunkedEmbedder`` cuts a text longer than ``words`` words into consecutive
pieces of whole sentences of at most ``words`` words each (a longer sentence is
cut by words), embeds every piece with the embedder it wraps (and its cache),
and returns the unit mean of the pieces. A text of at most ``words`` words is
one piece, the text itself: short texts get exactly their plain embedding.
A text of more than ``MAX_CHUNKS`` pieces (some 9,600 words, far beyond a news
article) is read through ``MAX_CHUNKS`` of them spread evenly from its first
to its last, so its cost is bounded: a 1 MB text would otherwise take minutes.
"""

from __future__ import annotations

import numpy as np

from ..data import split_sentences
from ._embedders import BaseEmbedder

__all__ = ["CHUNK_WORDS", "MAX_CHUNKS", "text_chunks", "ChunkedEmbedder"]

CHUNK_WORDS = 150  # about 200 MiniLM word pieces: each piece is read whole
MAX_CHUNKS = 64  # the longest BBC article is 25 pieces; 64 take ~5 s on 2 cores, under a server's timeout


def text_chunks(text: str, words: int = CHUNK_WORDS) -> list[str]:
    """``text`` as pieces of consecutive sentences, at most ``words`` words each; short texts unchanged."""
    if len(text.split()) <= words:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    for sentence in split_sentences(text):
        tokens = sentence.split()
        while len(tokens) > words:  # a sentence longer than a piece: cut by words
            if current:
                pieces.append(" ".join(current))
                current = []
            pieces.append(" ".join(tokens[:words]))
            tokens = tokens[words:]
        if current and len(current) + len(tokens) > words:
            pieces.append(" ".join(current))
            current = []
        current += tokens
    if current:
        pieces.append(" ".join(current))
    return pieces or [text]


def _spread(pieces: list[str], most: int = MAX_CHUNKS) -> list[str]:
    """At most ``most`` of ``pieces``, evenly spaced, the first and the last among them; all if fewer."""
    if len(pieces) <= most:
        return pieces
    return [pieces[i] for i in np.linspace(0, len(pieces) - 1, most).round().astype(int)]


class ChunkedEmbedder(BaseEmbedder):
    """``embedder`` over the chunks of each text (``text_chunks``, at most ``MAX_CHUNKS``), averaged and
    L2-normalised."""

    def __init__(self, embedder: BaseEmbedder, words: int = CHUNK_WORDS):
        self.embedder = embedder
        self.words = words

    @property
    def name(self) -> str:
        return f"{self.embedder.name}|chunks{self.words}"

    def embed(self, texts: list[str]) -> np.ndarray:
        pieces = [_spread(text_chunks(text, self.words)) for text in texts]
        flat = [piece for chunks in pieces for piece in chunks]
        vectors = np.asarray(self.embedder.embed(flat), dtype=np.float64)
        if not len(texts):
            return vectors.astype(np.float32)
        owner = np.repeat(np.arange(len(texts)), [len(chunks) for chunks in pieces])
        means = np.zeros((len(texts), vectors.shape[1]))
        np.add.at(means, owner, vectors)
        norms = np.linalg.norm(means, axis=1, keepdims=True)
        return (means / np.maximum(norms, 1e-12)).astype(np.float32)

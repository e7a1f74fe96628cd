"""The project's one text analyzer: which tokens count, for every stage and method.

Tokens are runs of at least 2 letters (no digits, no underscores), lower-cased,
English stop words removed. Keywords, coherence, TF-IDF features, the
refinement's word view, the classifiers, the segmenter's lexical similarity
and the baselines all build their bag of words here, so a word means the same
thing everywhere.
"""

from __future__ import annotations

from typing import Literal

from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

__all__ = ["TOKEN_PATTERN", "STOP_WORDS", "word_vectorizer", "tokenize"]

TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"
STOP_WORDS = "english"


def word_vectorizer(weighting: Literal["count", "tfidf"] = "count", **options) -> CountVectorizer:
    """An unfitted scikit-learn bag-of-words vectoriser with the project's analyzer.

    ``weighting="tfidf"`` gives a ``TfidfVectorizer``; ``options`` are passed on
    (``min_df``, ``max_features``, ``ngram_range``, ``sublinear_tf``...).
    """
    kind = TfidfVectorizer if weighting == "tfidf" else CountVectorizer
    return kind(stop_words=STOP_WORDS, token_pattern=TOKEN_PATTERN, **options)


def tokenize(texts: list[str]) -> list[list[str]]:
    """Each text as the analyzer's token list, in order (for coherence and co-occurrence)."""
    analyzer = word_vectorizer().build_analyzer()
    return [analyzer(text) for text in texts]

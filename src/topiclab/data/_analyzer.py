"""The project's one text analyzer: which tokens count, for every stage and method.

Tokens are runs of at least 2 letters (no digits, no underscores), lower-cased,
English stop words removed. Keywords, coherence, TF-IDF features, the
refinement's word view, the classifiers, the segmenter's lexical similarity
and the baselines all build their bag of words here, so a word means the same
thing everywhere.

Two stop lists: ``english`` (scikit-learn's) everywhere, and ``english+news``,
which adds the words every news story uses whatever it is about (reporting
verbs, titles, weekdays, months, calendar and generic words). Topic keywords
take ``english+news`` by default (``topics.stop_words``), so "said" never names
a topic; the coherence protocol keeps ``english`` for every method, so its
scores compare across methods and with earlier runs.
"""

from __future__ import annotations

from typing import Literal

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer

__all__ = ["TOKEN_PATTERN", "STOP_WORDS", "STOP_LISTS", "NEWS_STOP_WORDS", "StopList", "stop_words",
           "word_vectorizer", "tokenize"]

TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"
STOP_WORDS = "english"
StopList = Literal["english", "english+news"]
STOP_LISTS = ("english", "english+news")

_REPORTING = ("said says say saying told tells tell telling added adding according reported reports reporting "
              "announced asked stated statement spokesman spokeswoman spokesperson quoted claimed")
_TITLES = "mr mrs ms miss dr sir prof"
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday"
_MONTHS = "january february march april june july august september october november december"
_CALENDAR = ("year years week weeks month months day days today yesterday tomorrow tonight time times "
             "ago earlier later annual")
_GENERIC = "new just like including did does make made got going way lot use used want wanted"
NEWS_STOP_WORDS = frozenset(" ".join((_REPORTING, _TITLES, _WEEKDAYS, _MONTHS, _CALENDAR, _GENERIC)).split())


def stop_words(name: StopList = STOP_WORDS) -> frozenset[str]:
    """The words stop list ``name`` removes."""
    if name == "english":
        return ENGLISH_STOP_WORDS
    if name == "english+news":
        return ENGLISH_STOP_WORDS | NEWS_STOP_WORDS
    raise ValueError(f"unknown stop list {name!r} (known: {', '.join(STOP_LISTS)})")


def word_vectorizer(weighting: Literal["count", "tfidf"] = "count", stop_list: StopList = STOP_WORDS,
                    **options) -> CountVectorizer:
    """An unfitted scikit-learn bag-of-words vectoriser with the project's analyzer.

    ``weighting="tfidf"`` gives a ``TfidfVectorizer``; ``stop_list`` names the
    stop words (``english`` or ``english+news``); ``options`` are passed on
    (``min_df``, ``max_features``, ``ngram_range``, ``sublinear_tf``...).
    """
    kind = TfidfVectorizer if weighting == "tfidf" else CountVectorizer
    words = STOP_WORDS if stop_list == STOP_WORDS else sorted(stop_words(stop_list))
    return kind(stop_words=words, token_pattern=TOKEN_PATTERN, **options)


def tokenize(texts: list[str], stop_list: StopList = STOP_WORDS) -> list[list[str]]:
    """Each text as the analyzer's token list, in order (for coherence and co-occurrence)."""
    analyzer = word_vectorizer(stop_list=stop_list).build_analyzer()
    return [analyzer(text) for text in texts]

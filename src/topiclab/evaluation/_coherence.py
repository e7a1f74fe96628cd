"""Topic coherence (NPMI, C_v) with gensim, under one protocol for every method.

Protocol: the evaluated corpus itself is the reference, tokenised by the
project's analyzer (``data.tokenize``: English stop words removed,
tokens of at least 2 letters); the top-10 words of each topic, outlier topic
excluded; gensim's ``CoherenceModel`` with its default windows. A keyword the
analyzer never produces (a stop word, a number) has no counts in the
reference; it is dropped from its topic before scoring and the share of kept
keywords is reported beside the scores, so such topics are not silently
flattered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..cluster import OUTLIER
from ..data import tokenize

__all__ = ["MEASURES", "ReferenceCorpus", "reference_corpus", "topic_coherence"]

# gensim measure -> the metric name we log
MEASURES = {"c_npmi": "npmi", "c_v": "c_v"}


@dataclass
class ReferenceCorpus:
    """Tokenised texts and their gensim dictionary: built once, scored many times."""

    tokens: list[list[str]]
    dictionary: object  # gensim.corpora.Dictionary

    def __contains__(self, word: str) -> bool:
        return word in self.dictionary.token2id


def reference_corpus(texts: list[str]) -> ReferenceCorpus:
    from gensim.corpora import Dictionary

    tokens = tokenize(texts)  # the same tokens for every method
    return ReferenceCorpus(tokens=tokens, dictionary=Dictionary(tokens))


def _usable_topics(keywords: dict[int, list[str]], reference: ReferenceCorpus,
                   top_n: int) -> tuple[list[list[str]], int, int]:
    topics, kept, total = [], 0, 0
    for topic, words in sorted(keywords.items()):
        if topic == OUTLIER:
            continue
        top = list(dict.fromkeys(words))[:top_n]
        usable = [w for w in top if w in reference]
        total += len(top)
        kept += len(usable)
        if len(usable) >= 2:  # coherence is about pairs of words
            topics.append(usable)
    return topics, kept, total


def topic_coherence(keywords: dict[int, list[str]], reference: ReferenceCorpus | list[str],
                    top_n: int = 10, measures: tuple[str, ...] = tuple(MEASURES)) -> dict[str, float]:
    """Mean coherence over topics for each measure, plus the share of keywords scored.

    Returns ``{"npmi": ..., "c_v": ..., "keyword_vocab_share": ..., "n_scored_topics": ...}``;
    NaN where no topic has two scorable words.
    """
    from gensim.models.coherencemodel import CoherenceModel

    if not isinstance(reference, ReferenceCorpus):
        reference = reference_corpus(list(reference))
    topics, kept, total = _usable_topics(keywords, reference, top_n)
    scores: dict[str, float] = {
        "keyword_vocab_share": kept / total if total else float("nan"),
        "n_scored_topics": float(len(topics)),
    }
    for measure in measures:
        name = MEASURES.get(measure, measure)
        if not topics:
            scores[name] = float("nan")
            continue
        model = CoherenceModel(topics=topics, texts=reference.tokens, dictionary=reference.dictionary,
                               coherence=measure, topn=top_n, processes=1)
        per_topic = [v for v in model.get_coherence_per_topic() if not math.isnan(v)]
        scores[name] = float(np.mean(per_topic)) if per_topic else float("nan")
    return scores

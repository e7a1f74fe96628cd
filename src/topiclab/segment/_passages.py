"""Articles and passages of a dump as documents of a corpus.

Every document keeps its 1-based line span of the raw dump (``line_start``,
``line_end``) and its article's id, so results map back to the raw text.
"""

from __future__ import annotations

from dataclasses import replace

from ..config import PassageConfig, SegmentConfig
from ..data import Corpus, Document
from ._features import LineEncoder
from ._segmenters import BaseSegmenter, Span, make_segmenter, segment_lines
from ._text import split_sentences

__all__ = ["split_passages", "needs_segmenting", "segment_corpus"]


def _pieces(line: str, max_chars: int) -> list[str]:
    """Sentences of a line, any longer than ``max_chars`` cut into chunks."""
    pieces = []
    for sentence in split_sentences(line):
        pieces += [sentence[i:i + max_chars] for i in range(0, len(sentence), max_chars)]
    return pieces


def split_passages(lines: list[str], span: Span, config: PassageConfig) -> list[Span]:
    """Passages of one article: its paragraphs, or windows of sentences.

    ``paragraph``: each non-blank line (cut at sentence ends into pieces of at
    most ``max_chars``). ``sentences``: windows of ``size`` sentences, each
    starting ``size - overlap`` sentences after the previous one, never
    crossing the article's end.
    """
    sentences: list[tuple[int, str]] = []  # (line number, sentence)
    boilerplate = set(span.boilerplate)
    for number in range(span.line_start, span.line_end + 1):
        line = lines[number - 1].strip()
        if not line or number in boilerplate:  # boilerplate stays in the span, not in its text
            continue
        if config.unit == "paragraph" and len(line) <= config.max_chars:
            sentences.append((number, line))
            continue
        pieces = _pieces(line, config.max_chars)
        if config.unit == "paragraph":  # greedily pack a long paragraph's sentences
            packed: list[str] = []
            for piece in pieces:
                if packed and len(packed[-1]) + 1 + len(piece) <= config.max_chars:
                    packed[-1] += " " + piece
                else:
                    packed.append(piece)
            pieces = packed
        sentences += [(number, piece) for piece in pieces]
    if config.unit == "paragraph":
        groups = [[item] for item in sentences]
    else:
        step = config.size - config.overlap
        last_start = max(len(sentences) - config.size, 0)
        starts = list(range(0, last_start + 1, step))
        if starts[-1] != last_start:
            starts.append(last_start)  # the article's last sentences get a window too
        groups = [sentences[s:s + config.size] for s in starts]
    return [Span(i, group[0][0], group[-1][0], " ".join(text for _, text in group))
            for i, group in enumerate(groups)]


def needs_segmenting(corpus: Corpus, config: SegmentConfig) -> bool:
    """Only dumps are segmented, and only at article or passage level."""
    return corpus.format == "dump" and config.level != "line"


def segment_corpus(corpus: Corpus, config: SegmentConfig, segmenter: BaseSegmenter | None = None,
                   embedder: LineEncoder | None = None) -> Corpus:
    """Articles (or passages) of a dump as documents; other corpora pass through.

    ``segmenter`` defaults to ``make_segmenter(config)``; ``embedder`` is the one
    it needs, if any. Article ids are ``<dump>:A001``...; passages are
    ``<dump>:A001:P001``... and carry their article's id in ``article_id``.
    """
    if not needs_segmenting(corpus, config):
        return corpus
    segmenter = segmenter or make_segmenter(config)
    # data.limit counts documents, so a limited dump is segmented whole and cut below, after segmenting
    # (as data.sample draws); otherwise only up to the last line the loader kept.
    last = None if corpus.limit is not None else max(d.line_end for d in corpus.documents
                                                     if d.line_end is not None)
    spans = segment_lines(corpus.lines[:last], segmenter, embedder, pages=config.pages)
    width = max(3, len(str(len(spans))))
    documents: list[Document] = []
    for span in spans:
        article_id = f"{corpus.name}:A{span.index + 1:0{width}d}"
        if config.level == "article":
            documents.append(Document(id=article_id, text=span.text, line_start=span.line_start,
                                      line_end=span.line_end, article_id=article_id))
            continue
        for passage in split_passages(corpus.lines, span, config.passage):
            documents.append(Document(id=f"{article_id}:P{passage.index + 1:03d}", text=passage.text,
                                      line_start=passage.line_start, line_end=passage.line_end,
                                      article_id=article_id))
    return replace(corpus, documents=documents[:corpus.limit])

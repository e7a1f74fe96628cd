"""Split raw dumps into articles, and articles into passages.

A dump is one paragraph (or sentence) per line, articles concatenated with
nothing between them. A segmenter looks at the gaps between consecutive
non-blank lines and says which gaps are article boundaries:

- ``none``: every line is an article (what clustering lines amounts to);
- ``blankline``: blank lines separate articles (baseline for dumps that have them);
- ``fixed``: a boundary every ``fixed_lines`` lines (baseline);
- ``texttiling``: dips in the embedding similarity of line windows (Hearst's TextTiling);
- ``learned``: a logistic-regression boundary classifier over similarity and style
  features, trained on synthetic dumps (``topiclab segment-train``); the default.

Every article keeps its 1-based line span; spans partition the dump (a blank
line belongs to the article before it), so results map back to the raw text.

Degenerate dumps: a dump with a single non-blank line is one article (nothing
to compare); a dump with no non-blank line is an error. A huge line is only read
through its first and last few thousand characters, so time and memory stay
linear; passages of a huge line are cut every ``passage.max_chars`` characters.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .config import PassageConfig, SegmentConfig
from .corpus import Corpus, Document
from .errors import TopiclabError
from .segment_features import depth_scores, gap_features, line_views, window_similarity
from .segment_model import BoundaryModel, decode_boundaries, load_boundary_model
from .segment_text import is_truncated, split_sentences
from .vectorize import BaseEmbedder, make_embedder

__all__ = [
    "Dump",
    "Span",
    "BaseSegmenter",
    "LineSegmenter",
    "BlankLineSegmenter",
    "FixedSegmenter",
    "TextTilingSegmenter",
    "LearnedSegmenter",
    "SEGMENTERS",
    "make_segmenter",
    "embedder_for",
    "article_spans",
    "segment_lines",
    "split_passages",
    "segment_corpus",
]


@dataclass(frozen=True)
class Dump:
    """The non-blank lines of a raw dump, with where they came from."""

    lines: list[str]  # every raw line, blank ones included
    units: list[str]  # the non-blank lines, stripped
    line_numbers: np.ndarray  # 1-based raw line of each unit
    blank_gaps: np.ndarray  # per gap between units: was there a blank line?

    @classmethod
    def from_lines(cls, lines: list[str]) -> "Dump":
        numbers = [i for i, line in enumerate(lines, start=1) if line.strip()]
        if not numbers:
            raise TopiclabError("dump holds no text: every line is blank")
        units = [lines[i - 1].strip() for i in numbers]
        line_numbers = np.asarray(numbers)
        return cls(lines=lines, units=units, line_numbers=line_numbers,
                   blank_gaps=np.diff(line_numbers) > 1)

    @property
    def n_gaps(self) -> int:
        return len(self.units) - 1


@dataclass(frozen=True)
class Span:
    """One segment: 1-based inclusive line span of the raw dump, and its text."""

    index: int
    line_start: int
    line_end: int
    text: str


class BaseSegmenter:
    """Plug-in point: ``boundaries(dump)`` marks the gaps where a new article starts."""

    name = "base"
    needs_embedder = False

    def boundaries(self, dump: Dump, embedder: BaseEmbedder | None = None) -> np.ndarray:
        raise NotImplementedError


class LineSegmenter(BaseSegmenter):
    """Every line its own article."""

    name = "none"

    def boundaries(self, dump, embedder=None):
        return np.ones(dump.n_gaps, dtype=bool)


class BlankLineSegmenter(BaseSegmenter):
    """Blank lines separate articles; a dump without them is one article."""

    name = "blankline"

    def boundaries(self, dump, embedder=None):
        return dump.blank_gaps.copy()


class FixedSegmenter(BaseSegmenter):
    """A boundary every ``lines`` non-blank lines."""

    name = "fixed"

    def __init__(self, lines: int = 10):
        self.lines = lines

    def boundaries(self, dump, embedder=None):
        return (np.arange(dump.n_gaps) + 1) % self.lines == 0


class TextTilingSegmenter(BaseSegmenter):
    """TextTiling over sentence embeddings.

    The similarity of the ``window`` lines before and after each gap is
    compared with its neighbourhood (depth score); gaps whose depth is a local
    peak above ``mean + cutoff * std`` of all depths are boundaries.
    """

    name = "texttiling"
    needs_embedder = True

    def __init__(self, window: int = 5, cutoff: float = 1.0):
        self.window = window
        self.cutoff = cutoff

    def boundaries(self, dump, embedder=None):
        if dump.n_gaps == 0:
            return np.zeros(0, dtype=bool)
        if embedder is None:
            raise TopiclabError("the texttiling segmenter needs an embedding model")
        views = line_views(dump.units, embedder)
        depth = depth_scores(window_similarity(views.mean, self.window))
        padded = np.concatenate([[-np.inf], depth, [-np.inf]])
        peak = (depth >= padded[:-2]) & (depth >= padded[2:]) & (depth > 0)
        return peak & (depth > depth.mean() + self.cutoff * depth.std())


class LearnedSegmenter(BaseSegmenter):
    """Boundary classifier over ``segment_features.gap_features``.

    ``model`` is a fitted ``BoundaryModel`` (default: the one shipped with
    topiclab, trained on synthetic BBC dumps); ``threshold`` overrides its
    decision threshold. Boundaries are decoded with the model's prior against
    one-line articles that are not cut off (``segment_model.decode_boundaries``).
    """

    name = "learned"
    needs_embedder = True

    def __init__(self, model: BoundaryModel | None = None, threshold: float | None = None):
        self.model = model
        self.threshold = threshold

    def boundary_model(self) -> BoundaryModel:
        """The given model, else the shipped one, read once per segmenter (not once per dump)."""
        if self.model is None:
            self.model = load_boundary_model()
        return self.model

    def probabilities(self, dump: Dump, embedder: BaseEmbedder | None) -> np.ndarray:
        """P(boundary) of each gap."""
        if dump.n_gaps == 0:
            return np.zeros(0)
        if embedder is None:
            raise TopiclabError("the learned segmenter needs an embedding model")
        return self.boundary_model().probabilities(gap_features(dump.units, embedder))

    def boundaries(self, dump, embedder=None):
        model = self.boundary_model()
        threshold = model.threshold if self.threshold is None else self.threshold
        complete = [not is_truncated(unit) for unit in dump.units]
        return decode_boundaries(self.probabilities(dump, embedder), complete, threshold,
                                 model.single_line_penalty)


SEGMENTERS = {
    "none": LineSegmenter,
    "blankline": BlankLineSegmenter,
    "fixed": FixedSegmenter,
    "texttiling": TextTilingSegmenter,
    "learned": LearnedSegmenter,
}


def make_segmenter(config: SegmentConfig) -> BaseSegmenter:
    if config.method == "fixed":
        return FixedSegmenter(config.fixed_lines)
    if config.method == "texttiling":
        return TextTilingSegmenter(config.window, config.cutoff)
    if config.method == "learned":
        model = load_boundary_model(config.model) if config.model else None
        return LearnedSegmenter(model, config.threshold)
    return SEGMENTERS[config.method]()


def article_spans(dump: Dump, boundaries: np.ndarray) -> list[Span]:
    """Spans that partition all raw lines; a blank line joins the article before it."""
    boundaries = np.asarray(boundaries, dtype=bool)
    if boundaries.shape != (dump.n_gaps,):
        raise TopiclabError(f"expected {dump.n_gaps} boundary flags, got {boundaries.shape[0]}")
    starts = np.concatenate([[0], np.flatnonzero(boundaries) + 1])  # unit index of each article
    ends = np.concatenate([starts[1:], [len(dump.units)]])
    spans = []
    for index, (first, stop) in enumerate(zip(starts, ends)):
        line_start = 1 if index == 0 else int(dump.line_numbers[first])
        line_end = len(dump.lines) if stop == len(dump.units) else int(dump.line_numbers[stop]) - 1
        spans.append(Span(index, line_start, line_end, "\n".join(dump.units[first:stop])))
    return spans


def embedder_for(segmenter: BaseSegmenter, embedder: BaseEmbedder | None) -> BaseEmbedder | None:
    """The embedder a segmenter needs: ``embedder`` if it is the right model, else a cached one."""
    if not segmenter.needs_embedder:
        return None
    wanted = segmenter.boundary_model().embedding_model if isinstance(segmenter, LearnedSegmenter) else None
    if embedder is not None and (wanted is None or embedder.name.split("/")[-1] == wanted):
        return embedder
    return make_embedder(wanted) if wanted else make_embedder()


def segment_lines(lines: list[str], segmenter: BaseSegmenter,
                  embedder: BaseEmbedder | None = None) -> list[Span]:
    """Articles of a dump given as its raw lines."""
    dump = Dump.from_lines(lines)
    if dump.n_gaps == 0:  # a single line: one article, nothing to compare
        return article_spans(dump, np.zeros(0, dtype=bool))
    return article_spans(dump, segmenter.boundaries(dump, embedder_for(segmenter, embedder)))


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
    for number in range(span.line_start, span.line_end + 1):
        line = lines[number - 1].strip()
        if not line:
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


def segment_corpus(corpus: Corpus, config: SegmentConfig,
                   embedder: BaseEmbedder | None = None) -> Corpus:
    """Articles (or passages) of a dump as documents; other corpora pass through.

    Article ids are ``<dump>:A001``...; passages are ``<dump>:A001:P001``...
    and carry their article's id in ``article_id``.
    """
    if corpus.format != "dump" or config.level == "line":
        return corpus
    segmenter = make_segmenter(config)
    # Only the lines the loader kept (data.limit keeps the first documents of a dump).
    last = max(d.line_end for d in corpus.documents if d.line_end is not None)
    spans = segment_lines(corpus.lines[:last], segmenter, embedder)
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
    return replace(corpus, documents=documents)

"""Split raw dumps into articles, and articles into passages.

A dump is one paragraph (or sentence) per line, articles concatenated with
nothing between them. A segmenter looks at the gaps between consecutive
non-blank lines and says which gaps are article boundaries:

- ``none``: every line is an article (what clustering lines amounts to);
- ``blankline``: blank lines separate articles (baseline for dumps that have them);
- ``fixed``: a boundary every ``fixed_lines`` lines (baseline);
- ``texttiling``: dips in the embedding similarity of line windows (Hearst's TextTiling);
- ``learned``: a small ensemble of neural networks over similarity, style and case cues
  (``_features``, ``_cues``), trained on synthetic dumps (``topiclab segment-train``); the default.

Passages (``_passages``) cut each article further.

Every article keeps its 1-based line span; spans partition the dump (a blank
line belongs to the article before it), so results map back to the raw text.

Degenerate dumps: a dump with a single non-blank line is one article (nothing
to compare); a dump with no non-blank line is an error. A huge line is only read
through its first and last few thousand characters, so time and memory stay
linear; passages of a huge line are cut every ``passage.max_chars`` characters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import SegmentConfig
from ..errors import TopiclabError
from ._boilerplate import BoilerplateMarker
from ._features import LineEncoder, depth_scores, gap_features, line_views, window_similarity
from ._model import BoundaryModel, decode_boundaries, load_boundary_model
from ._page_states import PageStateModel
from ._pages import MAX_CHROME_SHARE, opening_lines, page_layout, shipped_page_state_model, web_page_boundaries
from ._text import is_truncated

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
    "article_spans",
    "marked_dump",
    "segment_dump",
    "segment_lines",
]


@dataclass(frozen=True)
class Dump:
    """The content lines of a raw dump, with where they came from."""

    lines: list[str]  # every raw line, blank and boilerplate ones included
    units: list[str]  # the non-blank content lines, stripped
    line_numbers: np.ndarray  # 1-based raw line of each unit
    blank_gaps: np.ndarray  # per gap between units: was there a blank line?
    boilerplate: np.ndarray | None = None  # per raw line: marked boilerplate (None: not marked)

    @classmethod
    def from_lines(cls, lines: list[str], boilerplate: np.ndarray | None = None) -> "Dump":
        """``boilerplate``: one flag per raw line; marked lines are no units (they stay in spans)."""
        blank = np.fromiter((not line.strip() for line in lines), dtype=bool, count=len(lines))
        content = ~blank if boilerplate is None else ~blank & ~np.asarray(boilerplate, dtype=bool)
        numbers = np.flatnonzero(content) + 1
        if not len(numbers):
            if boilerplate is not None and (~blank).any():
                raise TopiclabError("dump holds only boilerplate lines (menus, prompts, notices): no article text")
            raise TopiclabError("dump holds no text: every line is blank")
        units = [lines[i - 1].strip() for i in numbers]
        blanks_before = np.concatenate([[0], np.cumsum(blank)])  # blank lines among the first i lines
        blank_gaps = blanks_before[numbers[1:] - 1] > blanks_before[numbers[:-1]]
        return cls(lines=lines, units=units, line_numbers=numbers, blank_gaps=blank_gaps,
                   boilerplate=None if boilerplate is None else np.asarray(boilerplate, dtype=bool))

    @property
    def n_gaps(self) -> int:
        return len(self.units) - 1


@dataclass(frozen=True)
class Span:
    """One segment: 1-based inclusive line span of the raw dump, and its text."""

    index: int
    line_start: int
    line_end: int
    text: str  # the content lines only: boilerplate is left out
    boilerplate: tuple[int, ...] = ()  # 1-based raw lines of the span marked boilerplate


class BaseSegmenter:
    """Plug-in point for segmenters: which gaps between lines start a new article.

    A subclass sets ``name`` (the ``segment.method`` it answers to), sets
    ``needs_embedder = True`` if it compares line embeddings, and implements
    ``boundaries(dump, embedder)``: given a ``Dump`` (its non-blank lines as
    ``units``) and, when needed, an embedder (anything with
    ``embed(texts) -> 2-D array``, see ``LineEncoder``), it returns a boolean
    array of length ``dump.n_gaps``, True where the unit after the gap opens a
    new article. ``gap_scores`` says how strongly each gap reads as a boundary
    (by default the flags themselves; a probability or depth where the
    segmenter has one). It must not change the dump. Parameters belong in
    ``__init__`` and are stored unchanged (scikit-learn's convention); fitted
    state, if any, is read lazily.
    """

    name = "base"
    needs_embedder = False

    def boundaries(self, dump: Dump, embedder: LineEncoder | None = None) -> np.ndarray:
        raise NotImplementedError

    def gap_scores(self, dump: Dump, embedder: LineEncoder | None = None) -> np.ndarray:
        """One score per gap, higher = more of a boundary (shown by ``topiclab segment --json``)."""
        return self.boundaries(dump, embedder).astype(float)

    def embedding_model(self) -> str | None:
        """The embedding model this segmenter was built for (None: any, or none needed)."""
        return None

    def decision_threshold(self) -> float | None:
        """The threshold its boundaries are decided by on ``gap_scores`` (None: it has none)."""
        return None


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

    def gap_scores(self, dump, embedder=None):
        """Depth score of each gap."""
        if dump.n_gaps == 0:
            return np.zeros(0)
        if embedder is None:
            raise TopiclabError("the texttiling segmenter needs an embedding model")
        views = line_views(dump.units, embedder)
        return depth_scores(window_similarity(views.mean, self.window))

    def boundaries(self, dump, embedder=None):
        if dump.n_gaps == 0:
            return np.zeros(0, dtype=bool)
        depth = self.gap_scores(dump, embedder)
        padded = np.concatenate([[-np.inf], depth, [-np.inf]])
        peak = (depth >= padded[:-2]) & (depth >= padded[2:]) & (depth > 0)
        return peak & (depth > depth.mean() + self.cutoff * depth.std())


class LearnedSegmenter(BaseSegmenter):
    """Boundary classifier over ``gap_features``.

    ``model`` is a fitted ``BoundaryModel`` (default: the one shipped with
    topiclab, trained on synthetic BBC dumps); ``threshold`` overrides its
    decision threshold. Boundaries are decoded with the model's prior against
    one-line articles that are not cut off (``decode_boundaries``).
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

    def embedding_model(self) -> str | None:
        return self.boundary_model().embedding_model

    def probabilities(self, dump: Dump, embedder: LineEncoder | None) -> np.ndarray:
        """P(boundary) of each gap."""
        if dump.n_gaps == 0:
            return np.zeros(0)
        if embedder is None:
            raise TopiclabError("the learned segmenter needs an embedding model")
        return self.boundary_model().probabilities(gap_features(dump.units, embedder))

    def gap_scores(self, dump, embedder=None):
        return self.probabilities(dump, embedder)

    def decision_threshold(self) -> float:
        """``threshold`` if given, else the model's own."""
        return self.boundary_model().threshold if self.threshold is None else self.threshold

    def boundaries(self, dump, embedder=None):
        complete = [not is_truncated(unit) for unit in dump.units]
        return decode_boundaries(self.probabilities(dump, embedder), complete, self.decision_threshold(),
                                 self.boundary_model().single_line_penalty)


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


def article_spans(dump: Dump, boundaries: np.ndarray, opens: np.ndarray | None = None) -> list[Span]:
    """Spans that partition all raw lines; a blank line joins the article before it. ``opens``: per gap,
    the 1-based raw line the article after it opens at (default: its first unit's line)."""
    boundaries = np.asarray(boundaries, dtype=bool)
    if boundaries.shape != (dump.n_gaps,):
        raise TopiclabError(f"expected {dump.n_gaps} boundary flags, got {boundaries.shape[0]}")
    opens = dump.line_numbers[1:] if opens is None else np.asarray(opens)
    starts = np.concatenate([[0], np.flatnonzero(boundaries) + 1])  # unit index of each article
    ends = np.concatenate([starts[1:], [len(dump.units)]])
    spans = []
    for index, (first, stop) in enumerate(zip(starts, ends)):
        line_start = 1 if index == 0 else int(opens[first - 1])
        line_end = len(dump.lines) if stop == len(dump.units) else int(opens[stop - 1]) - 1
        marked = () if dump.boilerplate is None else tuple(
            int(n) for n in np.flatnonzero(dump.boilerplate[line_start - 1:line_end]) + line_start)
        spans.append(Span(index, line_start, line_end, "\n".join(dump.units[first:stop]), marked))
    return spans


def _page_model(pages: bool | PageStateModel) -> PageStateModel | None:
    if pages is True:
        return shipped_page_state_model()
    return pages or None


def marked_dump(lines: list[str], pages: bool | PageStateModel = True, max_chrome_share: float = MAX_CHROME_SHARE):
    """The dump with its boilerplate marked (``BoilerplateMarker``) and, with ``pages``, its web pages'
    chrome (``_pages``: True = the shipped page-state model); returns (dump, page layout or None).
    Chrome that would leave no content line is ignored: it means a page of no article, not a page."""
    marks = BoilerplateMarker().transform(lines)
    model = _page_model(pages)
    if model is not None:
        layout = page_layout(lines, model, max_chrome_share)
        with_chrome = marks | layout.web_chrome
        if any(line.strip() for line, marked in zip(lines, with_chrome) if not marked):
            return Dump.from_lines(lines, with_chrome), layout
    return Dump.from_lines(lines, marks), None


def segment_dump(lines: list[str], segmenter: BaseSegmenter, embedder: LineEncoder | None = None,
                 pages: bool | PageStateModel = True, max_chrome_share: float = MAX_CHROME_SHARE):
    """(dump, boundary per gap, opening line per gap): the segmenter's boundaries on ``marked_dump``, with
    page starts cut and a page more than ``max_chrome_share`` chrome kept whole (``web_page_boundaries``);
    an article opens at its first unit, or at its web page's first line (``opening_lines``)."""
    dump, layout = marked_dump(lines, pages, max_chrome_share)
    if dump.n_gaps == 0:  # a single line: one article, nothing to compare
        return dump, np.zeros(0, dtype=bool), np.zeros(0, dtype=int)
    boundaries = segmenter.boundaries(dump, embedder)
    if layout is None:
        return dump, boundaries, dump.line_numbers[1:]
    return (dump, web_page_boundaries(dump.line_numbers, boundaries, layout),
            opening_lines(dump.line_numbers, layout))


def segment_lines(lines: list[str], segmenter: BaseSegmenter,
                  embedder: LineEncoder | None = None, pages: bool | PageStateModel = True) -> list[Span]:
    """Articles of a dump given as its raw lines; boilerplate lines and web-page chrome are marked
    (``marked_dump``), kept in the spans and left out of their text.

    ``embedder``: the one the segmenter was built for, when it needs one
    (``pipeline.segmentation_embedder`` picks it). ``pages``: see ``segment_dump``.
    """
    return article_spans(*segment_dump(lines, segmenter, embedder, pages))

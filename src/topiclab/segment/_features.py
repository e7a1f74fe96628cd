"""Features of the gaps between the lines of a dump, for boundary detection.

Gap ``i`` lies between line ``i`` and line ``i + 1``. Each gap is described by
how similar the text before it is to the text after it (sentence embeddings
and TF-IDF, over windows of 1 to 8 lines, as TextTiling does), how deep that
similarity dips compared with its neighbourhood, and by style cues: a line that
stops mid-sentence (a cut-off article), an upper-case kicker such as
``ALLIES:``, a jump in line length, a line that opens like a continuation, and
how close the gap is to either end of the dump (where windows are short), and
what cased news carries (``_cues``: headlines, datelines, names carried across
the gap), zero on lower-cased text.

Similarities are also given as z-scores within the dump, so that a dump of long
cased paragraphs and one of short lower-cased sentences look alike to a model
trained on either. Each line is read through a bounded window (see
``_text``), so cost stays linear in the number of lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from sklearn.preprocessing import normalize

from ..data import word_vectorizer
from ._cues import CUE_NAMES, entity_continuity, entity_sets, line_cues
from ._text import EDGE_CHARS, has_kicker, is_truncated, line_sentences

__all__ = ["LineEncoder", "LineViews", "line_views", "window_similarity", "depth_scores", "gap_features",
           "FEATURE_NAMES", "WINDOWS", "opens_with_reference"]

WINDOWS = (1, 2, 3, 5, 8)
# Web pages: a page's menu, links and comments are runs of short lines; whole pages are long.
_LONG_WINDOWS = (16,)  # embeddings over a page-sized stretch
_LONG_LEX = 10  # a site's own words (its name, its sections) recur across its page
_SHORT_WORDS = 6  # fewer words than this: a menu item, a link, a one-line comment
_SHORT_WINDOWS = (5, 12)
_REACH = (3, 5)  # one line against a window on the other side
_LEX_WINDOWS = (1, 3, 5)
# Words that open a sentence which continues the previous one's story.
_CONTINUATIONS = frozenset(
    "he she it they his her its their this that these those but and also however meanwhile "
    "still yet so then there here such both mr mrs ms".split()
)
_QUOTES = "\"'\u201c\u2018"
# "The company said ...", "He added ...": a pronoun or a short definite reference, then a reporting
# verb: a paragraph that carries on the story before it (wire copy), rarely one that opens a new one.
_REFERENCE = re.compile(
    r"^[\"'\u201c]?(?:(?:he|she|it|they|we)|(?:the|this|that|its|his|her|their)(?: [\w\-'\u2019]+){1,3})"
    r",? (?:said|says|added|told|reported|announced|expects?|expected|warned|also|has|had|is|was|will|would)\b",
    re.IGNORECASE)


class LineEncoder(Protocol):
    """What segmentation needs of an embedder: a name, and texts in, unit vectors out.

    ``vectorize.BaseEmbedder`` is one; segmentation comes before vectorisation
    in the pipeline, so it asks for this shape instead of importing it.
    """

    name: str

    def embed(self, texts: list[str]) -> np.ndarray: ...


@dataclass
class LineViews:
    """Per-line vectors: whole line, first sentence, last sentence."""

    mean: np.ndarray
    head: np.ndarray
    tail: np.ndarray
    lexical: object  # TF-IDF rows (a sparse matrix, L2-normalised)


def _lexical(lines: list[str]):
    texts = [line if len(line) <= 2 * EDGE_CHARS else f"{line[:EDGE_CHARS]} {line[-EDGE_CHARS:]}"
             for line in lines]
    vectorizer = word_vectorizer("tfidf", sublinear_tf=True, lowercase=True)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no words at all (digits, punctuation): nothing lexical to compare
        return np.zeros((len(lines), 1), dtype=np.float32)
    return matrix  # sparse; windows are summed below


def line_views(lines: list[str], embedder: LineEncoder | None) -> LineViews:
    """Embed each line's (bounded) sentences once; ``embedder=None`` skips embeddings."""
    sentences = [line_sentences(line) for line in lines]
    if embedder is not None:
        flat = [s for group in sentences for s in group]
        vectors = embedder.embed(flat)
        bounds = np.cumsum([0] + [len(g) for g in sentences])
        mean = np.stack([vectors[a:b].mean(axis=0) for a, b in zip(bounds[:-1], bounds[1:])])
        head = vectors[bounds[:-1]]
        tail = vectors[bounds[1:] - 1]
        mean, head, tail = normalize(mean), normalize(head), normalize(tail)
    else:
        mean = head = tail = np.zeros((len(lines), 1), dtype=np.float32)
    return LineViews(mean=mean, head=head, tail=tail, lexical=_lexical(lines))


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return np.where(norms > 0, (a * b).sum(axis=1) / np.maximum(norms, 1e-12), 0.0)


def _dense_windows(matrix: np.ndarray, left_width: int, right_width: int, cumulative: np.ndarray | None = None):
    """Sums of the rows just before and just after each gap (cumulative sums: linear).
    ``cumulative``: the matrix's cumulative row sums with a zero row on top, when already at hand."""
    n = matrix.shape[0]
    if cumulative is None:
        cumulative = _cumulative(matrix)
    gaps = np.arange(n - 1)
    left = cumulative[gaps + 1] - cumulative[np.maximum(0, gaps - left_width + 1)]
    right = cumulative[np.minimum(n, gaps + 1 + right_width)] - cumulative[gaps + 1]
    return left, right


def _cumulative(matrix: np.ndarray) -> np.ndarray:
    return np.vstack([np.zeros((1, matrix.shape[1])), np.cumsum(matrix, axis=0)])


def window_similarity(matrix, width: int, right_width: int | None = None,
                      cumulative: np.ndarray | None = None) -> np.ndarray:
    """Cosine of the summed ``width`` rows before each gap and ``right_width`` (default
    ``width``) rows after it; ``cumulative``: see ``_dense_windows``."""
    n = matrix.shape[0]
    if n < 2:
        return np.zeros(0)
    right_width = width if right_width is None else right_width
    if hasattr(matrix, "toarray"):  # sparse TF-IDF: never densify a big dump's vocabulary
        return _sparse_window_similarity(matrix, width, right_width)
    return _cosine(*_dense_windows(matrix, width, right_width, cumulative))


def _sparse_window_similarity(matrix, left_width: int, right_width: int) -> np.ndarray:
    """Window sums as products with sparse 0/1 selection matrices (linear in the non-zeros)."""
    from scipy import sparse

    n = matrix.shape[0]
    gaps = np.arange(n - 1)

    def selection(offsets: range) -> sparse.csr_matrix:
        rows = np.concatenate([gaps] * len(offsets))
        cols = np.concatenate([gaps + offset for offset in offsets])
        keep = (cols >= 0) & (cols < n)
        return sparse.csr_matrix((np.ones(keep.sum()), (rows[keep], cols[keep])), shape=(n - 1, n))

    left = selection(range(-left_width + 1, 1)) @ matrix
    right = selection(range(1, right_width + 1)) @ matrix
    dots = np.asarray(left.multiply(right).sum(axis=1)).ravel()
    norms = (np.sqrt(np.asarray(left.multiply(left).sum(axis=1)).ravel())
             * np.sqrt(np.asarray(right.multiply(right).sum(axis=1)).ravel()))
    return np.where(norms > 0, dots / np.maximum(norms, 1e-12), 0.0)


def depth_scores(similarity: np.ndarray) -> np.ndarray:
    """TextTiling depth: how far the similarity climbs back up on each side of a gap."""
    # Climb while the curve rises; the climb stops at the first peak on each side.
    left_near = similarity.copy()
    for i in range(1, len(similarity)):
        if similarity[i - 1] >= similarity[i]:
            left_near[i] = max(left_near[i - 1], similarity[i])
    right_near = similarity.copy()
    for i in range(len(similarity) - 2, -1, -1):
        if similarity[i + 1] >= similarity[i]:
            right_near[i] = max(right_near[i + 1], similarity[i])
    return (left_near - similarity) + (right_near - similarity)


def _zscore(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return (values - values.mean()) / spread if spread > 1e-9 else np.zeros_like(values)


def _local_dip(values: np.ndarray, reach: int = 2) -> np.ndarray:
    """How much lower a gap's similarity is than the lowest of its neighbours."""
    n = len(values)
    padded = np.concatenate([np.full(reach, np.inf), values, np.full(reach, np.inf)])
    neighbours = np.stack([padded[reach + d: reach + d + n] for d in range(-reach, reach + 1) if d])
    lowest = neighbours.min(axis=0)
    lowest = np.where(np.isfinite(lowest), lowest, values)
    return lowest - values


def _opens_like_continuation(line: str) -> bool:
    stripped = line.lstrip()
    if stripped[:1] in _QUOTES:
        return True
    first = stripped[:20].split(maxsplit=1)
    return bool(first) and first[0].strip(",.:;").lower() in _CONTINUATIONS


def opens_with_reference(line: str) -> bool:
    """Whether a paragraph opens like one that carries on the story ("The company said ...", "He added ...")."""
    return _REFERENCE.match(line.strip()) is not None


def _style(lines: list[str]) -> dict[str, np.ndarray]:
    length = np.log1p(np.array([len(line) for line in lines], dtype=float))
    median = np.median(length)
    return {
        "length": length - median,
        "truncated": np.array([is_truncated(line) for line in lines], dtype=float),
        "kicker": np.array([has_kicker(line) for line in lines], dtype=float),
        "continues": np.array([_opens_like_continuation(line) for line in lines], dtype=float),
        "reference": np.array([opens_with_reference(line) for line in lines], dtype=float),
        "short": np.array([len(line[:200].split()) < _SHORT_WORDS for line in lines], dtype=float),
    }


def _window_means(values: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the ``width`` values before each gap and of those after it."""
    column = values[:, None]
    left, right = _dense_windows(column, width, width)
    counts_left, counts_right = _dense_windows(np.ones_like(column), width, width)
    return (left / counts_left)[:, 0], (right / counts_right)[:, 0]


def _run_after(flags: np.ndarray) -> np.ndarray:
    """Per line: how many consecutive flagged lines start at it (0 where it is not flagged)."""
    run = np.zeros(len(flags))
    for i in range(len(flags) - 1, -1, -1):
        run[i] = (run[i + 1] + 1 if i + 1 < len(flags) else 1) if flags[i] else 0
    return run


def _window_mean_jump(values: np.ndarray, width: int) -> np.ndarray:
    """|mean of the ``width`` values after a gap - mean of those before it|."""
    column = values[:, None]
    left, right = _dense_windows(column, width, width)
    counts_left, counts_right = _dense_windows(np.ones_like(column), width, width)
    return np.abs(right / counts_right - left / counts_left)[:, 0]


FEATURE_NAMES: list[str] = (
    [f"emb_sim_{w}" for w in WINDOWS]
    + [f"emb_sim_{w}_z" for w in WINDOWS]
    + ["emb_tail_head", "emb_tail_head_z", "emb_depth_3", "emb_dip_1", "emb_dip_3"]
    + ["emb_depth_5", "emb_depth_5_z", "emb_depth_8", "emb_depth_8_z"]
    + [f"emb_left_{w}_next" for w in _REACH] + [f"emb_prev_right_{w}" for w in _REACH]
    + ["emb_left_3_next_z", "emb_prev_right_3_z"]
    + [f"lex_sim_{w}" for w in _LEX_WINDOWS]
    + [f"lex_sim_{w}_z" for w in _LEX_WINDOWS]
    + ["lex_depth_3", "lex_dip_3"]
    + ["left_length", "right_length", "length_jump", "left_truncated", "right_kicker",
       "right_continues", "left_continues", "left_kicker", "right_truncated", "length_window_jump"]
    + ["start_proximity", "end_proximity"]
    + CUE_NAMES
    + [f"emb_sim_{w}" for w in _LONG_WINDOWS] + [f"emb_sim_{w}_z" for w in _LONG_WINDOWS]
    + [f"lex_sim_{_LONG_LEX}", f"lex_sim_{_LONG_LEX}_z", "right_reference", "length_window_jump_10"]
    + [f"{side}_short_{w}" for w in _SHORT_WINDOWS for side in ("left", "right")]
    + ["right_short_run", "left_short_run", "dump_short_share", "dump_median_length"]
)


def gap_features(lines: list[str], embedder: LineEncoder | None) -> np.ndarray:
    """One row of ``FEATURE_NAMES`` per gap between consecutive (non-blank) lines."""
    n = len(lines)
    if n < 2:
        return np.zeros((0, len(FEATURE_NAMES)))
    views = line_views(lines, embedder)
    columns: list[np.ndarray] = []
    cumulative = _cumulative(views.mean)  # once for every window below
    emb = {w: window_similarity(views.mean, w, cumulative=cumulative) for w in WINDOWS}
    columns += [emb[w] for w in WINDOWS] + [_zscore(emb[w]) for w in WINDOWS]
    tail_head = _cosine(views.tail[:-1], views.head[1:])
    columns += [tail_head, _zscore(tail_head), depth_scores(emb[3]),
                _local_dip(emb[1]), _local_dip(emb[3])]
    for w in (5, 8):  # TextTiling's depth score, raw and relative to the dump
        depth = depth_scores(emb[w])
        columns += [depth, _zscore(depth)]
    left_next = {w: window_similarity(views.mean, w, 1, cumulative) for w in _REACH}
    prev_right = {w: window_similarity(views.mean, 1, w, cumulative) for w in _REACH}
    columns += [left_next[w] for w in _REACH] + [prev_right[w] for w in _REACH]
    columns += [_zscore(left_next[3]), _zscore(prev_right[3])]
    lex = {w: window_similarity(views.lexical, w) for w in _LEX_WINDOWS}
    columns += [lex[w] for w in _LEX_WINDOWS] + [_zscore(lex[w]) for w in _LEX_WINDOWS]
    columns += [depth_scores(lex[3]), _local_dip(lex[3])]
    style = _style(lines)
    columns += [style["length"][:-1], style["length"][1:],
                np.abs(style["length"][1:] - style["length"][:-1]),
                style["truncated"][:-1], style["kicker"][1:], style["continues"][1:],
                style["continues"][:-1], style["kicker"][:-1], style["truncated"][1:],
                _window_mean_jump(style["length"], 3)]
    # Near the ends of a dump the windows are short and their similarities less reliable.
    gaps = np.arange(n - 1)
    columns += [1.0 / (gaps + 1), 1.0 / (n - 1 - gaps)]
    # What cased news carries: headlines, datelines, a new cast of names (zero on lower-cased text).
    cues = line_cues(lines)
    names = entity_sets(lines)
    overlap_3, present = entity_continuity(names, 3)
    overlap_1, _ = entity_continuity(names, 1)
    columns += [cues["headline"][1:], cues["headline"][:-1], cues["title_case"][1:], cues["dateline"][1:],
                cues["cased"][1:], overlap_3, overlap_1, present]
    # Page-sized context: a page's menu (a run of short lines) opening after a long stretch of prose.
    for w in _LONG_WINDOWS:
        long_emb = window_similarity(views.mean, w, cumulative=cumulative)
        columns += [long_emb, _zscore(long_emb)]
    long_lex = window_similarity(views.lexical, _LONG_LEX)
    columns += [long_lex, _zscore(long_lex), style["reference"][1:], _window_mean_jump(style["length"], 10)]
    for w in _SHORT_WINDOWS:
        columns += list(_window_means(style["short"], w))
    run = np.log1p(_run_after(style["short"]))
    run_before = np.log1p(_run_after(style["short"][::-1])[::-1])  # the run ending at each line
    columns += [run[1:], run_before[:-1]]
    # What kind of dump this is: whole web pages (mostly short lines) or articles run together.
    columns += [np.full(n - 1, style["short"].mean()), np.full(n - 1, np.median(np.log1p([len(x) for x in lines])))]
    return np.column_stack(columns).astype(np.float64)

"""A user's own dump, segmented and checked: spans, gap scores, boilerplate marks, gold scores.

What ``topiclab segment FILE [--gold GOLD.json] [--json]`` shows, so a user can
check and tune a segmenter on their data.
"""

from __future__ import annotations

import numpy as np

from ..data import Gold, check_gold
from ._evaluate import score_segmentation
from ._features import LineEncoder
from ._page_states import PageStateModel
from ._segmenters import BaseSegmenter, Dump, article_spans, segment_dump

__all__ = ["gold_boundaries", "segment_report", "line_ranges"]


def line_ranges(numbers) -> str:
    """Line numbers as runs, for reading: [1, 2, 3, 7, 9, 10] -> "1-3, 7, 9-10"."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def gold_boundaries(dump: Dump, gold: Gold) -> np.ndarray:
    """Per gap between the dump's content lines: do the lines on its two sides lie in different gold articles?

    A gold article that opens with blank or boilerplate lines starts, for
    scoring, at its first content line.
    """
    starts = np.asarray([article["lines"][0] for article in gold.articles])
    article_of_unit = np.searchsorted(starts, dump.line_numbers, side="right")
    return np.diff(article_of_unit) != 0


def segment_report(lines: list[str], segmenter: BaseSegmenter, embedder: LineEncoder | None = None,
                   gold: Gold | None = None, gold_name: str = "gold file",
                   pages: bool | PageStateModel = True) -> dict:
    """Spans, per-gap scores and boundaries, boilerplate lines, and (with ``gold``) Pk, WindowDiff, P/R/F1.

    Gaps are those between consecutive content lines; ``gaps[i]`` lies after
    raw line ``gaps[i]['after_line']``. A gap's score is the segmenter's; its boundary may differ where a
    web page starts or a page that is mostly chrome is kept whole (``pages``, see ``segment_dump``).
    """
    if gold is not None:
        check_gold(gold, len(lines), gold_name)
    dump, boundaries, opens = segment_dump(lines, segmenter, embedder, pages)
    scores = segmenter.gap_scores(dump, embedder) if dump.n_gaps else np.zeros(0)
    spans = article_spans(dump, boundaries, opens)
    report = {
        "n_lines": len(lines),
        "n_articles": len(spans),
        "threshold": segmenter.decision_threshold(),  # on the gap scores; None where the segmenter has none
        "spans": [{"article": span.index + 1, "lines": [span.line_start, span.line_end],
                   "boilerplate_lines": list(span.boilerplate)} for span in spans],
        "boilerplate_lines": [int(n) for n in np.flatnonzero(dump.boilerplate) + 1],
        "gaps": [{"after_line": int(dump.line_numbers[i]), "before_line": int(dump.line_numbers[i + 1]),
                  "score": round(float(scores[i]), 6), "boundary": bool(boundaries[i])}
                 for i in range(dump.n_gaps)],
    }
    if gold is not None:
        reference = gold_boundaries(dump, gold)
        scored = score_segmentation(reference, boundaries)
        report["gold"] = {"n_articles": len(gold.articles), **scored}
        for gap, truth in zip(report["gaps"], reference):
            gap["gold_boundary"] = bool(truth)
    return report

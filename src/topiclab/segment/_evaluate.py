"""Score a segmentation against known boundaries: Pk, WindowDiff, boundary P/R/F1.

Pk and WindowDiff come from ``nltk.metrics.segmentation`` (window: half the
mean reference segment length); precision, recall and F1 count exact boundaries.
"""

from __future__ import annotations

import time

import numpy as np

from ..errors import TopiclabError
from ._features import LineEncoder
from ._segmenters import BaseSegmenter, Dump
from ._synthetic import SyntheticDump

__all__ = ["boundary_string", "score_segmentation", "evaluate_segmenter", "format_results"]


def boundary_string(boundaries: np.ndarray) -> str:
    """``'0010...'``: one character per gap, ``1`` where a new segment starts."""
    return "".join("1" if b else "0" for b in np.asarray(boundaries, dtype=bool))


def score_segmentation(reference: np.ndarray, hypothesis: np.ndarray,
                       k: int | None = None) -> dict[str, float]:
    """Pk and WindowDiff (window ``k``: half the mean reference segment length)
    and exact boundary precision, recall and F1."""
    reference = np.asarray(reference, dtype=bool)
    hypothesis = np.asarray(hypothesis, dtype=bool)
    if reference.shape != hypothesis.shape:
        raise TopiclabError(f"segmentations differ in length: {reference.shape[0]} vs {hypothesis.shape[0]}")
    n_gaps = len(reference)
    hits = int((reference & hypothesis).sum())
    predicted, true = int(hypothesis.sum()), int(reference.sum())
    precision = hits / predicted if predicted else float(true == 0)
    recall = hits / true if true else float(predicted == 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    if k is None:
        k = max(1, int(round((n_gaps + 1) / (2.0 * (true + 1)))))
    k = min(k, max(n_gaps, 1))
    ref, hyp = boundary_string(reference), boundary_string(hypothesis)
    if n_gaps == 0:
        pk_value = wd_value = 0.0
    else:
        from nltk.metrics.segmentation import pk, windowdiff  # here: importing nltk costs every run 0.4 s

        pk_value, wd_value = pk(ref, hyp, k=k), windowdiff(ref, hyp, k)
    return {"pk": float(pk_value), "windowdiff": float(wd_value), "precision": precision,
            "recall": recall, "f1": f1, "k": k, "n_reference": true, "n_predicted": predicted}


def evaluate_segmenter(segmenter: BaseSegmenter, dumps: list[SyntheticDump],
                       embedder: LineEncoder | None = None) -> dict[str, float]:
    """Scores over dumps: Pk and WindowDiff averaged per dump, P/R/F1 pooled.

    ``embedder``: the one the segmenter needs (``pipeline.segmentation_embedder``).
    """
    per_dump, reference, hypothesis = [], [], []
    start = time.perf_counter()
    for dump in dumps:
        predicted = segmenter.boundaries(Dump.from_lines(dump.lines), embedder)
        per_dump.append(score_segmentation(dump.boundaries, predicted))
        reference.append(dump.boundaries)
        hypothesis.append(predicted)
    seconds = time.perf_counter() - start
    pooled = score_segmentation(np.concatenate(reference), np.concatenate(hypothesis))
    return {
        "pk": float(np.mean([s["pk"] for s in per_dump])),
        "windowdiff": float(np.mean([s["windowdiff"] for s in per_dump])),
        "precision": pooled["precision"],
        "recall": pooled["recall"],
        "f1": pooled["f1"],
        "n_dumps": len(dumps),
        "n_articles": sum(d.n_articles for d in dumps),
        "n_lines": sum(len(d.lines) for d in dumps),
        "n_predicted": pooled["n_predicted"],
        "seconds": seconds,
    }


def format_results(rows: list[dict], baseline: str) -> str:
    """Markdown table of the scores, then the best segmenter's Pk beside the baseline's."""
    header = "| segmenter | Pk | WindowDiff | precision | recall | F1 | boundaries | seconds |"
    lines = [header, "|" + "---|" * 8]
    for row in rows:
        lines.append(f"| {row['segmenter']} | {row['pk']:.4f} | {row['windowdiff']:.4f} | "
                     f"{row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | "
                     f"{row['n_predicted']} | {row['seconds']:.1f} |")
    best = min(rows, key=lambda row: row["pk"])
    base = next(row for row in rows if row["segmenter"] == baseline)
    lines.append("")
    lines.append(f"best: {best['segmenter']} Pk={best['pk']:.4f} | baseline: {base['segmenter']} "
                 f"Pk={base['pk']:.4f} | {rows[0]['n_articles']} articles, {rows[0]['n_lines']} lines")
    return "\n".join(lines)

"""Benchmark results as tables and one overview figure, for notebooks.

Two sources, same shape: the tables of the measured report ``BENCHMARKS.md``
(written by ``make bench``), parsed back, and the tables of a benchmark run
just made (``benchmark_dataset``). Tables are keyed by slugs such as
``quality_bbc_news`` and ``topic_quality_bbc_news_10``, usable as file names.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..paths import resolve

__all__ = ["slug", "markdown_tables", "report_tables", "overview_figure"]

QUALITY_METRICS = ("NMI", "ARI", "accuracy")
TOPIC_METRICS = ("NPMI", "diversity")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def slug(heading: str) -> str:
    """``"Quality: bbc_news"`` -> ``"quality_bbc_news"``; ``"bbc_news, 10 topics"`` -> ``"bbc_news_10_topics"``."""
    return re.sub(r"[^0-9a-z]+", "_", heading.casefold()).strip("_")


def _cells(line: str) -> list[str]:
    inner = line.strip()[1:-1] if line.strip().endswith("|") else line.strip()[1:]
    return [c.strip().replace("\\|", "|").replace("**", "") for c in _CELL_SPLIT.split(inner)]


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers back to numbers: a column whose every filled cell parses becomes numeric."""
    for column in frame.columns:
        values = frame[column].replace({"–": np.nan, "-": np.nan, "": np.nan})
        numbers = pd.to_numeric(values, errors="coerce")
        if numbers.notna().sum() == values.notna().sum() and values.notna().any():
            frame[column] = numbers
    return frame


def markdown_tables(path: str | Path) -> dict[str, pd.DataFrame]:
    """Every table of a Markdown file, keyed by the slug of the heading above it; ``{}`` if no file."""
    file = resolve(path)
    if not file.is_file():
        return {}
    tables: dict[str, pd.DataFrame] = {}
    heading, block = "table", []
    for line in [*file.read_text(encoding="utf-8").splitlines(), ""]:
        if line.lstrip().startswith("|"):
            block.append(line)
            continue
        if len(block) >= 2:  # header, rule, rows
            rows = [_cells(row) for row in block[2:]]
            key, n = slug(heading), 2
            while key in tables:
                key, n = f"{slug(heading)}_{n}", n + 1
            tables[key] = _typed(pd.DataFrame(rows, columns=_cells(block[0])))
        block = []
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
    return tables


def report_tables(report, prefix: str = "new_") -> dict[str, pd.DataFrame]:
    """The tables of a ``benchmark.DatasetReport``, as ``BENCHMARKS.md`` shows them; keys start
    with ``prefix`` so they never collide with the report's."""
    from ._frames import ceiling_frame, quality_frame, topic_quality_frame

    tables = {prefix + slug(f"Quality: {report.name}"): quality_frame(report.quality)}
    if report.ceilings:
        tables[prefix + slug(f"supervised ceiling {report.name}")] = ceiling_frame(report.ceilings)
    for count, runs in report.topic_quality.items():
        tables[prefix + slug(f"topic quality {report.name}, {count} topics")] = topic_quality_frame(runs)
    return tables


def overview_figure(tables: dict[str, pd.DataFrame]):
    """Bars per method: NMI/ARI/accuracy of each quality table, NPMI/diversity of each
    topic-quality table; ``None`` when no table has a ``method`` column."""
    from matplotlib.figure import Figure  # no pyplot: the figure is shown once, as a value

    panels = []
    for key, table in tables.items():
        if "method" not in table.columns:
            continue
        wanted = TOPIC_METRICS if "topics" in key else QUALITY_METRICS
        metrics = [m for m in wanted if m in table.columns and pd.api.types.is_numeric_dtype(table[m])]
        if metrics:
            panels.append((key, table, metrics))
    if not panels:
        return None
    heights = [0.32 * len(t) * len(m) + 1.0 for _, t, m in panels]
    figure = Figure(figsize=(9, sum(heights) + 0.3 * len(panels)))
    axes = figure.subplots(len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
    for axis, (key, table, metrics) in zip(axes, panels):
        width = 0.8 / len(metrics)
        positions = np.arange(len(table))
        for i, metric in enumerate(metrics):
            axis.barh(positions + i * width, table[metric].astype(float), height=width, label=metric)
        axis.set_yticks(positions + width * (len(metrics) - 1) / 2, table["method"].astype(str), fontsize=8)
        axis.invert_yaxis()
        axis.grid(axis="x", alpha=0.3)
        axis.set_title(key.replace("_", " "), fontsize=10)
        axis.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    figure.tight_layout()
    return figure

"""One colour per topic id, the same in every figure, artifact and notebook (plotly and matplotlib alike).

Keyed by the topic's id, not its position in a figure, so "0: win / season"
keeps its colour whether a view draws two topics or twenty. Outliers (-1) are grey.
"""

from __future__ import annotations

__all__ = ["TOPIC_PALETTE", "OUTLIER_COLOR", "topic_color", "topic_colors"]

# Tableau 10 then its lighter partners (20 distinguishable colours; ids beyond wrap around).
TOPIC_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22",
                 "#17becf", "#393b79", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
                 "#f7b6d2", "#dbdb8d", "#9edae5", "#7f7f7f")
OUTLIER_COLOR = "#b0b0b0"


def topic_color(topic: int) -> str:
    """The colour of topic ``topic`` (an id; -1, the outliers, is grey)."""
    topic = int(topic)
    return OUTLIER_COLOR if topic < 0 else TOPIC_PALETTE[topic % len(TOPIC_PALETTE)]


def topic_colors(topics) -> dict[int, str]:
    """``{topic id: colour}`` for every id in ``topics``."""
    return {int(t): topic_color(t) for t in topics}

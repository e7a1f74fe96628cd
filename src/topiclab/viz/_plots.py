"""Figures of a Result: an interactive document map and a topic-size chart."""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers and CI
import matplotlib.pyplot as plt  # noqa: E402
import plotly.express as px  # noqa: E402

from ..errors import TopiclabError  # noqa: E402
from ._palette import topic_color  # noqa: E402

__all__ = ["document_map", "topic_sizes", "confusion_matrix", "close_figure"]


FIRST_WORDS = 20  # words of each document shown on hover


def _first_words(text: str, count: int = FIRST_WORDS) -> str:
    words = str(text).split()
    shown = " ".join(words[:count]) + (" …" if len(words) > count else "")
    return "<br>".join(textwrap.wrap(shown, 70))


def _line_span(start, end) -> str:
    if start is None or end is None or start != start or end != end:  # tables have no lines (NaN)
        return "-"
    return f"{int(start)}" if int(start) == int(end) else f"{int(start)}-{int(end)}"


def document_map(result):
    """Plotly scatter of the documents at the run's map coordinates, coloured by topic.

    The coordinates are the run's own (``Result.coords``: UMAP of the document
    vectors, PCA for a few dozen documents), so the notebook and the logged
    ``document_map.html`` show the same map. Hover: topic label, line span, first words.
    """
    if result.coords is None:
        raise TopiclabError("this run has no document map: it ran with figures: none")
    frame = result.assignments_table()
    frame["lines"] = [_line_span(a, b) for a, b in zip(frame["line_start"], frame["line_end"])]
    frame["first_words"] = frame["text"].map(_first_words)
    frame["topic_name"] = [f"{t}: {label}" for t, label in zip(frame["topic"], frame["topic_label"])]
    ids = sorted(set(frame["topic"].tolist()))
    names = dict(zip(frame["topic"], frame["topic_name"]))
    method = "UMAP" if len(frame) >= _umap_min_documents() else "PCA"
    figure = px.scatter(frame, x="x", y="y", color="topic_name",
                        color_discrete_map={names[t]: topic_color(t) for t in ids},
                        category_orders={"topic_name": [names[t] for t in ids]},
                        custom_data=["topic_label", "lines", "first_words", "id"],
                        title=f"Documents of {result.config.name} by topic ({method} of the document vectors)")
    figure.update_traces(hovertemplate="<b>%{customdata[0]}</b><br>document %{customdata[3]}, "
                                       "lines %{customdata[1]}<br>%{customdata[2]}<extra></extra>")
    figure.update_layout(legend_title_text="topic", xaxis_title=f"{method} 1", yaxis_title=f"{method} 2")
    return figure


def _umap_min_documents() -> int:
    from ..cluster import UMAP_MIN_DOCUMENTS

    return UMAP_MIN_DOCUMENTS


def topic_sizes(result):
    """Horizontal bar chart: documents per topic, largest on top, each in its topic's colour."""
    table = result.topic_table()
    figure, axis = plt.subplots(figsize=(7, 0.5 * len(table) + 1.2))
    names = [f"{t}: {label}" for t, label in zip(table["topic"], table["label"])]
    axis.barh(names[::-1], table["size"][::-1], color=[topic_color(t) for t in table["topic"]][::-1])
    axis.set_xlabel("documents")
    axis.set_title(f"Topic sizes: {result.config.name}")
    figure.tight_layout()
    return figure


def confusion_matrix(matrix, labels: list[str], title: str):
    """Heat map of a confusion matrix: true labels down, predicted across, counts in cells."""
    size = max(4.0, 0.9 * len(labels) + 2.0)
    figure, axis = plt.subplots(figsize=(size + 1.0, size))
    image = axis.imshow(matrix, cmap="Blues")
    axis.set_xticks(range(len(labels)), labels=labels, rotation=45, ha="right")
    axis.set_yticks(range(len(labels)), labels=labels)
    axis.set_xlabel("predicted label")
    axis.set_ylabel("true label")
    threshold = matrix.max() / 2 if matrix.size else 0
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            axis.text(j, i, str(matrix[i, j]), ha="center", va="center",
                      color="white" if matrix[i, j] > threshold else "black")
    axis.set_title(title)
    figure.colorbar(image, ax=axis, fraction=0.046, pad=0.04)
    figure.tight_layout()
    return figure


def close_figure(figure) -> None:
    """Free a pyplot figure once it is saved (pyplot keeps every open figure alive)."""
    plt.close(figure)

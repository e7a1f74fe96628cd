"""Figures of a Result: an interactive document map and a topic-size chart."""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers and CI
import matplotlib.pyplot as plt  # noqa: E402
import plotly.express as px  # noqa: E402

__all__ = ["document_map", "topic_sizes", "confusion_matrix", "close_figure"]


def document_map(result):
    """Plotly scatter of the documents, coloured by topic, text on hover."""
    frame = result.assignments_table()
    frame["snippet"] = frame["text"].map(lambda t: "<br>".join(textwrap.wrap(t[:300], 80)))
    figure = px.scatter(frame, x="x", y="y", color="topic_label", hover_name="id",
                        hover_data={"snippet": True, "x": False, "y": False},
                        title=f"Documents of {result.config.name} by topic")
    figure.update_layout(legend_title_text="topic")
    return figure


def topic_sizes(result):
    """Horizontal bar chart: documents per topic, largest on top."""
    table = result.topic_table()
    figure, axis = plt.subplots(figsize=(7, 0.5 * len(table) + 1.2))
    axis.barh(table["label"][::-1], table["size"][::-1], color="#4C72B0")
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

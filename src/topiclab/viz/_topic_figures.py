"""Plotly figures of a run's topics, logged as self-contained HTML (plotly.js embedded: offline).

BERTopic's standard views over our Result: the intertopic distance map
(topic centroids in 2-D, sized by count), top-words bars per topic, the topic
similarity heatmap, and the ``cluster.k: auto`` curve; ``topic_figures`` adds the
tree, over-time and per-class views of ``_topic_views`` where they apply.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from sklearn.decomposition import PCA
from sklearn.preprocessing import normalize

from ._topic_views import topic_hierarchy_figure, topics_over_time_figure, topics_per_class_figure

__all__ = ["topic_figures", "intertopic_distance_map", "top_words_bars", "topic_similarity_heatmap",
           "k_curve_figure"]


def _topic_names(model) -> list[str]:
    return [f"{t}: {model.labels_[int(t)]}" for t in model.topic_ids_]


def intertopic_distance_map(model, sizes: dict[int, int]):
    """Topic centroids projected to 2-D (PCA), each a circle sized by its number of documents."""
    centres = normalize(model.centroids_)
    if len(centres) >= 2:
        xy = PCA(n_components=2, random_state=0).fit_transform(centres) if len(centres) > 2 else \
            np.column_stack([centres @ (centres[1] - centres[0]), np.zeros(len(centres))])
    else:
        xy = np.zeros((len(centres), 2))
    counts = np.array([sizes.get(int(t), 0) for t in model.topic_ids_], dtype=float)
    marker = 20 + 60 * np.sqrt(counts / max(counts.max(), 1.0))
    hover = [f"{name}<br>{int(c)} documents<br>{', '.join(model.keywords_[int(t)][:6])}"
             for name, c, t in zip(_topic_names(model), counts, model.topic_ids_)]
    figure = go.Figure(go.Scatter(x=xy[:, 0], y=xy[:, 1], mode="markers+text", text=[str(t) for t in model.topic_ids_],
                                  marker={"size": marker, "opacity": 0.6}, hovertext=hover, hoverinfo="text"))
    figure.update_layout(title="Intertopic distance map (topic centroids, PCA)", xaxis_title="PC 1",
                         yaxis_title="PC 2")
    return figure


def top_words_bars(model, scores: dict[int, list[float]] | None = None, n_words: int = 8):
    """One horizontal bar chart per topic of its top keywords (by rank when no scores are given)."""
    ids = [int(t) for t in model.topic_ids_]
    columns = min(4, len(ids))
    rows = int(np.ceil(len(ids) / columns))
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=_topic_names(model))
    for i, topic in enumerate(ids):
        words = model.keywords_[topic][:n_words]
        values = (scores or {}).get(topic) or list(range(len(words), 0, -1))
        figure.add_trace(go.Bar(x=values[: len(words)][::-1], y=words[::-1], orientation="h", showlegend=False),
                         row=i // columns + 1, col=i % columns + 1)
    figure.update_layout(title="Top words per topic", height=260 * rows)
    return figure


def topic_similarity_heatmap(model):
    """Cosine similarity of every pair of topic centroids."""
    centres = normalize(model.centroids_)
    names = _topic_names(model)
    figure = go.Figure(go.Heatmap(z=centres @ centres.T, x=names, y=names, colorscale="Viridis", zmin=-1, zmax=1))
    figure.update_layout(title="Topic similarity (cosine of centroids)")
    return figure


def k_curve_figure(curve, chosen: int, criterion: str):
    """The ``k: auto`` criterion against k, the chosen k marked."""
    figure = go.Figure(go.Scatter(x=curve["k"], y=curve["score"], mode="lines+markers", name=criterion))
    figure.add_vline(x=chosen, line_dash="dash", annotation_text=f"chosen k = {chosen}")
    figure.update_layout(title=f"Choosing the number of topics: {criterion} per candidate k",
                         xaxis_title="k", yaxis_title=criterion)
    return figure


def topic_figures(result) -> dict[str, go.Figure]:
    """File name -> figure for every topic view that applies to ``result`` (needs its topic model)."""
    model = result.topic_model
    if model is None:
        return {}
    sizes = {t.id: t.size for t in result.topics}
    figures = {"intertopic_distance_map.html": intertopic_distance_map(model, sizes),
               "top_words.html": top_words_bars(model),
               "topic_similarity.html": topic_similarity_heatmap(model)}
    if result.topic_tree is not None and len(model.topic_ids_) >= 2:
        figures["topic_hierarchy.html"] = topic_hierarchy_figure(result.topic_tree)
    if result.over_time is not None:
        figures["topics_over_time.html"] = topics_over_time_figure(result.over_time)
    if result.per_class is not None:
        figures["topics_per_class.html"] = topics_per_class_figure(result.per_class)
    if result.k_curve is not None:
        figures["k_curve.html"] = k_curve_figure(result.k_curve, result.config.cluster.k,
                                                 result.config.cluster.auto.criterion)
    return figures

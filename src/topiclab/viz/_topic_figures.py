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


def k_curve_figure(curve, chosen: int, settings):
    """The ``k: auto`` criterion against k with its standard-error band, the rule's threshold and the
    chosen k marked; the title says the rule (``settings``: the run's ``cluster.auto``)."""
    from ..cluster import rule_text

    ks, score, se = curve["k"], curve["score"], curve["se"]
    label = "-BIC" if settings.criterion == "bic" else settings.criterion
    figure = go.Figure()
    consensus = [column for column in curve.columns if column.startswith("score_")]
    if not consensus:  # a mean of ranks has no standard error
        figure.add_trace(go.Scatter(x=list(ks) + list(ks)[::-1], y=list(score + se) + list(score - se)[::-1],
                                    fill="toself", fillcolor="rgba(31,119,180,0.2)", line={"width": 0},
                                    hoverinfo="skip", name="± 1 standard error"))
    if consensus:  # space: both: each space's rank, and their mean (the score)
        label = f"{label} rank (mean of the spaces)"
        for column, dash in zip(consensus, ("dot", "dash")):
            figure.add_trace(go.Scatter(x=ks, y=curve[column].rank(pct=True), mode="lines", line={"dash": dash},
                                        name=f"{settings.criterion} rank on the {column[6:]}"))
    figure.add_trace(go.Scatter(x=ks, y=score, mode="lines+markers", name=label, line={"color": "#1f77b4"}))
    best = curve.loc[score.idxmax()]
    if settings.rule == "one_se":
        threshold, why = best["score"] - best["se"], f"best - 1 SE (best at k = {int(best['k'])})"
    elif settings.rule == "share":
        threshold = score.min() + settings.share * (score.max() - score.min())
        why = f"{settings.share:g} of the way from worst to best"
    else:
        threshold, why = None, None
    if threshold is not None:
        figure.add_hline(y=float(threshold), line_dash="dot", line_color="grey", annotation_text=why,
                         annotation_position="bottom right")
    row = curve.loc[ks == chosen]
    if len(row):
        figure.add_trace(go.Scatter(x=[chosen], y=[float(row["score"].iloc[0])], mode="markers",
                                    marker={"size": 14, "color": "#d62728", "symbol": "star"},
                                    name=f"chosen k = {chosen}"))
    figure.add_vline(x=chosen, line_dash="dash", line_color="#d62728", annotation_text=f"chosen k = {chosen}")
    figure.update_layout(title=f"k = {chosen}: {rule_text(settings)} ({len(curve)} candidates, "
                               f"{int(ks.min())}..{int(ks.max())})",
                         xaxis_title="k (number of topics)", yaxis_title=label)
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
                                                 result.config.cluster.auto)
    return figures

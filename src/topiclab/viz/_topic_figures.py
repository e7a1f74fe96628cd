"""Plotly figures of a run's topics; ``run_figures`` picks a run's views (``figures: summary | all``).

BERTopic's standard views over our Result: the intertopic distance map
(topic centres placed so that their distances are the cosine distances,
sized by documents), keyword bars per topic (c-TF-IDF weights), the topic
similarity heatmap, and the ``cluster.k: auto`` curve; ``topic_figures`` adds
the tree, over-time and per-class views of ``_topic_views`` where they apply.
Every topic has its colour from ``_palette`` in each of them.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots
from sklearn.preprocessing import normalize

from ._palette import topic_color
from ._topic_views import topic_hierarchy_figure, topics_over_time_figure, topics_per_class_figure

__all__ = ["FIGURE_SETS", "SUMMARY_FIGURES", "topic_figures", "run_figures", "intertopic_distance_map",
           "top_words_bars", "topic_similarity_heatmap", "k_curve_figure", "panel_grid", "cosine_mds"]

# The headline views (figures: summary); figures: all adds the similarity, tree, time and class views.
SUMMARY_FIGURES = ("document_map", "top_words", "intertopic_distance_map", "k_curve")
FIGURE_SETS = ("none", "summary", "all")


def _topic_names(model) -> list[str]:
    return [f"{t}: {model.labels_[int(t)]}" for t in model.topic_ids_]


def cosine_mds(centres: np.ndarray) -> np.ndarray:
    """2-D positions whose distances best match the cosine distances of ``centres`` (classical MDS:
    exact for two or three topics, the best 2-D fit beyond)."""
    unit = normalize(centres)
    n = len(unit)
    if n == 1:
        return np.zeros((1, 2))
    distance = np.clip(1.0 - unit @ unit.T, 0.0, None)
    centring = np.eye(n) - np.ones((n, n)) / n
    inner = -0.5 * centring @ (distance ** 2) @ centring
    values, vectors = np.linalg.eigh(inner)
    top = np.argsort(values)[::-1][:2]
    xy = vectors[:, top] * np.sqrt(np.clip(values[top], 0.0, None))
    for column in range(2):  # eigenvectors have no sign: fix one, so the same run draws the same map
        if xy[np.abs(xy[:, column]).argmax(), column] < 0:
            xy[:, column] *= -1.0
    return xy


def intertopic_distance_map(model, sizes: dict[int, int]):
    """Topic centres in 2-D, placed so that distances read as cosine distances (classical MDS, equal
    axes), each a circle whose area is its number of documents, named; hover: size, keywords, nearest."""
    ids = [int(t) for t in model.topic_ids_]
    unit = normalize(model.centroids_)
    distance = np.clip(1.0 - unit @ unit.T, 0.0, None)
    xy = cosine_mds(model.centroids_)
    counts = np.array([sizes.get(t, 0) for t in ids], dtype=float)
    total = max(counts.sum(), 1.0)
    hover = []
    for i, (name, topic) in enumerate(zip(_topic_names(model), ids)):
        others = [j for j in range(len(ids)) if j != i]
        nearest = min(others, key=lambda j: distance[i, j]) if others else None
        near = (f"<br>nearest: {ids[nearest]}: {model.labels_[ids[nearest]]} (cosine distance "
                f"{distance[i, nearest]:.2f})" if nearest is not None else "")
        hover.append(f"<b>{name}</b><br>{int(counts[i])} documents ({counts[i] / total:.0%})"
                     f"<br>{', '.join(model.keywords_[topic][:8])}{near}")
    figure = go.Figure()
    middle = xy.mean(axis=0)
    for i, (name, topic) in enumerate(zip(_topic_names(model), ids)):
        figure.add_trace(go.Scatter(
            x=[xy[i, 0]], y=[xy[i, 1]], mode="markers", text=[name], name=name, hovertext=[hover[i]],
            hoverinfo="text",
            marker={"size": [max(counts[i], 1.0)], "sizemode": "area", "sizemin": 6,
                    "sizeref": 2.0 * max(counts.max(), 1.0) / 70 ** 2, "color": topic_color(topic), "opacity": 0.6,
                    "line": {"color": "#333", "width": 1}}))
        away = xy[i] - middle  # each name points away from the middle, so neighbours' names part
        away = away / (np.linalg.norm(away) or 1.0) if np.linalg.norm(away) > 1e-9 else np.array([0.0, 1.0])
        figure.add_annotation(x=xy[i, 0], y=xy[i, 1], text=name, showarrow=True, arrowcolor="#999",
                              arrowwidth=1, ax=float(away[0]) * 75, ay=-float(away[1]) * 55,
                              font={"size": 12, "color": "#222"}, bgcolor="rgba(255,255,255,0.75)")
    span = float(np.ptp(xy, axis=0).max()) if len(xy) > 1 else 1.0
    pad = 0.25 * span + 0.05
    figure.update_layout(
        title="Intertopic distance map: topic centres, distance = cosine distance (classical MDS), "
              "area = documents",
        xaxis={"title": "MDS 1 (cosine distance)", "range": [xy[:, 0].min() - pad, xy[:, 0].max() + pad],
               "zeroline": False},
        yaxis={"title": "MDS 2 (cosine distance)", "scaleanchor": "x", "scaleratio": 1, "zeroline": False,
               "range": [xy[:, 1].min() - pad, xy[:, 1].max() + pad]},
        legend={"title": {"text": "topic"}, "itemsizing": "constant"}, height=580)
    return figure


def panel_grid(count: int, widest: int = 5) -> tuple[int, int]:
    """(rows, columns) for ``count`` panels: one row up to ``widest``, else the column count that leaves
    no panel alone on the last row, then the fewest empty cells."""
    if count <= widest:
        return 1, max(count, 1)

    def cost(columns: int):
        last = count % columns or columns
        return last == 1, columns - last, -columns

    columns = min(range(3, widest + 1), key=cost)
    return -(-count // columns), columns


def top_words_bars(model, weights: dict[int, list[float]], n_words: int | None = None):
    """One bar chart per topic of its keywords, each bar its c-TF-IDF weight (``weights``: the
    topics' ``keyword_weights``, in the keywords' order), all ``n_words`` (default: every keyword)."""
    ids = [int(t) for t in model.topic_ids_]
    rows, columns = panel_grid(len(ids))
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=[_wrap_title(n) for n in _topic_names(model)],
                           horizontal_spacing=0.12 if columns > 1 else 0.0, vertical_spacing=0.35 / rows)
    longest = 1
    for i, topic in enumerate(ids):
        words = model.keywords_[topic][:n_words]
        values = list(weights.get(topic, []))[: len(words)]
        values += [0.0] * (len(words) - len(values))
        longest = max(longest, len(words))
        figure.add_trace(go.Bar(x=values[::-1], y=words[::-1], orientation="h", showlegend=False,
                                marker_color=topic_color(topic), name=_topic_names(model)[i],
                                hovertemplate="%{y}: %{x:.4f}<extra></extra>"),
                         row=i // columns + 1, col=i % columns + 1)
    figure.update_xaxes(title_text="c-TF-IDF weight", title_font_size=11, tickformat=".3f", nticks=4)
    figure.update_yaxes(tickfont_size=11)
    figure.update_annotations(font_size=12)
    figure.update_layout(title="Keywords per topic, by c-TF-IDF weight", height=110 + rows * (22 * longest + 110),
                         bargap=0.25, margin={"l": 90})
    return figure


def _wrap_title(name: str, width: int = 34) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def topic_similarity_heatmap(model):
    """Cosine similarity of every pair of topic centres, printed in each cell; the colour scale spans
    the pairs' own range (the diagonal, always 1, is left blank)."""
    centres = normalize(model.centroids_)
    names = _topic_names(model)
    similarity = centres @ centres.T
    off = similarity[~np.eye(len(similarity), dtype=bool)]
    z = similarity.astype(object)
    np.fill_diagonal(z, None)
    low, high = (float(off.min()), float(off.max())) if off.size else (0.0, 1.0)
    if high - low < 1e-6:
        low, high = low - 0.05, high + 0.05
    text = [[("" if i == j else f"{similarity[i, j]:.2f}") for j in range(len(names))] for i in range(len(names))]
    figure = go.Figure(go.Heatmap(z=z.tolist(), x=names, y=names, colorscale="Blues", zmin=low, zmax=high,
                                  text=text, texttemplate="%{text}", textfont={"size": 13},
                                  colorbar={"title": {"text": "cosine"}},
                                  hovertemplate="%{y} / %{x}: %{z:.3f}<extra></extra>"))
    figure.update_layout(title=f"Topic similarity (cosine of centres; colours span {low:.2f} to {high:.2f})",
                         yaxis={"autorange": "reversed", "showgrid": False},
                         xaxis={"tickangle": -30, "showgrid": False}, plot_bgcolor="white",
                         height=max(420, 60 * len(names) + 200))
    return figure


def _marker_rows(curve, chosen: int):
    return curve.loc[curve["k"] == chosen]


def k_curve_figure(curve, chosen: int, settings):
    """How ``cluster.k: auto`` chose k: the criterion against k (with its ± 1 standard-error band when it
    has one), the rule's threshold where the rule has one, and the chosen k starred and explained. A
    consensus of two spaces draws each space's criterion above and their ranks and mean rank below."""
    from ..cluster import rule_text

    spaces = [column[6:] for column in curve.columns if column.startswith("score_")]
    criterion = "-BIC" if settings.criterion == "bic" else settings.criterion.replace("_", "-")
    ks = curve["k"].to_numpy()
    row = _marker_rows(curve, chosen)
    if spaces:
        figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1,
                               subplot_titles=[f"{criterion} on each space", "percentile rank (1 = best); "
                                               "the rule reads the mean"])
        for space, dash, colour in zip(spaces, ("dot", "dash"), ("#8c564b", "#17becf")):
            values = curve[f"score_{space}"]
            figure.add_trace(go.Scatter(x=ks, y=values, mode="lines+markers", line={"dash": dash, "color": colour},
                                        name=f"{criterion} on the {space}"), row=1, col=1)
            figure.add_trace(go.Scatter(x=ks, y=values.rank(pct=True), mode="lines",
                                        line={"dash": dash, "color": colour}, name=f"rank on the {space}"),
                             row=2, col=1)
        figure.add_trace(go.Scatter(x=ks, y=curve["score"], mode="lines+markers", line={"color": "#1f77b4",
                                                                                        "width": 3},
                                    name="mean rank (the score)"), row=2, col=1)
        score_row = 2
    else:
        figure = go.Figure()
        score_row = None
        se = curve["se"].to_numpy()
        if (se > 0).any():
            upper, lower = curve["score"] + se, curve["score"] - se
            figure.add_trace(go.Scatter(x=list(ks) + list(ks)[::-1], y=list(upper) + list(lower)[::-1],
                                        mode="lines", fill="toself", fillcolor="rgba(31,119,180,0.2)",
                                        line={"width": 0},
                                        hoverinfo="skip", name="± 1 standard error"))
        figure.add_trace(go.Scatter(x=ks, y=curve["score"], mode="lines+markers", name=criterion,
                                    line={"color": "#1f77b4"}))
    where = {"row": score_row, "col": 1} if score_row else {}
    score = curve["score"]
    best = curve.loc[score.idxmax()]
    threshold, why = None, f"the best {criterion}, {float(best['score']):.3f}"
    if spaces:
        ranks = ", ".join(f"{float(curve[f'score_{s}'].rank(pct=True)[score.idxmax()]):.2f} on the {s}"
                          for s in spaces)
        why = f"the best mean rank, {float(best['score']):.2f} ({ranks})"
    if settings.rule == "one_se" and float(best["se"]) > 0:
        threshold = float(best["score"] - best["se"])
        why = f"smallest k at or above best − 1 SE = {threshold:.3f} (best at k = {int(best['k'])})"
    elif settings.rule == "share":
        threshold = float(score.min() + settings.share * (score.max() - score.min()))
        why = f"smallest k at or above {settings.share:g} of the way from worst to best = {threshold:.3f}"
    if threshold is not None:
        figure.add_hline(y=threshold, line_dash="dot", line_color="grey", annotation_text="rule's threshold",
                         annotation_position="bottom right", **where)
    if len(row):
        chosen_score = float(row["score"].iloc[0])
        figure.add_trace(go.Scatter(x=[chosen], y=[chosen_score], mode="markers",
                                    marker={"size": 16, "color": "#d62728", "symbol": "star"},
                                    name=f"chosen k = {chosen}", hovertext=[why], hoverinfo="text+x"), **where)
        figure.add_annotation(x=chosen, y=chosen_score, text=f"k = {chosen}: {why}", showarrow=True, arrowhead=2,
                              # below the star where the panel's title sits above it
                              ax=0, ay=40 if spaces else -40, bgcolor="rgba(255,255,255,0.8)", **where)
    figure.add_vline(x=chosen, line_dash="dash", line_color="#d62728")
    figure.update_xaxes(title_text="k (number of topics)", dtick=1 if len(ks) <= 20 else None,
                        **({"row": 2, "col": 1} if spaces else {}))
    figure.update_layout(title=f"k = {chosen}: {rule_text(settings)}<br><sup>{len(curve)} candidates, "
                               f"{int(ks.min())}..{int(ks.max())}</sup>", height=640 if spaces else 460)
    if spaces:
        figure.update_yaxes(title_text=criterion, row=1, col=1)
        figure.update_yaxes(title_text="rank", range=[0, 1.25], row=2, col=1)
    else:
        figure.update_yaxes(title_text=criterion)
    return figure


def topic_figures(result) -> dict[str, go.Figure]:
    """Name -> figure for every topic view that applies to ``result`` (needs its topic model)."""
    model = result.topic_model
    if model is None:
        return {}
    sizes = {t.id: t.size for t in result.topics}
    weights = {t.id: t.keyword_weights for t in result.topics}
    figures = {"top_words": top_words_bars(model, weights),
               "intertopic_distance_map": intertopic_distance_map(model, sizes),
               "topic_similarity": topic_similarity_heatmap(model)}
    if result.topic_tree is not None and len(model.topic_ids_) >= 2:
        figures["topic_hierarchy"] = topic_hierarchy_figure(result.topic_tree)
    if result.over_time is not None:
        figures["topics_over_time"] = topics_over_time_figure(result.over_time)
    if result.per_class is not None:
        figures["topics_per_class"] = topics_per_class_figure(result.per_class)
    if result.k_curve is not None:
        figures["k_curve"] = k_curve_figure(result.k_curve, result.config.cluster.k, result.config.cluster.auto)
    return figures


def run_figures(result, which: str | None = None) -> dict[str, go.Figure]:
    """The views a run draws for ``figures: which`` (default: its config's): none, summary or all."""
    from ._plots import document_map

    which = which or result.config.figures
    if which == "none":
        return {}
    figures = {"document_map": document_map(result)} if result.coords is not None else {}
    figures.update(topic_figures(result))
    if which == "summary":
        figures = {name: figure for name, figure in figures.items() if name in SUMMARY_FIGURES}
    return figures

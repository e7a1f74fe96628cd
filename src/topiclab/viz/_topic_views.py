"""Plotly views of a run's topic tree, topics over time and topics per class (logged as offline HTML).

``topic_hierarchy_figure`` draws ``topics.topic_tree`` as a dendrogram: topics
are leaves along the x axis, each join is drawn at its cosine distance, and
every node (leaf or join) carries a marker whose hover text gives its topics,
size and keywords. ``topics_over_time_figure`` is one line per topic (share of
each time bin's documents); ``topics_per_class_figure`` a heatmap of each
class's documents over the topics.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ._palette import topic_color

__all__ = ["topic_hierarchy_figure", "topics_over_time_figure", "topics_per_class_figure"]


def _positions(tree: dict) -> dict[str, tuple[float, float]]:
    """x (leaves in dendrogram order, 1 apart) and y (distance) of every node."""
    nodes = {n["id"]: n for n in tree["nodes"]}
    root = tree["nodes"][-1]
    order: list[str] = []
    stack = [root["id"]]
    while stack:  # depth first, left child first
        node = nodes[stack.pop()]
        if node["children"]:
            stack.extend(reversed(node["children"]))
        else:
            order.append(node["id"])
    where = {leaf: (float(i), 0.0) for i, leaf in enumerate(order)}
    for node in tree["nodes"]:  # children come before their parents
        if node["children"]:
            xs = [where[c][0] for c in node["children"]]
            where[node["id"]] = (sum(xs) / len(xs), node["distance"])
    return where


def topic_hierarchy_figure(tree: dict):
    """The topic tree as an interactive dendrogram; hover a node for its topics and keywords."""
    where = _positions(tree)
    xs, ys = [], []
    for node in tree["nodes"]:
        if not node["children"]:
            continue
        x, y = where[node["id"]]
        (x1, y1), (x2, y2) = (where[c] for c in node["children"])
        xs += [x1, x1, x2, x2, None]
        ys += [y1, y, y, y2, None]
    figure = go.Figure(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#555"}, hoverinfo="skip",
                                  showlegend=False))
    leaves = [n for n in tree["nodes"] if not n["children"]]
    inner = [n for n in tree["nodes"] if n["children"]]
    for group, name, symbol in ((leaves, "topics", "circle"), (inner, "joins", "diamond")):
        if not group:
            continue
        hover = [f"<b>{n['label']}</b><br>topics: {', '.join(map(str, n['topics']))}<br>{n['size']} documents"
                 f"<br>distance {n['distance']:.3f}<br>{', '.join(n['keywords'][:8])}" for n in group]
        colors = [topic_color(n["topic"]) if group is leaves else "#555" for n in group]
        figure.add_trace(go.Scatter(x=[where[n["id"]][0] for n in group], y=[where[n["id"]][1] for n in group],
                                    mode="markers", marker={"size": 12, "symbol": symbol, "color": colors},
                                    name=name, hovertext=hover, hoverinfo="text"))
    ticks = sorted(((where[n["id"]][0], f"{n['topic']}: {n['label']}") for n in leaves))
    figure.update_layout(title="Topic hierarchy (average linkage, cosine distance of topic vectors)",
                         xaxis={"tickvals": [t[0] for t in ticks], "ticktext": [t[1] for t in ticks],
                                "tickangle": -30},
                         yaxis_title="cosine distance", height=520)
    return figure


def _series_name(row) -> str:
    return f"{row.topic}: {row.topic_label}"


def topics_over_time_figure(table):
    """One line per topic: its share of each time bin's documents (``topics.topics_over_time``)."""
    figure = go.Figure()
    for topic, rows in table.groupby("topic", sort=True):
        name = _series_name(rows.iloc[0])
        figure.add_trace(go.Scatter(x=rows["bin"], y=rows["share"], mode="lines+markers", name=name,
                                    line={"color": topic_color(topic)},
                                    customdata=rows["documents"],
                                    hovertemplate=f"{name}<br>%{{x}}: %{{y:.0%}} (%{{customdata}} documents)"
                                                  "<extra></extra>"))
    # bins as categories, in the table's order: a bin or a batch's name, never a clock time between two days
    figure.update_layout(title="Topics over time (share of each bin's documents)", xaxis_title="time bin",
                         xaxis={"type": "category", "categoryorder": "array",
                                "categoryarray": list(dict.fromkeys(table["bin"]))},
                         yaxis_title="share of documents", yaxis_tickformat=".0%")
    return figure


def topics_per_class_figure(table):
    """Heatmap: each class (row) over the topics (columns), coloured by the share of the class."""
    shares = table.pivot_table(index="class", columns="topic", values="share", fill_value=0.0)
    counts = table.pivot_table(index="class", columns="topic", values="documents", fill_value=0)
    names = dict(zip(table.topic, table.topic_label))
    columns = [f"{t}: {names[t]}" for t in shares.columns]
    figure = go.Figure(go.Heatmap(z=shares.to_numpy(), x=columns, y=[str(c) for c in shares.index],
                                  text=counts.to_numpy(), texttemplate="%{text}", colorscale="Blues", zmin=0, zmax=1,
                                  hovertemplate="%{y} -> %{x}: %{z:.0%} (%{text} documents)<extra></extra>"))
    figure.update_layout(title="Topics per class (share of each class's documents)", xaxis_title="topic",
                         yaxis_title="class")
    return figure

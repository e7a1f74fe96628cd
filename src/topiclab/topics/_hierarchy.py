"""A tree over the topics: average-linkage agglomerative clustering of the topic vectors (cosine).

``topic_tree`` returns plain JSON-ready data (the run logs it as
``topic_tree.json``): each node has an ``id``, the ``topics`` below it, their
``size`` (documents), ``distance`` (cosine distance at which its children
join; 0 for a topic), ``keywords`` and ``label``. A topic's keywords are the
run's; an inner node's are the c-TF-IDF words of all its documents taken
together, scored against the run's topics. Nodes are listed children first:
``nodes[-1]`` is the root.
"""

from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import squareform
from sklearn.preprocessing import normalize

from ..data import StopList
from ._naming import ctfidf_counts, ctfidf_scores, top_words
from ._reduce import topic_ids_of

__all__ = ["topic_tree"]


def topic_tree(vectors: np.ndarray, labels: np.ndarray, texts: list[str], names: dict[int, str],
               keywords: dict[int, list[str]], n_keywords: int = 10,
               stop_list: StopList = "english+news") -> dict:
    """``{"linkage", "metric", "nodes": [...]}`` for the topics of ``labels`` (outliers left out)."""
    labels = np.asarray(labels, dtype=int)
    ids = topic_ids_of(labels)
    dense = vectors.toarray() if hasattr(vectors, "toarray") else np.asarray(vectors, dtype=float)
    centres = normalize(np.vstack([dense[labels == t].mean(axis=0) for t in ids])) if ids else np.zeros((0, 1))
    all_ids, all_counts, words = ctfidf_counts(texts, labels, stop_list)
    counts = np.vstack([all_counts[all_ids.index(t)] for t in ids]) if ids else all_counts
    nodes = [{"id": f"topic {t}", "topic": t, "topics": [t], "size": int((labels == t).sum()), "distance": 0.0,
              "keywords": list(keywords.get(t, []))[:n_keywords], "label": names.get(t, f"topic {t}"),
              "children": []} for t in ids]
    members = [[i] for i in range(len(ids))]
    if len(ids) >= 2:
        # cosine distances computed here: a zero topic vector is at distance 1 from every other (scipy: NaN)
        distances = np.clip(1.0 - centres @ centres.T, 0.0, 2.0)
        condensed = squareform((distances + distances.T) / 2, checks=False)
        for step, (a, b, distance, _) in enumerate(linkage(condensed, method="average")):
            a, b = int(a), int(b)
            rows = members[a] + members[b]
            members.append(rows)
            node_words = (top_words(ctfidf_scores(counts[rows].sum(axis=0, keepdims=True), counts)[0], words,
                                    n_keywords) if len(words) else [])
            nodes.append({"id": f"node {step}", "topic": None, "topics": sorted(ids[r] for r in rows),
                          "size": nodes[a]["size"] + nodes[b]["size"], "distance": float(max(distance, 0.0)),
                          "keywords": node_words, "label": " / ".join(node_words[:3]) or f"node {step}",
                          "children": [nodes[a]["id"], nodes[b]["id"]]})
    return {"linkage": "average", "metric": "cosine", "nodes": nodes}

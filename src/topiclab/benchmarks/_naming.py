"""Naming benchmark: how often a topic named after a general taxonomy is named right.

Protocol (``topiclab bench-naming``): each suite corpus is clustered with its
benchmark config (``experiments/<name>.yaml``, else ``dataset_config``'s generic
one) at k = its number of labels, with ``experiments/taxonomies/iptc.yaml`` as
taxonomy and ``guided: false``. Each topic keeps its best entry, its similarity
(``topics.label_scores``, as ``name_topics`` computes it) and its gold majority
label. At a threshold t a topic is named when its similarity is >= t; it is named
correctly when its majority label maps (``LABEL_MAPS``) to the name it got.
Majority labels that map to nothing are left out of the correct share.

``topics.label_threshold`` is chosen leave-one-corpus-out: for each held-out
corpus, the lowest t whose pooled share named correctly on the other corpora is
>= ``MIN_PRECISION``; the held-out corpus's figures are reported at that t. The
shipped default is the threshold chosen on all four corpora.
"""

from __future__ import annotations

import time
from collections import Counter

import numpy as np
import pandas as pd

from ..config import apply_overrides, config_from_dict
from ..data import load_dataset
from ..pipeline import run_experiment
from ..topics import centroids, label_scores, load_taxonomy, taxonomy_texts
from ..vectorize import make_embedder
from ..viz import markdown_table
from ._sections import write_section

__all__ = ["SECTION", "IPTC", "LABEL_MAPS", "MIN_PRECISION", "topic_records", "naming_figures",
           "choose_threshold", "leave_one_corpus_out", "naming_targets", "naming_section", "run_naming_benchmark"]

SECTION = "naming"
IPTC = "experiments/taxonomies/iptc.yaml"
MIN_PRECISION = 0.9
_ARTS = "arts, culture, entertainment and media"
_CONFLICT = "conflict, war and peace"
_CRIME = "crime, law and justice"
_ECONOMY = "economy, business and finance"
_LIFESTYLE = "lifestyle and leisure"
_SCITECH = "science and technology"
_WORLD = ("politics", _CONFLICT)  # world news: international politics or conflict, either name is right
_FAMILY = ("society", "human interest")

# Each corpus's labels -> the IPTC names that are right for a topic of that label. A label left out
# (AG's World maps to politics or conflict; 20NG's autos, motorcycles and for-sale ads, HuffPost's FIFTY and
# IMPACT map to nothing defensible) does not count in the share named correctly.
LABEL_MAPS: dict[str, dict[str, tuple[str, ...]]] = {
    "bbc_news": {"business": (_ECONOMY,), "entertainment": (_ARTS,), "politics": ("politics",),
                 "sport": ("sport",), "tech": (_SCITECH,)},
    "ag_news_4k": {"World": _WORLD, "Sports": ("sport",), "Business": (_ECONOMY,), "Sci/Tech": (_SCITECH,)},
    "20newsgroups_6k": {
        "alt.atheism": ("religion",), "soc.religion.christian": ("religion",), "talk.religion.misc": ("religion",),
        **{name: (_SCITECH,) for name in ("comp.graphics", "comp.os.ms-windows.misc", "comp.sys.ibm.pc.hardware",
                                          "comp.sys.mac.hardware", "comp.windows.x", "sci.crypt",
                                          "sci.electronics", "sci.space")},
        "rec.sport.baseball": ("sport",), "rec.sport.hockey": ("sport",), "sci.med": ("health",),
        "talk.politics.guns": ("politics", _CRIME), "talk.politics.mideast": _WORLD,
        "talk.politics.misc": ("politics",)},
    "huffpost_6k": {
        **{name: (_ARTS,) for name in ("ARTS", "ARTS & CULTURE", "CULTURE & ARTS", "COMEDY", "ENTERTAINMENT",
                                       "MEDIA")},
        **{name: ("society",) for name in ("BLACK VOICES", "LATINO VOICES", "QUEER VOICES", "WOMEN")},
        **{name: _FAMILY for name in ("DIVORCE", "PARENTING", "PARENTS")},
        **{name: (_LIFESTYLE,) for name in ("FOOD & DRINK", "TASTE", "HOME & LIVING", "STYLE", "STYLE & BEAUTY",
                                            "TRAVEL")},
        **{name: _WORLD for name in ("THE WORLDPOST", "WORLDPOST", "WORLD NEWS")},
        "WEDDINGS": (_LIFESTYLE, "human interest"), "GOOD NEWS": ("human interest",),
        "WEIRD NEWS": ("human interest",), "BUSINESS": (_ECONOMY,), "MONEY": (_ECONOMY,),
        "COLLEGE": ("education",), "EDUCATION": ("education",), "CRIME": (_CRIME,),
        "ENVIRONMENT": ("environment",), "GREEN": ("environment",), "HEALTHY LIVING": ("health",),
        "WELLNESS": ("health",), "POLITICS": ("politics",), "RELIGION": ("religion",),
        "SCIENCE": (_SCITECH,), "TECH": (_SCITECH,), "SPORTS": ("sport",)},
}


def topic_records(spec: str, taxonomy: str = IPTC, embedder=None, seed: int = 42) -> pd.DataFrame:
    """One row per topic of ``spec`` clustered by the protocol: its size, gold majority label (and that
    label's share), the names that would be right for it, its best entry and that entry's similarity."""
    from ._run import BenchmarkSettings, dataset_config

    corpus = load_dataset(spec)
    n_labels = len(set(corpus.labels))
    config = dataset_config(spec, BenchmarkSettings(), n_labels)
    raw = apply_overrides(config.model_dump(mode="json", exclude={"sweep"}),
                          [f"cluster.k={n_labels}", f"topics.taxonomy={taxonomy}", "topics.guided=false",
                           "topics.coherence=false", f"seed={seed}"])
    config = config_from_dict(raw, source=f"naming:{spec}")
    embedder = embedder or make_embedder(config.vectorize.embedding.model)
    result = run_experiment(config, embedder=embedder)
    entries = load_taxonomy(taxonomy)
    entry_vectors = embedder.embed(taxonomy_texts(entries))
    topic_vectors = centroids(embedder.embed(result.corpus.texts), result.assignments)
    gold = np.asarray(result.corpus.labels, dtype=object)
    mapping = LABEL_MAPS.get(spec, {})
    rows = []
    for topic, vector in topic_vectors.items():
        if topic == -1:
            continue
        members = gold[result.assignments == topic]
        majority, count = Counter(members.tolist()).most_common(1)[0]
        scores = label_scores(vector, entry_vectors)
        best = int(np.argmax(scores))
        rows.append({"corpus": spec, "topic": topic, "size": len(members), "majority": majority,
                     "purity": count / len(members), "right": "|".join(mapping.get(majority, ())),
                     "best": entries[best].name, "similarity": float(scores[best])})
    return pd.DataFrame(rows)


def naming_figures(records: pd.DataFrame, threshold: float) -> dict[str, float]:
    """At ``threshold``: topics, share named, and share named correctly (of the named topics whose
    majority label maps; NaN when there is none)."""
    named = records[records["similarity"] >= threshold]
    judged = named[named["right"] != ""]
    correct = [best in right.split("|") for best, right in zip(judged["best"], judged["right"])]
    return {"topics": float(len(records)), "named": len(named) / max(len(records), 1),
            "judged": float(len(judged)), "correct": float(np.mean(correct)) if correct else float("nan")}


def choose_threshold(records: pd.DataFrame, min_precision: float = MIN_PRECISION) -> float:
    """The lowest similarity t (one of the topics' own) at which the pooled share named correctly is
    >= ``min_precision``; above every similarity (nothing named) when no t reaches it."""
    for t in np.sort(records["similarity"].unique()):
        correct = naming_figures(records, t)["correct"]
        if not np.isnan(correct) and correct >= min_precision:
            return float(np.floor(t * 1000) / 1000)  # rounded down: a topic at t is still named
    return float(np.ceil(records["similarity"].max() * 1000) / 1000 + 0.001)


def leave_one_corpus_out(records: pd.DataFrame, min_precision: float = MIN_PRECISION) -> pd.DataFrame:
    """Per held-out corpus: the threshold chosen on the others and the held-out figures at it; a last
    row with the threshold chosen on every corpus (the shipped default) and the pooled figures at it."""
    rows = []
    for corpus in records["corpus"].unique():
        t = choose_threshold(records[records["corpus"] != corpus], min_precision)
        rows.append({"corpus": corpus, "threshold": t, **naming_figures(records[records["corpus"] == corpus], t)})
    t = choose_threshold(records, min_precision)
    rows.append({"corpus": "all (chosen on all)", "threshold": t, **naming_figures(records, t)})
    return pd.DataFrame(rows)


def naming_targets(loco: pd.DataFrame, min_precision: float = MIN_PRECISION) -> pd.DataFrame:
    rows = []
    for row in loco[~loco["corpus"].str.startswith("all")].to_dict(orient="records"):
        ok = not np.isnan(row["correct"]) and row["correct"] >= min_precision
        measured = "n/a (nothing named)" if np.isnan(row["correct"]) else f"{row['correct']:.3f}"
        rows.append({"target": f"naming, {row['corpus']}: named correctly >= {min_precision:.2f} of named "
                               "topics, threshold chosen on the other corpora",
                     "measured": f"{measured} ({int(row['judged'])} judged, {row['named']:.0%} named)",
                     "status": "met" if ok else "missed"})
    return pd.DataFrame(rows)


def _loco_table(loco: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"held-out corpus": loco["corpus"], "threshold (chosen on the others)": loco["threshold"],
                         "topics": loco["topics"].astype(int), "share named": loco["named"].round(3),
                         "named and judged": loco["judged"].astype(int),
                         "share named correctly": loco["correct"].round(3)})


def naming_section(records: pd.DataFrame, loco: pd.DataFrame, seconds: float) -> str:
    topics = records.assign(similarity=records["similarity"].round(3), purity=records["purity"].round(2))
    topics = topics.sort_values(["corpus", "similarity"], ascending=[True, False])
    return "\n".join([
        "## Naming: topics named after a general taxonomy (IPTC)", "",
        "`topiclab bench-naming`. Each corpus clustered by its benchmark config at k = its number of labels, "
        f"taxonomy `{IPTC}` (the 17 top-level IPTC Media Topics subjects), `guided: false`. A topic's similarity "
        "is `topics.label_scores` of its centroid (mean MiniLM embedding of its documents) against each entry's "
        "name and description; it is named when the similarity is >= the threshold, and named correctly when "
        "its gold majority label maps to that name (`LABEL_MAPS` in `benchmarks/_naming.py`; labels mapped to "
        "nothing are left out of the correct share). The threshold for each held-out corpus is the lowest t "
        f"whose pooled share named correctly on the other corpora is >= {MIN_PRECISION}; the last row's, chosen "
        "on all four, is the shipped default of `topics.label_threshold`.", "",
        markdown_table(_loco_table(loco)), "",
        "Every topic (best entry, similarity, gold majority label and its purity, the names that would be right):",
        "",
        markdown_table(topics[["corpus", "topic", "size", "majority", "purity", "right", "best", "similarity"]]), "",
        f"Wall time {seconds:.0f} s.",
    ])


def run_naming_benchmark(out: str | None = "BENCHMARKS.md", corpora: tuple[str, ...] = tuple(LABEL_MAPS),
                         track: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The protocol above on ``corpora``; writes section ``naming`` of ``out`` (None: no report) and logs
    one MLflow run (experiment ``benchmarks``) with the tables and the held-out figures. Returns
    (leave-one-corpus-out table, targets)."""
    start = time.perf_counter()
    embedder = make_embedder()
    records = pd.concat([topic_records(name, embedder=embedder) for name in corpora], ignore_index=True)
    loco = leave_one_corpus_out(records)
    targets = naming_targets(loco)
    if out is not None:
        write_section(out, SECTION, naming_section(records, loco, time.perf_counter() - start), targets)
    if track:
        from ..tracking import log_report

        metrics = {f"{row['corpus']}.{key}": row[key] for row in loco.to_dict(orient="records")
                   for key in ("threshold", "named", "correct") if not np.isnan(row[key])}
        log_report("benchmarks", f"naming-{time.strftime('%Y%m%d-%H%M%S')}",
                   tables={"naming_topics": records, "naming_loco": loco, "naming_targets": targets},
                   params={"taxonomy": IPTC, "min_precision": MIN_PRECISION, "corpora": ",".join(corpora)},
                   metrics={k.replace(" ", "_").replace("(", "").replace(")", ""): v for k, v in metrics.items()},
                   tags={"topiclab.benchmark": SECTION})
    return loco, targets

"""The stream benchmark, measured and written: ``topiclab bench-stream`` (section ``stream``).

``measure_stream`` runs one corpus: the fit of batch 1, the update stream under
every setting of the update's constants (``STREAM_SETTINGS``), the anchors and a
refit on everything. ``stream_section`` chooses our setting (and the
``merge_models`` anchor's ``min_similarity``) leave-one-corpus-out: for each
corpus, the setting that met the most targets on the other corpora, ties broken
by their mean new-story F1; that corpus's figures under it are reported and
checked against the targets.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..evaluation import nmi
from ..paths import write_atomically
from ..viz import markdown_table
from . import _stream as st

__all__ = ["STREAM_SETTINGS", "JOIN_QUANTILES", "SIZE_RATIOS", "TARGETS", "CorpusStream", "setting_name", "checks",
           "measure_stream", "choose_loco", "stream_section", "run_stream_benchmark"]

# The update's constants tried, each a dict of keyword arguments of ``update_topic_model``: the quantile of a
# topic's own members' cosines a document needs to join it, and the smallest new topic as a share of the fit's
# median topic's share of the batch (0.02 and 0.25: the core's defaults).
JOIN_QUANTILES = (0.02, 0.05, 0.10)
SIZE_RATIOS = (0.25, 0.5, 1.0)
STREAM_SETTINGS: tuple[dict, ...] = tuple({"join_quantile": q, "size_ratio": r}
                                          for q in JOIN_QUANTILES for r in SIZE_RATIOS)
TARGETS = {"recall": 0.70, "precision": 0.70, "stability": 0.95, "nmi_gap": 0.03, "time_ratio": 0.2}
OURS = "topiclab update"


def setting_name(constants: dict) -> str:
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in constants.items()) or "defaults"


@dataclass
class CorpusStream:
    dataset: str
    documents: int
    labels: int
    held_back: str
    held_documents: int
    batch_sizes: list[int]
    k_first: int
    ordered_by: str
    rows: list[dict] = field(default_factory=list)  # st.stream_metrics, one per method and setting
    updates: list[dict] = field(default_factory=list)  # every update of every method and setting


def checks(row: dict) -> dict[str, bool]:
    """Which targets one ``stream_metrics`` row meets."""
    def at_least(value, bound):
        return value is not None and not math.isnan(value) and value >= bound

    return {"new stories": at_least(row["recall"], TARGETS["recall"])
            and at_least(row["precision"], TARGETS["precision"]),
            "stability": at_least(row["stability (min)"], TARGETS["stability"]),
            "NMI": at_least(row["NMI"], row["NMI refit"] - TARGETS["nmi_gap"]),
            "time": at_least(-row["update / refit"], -TARGETS["time_ratio"])}


def _f1(row: dict) -> float:
    recall, precision = (0.0 if math.isnan(v) else v for v in (row["recall"], row["precision"]))
    return 0.0 if recall + precision == 0 else 2 * recall * precision / (recall + precision)


def measure_stream(dataset: str, method_for, embedder, seed: int = 42, n_batches: int = st.N_BATCHES,
                   first_new: int = st.FIRST_NEW, limit: int | None = None, anchors: bool = True,
                   settings: tuple[dict, ...] = STREAM_SETTINGS, log=print) -> CorpusStream:
    """Everything the section needs from one corpus; ``method_for(dataset, n_labels)`` is its configured method."""
    stream = st.load_stream(dataset, seed, n_batches, first_new, limit)
    n_labels = len(set(stream.gold.tolist()))
    method = method_for(dataset, n_labels)
    k_first = len(set(stream.gold[stream.batches[0]].tolist()))
    log(f"[stream] {dataset}: {len(stream.texts)} documents, held back {stream.held_back!r} "
        f"({int(stream.held.sum())}), batches {[len(b) for b in stream.batches]}")
    embeddings = embedder.embed(stream.texts)  # warm: every text embedded once before anything is timed
    record = CorpusStream(dataset, len(stream.texts), n_labels, str(stream.held_back), int(stream.held.sum()),
                          [len(b) for b in stream.batches], k_first, stream.ordered_by)
    log(f"[stream] {dataset}: refit on every batch (k={n_labels})")
    refit, refit_seconds = st.refit_everything(stream, method, embedder)
    refit_topics = np.full(len(stream.texts), -2, dtype=int)
    refit_topics[np.concatenate(stream.batches)] = refit.assignments
    refit_nmi = nmi(stream.gold, refit_topics)
    log(f"[stream] {dataset}: fit on batch 1 (k={k_first})")
    fitted = st.fit_first_batch(stream, method, embedder)
    runs = []
    for constants in settings:
        log(f"[stream] {dataset}: topiclab update, {setting_name(constants)}")
        runs.append(st.run_update_stream(stream, fitted, embedder, seed, setting_name(constants), **constants))
    if anchors:
        from . import _stream_anchors as anchor

        log(f"[stream] {dataset}: BERTopic partial_fit")
        runs.append(anchor.partial_fit_stream(stream, embeddings, seed))
        log(f"[stream] {dataset}: BERTopic per batch, merge_models")
        models = anchor.batch_models(stream, embeddings, seed)
        runs += [anchor.merge_stream(stream, embeddings, models, s) for s in anchor.MERGE_SIMILARITIES]
    for run in runs:
        record.rows.append(st.stream_metrics(stream, run, refit_topics, refit_seconds, refit_nmi))
        record.updates += [{"corpus": dataset, "method": run.method, "setting": run.setting, **u}
                           for u in run.updates]
    return record


def choose_loco(rows: pd.DataFrame, method: str) -> tuple[pd.DataFrame, str]:
    """Per corpus, ``method``'s row under the setting chosen on the other corpora; and the setting chosen
    on all of them. With one corpus, its first setting (nothing to choose on)."""
    mine = rows[rows.method == method].copy()
    mine["met"] = [sum(checks(r).values()) for r in mine.to_dict("records")]
    mine["f1"] = [_f1(r) for r in mine.to_dict("records")]
    order = list(dict.fromkeys(mine.setting))

    def best(frame: pd.DataFrame) -> str:
        if frame.empty:
            return order[0]
        scores = frame.groupby("setting", sort=False)[["met", "f1"]].mean().reindex(order).fillna(-1.0)
        return max(order, key=lambda s: (scores.loc[s, "met"], scores.loc[s, "f1"], -order.index(s)))

    chosen = []
    for corpus in dict.fromkeys(mine.corpus):
        setting = best(mine[mine.corpus != corpus])
        chosen.append(mine[(mine.corpus == corpus) & (mine.setting == setting)].iloc[0])
    return pd.DataFrame(chosen).drop(columns=["met", "f1"]), best(mine)


def _fmt(value, digits: int = 3) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def _targets(ours: pd.DataFrame, history: dict | None) -> pd.DataFrame:
    rows = []
    for r in ours.to_dict("records"):
        met = checks(r)
        corpus, setting = r["corpus"], r["setting"]
        rows += [
            {"target": f"stream, {corpus}: new-story recall >= 0.70 and precision >= 0.70",
             "measured": f"recall {_fmt(r['recall'])}, precision {_fmt(r['precision'])}, {r['born topics']} "
                         f"born topics ({setting})", "status": met["new stories"]},
            {"target": f"stream, {corpus}: stability >= 0.95 after every update",
             "measured": f"lowest {_fmt(r['stability (min)'])} (recorded topics: "
                         f"{_fmt(r['stability recorded (min)'])})", "status": met["stability"]},
            {"target": f"stream, {corpus}: final NMI within 0.03 of a refit's",
             "measured": f"{_fmt(r['NMI'])} vs refit {_fmt(r['NMI refit'])}", "status": met["NMI"]},
            {"target": f"stream, {corpus}: update time <= 0.2 of a refit's",
             "measured": f"slowest update {r['update s (max)']:.2f} s / refit {r['refit s']:.2f} s = "
                         f"{r['update / refit']:.2f}", "status": met["time"]}]
    if history:
        ratio = history["largest / smallest history"]
        largest, smallest = history["largest history"], history["smallest history"]
        rows.append({"target": f"stream: an update's cost does not grow with the history ({largest:,}-document "
                               f"history <= 1.5x the {smallest:,}'s, same batch)",
                     "measured": f"{ratio:.2f}x (history exponent {history['history exponent']:.2f}, batch "
                                 f"exponent {history['batch exponent']:.2f})", "status": ratio <= 1.5})
    frame = pd.DataFrame(rows, columns=["target", "measured", "status"])
    frame["status"] = frame["status"].map({True: "met", False: "missed"})
    return frame


_SHOWN = ["corpus", "method", "setting", "recall", "precision", "born topics", "stability (min)",
          "stability recorded (min)", "NMI", "NMI refit", "NMI vs refit", "update s (max)", "refit s",
          "update / refit"]


def stream_section(results: list[CorpusStream], history: pd.DataFrame | None = None,
                   machine: str = "", seed: int = 42) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """Markdown body, Targets rows, and every method's rows as chosen leave-one-corpus-out."""
    from ._stream_history import history_exponents

    rows = pd.DataFrame([r for c in results for r in c.rows])
    ours, ours_all = choose_loco(rows, OURS)
    chosen = [ours]
    merge_all = None
    for method in ("BERTopic partial_fit", "BERTopic merge_models"):
        if (rows.method == method).any():
            picked, everywhere = choose_loco(rows, method)
            chosen.append(picked)
            merge_all = everywhere if method.endswith("merge_models") else merge_all
    rank = {"corpus": {c.dataset: i for i, c in enumerate(results)},
            "method": {OURS: 0, "BERTopic partial_fit": 1, "BERTopic merge_models": 2}}
    table = pd.concat(chosen).sort_values(["corpus", "method"], key=lambda s: s.map(rank[s.name]))
    exponents = history_exponents(history) if history is not None and len(history) else None
    targets = _targets(ours, exponents)
    updates = pd.DataFrame([u for c in results for u in c.updates])
    loco_updates = updates.merge(ours[["corpus", "setting"]].assign(method=OURS), on=["corpus", "method", "setting"])
    corpora = pd.DataFrame([{"corpus": c.dataset, "documents": c.documents, "labels": c.labels,
                             "held back": f"{c.held_back} ({c.held_documents})", "k of the fit": c.k_first,
                             "order": c.ordered_by, "batch sizes": " / ".join(map(str, c.batch_sizes))}
                            for c in results])
    n_batches = len(results[0].batch_sizes) if results else st.N_BATCHES
    parts = [
        "## Topics that follow the news: updates batch by batch", "",
        f"`topiclab bench-stream` (benchmarks/_stream*.py){': ' + machine if machine else ''}. Each labelled corpus "
        f"is put in a seeded order (seed {seed}; by date where every document has one: none of these has) and one "
        "label is held back: the mid-sized one (labels ordered by their number of documents, then name; the one "
        f"at position labels // 2). The other labels' documents are cut into {n_batches} equal consecutive "
        f"batches; the held-back label's documents are spread evenly over batches {st.FIRST_NEW} to {n_batches}. "
        "Batch 1 is fitted with the corpus's configured method (experiments/<name>.yaml, else the generic config "
        "of `topiclab bench`: MiniLM + TF-IDF LSA, k-means) at k = the labels batch 1 holds (fixed, not auto); "
        "each later batch updates the model (`topics.update_topic_model`, on the batch's features). A refit: "
        "the same method from scratch on every batch at k = all labels. HuffPost's renamed sections are merged "
        "first, as in the choosing-k section. Embeddings are warm (each text embedded once before any timing).",
        "", markdown_table(corpora), "",
        "Definitions. **new-story recall**: the share of the held-back label's documents whose topic is one born "
        "after the fit (the topic recorded for a document when its batch arrived, a merged topic followed to "
        "the topic it joined; a born topic merged into an old one is no longer born). **precision**: the share of "
        "the born topics' documents that carry the held-back label (– when no topic was born). **stability**: "
        "after each update, over every document of the earlier batches, the share whose topic under the updated "
        "model equals its topic under the model before the update, the topic being what the model assigns the "
        "document (`TopicModel.predict_features`, its nearest centroid, as `topiclab assign` does; the anchors' "
        "`transform`); the lowest of the updates is reported and checked. *stability recorded*: the same share "
        "for the topics recorded on arrival (only a merge changes those). **NMI**: the recorded topic of every "
        "document after the last batch (outliers one group) against the gold labels, beside the refit's; *NMI vs "
        "refit*: the two assignments against each other. **time**: the slowest update (the batch's features and "
        "the update) against the refit (load, vectorise, cluster, topics; not its scoring), seconds on the same "
        "machine in the same process.", "",
        "Our constants and the `merge_models` anchor's `min_similarity` are chosen leave-one-corpus-out: for each "
        "corpus, the setting that met the most targets on the other corpora (ties: their mean new-story F1); "
        f"chosen on all corpora: **{ours_all}** for `topiclab update`"
        + (f", **{merge_all}** for `merge_models`" if merge_all else "") + ".", "",
        markdown_table(table[_SHOWN].round(3)), "",
        "The anchors (benchmarks/_stream_anchors.py): BERTopic's `partial_fit` with the online components of its "
        "documentation (IncrementalPCA, MiniBatchKMeans told the number of labels of the whole stream, "
        "OnlineCountVectorizer with decay 0.01): k-means's k is fixed at the first batch, so a new story has no "
        "topic to be born into. `merge_models`: one default BERTopic (UMAP with the seed, HDBSCAN) per batch, "
        "merged one batch at a time; its time per update is that batch's fit plus the merge. Its stability after the "
        "first merge compares the batch-1 model's `transform` (HDBSCAN's approximate_predict, which leaves many "
        "documents outliers) with the merged model's (cosine to the topic embeddings, no outliers).", "",
        "### Each update (`topiclab update`, setting chosen leave-one-corpus-out)", "",
        markdown_table(loco_updates.drop(columns=["method"]).round(3)), ""]
    if exponents:
        parts += ["### An update's cost against the history", "",
                  "The same batch (AG News 4k, a quarter from its held-back label) updates models fitted by the "
                  "configured method on 1k, 10k and 100k documents of history (AG News's other documents resampled "
                  "with replacement: texts repeat, the count grows); at the middle history, batches of growing size. "
                  "Seconds: median of 3 updates of the same model (the batch's features and the update).", "",
                  markdown_table(history.round(3)), "",
                  f"Slope of log seconds over log history (fixed batch): **{exponents['history exponent']:.2f}** "
                  f"(0 = flat); over log batch (fixed history): **{exponents['batch exponent']:.2f}**.", ""]
    if len(STREAM_SETTINGS) > 1:
        every = rows[rows.method == OURS][_SHOWN[:3] + ["recall", "precision", "stability (min)", "NMI",
                                                        "NMI refit", "update / refit"]]
        parts += ["### Every setting of the update's constants", "", markdown_table(every.round(3)), ""]
    return "\n".join(parts), targets, table


def _to_json(value) -> str:
    if isinstance(value, CorpusStream):
        kind, data = "corpus", asdict(value)
    elif isinstance(value, pd.DataFrame):
        kind, data = "frame", value.to_dict(orient="records")
    else:
        kind, data = "text", str(value)
    return json.dumps({"kind": kind, "value": data}, default=lambda o: o.item() if hasattr(o, "item") else str(o))


def _from_json(text: str):
    kept = json.loads(text)
    if kept["kind"] == "corpus":
        return CorpusStream(**kept["value"])
    return pd.DataFrame(kept["value"]) if kept["kind"] == "frame" else kept["value"]


def _kept(folder: Path | None, name: str, measure, log=print):
    """``measure()``, or what an earlier run kept as ``folder/name.json`` (None: nothing kept)."""
    kept = None if folder is None else Path(folder) / f"{name}.json"
    if kept is not None and kept.is_file():
        log(f"[stream] {name}: measurements reused from {kept}")
        return _from_json(kept.read_text(encoding="utf-8"))
    value = measure()
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(kept, _to_json(value))
    return value


def run_stream_benchmark(out, datasets, method_for, embedder, seed: int = 42, n_batches: int = st.N_BATCHES,
                         limit: int | None = None, anchors: bool = True, history: bool = True,
                         history_sizes: tuple[int, ...] | None = None, measurements: Path | None = None, log=print):
    """``topiclab bench-stream``: measure ``datasets`` (and the history cost), write the section to ``out``
    (None: write nothing); returns (Targets rows, the chosen rows, every update, the history points).
    ``measurements``: a folder where each corpus's measurements (and the history's) are kept and reused when
    present, so the section can be rewritten without measuring again."""
    from ._run import machine_info
    from ._sections import write_section
    from ._stream_history import HISTORY_DATASET, HISTORY_SIZES, history_cost

    def machine_line() -> str:
        info = machine_info()
        return (f"{info['cpu']}, {info['cores available to this process']} cores, load average at start (1 min) "
                f"{info['load average at start (1 min)']}, BERTopic {info['bertopic']}")

    machine = _kept(measurements, "machine", machine_line, log)  # the measuring run's machine, kept with it
    results = [_kept(measurements, name.replace("/", "_"), lambda name=name: measure_stream(
        name, method_for, embedder, seed, n_batches, limit=limit, anchors=anchors, log=log), log)
        for name in datasets]
    points = None
    if history:
        rows = pd.DataFrame([r for c in results for r in c.rows])
        _, chosen = choose_loco(rows, OURS)
        constants = next(c for c in STREAM_SETTINGS if setting_name(c) == chosen)
        sizes = history_sizes or HISTORY_SIZES
        points = _kept(measurements, "history-" + "-".join(map(str, sizes)), lambda: history_cost(
            method_for(HISTORY_DATASET, 4), embedder, seed, constants, sizes=sizes, log=log), log)
    body, targets, table = stream_section(results, points, machine, seed)
    if out is not None:
        write_section(out, st.SECTION, body, targets)
    updates = pd.DataFrame([u for c in results for u in c.updates])
    return targets, table, updates, points

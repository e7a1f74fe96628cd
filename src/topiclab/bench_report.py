"""BENCHMARKS.md from measured benchmark runs, and their MLflow logging."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pandas as pd

from .evaluate import Evaluation, markdown_table

__all__ = ["quality_frame", "ceiling_frame", "topic_quality_frame", "targets", "render", "track", "sweep_summaries"]

GiB = 2**30
CEILING_FEATURES = {"configured": "our configured features + sparse TF-IDF", "minilm": "MiniLM alone"}


def _fit_seconds(evaluation: Evaluation) -> float:
    """Time to topics, without the evaluation stage (coherence etc.), for every method alike."""
    return float(sum(v for k, v in evaluation.timings.items() if k != "metrics"))


def quality_frame(evaluations: list[Evaluation]) -> pd.DataFrame:
    rows = []
    for e in evaluations:
        m = e.metrics
        rows.append({"method": e.method, "k": e.params.get("k") or "auto", "topics": int(m["n_topics"]),
                     "NMI": m.get("nmi"), "ARI": m.get("ari"), "accuracy": m.get("accuracy"),
                     "NPMI": m.get("npmi"), "C_v": m.get("c_v"), "diversity": m.get("topic_diversity"),
                     "outliers": m.get("outlier_share"), "keywords scored": m.get("keyword_vocab_share"),
                     "time (s)": _fit_seconds(e)})
    frame = pd.DataFrame(rows)
    return frame.sort_values("NMI", ascending=False, kind="stable").reset_index(drop=True)


def ceiling_frame(ceilings: dict[str, dict[str, float]]) -> pd.DataFrame:
    """The supervised ceilings of one dataset (``benchmark.DatasetReport.ceilings``)."""
    return pd.DataFrame([{"classifier trained on the gold labels": f"logistic regression on {CEILING_FEATURES[key]}",
                          "NMI": scores["nmi"], "ARI": scores["ari"], "accuracy": scores["accuracy"]}
                         for key, scores in ceilings.items()])


def topic_quality_frame(evaluations: list[Evaluation]) -> pd.DataFrame:
    rows = [{"method": e.method, "embedding-based": e.method.startswith("topiclab"),
             "NPMI": e.metrics.get("npmi"), "C_v": e.metrics.get("c_v"),
             "diversity": e.metrics.get("topic_diversity"), "NMI": e.metrics.get("nmi"),
             "time (s)": _fit_seconds(e)} for e in evaluations]
    return pd.DataFrame(rows).sort_values("NPMI", ascending=False, kind="stable").reset_index(drop=True)


def _best_embedding_vs_nmf(frame: pd.DataFrame) -> tuple[pd.Series | None, pd.Series | None]:
    ours = frame[frame["embedding-based"]]
    nmf = frame[frame["method"] == "nmf"]
    return (ours.iloc[0] if len(ours) else None), (nmf.iloc[0] if len(nmf) else None)


def _yes(flag: bool) -> str:
    return "met" if flag else "**missed**"


def targets(reports, speed: dict) -> pd.DataFrame:
    """The issue's targets, each with what this run measured."""
    rows = []
    nmi_targets = {"bbc_news": 0.90, "ag_news_4k": 0.65}
    for r in reports:
        if r.name in nmi_targets:
            best = quality_frame(r.quality).iloc[0]
            ours = max(e.metrics["nmi"] for e in r.quality if e.method == "topiclab (config)")
            ceiling = r.ceilings.get("configured", {}).get("nmi")
            ceiling_text = f"; supervised ceiling on the same features {ceiling:.3f}" if ceiling is not None else ""
            rows.append({"target": f"{r.name}: NMI >= {nmi_targets[r.name]:.2f} (our configured pipeline)",
                         "measured": f"{ours:.3f} (best of all methods: {best['method']} {best['NMI']:.3f}"
                                     f"{ceiling_text})",
                         "status": _yes(ours >= nmi_targets[r.name])})
        for count, runs in r.topic_quality.items():
            ours, nmf = _best_embedding_vs_nmf(topic_quality_frame(runs))
            if ours is None or nmf is None:
                continue
            ok = ours["NPMI"] >= nmf["NPMI"] and ours["diversity"] >= nmf["diversity"]
            rows.append({"target": f"{r.name}, {count} topics: best embedding-based NPMI and diversity >= NMF's",
                         "measured": f"{ours['method']}: NPMI {ours['NPMI']:.3f} vs {nmf['NPMI']:.3f}, "
                                     f"diversity {ours['diversity']:.3f} vs {nmf['diversity']:.3f}",
                         "status": _yes(bool(ok))})
    if "cold_warm" in speed:
        cw = speed["cold_warm"]
        rows.append({"target": "warm run <= 1/5 of cold run", "measured":
                     f"{cw['warm_s']:.1f} s vs {cw['cold_s']:.1f} s (1/{cw['cold_s'] / cw['warm_s']:.1f})",
                     "status": _yes(cw["warm_s"] * 5 <= cw["cold_s"])})
    if "overhead" in speed:
        o = speed["overhead"]
        ratio = o["ours_s"] / o["bare_s"]  # end to end, our evaluation stage included
        rows.append({"target": "our pipeline over bare BERTopic <= 1.5x", "measured":
                     f"{ratio:.2f}x end to end; {o['ours_without_metrics_s'] / o['bare_s']:.2f}x without "
                     "the evaluation stage", "status": _yes(ratio <= 1.5)})
    if "scaling" in speed:
        s = speed["scaling"]
        last = s["points"][-1]
        ok = s["exponent"] <= 1.3 and last.process_peak_rss_bytes < 4 * GiB
        rows.append({"target": "clustering growth exponent <= 1.3, peak memory < 4 GB at the largest size",
                     "measured": f"exponent {s['exponent']:.2f}; peak RSS {last.process_peak_rss_bytes / GiB:.2f} GiB "
                                 f"at {last.n_documents:,} documents", "status": _yes(ok)})
    return pd.DataFrame(rows, columns=["target", "measured", "status"])


def _config_summary(config) -> str:
    v, c = config.vectorize, config.cluster
    text = f"representation `{v.representation}`"
    if v.representation == "combined":
        text += f" (TF-IDF weight {v.tfidf_weight})"
    text += f", clusterer `{c.method}` k={c.k}"
    if c.refine.method != "none":
        r = c.refine
        text += (f", refine `{r.method}` (view `{r.view}`, iterations {r.iterations}, "
                 f"confident share {r.confident_share}, folds {r.folds})")
    return text


def _speed_sections(speed: dict) -> list[str]:
    out = ["## Speed", ""]
    if "cold_warm" in speed:
        cw = speed["cold_warm"]
        stages = sorted(set(cw["cold_stages"]) | set(cw["warm_stages"]), key=list(cw["cold_stages"]).index)
        frame = pd.DataFrame({"stage": stages, "cold run (s)": [cw["cold_stages"].get(s) for s in stages],
                              "warm run (s)": [cw["warm_stages"].get(s) for s in stages]})
        frame.loc[len(frame)] = ["total", cw["cold_s"], cw["warm_s"]]
        out += ["### Time per stage, cold vs warm run", "",
                f"The configured experiment of `{cw['warm_result'].corpus.name}`: cold = empty embedding "
                f"cache and model not yet loaded ({int(cw['cold_misses'])} texts encoded); warm = the same "
                f"run on the filled cache ({int(cw['warm_misses'])} texts encoded). The `metrics` stage "
                "includes NPMI and C_v coherence.", "", markdown_table(frame, 2)]
    if "overhead" in speed:
        o = speed["overhead"]
        frame = pd.DataFrame([
            {"run": "bare BERTopic.fit_transform (precomputed embeddings)", "seconds": o["bare_s"], "ratio": 1.0},
            {"run": "our pipeline, clusterer bertopic, without the metrics stage",
             "seconds": o["ours_without_metrics_s"], "ratio": o["ours_without_metrics_s"] / o["bare_s"]},
            {"run": "our pipeline, clusterer bertopic, end to end", "seconds": o["ours_s"],
             "ratio": o["ours_s"] / o["bare_s"]}])
        stages = ", ".join(f"{k} {v:.2f} s" for k, v in o["ours_stages"].items())
        out += ["### Our overhead over bare BERTopic", "",
                f"{o['n_documents']} documents, {int(o['n_topics'])} topics; same seeded UMAP, HDBSCAN and "
                "vectoriser, same cached embeddings, numba compiled beforehand, best of 2 runs each. "
                f"Our stages: {stages}.", "", markdown_table(frame, 2)]
    if "scaling" in speed:
        s = speed["scaling"]
        c = s["cluster"]
        frame = pd.DataFrame([{"documents": f"{p.n_documents:,}", "seconds": p.seconds,
                               "traced peak (MiB)": p.traced_peak_bytes / 2**20,
                               "process peak RSS (GiB)": p.process_peak_rss_bytes / GiB} for p in s["points"]])
        out += ["### Clustering stage at growing sizes", "",
                f"Stage measured: `cluster_vectors` with `{c.method}` k={c.k} (the configured clusterer of "
                f"`{s['source']}`, refinement off) on MiniLM embeddings of `{s['source']}` resampled with "
                "replacement plus Gaussian noise (sd 0.01), re-normalised. Traced peak = allocations during "
                "the stage (tracemalloc); process peak RSS = the whole benchmark process so far, an upper bound.",
                "", markdown_table(frame, 2), f"Fitted growth exponent (slope of log time over log size): "
                f"**{s['exponent']:.2f}**.", ""]
    return out


def render(reports, speed: dict, machine: dict, started: datetime, sweeps: dict) -> str:
    minutes = (datetime.now(timezone.utc) - started).total_seconds() / 60
    lines = ["# Benchmarks", "",
             f"Written by `make bench` on {started:%Y-%m-%d %H:%M} UTC ({minutes:.0f} min). Every number "
             "below was measured by that run; the runs are in the MLflow experiment `benchmarks`.", "",
             "## Protocol", "",
             "- Tokens: scikit-learn `CountVectorizer` analyzer, English stop words removed, tokens of at least "
             "2 letters (`vectorize.count_vectorizer`), for every method.",
             "- Coherence: gensim `CoherenceModel` on the evaluated corpus itself, `c_npmi` and `c_v` with their "
             "default windows, top-10 words per topic, outlier topic excluded. Words the analyzer never produces "
             "(stop words, numbers: BERTopic's default keywords) cannot be scored and are dropped; "
             "'keywords scored' gives the share kept.",
             "- Diversity: unique share of the top-10 words of all topics. Outliers: share of documents "
             "in topic -1. NMI/ARI count outliers as one more cluster; accuracy uses the best one-to-one matching.",
             "- Embeddings: offline all-MiniLM-L6-v2, cached; BERTopic gets the same precomputed embeddings. "
             "Time = seconds to topics and keywords, without the evaluation stage, embeddings from the cache.",
             "- Seeds fixed (42). NMF/LDA: a document's topic is its largest weight.", "",
             "## Targets", "", markdown_table(targets(reports, speed)), ""]
    for r in reports:
        lines += [f"## Quality: {r.name}", "",
                  f"{r.n_documents} documents, {r.n_labels} labels, content SHA-256 `{r.content_hash[:16]}…`. "
                  f"Our configuration: {_config_summary(r.config)}. Baselines at k = {r.n_labels} "
                  "(BERTopic chooses its own number of topics). Best NMI first.", "",
                  markdown_table(quality_frame(r.quality)), ""]
        if r.ceilings:
            folds = int(next(iter(r.ceilings.values()))["folds"])
            lines += [f"Supervised ceiling: a classifier that sees the gold labels, scored by stratified {folds}-fold "
                      "cross-validation (`ceiling.py`). An unsupervised method on the same features can hope "
                      "to approach it, not to pass it.", "", markdown_table(ceiling_frame(r.ceilings)), ""]
    lines += ["## Topic quality at fixed numbers of topics", ""]
    for r in reports:
        for count, runs in r.topic_quality.items():
            frame = topic_quality_frame(runs)
            lines += [f"### {r.name}, {count} topics", "", markdown_table(frame), ""]
    lines += _speed_sections(speed)
    if sweeps:
        lines += ["## How the configurations were chosen", "",
                  "Latest sweep logged in MLflow for each configuration (`topiclab sweep`), best first:", ""]
        for name, (run_id, frame) in sweeps.items():
            lines += [f"### {name} (parent run `{run_id}`)", "", markdown_table(frame.head(12)), ""]
    lines += ["## Machine and versions", "", markdown_table(pd.DataFrame(
        {"item": list(machine), "value": list(machine.values())})), ""]
    return "\n".join(lines)


def sweep_summaries(reports) -> dict:
    from .tracking import latest_sweep_summary

    found = {}
    for r in reports:
        summary = latest_sweep_summary(r.config.tracking.experiment, r.config.name)
        if summary is not None:
            found[r.config.name] = summary
    return found


def track(reports, speed: dict, report_path, experiment: str) -> str:
    """Every measured run as a nested MLflow run under one parent that holds the report."""
    from . import tracking

    with tracking.tracked_run(experiment, f"benchmark-{time.strftime('%Y%m%d-%H%M%S')}",
                              tags={"topiclab.benchmark": "parent"}) as parent:
        for r in reports:
            for e in r.quality:
                tracking.track_evaluation(e, experiment, f"{r.name}:{e.method}", nested=True)
            for count, runs in r.topic_quality.items():
                for e in runs:
                    tracking.track_evaluation(e, experiment, f"{r.name}:{e.method}:k{count}", nested=True)
        tracking.log_benchmark_summary(speed, report_path, {r.name: r.ceilings for r in reports})
        return parent.info.run_id

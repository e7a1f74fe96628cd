"""BENCHMARKS.md from measured benchmark runs, and their MLflow logging."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pandas as pd

from ..viz import markdown_table
from ._frames import ceiling_frame, quality_frame, topic_quality_frame
from ._speed import GiB, SpeedResults
from ._targets import evaluate_targets, targets_frame

__all__ = ["SECTION", "render", "track", "sweep_summaries"]

SECTION = "topic-models"  # this benchmark's section of BENCHMARKS.md


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


def _speed_sections(speed: SpeedResults) -> list[str]:
    out = ["### Speed", ""]
    if speed.cold_warm is not None:
        cw = speed.cold_warm
        stages = sorted(set(cw.cold_stages) | set(cw.warm_stages), key=list(cw.cold_stages).index)
        frame = pd.DataFrame({"stage": stages, "cold run (s)": [cw.cold_stages.get(s) for s in stages],
                              "warm run (s)": [cw.warm_stages.get(s) for s in stages]})
        frame.loc[len(frame)] = ["total", cw.cold_s, cw.warm_s]
        out += ["#### Time per stage, cold vs warm run", "",
                f"The configured experiment of `{cw.warm_result.corpus.name}`: cold = empty embedding "
                f"cache and model not yet loaded ({int(cw.cold_misses)} texts encoded); warm = the same "
                f"run on the filled cache ({int(cw.warm_misses)} texts encoded). The `metrics` stage "
                "includes NPMI and C_v coherence.", "", markdown_table(frame, 2)]
    if speed.overhead is not None:
        o = speed.overhead
        frame = pd.DataFrame([
            {"run": "bare BERTopic.fit_transform (precomputed embeddings)", "seconds": o.bare_s, "ratio": 1.0},
            {"run": "our pipeline, clusterer bertopic, without the metrics stage",
             "seconds": o.ours_without_metrics_s, "ratio": o.ours_without_metrics_s / o.bare_s},
            {"run": "our pipeline, clusterer bertopic, end to end", "seconds": o.ours_s, "ratio": o.ratio}])
        stages = ", ".join(f"{k} {v:.2f} s" for k, v in o.ours_stages.items())
        out += ["#### Our overhead over bare BERTopic", "",
                f"{o.n_documents} documents, {int(o.n_topics)} topics; same seeded UMAP, HDBSCAN and "
                "vectoriser, same cached embeddings, numba compiled beforehand, best of 2 runs each. "
                f"Our stages: {stages}.", "", markdown_table(frame, 2)]
    if speed.scaling is not None:
        s = speed.scaling
        c = s.cluster
        frame = pd.DataFrame([{"documents": f"{p.n_documents:,}", "seconds": p.seconds,
                               "traced peak (MiB)": p.traced_peak_bytes / 2**20,
                               "process peak RSS (GiB)": p.process_peak_rss_bytes / GiB} for p in s.points])
        out += ["#### Clustering stage at growing sizes", "",
                f"Stage measured: `cluster_vectors` with `{c.method}` k={c.k} (the configured clusterer of "
                f"`{s.source}`, refinement off) on MiniLM embeddings of `{s.source}` resampled with "
                "replacement plus Gaussian noise (sd 0.01), re-normalised. Traced peak = allocations during "
                "the stage (tracemalloc); process peak RSS = the whole benchmark process so far, an upper bound.",
                "", markdown_table(frame, 2), f"Fitted growth exponent (slope of log time over log size): "
                f"**{s.exponent:.2f}**.", ""]
    return out


def render(reports, speed: SpeedResults, machine: dict, started: datetime, sweeps: dict
           ) -> tuple[str, pd.DataFrame]:
    """The section's Markdown and its Targets rows."""
    minutes = (datetime.now(timezone.utc) - started).total_seconds() / 60
    targets = evaluate_targets(reports, speed)
    lines = ["## Topic models: quality and speed", "",
             f"Written by `make bench` on {started:%Y-%m-%d %H:%M} UTC ({minutes:.0f} min). Every number "
             "below was measured by that run; the runs are in the MLflow experiment `benchmarks`.", "",
             "### Protocol", "",
             "- Tokens: scikit-learn `CountVectorizer` analyzer, English stop words removed, tokens of at least "
             "2 letters (`data.word_vectorizer`), for every method.",
             "- Coherence: gensim `CoherenceModel` on the evaluated corpus itself, `c_npmi` and `c_v` with their "
             "default windows, top-10 words per topic, outlier topic excluded. Words the analyzer never produces "
             "(stop words, numbers: BERTopic's default keywords) cannot be scored and are dropped; "
             "'keywords scored' gives the share kept.",
             "- Diversity: unique share of the top-10 words of all topics. Outliers: share of documents "
             "in topic -1. NMI/ARI count outliers as one more cluster; accuracy uses the best one-to-one matching.",
             "- Embeddings: offline all-MiniLM-L6-v2, cached; BERTopic gets the same precomputed embeddings. "
             "Time = seconds to topics and keywords, without the evaluation stage, embeddings from the cache.",
             "- Seeds fixed (42). NMF/LDA: a document's topic is its largest weight.", "",
             "### Targets of this section", "", markdown_table(targets), "",
             "How each target is measured (`benchmarks/_targets.py`):", "", markdown_table(targets_frame()), ""]
    for r in reports:
        lines += [f"### Quality: {r.name}", "",
                  f"{r.n_documents} documents, {r.n_labels} labels, content SHA-256 `{r.content_hash[:16]}…`. "
                  f"Our configuration: {_config_summary(r.config)}. Baselines at k = {r.n_labels} "
                  "(BERTopic chooses its own number of topics). Best NMI first.", "",
                  markdown_table(quality_frame(r.quality)), ""]
        if r.ceilings:
            folds = int(next(iter(r.ceilings.values()))["folds"])
            lines += [f"Supervised ceiling: a classifier that sees the gold labels, scored by stratified {folds}-fold "
                      "cross-validation (`benchmarks/_ceiling.py`). An unsupervised method on the same features can hope "
                      "to approach it, not to pass it.", "", markdown_table(ceiling_frame(r.ceilings)), ""]
    lines += ["### Topic quality at fixed numbers of topics", ""]
    for r in reports:
        for count, runs in r.topic_quality.items():
            frame = topic_quality_frame(runs)
            lines += [f"#### {r.name}, {count} topics", "", markdown_table(frame), ""]
    lines += _speed_sections(speed)
    if sweeps:
        lines += ["### How the configurations were chosen", "",
                  "Latest sweep logged in MLflow for each configuration (`topiclab sweep`), best first:", ""]
        for name, (run_id, frame) in sweeps.items():
            lines += [f"#### {name} (parent run `{run_id}`)", "", markdown_table(frame.head(12)), ""]
    lines += ["### Machine and versions", "", markdown_table(pd.DataFrame(
        {"item": list(machine), "value": list(machine.values())})), ""]
    return "\n".join(lines), targets


def sweep_summaries(reports) -> dict:
    from ..tracking import latest_sweep_summary

    found = {}
    for r in reports:
        summary = latest_sweep_summary(r.config.tracking.experiment, r.config.name)
        if summary is not None:
            found[r.config.name] = summary
    return found


def _summary_metrics(reports, speed: SpeedResults) -> dict[str, float]:
    """Speed figures and supervised ceilings as flat metrics of the benchmark's parent run."""
    metrics = dict(speed.metrics())
    for r in reports:
        for features, scores in r.ceilings.items():  # configured | minilm
            metrics.update({f"ceiling_{r.name}_{features}_{k}": v for k, v in scores.items()
                            if k not in ("time_s", "folds")})
    return metrics


def track(reports, speed: SpeedResults, report_path, experiment: str) -> str:
    """Every measured run as a nested MLflow run under one parent that holds the report."""
    from .. import tracking

    with tracking.tracked_run(experiment, f"benchmark-{time.strftime('%Y%m%d-%H%M%S')}",
                              tags={"topiclab.benchmark": "parent"}) as parent:
        for r in reports:
            for e in r.quality:
                tracking.track_evaluation(e, experiment, f"{r.name}:{e.method}", nested=True)
            for count, runs in r.topic_quality.items():
                for e in runs:
                    tracking.track_evaluation(e, experiment, f"{r.name}:{e.method}:k{count}", nested=True)
        tracking.log_benchmark_summary(_summary_metrics(reports, speed), report_path)
        return parent.info.run_id

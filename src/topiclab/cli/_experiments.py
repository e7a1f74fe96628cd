"""Experiments: run one, sweep a grid, benchmark against the baselines."""

from __future__ import annotations

import sys
import time
from typing import Optional

import typer

from ..errors import TopiclabError
from ._app import app

def _print_topics(result, run_id: str, run_name: str | None = None) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(f"Topics of {run_name or result.config.name} ({result.metrics['n_documents']} "
                               "documents)"))
    for column in ("topic", "label", "size", "top keywords", "example"):
        table.add_column(column, overflow="fold")
    for topic in result.topics:
        example = topic.example if len(topic.example) <= 90 else topic.example[:87] + "..."
        table.add_row(str(topic.id), topic.label, str(topic.size), ", ".join(topic.keywords[:6]), example)
    console = Console(width=max(120, Console().width))
    console.print(table)
    shown = {k: v for k, v in result.metrics.items() if not k.startswith(("time_", "embedding_"))}
    console.print("metrics: " + ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                          for k, v in shown.items()))
    console.print(f"MLflow run id: {run_id}")
    if result.metrics.get("n_topics") == 0:  # a finished run, but not what anyone wanted: say why
        size = result.config.cluster.hdbscan.min_cluster_size
        typer.echo(f"warning: every document is an outlier (no topic): {result.config.cluster.method} found no "
                   f"group of cluster.hdbscan.min_cluster_size={size} among {result.metrics['n_documents']} "
                   "documents, and accuracy scores the outliers as one group; lower min_cluster_size, or use "
                   "cluster.method: kmeans", err=True)
    from ..tracking import run_page_url, tracking_uri

    where = "" if tracking_uri().startswith(("http://", "https://")) else " (start it with: topiclab ui)"
    console.print(f"This run in the MLflow UI{where}: {run_page_url(run_id)}", soft_wrap=True)


_RUN_NAME = typer.Option(None, "--run-name", help="Name of the MLflow run (default: the config's name with the "
                                                  "--set overrides, e.g. seed_news[seed=7])")
_TAGS = typer.Option(None, "--tag", help="Tag the run: KEY=VALUE (repeatable)")


def say_registration(run_id: str, experiment: str) -> None:
    """One line: the version of ``<experiment>-topics`` the run's topic model became, and the champion."""
    from ..tracking import topic_model_registration

    version, champion = topic_model_registration(run_id, experiment)
    if version is None:
        return
    if champion is not None and champion.version == version.version:
        typer.echo(f"topic model: {version.name} version {version.version}, the champion "
                   f"(models:/{version.name}@champion)", err=True)
    else:
        now = f"version {champion.version}" if champion is not None else "none"
        typer.echo(f"topic model: {version.name} version {version.version} (champion: {now}; "
                   f"topiclab promote {version.name} {version.version} makes it the champion)", err=True)


@app.command()
def run(
    config: str = typer.Argument(..., help="Experiment YAML file, e.g. experiments/seed_news.yaml"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Override a config key: key=value"),
    run_name: Optional[str] = _RUN_NAME,
    tag: Optional[list[str]] = _TAGS,
):
    """Run one experiment and log it to MLflow; prints the topic table, the metrics and the run's page.

    Example: topiclab run experiments/seed_news.yaml --set cluster.k=4 --tag purpose=baseline
    """
    started = time.perf_counter()
    startup_s = _process_age()  # the interpreter and the CLI's imports, before this command
    from ..config import load_config
    from ..config import run_name as overridden_name
    from ..tracking import check_tags, track_experiment

    tags = check_tags(tag or [])
    settings = load_config(config, set_ or [])
    name = run_name or overridden_name(settings.name, set_ or [])
    startup_s += time.perf_counter() - started  # a run's imports (mlflow, scikit-learn) and its config
    result, run_id = track_experiment(settings, config_path=config, progress=sys.stderr.isatty(), run_name=name,
                                      overrides=set_ or [], tags=tags, startup_s=startup_s)
    _print_topics(result, run_id, name)
    say_registration(run_id, settings.tracking.experiment)


def _process_age() -> float:
    """Seconds since this process started (0 where psutil cannot tell)."""
    try:
        import psutil

        return max(0.0, time.time() - psutil.Process().create_time())
    except Exception:  # start-up time is a measurement, never a reason to fail a run
        return 0.0


@app.command()
def rerun(run_id: str = typer.Argument(..., help="Id of a logged experiment run (topiclab runs list)")):
    """Run a logged experiment run again from its logged config (config.yaml); same name, tagged
    topiclab.rerun_of.

    Example: topiclab rerun 3f2c0a...
    """
    from ..tracking import track_rerun

    result, new_id, name = track_rerun(run_id, progress=sys.stderr.isatty())
    typer.echo(f"rerun of {run_id} ({name}) from its logged config", err=True)
    _print_topics(result, new_id, name)
    say_registration(new_id, result.config.tracking.experiment)


@app.command()
def sweep(
    config: str = typer.Argument(..., help="Experiment YAML file (its sweep: block, if any, is the base grid)"),
    more_grid: Optional[list[str]] = typer.Argument(None, help="More key=v1,v2 grid items", show_default=False),
    grid: Optional[list[str]] = typer.Option(None, "--grid", help="Grid item key=v1,v2 (repeatable)"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Override a config key: key=value"),
    optuna: Optional[int] = typer.Option(None, "--optuna", min=1, help="Run N Optuna trials instead of the grid"),
    objective: Optional[str] = typer.Option(None, "--objective", help="Metric to optimise (default: nmi)"),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Trials run at a time, each in its own process"),
    run_name: Optional[str] = typer.Option(None, "--run-name", help="Name of the parent run (default: the "
                                                                    "config's name and --set overrides, -sweep)"),
    tag: Optional[list[str]] = typer.Option(None, "--tag", help="Tag the parent and every trial: KEY=VALUE"),
):
    """Run every grid combination as a nested MLflow run; summary table on the parent run.

    Example: topiclab sweep experiments/ag_news_4k.yaml --grid cluster.k=4,8 --jobs 2
    """
    from ..viz import markdown_table
    from ..sweep import plan_sweep
    from ..tracking import check_tags, run_page_url, track_sweep

    tags = check_tags(tag or [])
    plan = plan_sweep(config, [*(grid or []), *(more_grid or [])], set_ or [], optuna, objective)
    total = len(plan.trials) or plan.spec.n_trials
    typer.echo(f"sweep of {plan.base.name}: {total} trials ({plan.spec.method}), objective "
               f"{plan.spec.objective}", err=True)
    done = []

    def report(row):
        done.append(row)
        typer.echo(f"  trial {len(done)}/{total}: {plan.spec.objective}={row[plan.spec.objective]:.4f}", err=True)

    frame, run_id = track_sweep(plan, progress=sys.stderr.isatty() and jobs == 1, on_trial=report, jobs=jobs,
                                run_name=run_name, tags=tags)
    typer.echo(markdown_table(frame.drop(columns=["run_id"])))
    typer.echo(f"MLflow parent run id: {run_id}")
    typer.echo(f"This sweep in the MLflow UI: {run_page_url(run_id)}")
    if len(frame):  # trials are not registered: a sweep must not change assign's default on its own
        typer.echo(f"make the best trial's topic model the champion: topiclab promote {frame.iloc[0]['run_id']}",
                   err=True)


@app.command()
def bench(
    out: str = typer.Option("BENCHMARKS.md", help="Markdown file to write"),
    datasets: str = typer.Option("bbc_news,ag_news_4k,20newsgroups_6k,huffpost_6k",
                                 help="Comma-separated dataset names (default: the labelled corpora of the suite)"),
    scaling: bool = typer.Option(True, help="Measure clustering time and memory at 2k..128k documents"),
):
    """Measure quality and speed against the baselines; writes BENCHMARKS.md.

    Example: topiclab bench --datasets bbc_news --no-scaling
    """
    from ..benchmarks import check_report_path, run_benchmark

    names = [d.strip() for d in datasets.split(",") if d.strip()]
    if not names:
        raise TopiclabError(f"--datasets {datasets!r} names no dataset, e.g. bbc_news,ag_news_4k")
    check_report_path(out)
    run_benchmark(out=out, datasets=names, scaling=scaling)




@app.command("bench-outliers")
def bench_outliers(
    out: Optional[str] = typer.Option(None, help="Markdown file whose section 'outliers' is written (default: "
                                                 "BENCHMARKS.md, by the full run on the whole suite only)"),
    datasets: str = typer.Option(",".join(("bbc_news", "ag_news_4k", "20newsgroups_6k", "huffpost_6k")),
                                 help="Comma-separated dataset names (at least two: each is held out in turn)"),
):
    """How a density clusterer's outliers are handled, chosen leave-one-corpus-out (needs ../shared).

    Example: topiclab bench-outliers
    """
    from ..benchmarks import SUITE, outlier_curves, outliers_section, write_section
    from ..tracking import log_report
    from ..vectorize import make_embedder
    from ._app import report_file, report_left

    names = [d.strip() for d in datasets.split(",") if d.strip()]
    if len(set(names)) < 2:
        raise TopiclabError(f"--datasets {datasets!r}: leave-one-corpus-out needs at least two corpora")
    target = report_file(out, full_run=tuple(names) == SUITE)
    curves = outlier_curves(names, make_embedder(), seed=42, log=typer.echo)
    body, targets, default = outliers_section(curves)
    run_id = log_report("benchmarks", "outliers", tables={"outlier_policies": curves},
                        params={"datasets": ",".join(names), "chosen_policy": default},
                        tags={"topiclab.benchmark": "outliers"})
    typer.echo(f"policy chosen on all corpora: {default} (run {run_id})")
    if target is None:
        report_left("outliers")
        return
    write_section(target, "outliers", body, targets)
    typer.echo(f"wrote section 'outliers' of {target}")


@app.command("bench-k")
def bench_k(
    out: str = typer.Option("BENCHMARKS.md", help="Markdown file whose section 'choosing-k' is written"),
    datasets: str = typer.Option("bbc_news,ag_news_4k,20newsgroups_6k,huffpost_6k",
                                 help="Comma-separated labelled dataset names (two at least: the rule is chosen "
                                      "leave-one-corpus-out)"),
    measurements: Optional[str] = typer.Option(None, help="Folder where each corpus's measurements are kept "
                                                          "and reused when present (rewrite without measuring)"),
):
    """Choosing the number of topics: every k: auto criterion side by side, the rule chosen
    leave-one-corpus-out, Turftopic's Topeax beside it (needs ../shared); writes one section.

    Example: topiclab bench-k --out BENCHMARKS.md
    """
    from ..benchmarks import check_report_path
    from ..benchmarks._auto_k import run_k_benchmark
    from ..benchmarks._run import BenchmarkSettings, dataset_config
    from ..data import check_dataset_name

    names = [check_dataset_name(d.strip()) for d in datasets.split(",") if d.strip()]
    if len(names) < 2:
        raise TopiclabError(f"--datasets {datasets!r}: name two labelled datasets at least, e.g. bbc_news,ag_news_4k")
    check_report_path(out)
    settings = BenchmarkSettings()
    targets = run_k_benchmark(out, lambda name, n_labels: dataset_config(name, settings, n_labels), names,
                              log=lambda line: typer.echo(line, err=True), measurements=measurements)
    for row in targets.itertuples():
        typer.echo(f"{row.status:6s} {row.target}: {row.measured}")
    from ..tracking import log_report

    run_id = log_report("benchmarks", "choosing-k", tables={"choosing_k_targets": targets},
                        params={"datasets": ",".join(names)}, tags={"topiclab.benchmark": "choosing-k"})
    typer.echo(f"logged as MLflow run {run_id} (experiment benchmarks)", err=True)

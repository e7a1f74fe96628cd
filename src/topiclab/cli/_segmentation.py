"""Segmentation: articles of a dump, the segmentation benchmark, the boundary model's training."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from ._app import app

SEED_DUMP = "data/raw/seed_news.txt"
BENCHMARK = "experiments/segmentation.yaml"  # the benchmark BENCHMARKS.md reports


def is_default_benchmark(config: str, overrides: list[str]) -> bool:
    """Whether segment-eval runs the benchmark BENCHMARKS.md reports, as committed: its config, no --set."""
    from ..paths import resolve

    return not overrides and resolve(config).resolve() == resolve(BENCHMARK).resolve()


@app.command()
def segment(
    file: str = typer.Argument(..., help="Raw dump: one paragraph (or sentence) per line"),
    method: str = typer.Option("learned", help="Segmenter: none, blankline, fixed, texttiling, learned"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Segment option, e.g. threshold=0.6"),
    gold: Optional[str] = typer.Option(None, "--gold", help="Gold spans (as data/raw/seed_news.gold.json): "
                                       "print Pk, WindowDiff and boundary precision/recall/F1"),
    as_json: bool = typer.Option(False, "--json", help="Print spans, every gap's boundary score and the "
                                 "boilerplate marks as JSON"),
):
    """Print the articles found in a dump: line span, boilerplate lines, first words.

    Example: topiclab segment data/raw/seed_news.txt --gold data/raw/seed_news.gold.json
    """
    import json

    from ..data import TABLE_FORMATS, detect_format
    from ..errors import TopiclabError
    from ..paths import resolve
    from ..pipeline import segment_file

    path = resolve(file)
    fmt = detect_format(path) if path.is_file() else None  # else segment_file's own errors
    if fmt in TABLE_FORMATS.values():
        raise TopiclabError(f"{file} is a {fmt.upper()} table, not a dump: segment reads raw dumps "
                            "(one paragraph a line); a table is already one document per row")
    report = segment_file(file, method, set_ or [], gold=gold)
    summary = report.pop("summary")
    if report["threshold"] is not None:
        summary.append(f"threshold {report['threshold']:.4f}: the decision threshold on each gap's P(boundary) "
                       "(--set threshold=T changes it)")
    typer.echo(json.dumps(report, indent=1) if as_json else "\n".join(summary))


@app.command("segment-eval")
def segment_eval(
    config: str = typer.Argument(BENCHMARK, help="Segmentation benchmark YAML"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Override a config key: key=value"),
    out: Optional[str] = typer.Option(None, "--out", help="Markdown file whose `segmentation` section is written "
                                      "(default: the config's report:, BENCHMARKS.md, for the default benchmark "
                                      "only; with --set or another config, nothing unless --out is given)"),
    scaling: Optional[bool] = typer.Option(None, "--scaling/--no-scaling", help="Time and memory on the "
                                           "config's scale: dumps (default: for the default benchmark only)"),
):
    """Score segmenters (Pk, WindowDiff, boundary F1) on synthetic dumps; one MLflow run each.

    Prints the results; only the default benchmark (no --set) writes its report file, unless --out names one.
    Example: topiclab segment-eval --set data.articles_per_dump=50 --set pages.articles_per_dump=30
    """
    from ..config import load_segment_eval_config
    from ..data import read_lines
    from ..errors import TopiclabError
    from ..paths import resolve
    from ..segment import format_results
    from ..tracking import track_segment_eval

    settings = load_segment_eval_config(config, set_ or [])
    default = is_default_benchmark(config, set_ or [])
    if scaling and settings.scale is None:
        raise TopiclabError(f"--scaling needs a scale: section in {config}")
    measure_scale = settings.scale is not None and (default if scaling is None else scaling)
    # A changed benchmark (small dumps, other settings) must not overwrite the committed report.
    report = out or (settings.report if default else None)
    typer.echo(f"segment-eval {settings.name}: {settings.data.dumps} dump(s) of "
               f"{settings.data.articles_per_dump} articles from {settings.data.path} "
               f"({settings.data.split} split, one {settings.data.unit} per line)", err=True)
    rows = track_segment_eval(settings, on_result=lambda row: typer.echo(
        f"  {row['segmenter']}: Pk={row['pk']:.4f}", err=True))
    typer.echo(format_results(rows, settings.baseline))
    if settings.pages is None:
        if out:
            typer.echo(f"{out} not written: the segmentation section needs a pages: section", err=True)
        return
    from ..benchmarks import segmentation_section, write_section
    from ..pipeline import find_articles
    from ..tracking import track_page_eval

    typer.echo(f"realistic dumps: {settings.pages.dumps} of {settings.pages.articles_per_dump} articles "
               f"from {settings.pages.path} ({settings.pages.split} split)", err=True)
    page_rows = track_page_eval(settings, on_result=lambda row: typer.echo(
        f"  {row['segmenter']}: Pk={row['pk']:.4f}, {row['n_found']} of {row['n_articles']} articles, "
        f"boilerplate recall {row['boilerplate_recall']:.3f}", err=True))
    seed = find_articles(read_lines(resolve(SEED_DUMP))[0], settings.segmenters["learned"])
    scaling = None
    if measure_scale:
        from ..benchmarks import segmentation_scaling
        from ..segment import load_page_articles

        typer.echo(f"scale: dumps of {', '.join(map(str, settings.scale.sizes))} lines and "
                   f"{settings.scale.megabytes:g} MB", err=True)
        split = None if settings.pages.split == "all" else settings.pages.split  # as the page dumps read it
        scaling = segmentation_scaling(load_page_articles(settings.pages.path, split),
                                       settings.seed, tuple(settings.scale.sizes), settings.scale.megabytes)
        typer.echo(f"  growth exponent {scaling.exponent:.2f} (time), {scaling.memory_exponent:.2f} (memory)",
                   err=True)
    folds = None
    if settings.web is not None:
        from ..tracking import track_web_eval

        if settings.train is None:
            raise TopiclabError(f"web: in {config} needs a train: section (the BBC mix each fold is trained with)")
        typer.echo(f"web pages, leave-one-source-out: {', '.join(settings.web.sources)}", err=True)
        folds = track_web_eval(settings, log=lambda message: typer.echo(message, err=True))
    body, targets = segmentation_section(rows, page_rows, len(seed), scaling=scaling, web_folds=folds,
                                         web=settings.web)
    typer.echo(body)
    if report:
        write_section(report, "segmentation", body, targets)
        typer.echo(f"section segmentation written to {report}", err=True)
    elif settings.report:
        typer.echo(f"{settings.report} left as it is (not the default benchmark); --out FILE writes the section",
                   err=True)


@app.command("segment-train")
def segment_train(
    config: str = typer.Argument("experiments/segmentation.yaml", help="YAML with a train: section"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Override a config key: key=value"),
    output: Optional[str] = typer.Option(None, help="Where to write the model (default: the shipped one)"),
):
    """Fit the learned segmenter's boundary model on synthetic dumps of the train split.

    Example: topiclab segment-train experiments/segmentation.yaml --output /tmp/boundary_model.json
    """
    from ..config import load_segment_eval_config
    from ..segment import default_model_path
    from ..tracking import track_segment_train
    from ..vectorize import make_embedder

    settings = load_segment_eval_config(config, set_ or [])
    target = output or (settings.train.output if settings.train else None) or default_model_path()
    model, run_id = track_segment_train(settings, make_embedder(progress=sys.stderr.isatty()), target)
    typer.echo(f"boundary model written to {target}: threshold {model.threshold:.3f}, "
               f"validation Pk {model.info['validation_pk']:.4f} (MLflow run {run_id})")



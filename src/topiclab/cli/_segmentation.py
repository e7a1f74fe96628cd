"""Segmentation: articles of a dump, the segmentation benchmark, the boundary model's training."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from ._app import app

@app.command()
def segment(
    file: str = typer.Argument(..., help="Raw dump: one paragraph (or sentence) per line"),
    method: str = typer.Option("learned", help="Segmenter: none, blankline, fixed, texttiling, learned"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Segment option, e.g. threshold=0.6"),
):
    """Print the articles found in a dump: line span and first words.

    Example: topiclab segment data/raw/seed_news.txt --method texttiling
    """
    from ..pipeline import segment_file

    for line in segment_file(file, method, set_ or []):
        typer.echo(line)


@app.command("segment-eval")
def segment_eval(
    config: str = typer.Argument("experiments/segmentation.yaml", help="Segmentation benchmark YAML"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Override a config key: key=value"),
):
    """Score segmenters (Pk, WindowDiff, boundary F1) on synthetic dumps; one MLflow run each.

    Example: topiclab segment-eval experiments/segmentation.yaml --set data.articles_per_dump=50
    """
    from ..config import load_segment_eval_config
    from ..segment import format_results
    from ..tracking import track_segment_eval

    settings = load_segment_eval_config(config, set_ or [])
    typer.echo(f"segment-eval {settings.name}: {settings.data.dumps} dump(s) of "
               f"{settings.data.articles_per_dump} articles from {settings.data.path} "
               f"({settings.data.split} split, one {settings.data.unit} per line)", err=True)
    rows = track_segment_eval(settings, on_result=lambda row: typer.echo(
        f"  {row['segmenter']}: Pk={row['pk']:.4f}", err=True))
    typer.echo(format_results(rows, settings.baseline))


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



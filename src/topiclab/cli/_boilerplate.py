"""Boilerplate: refit the learned marker on real pages, and its leave-one-source-out benchmark."""

from __future__ import annotations

from typing import Optional

import typer

from ._app import app, report_file


@app.command("boilerplate-train")
def boilerplate_train(
    output: Optional[str] = typer.Option(None, help="Where to write the boilerplate model (default: the shipped one)"),
    page_states: Optional[str] = typer.Option(None, "--page-states", help="Where to write the page-state model "
                                              "(default: the shipped one)"),
    seed: int = typer.Option(0, help="Seed of the out-of-fold split that picks the threshold"),
):
    """Refit the boilerplate marker and the page-state model (a web page's header / article / footer runs)
    on the train halves of ../shared/pages (never their eval halves).

    Example: topiclab boilerplate-train --output /tmp/boilerplate_model.json --page-states /tmp/page_states.json
    """
    from ..segment import (default_boilerplate_model_path, default_page_state_model_path, train_boilerplate_model,
                           train_page_state_model)

    typer.echo("fitting on the train halves of ../shared/pages ...", err=True)
    model, path = train_boilerplate_model(seed=seed, output=output or default_boilerplate_model_path())
    typer.echo(f"boilerplate model written to {path}: threshold {model.threshold:.3f}, "
               f"{model.info['pages']} pages, {model.info['lines']} rows (lines and their lower-cased copies)")
    states, path = train_page_state_model(seed=seed, output=page_states or default_page_state_model_path())
    typer.echo(f"page-state model written to {path}: {states.info['pages']} pages")


@app.command("bench-boilerplate")
def bench_boilerplate(
    out: Optional[str] = typer.Option(None, "--out", help="Markdown file whose `boilerplate` section is written "
                                      "(default: BENCHMARKS.md)"),
    seed: int = typer.Option(0, help="Seed of the out-of-fold split that picks the threshold"),
):
    """Boilerplate marks on real pages, leave one source out: jusText's rule, the old cues, the learned model.

    Example: topiclab bench-boilerplate --out /tmp/report.md
    """
    from ..benchmarks import write_section
    from ..benchmarks._boilerplate import SECTION, run_boilerplate_benchmark
    from ..tracking import log_report

    target = report_file(out, seed == 0)
    body, targets, rows = run_boilerplate_benchmark(seed=seed, on_fit=lambda held_out, model: typer.echo(
        f"  {held_out} held out: threshold {model.threshold:.3f}", err=True))
    typer.echo(body)
    typer.echo(targets.to_string(index=False))
    run_id = log_report("benchmarks", "boilerplate", tables={"boilerplate_held_out": rows, "targets": targets},
                        params={"seed": seed}, tags={"topiclab.benchmark": "boilerplate"})
    typer.echo(f"logged as MLflow run {run_id} (experiment benchmarks)", err=True)
    if target:
        write_section(target, SECTION, body, targets)
        typer.echo(f"section {SECTION} written to {target}", err=True)

"""The few-shot classifier benchmark: ``topiclab bench-classifiers``."""

from __future__ import annotations

import typer

from ._app import app


@app.command("bench-classifiers")
def bench_classifiers(
    out: str = typer.Option("BENCHMARKS.md", help="Markdown file whose section 'classifiers' is written"),
    draws: int = typer.Option(5, min=1, help="Seeded random draws of the labelled articles per shot count"),
):
    """Zero-shot, few-shot and full-training classifier accuracy on BBC News and AG News (needs ../shared).

    Example: topiclab bench-classifiers --out BENCHMARKS.md
    """
    from ..benchmarks import check_report_path, run_classifier_benchmark

    check_report_path(out)
    targets = run_classifier_benchmark(out=out, draws=draws)
    for row in targets.to_dict(orient="records"):
        typer.echo(f"{row['status']:6s} {row['measured']}  {row['target']}")

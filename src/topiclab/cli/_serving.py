"""Serving under load: the benchmark of `topiclab serve`."""

from __future__ import annotations

import typer

from ._app import app


@app.command("bench-serve")
def bench_serve(
    out: str = typer.Option("BENCHMARKS.md", help="Markdown file whose `serving` section is written"),
    config: str = typer.Option("experiments/classify_seed.yaml", help="Classifier YAML trained and served"),
    requests: int = typer.Option(2000, min=1, help="Requests to send"),
    concurrency: int = typer.Option(8, min=1, help="Requests in flight at a time"),
):
    """Drive `topiclab serve` on 127.0.0.1 from a second process: errors, p50/p99 latency, requests/s.

    Example: topiclab bench-serve --requests 2000 --concurrency 8
    """
    from ..benchmarks import check_report_path, run_serving_benchmark

    check_report_path(out)
    figures = run_serving_benchmark(out, config, requests, concurrency)
    typer.echo(", ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()))

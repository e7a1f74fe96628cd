"""The embedding-backend benchmark: ``topiclab bench-backends``."""

from __future__ import annotations

import typer

from ._app import app


@app.command("bench-backends")
def bench_backends(
    out: str = typer.Option("BENCHMARKS.md", help="Markdown file whose section 'embedding-backends' is written"),
    backend: list[str] = typer.Option(None, "--backend", help="Backends to measure (repeat); default: all"),
    limit: int = typer.Option(None, min=1, help="Documents per corpus (default: all; a small number for a smoke run)"),
    rounds: int = typer.Option(1, min=1, help="Timed passes per backend; the best is kept"),
):
    """Throughput, k-means NMI and agreement with torch of each embedding backend on AG News and BBC
    (needs ../shared), measured side by side in one process.

    Example: topiclab bench-backends --out BENCHMARKS.md
    """
    from ..benchmarks import EXACT_BACKENDS, backend_targets, run_backend_benchmark
    from ..errors import TopiclabError
    from ..vectorize import BACKENDS

    unknown = sorted(set(backend or []) - set(BACKENDS))
    if unknown:
        raise TopiclabError(f"unknown backend {unknown[0]!r}: choose from {', '.join(BACKENDS)}")
    frame = run_backend_benchmark(out, backends=tuple(backend or BACKENDS), limit=limit, rounds=rounds)
    for row in frame.itertuples():
        typer.echo(f"{row.corpus:11s} {row.backend:11s} {row.texts_per_s:8.1f} texts/s {row.ratio:5.2f}x "
                   f"NMI {row.nmi:.3f} ({row.nmi_change:+.3f})")
    target = backend_targets(frame).iloc[0]
    typer.echo(f"{target['status']:6s} {target['measured']}  (exact backends: {', '.join(EXACT_BACKENDS)})")

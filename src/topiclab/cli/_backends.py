"""The embedding-backend benchmark: ``topiclab bench-backends``."""

from __future__ import annotations

import typer

from ._app import app, report_file, report_left


@app.command("bench-backends")
def bench_backends(
    out: str = typer.Option(None, help="Markdown file whose section 'embedding-backends' is written (default: "
                                        "BENCHMARKS.md, by the full run only: all backends, no --limit)"),
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
    target = report_file(out, full_run=not backend and limit is None)
    frame = run_backend_benchmark(target, backends=tuple(backend or BACKENDS), limit=limit, rounds=rounds)
    for row in frame.itertuples():
        typer.echo(f"{row.corpus:11s} {row.backend:11s} {row.texts_per_s:8.1f} texts/s {row.ratio:5.2f}x "
                   f"NMI {row.nmi:.3f} ({row.nmi_change:+.3f})")
    row = backend_targets(frame).iloc[0]
    typer.echo(f"{row['status']:6s} {row['measured']}  (exact backends: {', '.join(EXACT_BACKENDS)})")
    if target is None:
        report_left("embedding-backends")

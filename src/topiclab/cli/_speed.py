"""The cold-run speed benchmark: ``topiclab bench-speed``."""

from __future__ import annotations

from typing import Optional

import typer

from ._app import app, report_file, report_left


@app.command("bench-speed")
def bench_speed(
    out: str = typer.Option(None, help="Markdown file whose section 'speed-cold' is written (default: "
                                        "BENCHMARKS.md, by the full run only: both configs, no --sample)"),
    config: Optional[list[str]] = typer.Option(None, "--config", help="Shipped config to measure (repeat): "
                                                                      "ag_news_4k, bbc_news; default: both"),
    rounds: int = typer.Option(3, min=1, help="Cold runs of each side, alternated; medians reported"),
    sample: Optional[int] = typer.Option(None, min=10, help="Documents per run (a seeded sample; smoke runs)"),
):
    """A cold topiclab run of the shipped AG News and BBC configs against BERTopic's defaults cold on the same
    texts, as processes with empty embedding caches, alternated; the wall-time ratio, the stage times, a warm
    re-run, and the CPU with its vector units.

    Example: topiclab bench-speed --config ag_news_4k --rounds 1 --sample 300 --out /tmp/speed.md
    """
    from ..benchmarks import SPEED_CONFIGS, run_speed_benchmark
    from ..errors import TopiclabError

    chosen = tuple(config or SPEED_CONFIGS)
    unknown = sorted(set(chosen) - set(SPEED_CONFIGS))
    if unknown:
        raise TopiclabError(f"unknown config {unknown[0]!r}: choose from {', '.join(SPEED_CONFIGS)}")
    target = report_file(out, full_run=config is None and sample is None and rounds >= 3)
    results, targets = run_speed_benchmark(target, chosen, rounds, sample)
    for r in results:
        typer.echo(f"{r.config:11s} ours cold {r.median('ours'):6.1f} s  BERTopic cold {r.median('bertopic'):6.1f} s  "
                   f"ratio {r.ratio:4.2f}x  warm {r.median('warm'):5.1f} s  NMI {r.median('ours', 'nmi'):.3f} vs "
                   f"{r.median('bertopic', 'nmi'):.3f}")
    for row in targets.itertuples():
        typer.echo(f"{row.status:6s} {row.target}: {row.measured}")
    if target is None:
        report_left("speed-cold")

"""The stream benchmark: ``topiclab bench-stream``."""

from __future__ import annotations

from typing import Optional

import typer

from ..errors import TopiclabError
from ._app import app, report_file, report_left


def _sizes(text: str) -> tuple[int, ...]:
    """``1k,10k,100k`` -> (1000, 10000, 100000)."""
    sizes = []
    for part in (p.strip().lower() for p in text.split(",") if p.strip()):
        scale = 1000 if part.endswith("k") else 1
        try:
            sizes.append(int(float(part.rstrip("k")) * scale))
        except ValueError:
            raise TopiclabError(f"--history-sizes {text!r}: {part!r} is not a size such as 10k") from None
    if len(sizes) < 2 or min(sizes) < 10:
        raise TopiclabError(f"--history-sizes {text!r}: give two sizes at least, each 10 or more, e.g. 1k,10k")
    return tuple(sorted(set(sizes)))


@app.command("bench-stream")
def bench_stream(
    out: Optional[str] = typer.Option(None, help="Markdown file whose section 'stream' is written (default: "
                                                 "BENCHMARKS.md, by the full default run only)"),
    datasets: str = typer.Option("bbc_news,ag_news_4k,20newsgroups_6k,huffpost_6k",
                                 help="Comma-separated labelled datasets or tables (the update's constants are "
                                      "chosen leave-one-corpus-out when there are two or more)"),
    batches: int = typer.Option(6, min=3, help="Batches per stream: the fitted one and the updates (the "
                                               "held-back label appears from batch 3)"),
    limit: Optional[int] = typer.Option(None, min=30, help="A seeded sample of N documents of each corpus "
                                                           "(smoke runs)"),
    anchors: bool = typer.Option(True, help="Run BERTopic's partial_fit and merge_models beside topiclab update"),
    history: bool = typer.Option(True, help="Measure an update's cost against the history (AG News 4k)"),
    history_sizes: str = typer.Option("1k,10k,100k", help="History sizes for the cost measurement"),
    seed: int = typer.Option(42, help="Seed of the stream's order and of every fit"),
    measurements: Optional[str] = typer.Option(None, help="Folder where each corpus's measurements are kept and "
                                                          "reused when present (rewrite without measuring)"),
):
    """Topics that follow the news: fit on a first batch, update with the next ones, a held-back label
    appearing from batch 3; new-story recall and precision, stability, NMI and time against a refit, beside
    BERTopic's partial_fit and merge_models (needs ../shared for the suite's corpora).

    Example: topiclab bench-stream --datasets bbc_news,ag_news_4k --no-history --out /tmp/B.md
    """
    from ..benchmarks._run import BenchmarkSettings, dataset_config
    from ..benchmarks._stream_report import run_stream_benchmark
    from ..data import DATASETS, check_dataset_name
    from ..paths import resolve
    from ..tracking import log_report
    from ..vectorize import make_embedder

    names = [d.strip() for d in datasets.split(",") if d.strip()]
    if not names:
        raise TopiclabError(f"--datasets {datasets!r} names no dataset, e.g. bbc_news,ag_news_4k")
    for name in names:  # bad names fail before any work
        if name not in DATASETS and not resolve(name).is_file():
            check_dataset_name(name)
    sizes = _sizes(history_sizes) if history else None
    full = (tuple(names) == ("bbc_news", "ag_news_4k", "20newsgroups_6k", "huffpost_6k") and batches == 6
            and limit is None and anchors and history and sizes == (1000, 10000, 100000))
    target = report_file(out, full_run=full)
    settings = BenchmarkSettings()
    targets, table, updates, points = run_stream_benchmark(
        target, names, lambda name, n_labels: dataset_config(name, settings, n_labels), make_embedder(), seed,
        batches, limit, anchors, history, sizes, measurements, log=lambda line: typer.echo(line, err=True))
    for row in targets.itertuples():
        typer.echo(f"{row.status:6s} {row.target}: {row.measured}")
    tables = {"stream_methods": table, "stream_updates": updates, "stream_targets": targets}
    if points is not None:
        tables["stream_history"] = points
    metrics = {f"{r['corpus']}.{key}": float(r[key]) for r in table[table.method == "topiclab update"]
               .to_dict("records") for key in ("recall", "precision", "stability (min)", "NMI", "update / refit")
               if r[key] == r[key]}
    run_id = log_report("benchmarks", "stream", tables=tables,
                        params={"datasets": ",".join(names), "batches": batches, "limit": limit, "seed": seed},
                        metrics={k.replace(" ", "_").replace("(", "").replace(")", "").replace("/", "over"): v
                                 for k, v in metrics.items()},
                        tags={"topiclab.benchmark": "stream"})
    typer.echo(f"logged as MLflow run {run_id} (experiment benchmarks)", err=True)
    if target is None:
        report_left("stream")
    else:
        typer.echo(f"wrote section 'stream' of {target}")

"""The scale benchmark: the whole pipeline at growing sizes, Spark at a million documents."""

from __future__ import annotations

import typer

from ._app import app, report_file, report_left

_DEFAULT_SIZES, _SPARK_DOCUMENTS, _MINILM_DOCUMENTS = "2k,8k,32k,128k", 1_000_000, 50_000
# bench-spark-embed's defaults: the size and master (only the default run writes BENCHMARKS.md).
SPARK_EMBED_DOCUMENTS, SPARK_EMBED_MASTER = 50_000, "local[2]"


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part.strip().lower().replace("k", "000")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a comma-separated list of sizes, e.g. 2k,8k,32k") from None
    if not sizes:
        raise typer.BadParameter("no sizes given, e.g. 2k,8k,32k")
    if sizes[0] < 100:
        raise typer.BadParameter("every pipeline size must be at least 100 documents")
    return sizes


@app.command("bench-scale")
def bench_scale(
    out: str = typer.Option(None, help="Markdown file whose `scale` section is written (default: BENCHMARKS.md, "
                                        "by the full default run only)"),
    sizes: str = typer.Option(_DEFAULT_SIZES, help="Corpus sizes of the whole-pipeline runs"),
    spark_documents: int = typer.Option(_SPARK_DOCUMENTS, min=1, help="Documents classified through Spark"),
    minilm_documents: int = typer.Option(_MINILM_DOCUMENTS, min=1, help="Documents of the MiniLM tiers (projected to 1M)"),
    seed: int = typer.Option(0, help="Seed of the synthetic corpus"),
    pipeline: bool = typer.Option(True, help="Measure the whole pipeline at --sizes"),
    spark: bool = typer.Option(True, help="Measure Spark at --spark-documents"),
):
    """Time the pipeline at growing sizes and Spark at a million documents; writes section `scale`.

    Example: topiclab bench-scale --sizes 2k,8k --spark-documents 20000 --minilm-documents 2000 --out /tmp/scale.md
    """
    from ..benchmarks import run_scale_benchmark
    from ..errors import TopiclabError

    if not pipeline and not spark:
        raise TopiclabError("nothing to measure: --no-pipeline and --no-spark together")
    chosen = _sizes(sizes)
    full_run = (pipeline and spark and chosen == _sizes(_DEFAULT_SIZES) and spark_documents == _SPARK_DOCUMENTS
                and minilm_documents == _MINILM_DOCUMENTS)
    target = report_file(out, full_run)
    results = run_scale_benchmark(target, chosen, spark_documents, minilm_documents, seed, pipeline, spark,
                                  progress=lambda line: typer.echo(line, err=True))
    if results.pipeline is not None:
        exponents = results.pipeline.exponents
        typer.echo(f"pipeline growth exponent {exponents['total']:.2f}, peak memory "
                   f"{results.pipeline.points[-1].peak_bytes / 1e9:.2f} GB")
    for point in results.spark:
        typer.echo(f"spark {point.tier} {point.master}: {point.docs_per_s:.0f} documents/s, "
                   f"peak {point.peak_bytes / 1e9:.2f} GB")
    if target is None:
        report_left("scale")


@app.command("bench-spark-embed")
def bench_spark_embed(
    out: str = typer.Option(None, help="Markdown file whose `spark-embed` section is written (default: BENCHMARKS.md, "
                                        "by the default run only)"),
    documents: int = typer.Option(SPARK_EMBED_DOCUMENTS, min=100, help="Documents embedded (the time for 1M is projected)"),
    master: str = typer.Option(SPARK_EMBED_MASTER, help="Spark master; local[N] is pinned to N cores"),
    seed: int = typer.Option(0, help="Seed of the synthetic corpus"),
):
    """MiniLM through `topiclab spark embed` with the default backend (auto); writes section `spark-embed`.

    Example: topiclab bench-spark-embed --documents 2000 --out /tmp/spark.md
    """
    import pandas as pd

    from ..benchmarks import write_section
    from ..benchmarks._spark_embed import SECTION, run_spark_embed_benchmark, spark_embed_row, spark_embed_section
    from ..tracking import log_report

    target = report_file(out, documents == SPARK_EMBED_DOCUMENTS and master == SPARK_EMBED_MASTER and seed == 0)
    result = run_spark_embed_benchmark(documents, master, seed, progress=lambda line: typer.echo(line, err=True))
    row = spark_embed_row(result)
    body = spark_embed_section(result)
    typer.echo(body)
    run_id = log_report("benchmarks", "spark-embed", tables={"spark_embed": pd.DataFrame([row])},
                        params={"documents": documents, "master": master, "seed": seed,
                                "backend_resolved": result.backend, "cpu": result.machine},
                        metrics={"documents_per_s": result.point.docs_per_s, "seconds": result.point.seconds,
                                 "projected_1m_hours": result.point.projected_s / 3600,
                                 "backend_cosine": result.cosine, "peak_gb": result.point.peak_bytes / 1e9},
                        tags={"topiclab.benchmark": "spark-embed"})
    typer.echo(f"logged as MLflow run {run_id} (experiment benchmarks)", err=True)
    if target:
        write_section(target, SECTION, body)
        typer.echo(f"section {SECTION} written to {target}", err=True)
    else:
        report_left(SECTION)

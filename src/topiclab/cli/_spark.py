"""``topiclab spark classify|assign|embed``: the one-process commands' answers for tables on Spark.

Every check that can fail (INPUT's columns and rows, OUTPUT, Java, the master,
the model) runs before Spark starts, so a mistake costs a second, not a JVM.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Optional

import typer

from ..errors import TopiclabError
from ._app import app
from ._topics import DEFAULT_CONFIG

spark_app = typer.Typer(no_args_is_help=True, help="Classify, assign topics to and embed large tables on "
                                                   "Apache Spark (needs Java 17+); OUTPUT is Parquet.\n\n"
                                                   "Example: topiclab spark assign corpus.parquet topics.parquet "
                                                   "--model runs:/ID/topic_model")
app.add_typer(spark_app, name="spark")

_INPUT = typer.Argument(..., help="Parquet, CSV or JSONL: a file, or a folder of parts")
_OUTPUT = typer.Argument(..., help="Parquet folder to write (refused if it exists, unless --overwrite)")
_MASTER = typer.Option("local[*]", "--master", help="Spark master: local[*], local[N], spark://HOST:PORT, ...")
_TEXT = typer.Option("text", "--text-column", help="Column holding the texts")
_ID = typer.Option("id", "--id-column", help="Column identifying each row; copied to OUTPUT")
_OVERWRITE = typer.Option(False, "--overwrite", help="Replace OUTPUT if it exists")
_CONF = typer.Option(None, "--conf", help="Spark setting KEY=VALUE, e.g. spark.task.cpus=2 (repeatable)")


def _parse_conf(pairs: list[str] | None) -> dict[str, str]:
    conf = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise TopiclabError(f"--conf {pair!r} is not KEY=VALUE")
        conf[key.strip()] = value.strip()
    return conf


def _prepare(input_path: str, output: str, master: str, text_column: str, id_column: str, overwrite: bool,
             conf: list[str] | None):
    """The checked job (input, output, Java, master): everything but the model."""
    from ..spark import SparkJob, check_input, check_java, check_master, check_output

    settings = _parse_conf(conf)
    table = check_input(input_path, text_column, id_column)
    target = check_output(output, overwrite, table)
    check_java()
    return SparkJob(table, target, text_column, id_column, check_master(master), settings)


def _done(kind: str, report, job, started: float) -> None:
    typer.echo(f"{kind} {report.rows} rows of {job.table.path} on {job.master} in {time.monotonic() - started:.1f} s "
               f"(Spark start {report.start_seconds:.1f} s, job {report.job_seconds:.1f} s) -> {job.output}", err=True)


@spark_app.command("classify")
def spark_classify(
    input_path: str = _INPUT, output: str = _OUTPUT,
    model: str = typer.Option("models:/news-topic-classifier@champion", "--model", "-m",
                              help="Model URI: models:/NAME@ALIAS, models:/NAME/VERSION, runs:/..."),
    master: str = _MASTER, text_column: str = _TEXT, id_column: str = _ID, overwrite: bool = _OVERWRITE,
    min_probability: Optional[float] = typer.Option(None, "--min-probability",
                                                    help="As topiclab classify: label null below it"),
    conf: Optional[list[str]] = _CONF,
):
    """Classify every row: id, label (null: none of these), probability and proba_* per label.

    Example: topiclab spark classify articles.parquet labels.parquet --model models:/news-topic-classifier@champion
    """
    from ..classify import check_min_probability
    from ..spark import classify_table
    from ..tracking import local_text_model, terminate_on_sigterm, text_model_predictor

    started = time.monotonic()
    check_min_probability(min_probability)
    job = _prepare(input_path, output, master, text_column, id_column, overwrite, conf)
    with terminate_on_sigterm(), tempfile.TemporaryDirectory(prefix="topiclab-model-") as folder:
        path, labels = local_text_model(model, folder)
        report = classify_table(job, path, labels, text_model_predictor, min_probability)
    _done("classified", report, job, started)


@spark_app.command("assign")
def spark_assign(
    input_path: str = _INPUT, output: str = _OUTPUT,
    model: Optional[str] = typer.Option(None, "--model", help="runs:/ID/topic_model or models:/NAME@ALIAS "
                                                              "(default: the champion of --config's experiment)"),
    config: str = typer.Option(DEFAULT_CONFIG, "--config",
                               help="Experiment YAML whose champion topic model is the default"),
    master: str = _MASTER, text_column: str = _TEXT, id_column: str = _ID, overwrite: bool = _OVERWRITE,
    conf: Optional[list[str]] = _CONF,
):
    """Put every row into a run's topics: id, topic, topic_label, score (null for an empty text).

    Example: topiclab spark assign corpus.parquet topics.parquet --model runs:/ID/topic_model
    """
    from ..spark import assign_table
    from ..tracking import local_topic_model, terminate_on_sigterm, topic_model_predictor
    from ._topics import default_topic_model

    started = time.monotonic()
    job = _prepare(input_path, output, master, text_column, id_column, overwrite, conf)
    uri, said = (model, f"model: {model}") if model else default_topic_model(config)
    with terminate_on_sigterm(), tempfile.TemporaryDirectory(prefix="topiclab-model-") as folder:
        report = assign_table(job, local_topic_model(uri, folder), topic_model_predictor)
    _done("assigned", report, job, started)
    typer.echo(said, err=True)


@spark_app.command("embed")
def spark_embed(
    input_path: str = _INPUT, output: str = _OUTPUT,
    embedding_model: str = typer.Option("all-MiniLM-L6-v2", "--embedding-model",
                                        help="Sentence-transformers model name or path (default: packaged MiniLM)"),
    backend: str = typer.Option("auto", "--backend", help="Embedding backend: auto (the fastest faithful one, "
                                                         "chosen once here, on the driver), torch, onnx, "
                                                         "onnx-int8, torch-bf16 or static"),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Texts per encoder batch"),
    cache: bool = typer.Option(True, "--cache/--no-cache", help="Use the on-disk embedding cache"),
    master: str = _MASTER, text_column: str = _TEXT, id_column: str = _ID, overwrite: bool = _OVERWRITE,
    conf: Optional[list[str]] = _CONF,
):
    """Embed every row: id and embedding (array<float>), as vectorize.make_embedder computes it.

    Example: topiclab spark embed corpus.parquet vectors.parquet --master local[2]
    """
    from ..paths import EMBEDDING_CACHE_DIR
    from ..spark import embed_table
    from ..tracking import terminate_on_sigterm
    from ..spark import worker_embedder_options
    from ..vectorize import BACKENDS, make_embedder

    started = time.monotonic()
    if backend != "auto" and backend not in BACKENDS:
        raise TopiclabError(f"unknown embedding backend {backend!r}: choose auto or one of {', '.join(BACKENDS)}")
    job = _prepare(input_path, output, master, text_column, id_column, overwrite, conf)
    # auto is resolved here, once: every worker runs the driver's recorded choice and never times backends
    options = worker_embedder_options({"model": embedding_model, "batch_size": batch_size, "backend": backend,
                                       "cache_dir": Path(EMBEDDING_CACHE_DIR) if cache else None})
    make_embedder(**options)  # bad options fail here, before Spark; the model itself loads in the workers
    with terminate_on_sigterm():
        report = embed_table(job, options)
    _done("embedded", report, job, started)

"""The Spark jobs: classify, assign and embed a table, one pandas batch at a time (``mapInPandas``).

Each Python worker builds its model once (``_worker_cached``, by key) and keeps
it while Spark reuses the worker, and limits its own torch and BLAS threads to
``spark.task.cpus``, so N tasks on N cores do not start N x cores threads.
The model callables come from the caller (``topiclab.tracking`` for logged
models): this package never imports mlflow.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

from ._session import _task_cpus, run_job, spark_session
from ._tables import InputTable, replacing_folder

__all__ = ["SparkJob", "JobReport", "classify_table", "assign_table", "embed_table", "split_bytes",
           "worker_embedder_options"]

_CACHE: dict[tuple, object] = {}  # per Python worker: the models it has built
_THREADS: list[int] = []  # per Python worker: the thread limit already applied
TASKS_PER_CORE = 4  # input splits per task slot: the last wave of tasks leaves few slots idle
MIN_SPLIT_BYTES = 1 << 20
SPARK_SPLIT_BYTES = 128 << 20  # Spark's own spark.sql.files.maxPartitionBytes


@dataclass(frozen=True)
class JobReport:
    rows: int  # written to OUTPUT
    start_seconds: float  # starting Spark (the JVM)
    job_seconds: float  # reading, mapping and writing


@dataclass(frozen=True)
class SparkJob:
    """Where a job reads and writes, and on what Spark."""

    table: InputTable
    output: Path
    text_column: str = "text"
    id_column: str = "id"
    master: str = "local[*]"
    conf: dict[str, str] = field(default_factory=dict)


def _limit_threads() -> None:
    """Torch and BLAS threads of this worker = the task's CPUs (``spark.task.cpus``)."""
    from pyspark import TaskContext

    context = TaskContext.get()
    cpus = max(1, int(context.cpus())) if context is not None else 1
    if _THREADS and _THREADS[0] == cpus:
        return
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(cpus)  # read by torch and BLAS when they load later in this worker
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=cpus)  # BLAS / OpenMP pools already loaded
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(cpus)
    import pyarrow

    pyarrow.set_cpu_count(cpus)  # Arrow converts each batch with a pool as large as the machine otherwise
    _THREADS[:] = [cpus]


def _worker_cached(key: tuple, build: Callable[[], object]):
    if key not in _CACHE:
        _CACHE[key] = build()
    return _CACHE[key]


def _texts(series) -> list[str]:
    """A batch's text column as strings; a missing text (null) is the empty text."""
    return ["" if value is None or value != value else str(value) for value in series.tolist()]


def _shipped(session, folder: Path) -> tuple[str, str]:
    """``folder`` shipped to every worker (``SparkFiles``): (the model's key, the name workers look it up by)."""
    session.sparkContext.addFile(str(folder), recursive=True)
    return str(folder), folder.name


def _local_copy(shipped: tuple[str, str]) -> str:
    from pyspark import SparkFiles

    return SparkFiles.get(shipped[1])


def split_bytes(table: InputTable, slots: int) -> int:
    """``spark.sql.files.maxPartitionBytes`` giving about ``TASKS_PER_CORE`` splits per task slot.

    Spark's default (128 MB) packs a few hundred MB of parts into a handful of
    tasks: 5 tasks on 2 slots run in 3 waves, the last on one core.
    """
    total = sum(file.stat().st_size for file in table.files)
    return int(min(SPARK_SPLIT_BYTES, max(MIN_SPLIT_BYTES, total // max(1, slots * TASKS_PER_CORE))))


def _run(job: SparkJob, frame_of, output_fields, batches) -> JobReport:
    """Read INPUT, map its (id, text) batches, write OUTPUT atomically; rows written and seconds taken."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StructField, StructType

    started = time.monotonic()
    # the session ends (its tasks cancelled on a stop or an error) before a partial OUTPUT is removed:
    # a task still writing would otherwise leave files behind
    with replacing_folder(job.output) as written_to, spark_session(job.master, job.conf) as session:
        ready = time.monotonic()
        if "spark.sql.files.maxPartitionBytes" not in job.conf:
            slots = session.sparkContext.defaultParallelism // int(_task_cpus(job.conf))
            session.conf.set("spark.sql.files.maxPartitionBytes", str(split_bytes(job.table, slots)))
        source = frame_of(session)
        reader = session.read
        if job.table.format == "csv":  # as pandas reads CSV: header row, quoted fields may span lines
            reader = reader.option("header", "true").option("multiLine", "true").option("escape", '"')
        table = getattr(reader, job.table.format)(str(job.table.path))
        rows = table.select(F.col(f"`{job.id_column}`"), F.col(f"`{job.text_column}`").cast("string"))
        parallelism = session.sparkContext.defaultParallelism
        if rows.rdd.getNumPartitions() < parallelism:  # a single file: spread it over the cores
            rows = rows.repartition(parallelism)
        id_field = rows.schema.fields[0]
        schema = StructType([StructField(job.id_column, id_field.dataType, True), *output_fields])
        mapped = rows.mapInPandas(batches(source), schema)
        run_job(lambda: mapped.write.parquet(str(written_to)))
        done = time.monotonic()
        written = _rows_in(written_to)
    return JobReport(written, ready - started, done - ready)


def _rows_in(folder: Path) -> int:
    """Rows of a written Parquet folder, from the parts' footers (no second Spark job)."""
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(part).metadata.num_rows for part in folder.glob("*.parquet"))


def _classify_batches(shipped: tuple[str, str], labels: list[str], predictor_of, min_probability, id_column,
                      text_column, frames: Iterator) -> Iterator:
    _limit_threads()
    predict = _worker_cached(("classify", shipped, min_probability),
                             lambda: predictor_of(_local_copy(shipped), min_probability))
    for frame in frames:
        out = predict(_texts(frame[text_column])).reset_index(drop=True)
        out.insert(0, id_column, frame[id_column].reset_index(drop=True))
        yield out[[id_column, "label", "probability", *(f"proba_{label}" for label in labels)]]


def classify_table(job: SparkJob, model_folder: Path, labels: list[str], predictor_of,
                   min_probability: float | None = None) -> JobReport:
    """``id, label, probability, proba_*`` per row of INPUT by the classifier copied at ``model_folder``.

    ``predictor_of(path, min_probability)`` builds ``texts -> DataFrame`` in a worker.
    """
    from pyspark.sql.types import DoubleType, StringType, StructField

    fields = [StructField("label", StringType(), True), StructField("probability", DoubleType(), False),
              *(StructField(f"proba_{label}", DoubleType(), False) for label in labels)]
    return _run(job, lambda session: _shipped(session, model_folder), fields,
                lambda name: partial(_classify_batches, name, labels, predictor_of, min_probability,
                                     job.id_column, job.text_column))


def _assign_batches(shipped: tuple[str, str], predictor_of, id_column, text_column, frames: Iterator) -> Iterator:
    _limit_threads()
    predict = _worker_cached(("assign", shipped), lambda: predictor_of(_local_copy(shipped)))
    for frame in frames:
        found = predict(_texts(frame[text_column]))  # an empty text: a row of nulls
        out = found[["topic", "topic_label", "score"]].reset_index(drop=True)
        out.insert(0, id_column, frame[id_column].reset_index(drop=True))
        yield out


def assign_table(job: SparkJob, model_folder: Path, predictor_of) -> JobReport:
    """``id, topic, topic_label, score`` per row by the topic model copied at ``model_folder``.

    ``predictor_of(path)`` builds ``texts -> DataFrame`` in a worker; empty texts get nulls.
    """
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField

    fields = [StructField("topic", LongType(), True), StructField("topic_label", StringType(), True),
              StructField("score", DoubleType(), True)]
    return _run(job, lambda session: _shipped(session, model_folder), fields,
                lambda name: partial(_assign_batches, name, predictor_of, job.id_column, job.text_column))


def _embed_batches(options: dict, id_column, text_column, frames: Iterator) -> Iterator:
    import pandas as pd

    from ..vectorize import make_embedder

    _limit_threads()
    embedder = _worker_cached(("embed", tuple(sorted(options.items()))), lambda: make_embedder(**options))
    for frame in frames:
        texts = _texts(frame[text_column])
        filled = [i for i, text in enumerate(texts) if text.strip()]
        vectors = [None] * len(texts)  # an empty text has no embedding, as it has no label or topic
        if filled:
            for i, vector in zip(filled, embedder.embed([texts[i] for i in filled]).astype("float32")):
                vectors[i] = vector
        yield pd.DataFrame({id_column: frame[id_column].reset_index(drop=True), "embedding": vectors})


def worker_embedder_options(embedder_options: dict) -> dict:
    """``embedder_options`` with the backend resolved here, on the driver (``auto``, the default, read from
    or timed into this machine's record once): workers run that backend and never time ``auto`` themselves."""
    from ..config import DEFAULT_EMBEDDING_BACKEND, DEFAULT_EMBEDDING_MODEL
    from ..vectorize import concrete_backend

    options = dict(embedder_options)
    options["backend"] = concrete_backend(options.get("model", DEFAULT_EMBEDDING_MODEL),
                                          options.get("backend", DEFAULT_EMBEDDING_BACKEND))
    return options


def embed_table(job: SparkJob, embedder_options: dict) -> JobReport:
    """``id, embedding`` (array<float>) per row: ``vectorize.make_embedder(**embedder_options)`` with the
    backend the driver resolved (``worker_embedder_options``); null for an empty or missing text."""
    from pyspark.sql.types import ArrayType, FloatType, StructField

    fields = [StructField("embedding", ArrayType(FloatType(), False), True)]
    options = worker_embedder_options(embedder_options)
    return _run(job, lambda session: None, fields,
                lambda _: partial(_embed_batches, options, job.id_column, job.text_column))

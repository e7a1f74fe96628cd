"""Spark as a compute layer: classify, assign and embed tables too large for one process.

The same models and code as one process (a logged classifier, a run's topic
model, ``vectorize.make_embedder``), run per pandas batch on Spark workers, so
the answers agree row for row. Inputs and the machine are checked before a JVM
starts (``_tables``, ``_session``); the jobs live in ``_jobs``. Model loading
that needs MLflow is passed in by the caller (``topiclab.tracking``).
"""

from ._jobs import JobReport, SparkJob, assign_table, classify_table, embed_table, split_bytes, worker_embedder_options
from ._session import MIN_JAVA, check_java, check_master, java_command, spark_session
from ._tables import FORMATS, InputTable, check_input, check_output, replacing_folder

__all__ = ["SparkJob", "JobReport", "classify_table", "assign_table", "embed_table", "split_bytes", "worker_embedder_options", "MIN_JAVA",
           "check_java", "check_master", "java_command", "spark_session", "FORMATS", "InputTable", "check_input",
           "check_output", "replacing_folder"]

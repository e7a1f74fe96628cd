"""A quiet, quick Spark session, and the checks that come before one (Java, the master).

Starting Spark costs seconds (a JVM), so what can fail cheaply is checked
first: ``java`` (17 or later) and, for ``spark://`` masters, a TCP connect to
every host. The session logs only errors (a log4j2 file in a private
``SPARK_CONF_DIR``, the user's other settings copied beside it), shows no
progress bar and no UI, and keeps its scratch files in a temporary folder
removed at the end. In local mode the workers run this interpreter and this
topiclab, with torch/BLAS threads set to ``spark.task.cpus`` before they load.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from ..errors import TopiclabError

__all__ = ["MIN_JAVA", "java_command", "check_java", "check_master", "spark_session", "run_job", "PANDAS_WARNING"]

MIN_JAVA = 17
_CANCEL_WAIT_S = 30.0  # for the cancel to reach a JVM that is busy ending tasks
T = TypeVar("T")
PANDAS_WARNING = "PySpark does not yet fully support pandas"  # pandas 3 works for what these jobs do
_LOCAL_MASTER = re.compile(r"local(\[(\*|\d+)(,\s*\d+)?\])?$")
_LOG4J = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = stderr
appender.console.type = Console
appender.console.name = stderr
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark %p %c{1}: %m%n
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
"""  # Spark still prints its two-line "Setting default log level" notice at start; nothing else below ERROR


def java_command() -> str | None:
    """The ``java`` Spark would start: ``$JAVA_HOME/bin/java``, else ``java`` on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        return str(candidate) if candidate.is_file() else None
    return shutil.which("java")


def check_java() -> str:
    """The java command; a one-line error when there is none or it is older than 17."""
    java = java_command()
    if java is None:
        where = f"JAVA_HOME={os.environ['JAVA_HOME']} holds no bin/java" if os.environ.get("JAVA_HOME") \
            else "no java on PATH and JAVA_HOME is unset"
        raise TopiclabError(f"Spark needs Java {MIN_JAVA}+: {where} "
                            "(Debian: apt-get install openjdk-17-jre-headless)")
    try:
        said = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60).stderr
    except (OSError, subprocess.TimeoutExpired) as error:
        raise TopiclabError(f"cannot run {java} -version: {error}") from None
    found = re.search(r'version "(\d+)(?:\.(\d+))?', said)
    major = int(found.group(1)) if found else 0
    major = int(found.group(2)) if major == 1 and found and found.group(2) else major  # "1.8.0" is Java 8
    if major < MIN_JAVA:
        raise TopiclabError(f"Spark needs Java {MIN_JAVA}+, {java} is "
                            f"{major or 'of unknown version'}")
    return java


def check_master(master: str, timeout: float = 3.0) -> str:
    """``master`` if Spark can use it: ``local[...]``, a reachable ``spark://``, ``k8s://`` or ``yarn``."""
    master = master.strip()
    if master.startswith("local"):
        if not _LOCAL_MASTER.match(master):
            raise TopiclabError(f"master {master!r} is not local, local[N], local[*] or local[N,F]")
        return master
    if master.startswith("spark://"):
        for address in master.removeprefix("spark://").split(","):
            host, _, port = address.rpartition(":")
            if not host or not port.isdigit():
                raise TopiclabError(f"master {master!r}: {address!r} is not HOST:PORT")
            try:
                socket.create_connection((host, int(port)), timeout=timeout).close()
            except OSError as error:
                reason = error.strerror or type(error).__name__
                raise TopiclabError(f"cannot reach Spark master {address}: {reason}") from None
        return master
    if master == "yarn" or master.startswith("k8s://"):  # Spark itself checks these
        return master
    # Spark would print a Java stack trace for it
    raise TopiclabError(f"master {master!r} is none of local[N], spark://HOST:PORT, k8s://URL, yarn")


def _task_cpus(conf: dict[str, str]) -> str:
    return str(max(1, int(conf.get("spark.task.cpus", "1"))))


def _cancel_quietly(session) -> None:
    """Cancel the session's jobs, silencing Spark first: after a stop or an error, the task
    failures it would log (a stack trace each) are no news.

    From a thread of its own: py4j gives each thread one connection, and the calling thread's
    may be the one a stop interrupted mid-command, its answer still to come.
    """
    def cancel():
        try:
            session.sparkContext.setLogLevel("OFF")
            session.sparkContext.cancelAllJobs()
        except Exception:  # the JVM may be gone already
            pass

    canceller = threading.Thread(target=cancel, name="spark-cancel", daemon=True)
    canceller.start()
    canceller.join(_CANCEL_WAIT_S)


def run_job(action: Callable[[], T]) -> T:
    """``action()`` (a Spark job) run in a thread while this one waits, so that a stop signal
    (SIGTERM, Ctrl-C) is raised here, not inside a py4j call: ``spark_session`` can then cancel
    the job and stop Spark, which ends its tasks, before the caller cleans up after them."""
    outcome: dict = {}

    def work():
        try:
            outcome["value"] = action()
        except BaseException as error:  # handed to the waiting thread
            outcome["error"] = error

    worker = threading.Thread(target=work, name="spark-job", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.2)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@contextmanager
def spark_session(master: str, conf: dict[str, str] | None = None, name: str = "topiclab") -> Iterator:
    """A SparkSession on ``master`` with ``conf`` on top of quiet, quick defaults; stopped at the end."""
    conf = dict(conf or {})
    scratch = Path(tempfile.mkdtemp(prefix="topiclab-spark-"))
    log4j = scratch / "conf" / "log4j2.properties"  # SPARK_CONF_DIR: on the driver's class path
    user_conf = os.environ.get("SPARK_CONF_DIR")
    if user_conf and Path(user_conf).is_dir():  # the user's spark-defaults.conf and the rest still apply
        shutil.copytree(user_conf, log4j.parent)
    log4j.parent.mkdir(exist_ok=True)
    log4j.write_text(_LOG4J, encoding="utf-8")
    threads = _task_cpus(conf)
    worker_env = {"OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads,
                  "TOKENIZERS_PARALLELISM": "false", "PYTHONWARNINGS": f"ignore:{PANDAS_WARNING}:FutureWarning"}
    defaults = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": "4",
        "spark.local.dir": str(scratch / "local"),
        "spark.sql.warehouse.dir": str(scratch / "warehouse"),
        "spark.python.worker.reuse": "true",  # a worker keeps its loaded model for the next task
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs": "false",
        "spark.sql.parquet.compression.codec": "snappy",
        **{f"spark.executorEnv.{k}": v for k, v in worker_env.items()},
    }
    local_env = {}
    if master.startswith("local"):  # no DNS lookup of the host name, nothing listening beyond this machine
        defaults.update({"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"})
        package_root = str(Path(__file__).resolve().parents[2])  # local workers import the driver's topiclab
        local_env["PYTHONPATH"] = os.pathsep.join([package_root, *filter(None, [os.environ.get("PYTHONPATH")])])
    saved = {k: os.environ.get(k) for k in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON", "SPARK_CONF_DIR",
                                            *worker_env, *local_env)}
    # local mode: the Python workers are this interpreter, with the job's thread limits from the start
    os.environ.update({"PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable,
                       "SPARK_CONF_DIR": str(log4j.parent), **worker_env, **local_env})
    warnings.filterwarnings("ignore", message=PANDAS_WARNING, category=FutureWarning)
    session = None
    try:
        from pyspark.sql import SparkSession

        builder = SparkSession.builder.master(master).appName(name)
        for key, value in {**defaults, **conf}.items():
            builder = builder.config(key, value)
        try:
            session = builder.getOrCreate()
        except Exception as error:  # py4j / Java start-up errors: one line is what the user can act on
            first = next((l for l in str(error).splitlines() if l.strip()), type(error).__name__)
            raise TopiclabError(f"Spark did not start on {master}: {first[:300]}") from None
        session.sparkContext.setLogLevel("ERROR")
        try:
            yield session
        except BaseException:
            _cancel_quietly(session)
            raise
    finally:
        if session is not None:
            session.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(scratch, ignore_errors=True)

"""Runs that end honestly and stores that many processes share.

* The SQLite schema is created once, under a file lock beside the database,
  before the first run: MLflow's own migration is not safe when 8 processes
  start together on a fresh store.
* "database is locked" (SQLite under parallel writers) is retried with backoff.
* Each run is tagged with its host and process id; a RUNNING run of this host
  whose process is gone was killed (SIGKILL, a crash), and is marked KILLED at
  the start of the next run and by ``topiclab runs clean``.
* SIGTERM raises ``errors.Terminated`` inside the run, so it ends KILLED with
  the signal recorded, as SIGINT (KeyboardInterrupt) does. Libraries can swallow
  that exception (numba's compiler, ``__del__``, weakref callbacks), so a
  watchdog ends the open runs KILLED and exits if the process is still alive
  ``TERMINATE_GRACE_S`` seconds after the signal. A stop while a run is being
  created or ended, or while an earlier stop unwinds, is recorded, not raised,
  so it cannot leave the run RUNNING.
  ``on_stop`` callbacks run first (a sweep stops its worker processes).
"""

from __future__ import annotations

import fcntl
import os
import random
import signal
import socket
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from ..errors import Terminated, TopiclabError

__all__ = ["HOST_TAG", "PID_TAG", "START_TAG", "SIGNAL_TAG", "process_tags", "prepare_store", "retry_locked",
           "terminate_on_sigterm", "raise_if_terminated", "stop_received", "open_run", "starting_run", "closing_run",
           "on_stop", "mark_dead_runs", "check_store_exists", "check_credentials", "credentials_refused",
           "tracking_username"]

HOST_TAG, PID_TAG, START_TAG, SIGNAL_TAG = "topiclab.host", "topiclab.pid", "topiclab.pid_start", "topiclab.signal"
T = TypeVar("T")
_prepared: set[str] = set()
_received: list[int] = []  # signals seen inside a run, in case raising in the handler was swallowed
_open_runs: list[str] = []  # ids of this process's tracked runs, innermost last, for the watchdog
_closing: list[str] = []  # runs being created, or ended after an error or a stop
_on_stop: list[Callable[[], None]] = []  # called by the stop handler before it raises
TERMINATE_GRACE_S = 10.0


def _process_start(pid: int) -> str:
    """The kernel's start time of ``pid`` (clock ticks since boot), to tell a reused pid from ours."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]  # field 22 of stat; the name before ")" may hold spaces


def process_tags() -> dict[str, str]:
    pid = os.getpid()
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(pid), START_TAG: _process_start(pid)}


def _is_alive(pid: int, start: str) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return not start or _process_start(pid) in ("", start)


def _sqlite_file(uri: str) -> Path | None:
    if not uri.startswith("sqlite:///"):
        return None
    path = uri.removeprefix("sqlite:///").split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _check_server(uri: str, timeout: float = 10.0) -> None:
    """A tracking server that does not answer is a one-line error now, not minutes of MLflow's silent retries."""
    import urllib.error
    import urllib.request

    try:
        urllib.request.urlopen(f"{uri.rstrip('/')}/health", timeout=timeout, context=_tls_context(uri)).close()
    except urllib.error.HTTPError:
        pass  # it answered (a proxy or an auth layer may refuse /health): reachable
    except OSError as error:  # URLError, refused, reset, timed out
        reason = getattr(error, "reason", error)
        raise TopiclabError(f"the tracking server {uri} does not answer ({reason}); start it (topiclab server) "
                            "or point MLFLOW_TRACKING_URI elsewhere") from None
    check_credentials(uri)


def tracking_username() -> str | None:
    """The login MLflow's client sends: MLFLOW_TRACKING_USERNAME, else ~/.mlflow/credentials."""
    from mlflow.utils.credentials import read_mlflow_creds

    return read_mlflow_creds().username or None


def credentials_refused(uri: str) -> TopiclabError:
    user = tracking_username()
    if user is None:
        return TopiclabError(f"the tracking server {uri} asks for a login: set MLFLOW_TRACKING_USERNAME and "
                             "MLFLOW_TRACKING_PASSWORD")
    return TopiclabError(f"the tracking server refused the credentials of {user}")


def check_credentials(uri: str) -> None:
    """One request with the client's credentials, no retries: a server that refuses them is a one-line
    error before a run is created, not an error half-way through it."""
    from mlflow.utils.credentials import get_default_host_creds
    from mlflow.utils.rest_utils import http_request

    answer = http_request(get_default_host_creds(uri), "/api/2.0/mlflow/experiments/search", "GET",
                          max_retries=0, timeout=30, params={"max_results": 1})
    if answer.status_code == 401:
        raise credentials_refused(uri)


def _tls_context(uri: str):
    """For https: the certificate MLflow's client trusts too (MLFLOW_TRACKING_SERVER_CERT_PATH,
    MLFLOW_TRACKING_INSECURE_TLS), so the check and the runs agree."""
    import ssl

    if not uri.startswith("https://"):
        return None
    if os.environ.get("MLFLOW_TRACKING_INSECURE_TLS", "").lower() == "true":
        return ssl._create_unverified_context()
    return ssl.create_default_context(cafile=os.environ.get("MLFLOW_TRACKING_SERVER_CERT_PATH") or None)


def prepare_store(uri: str) -> None:
    """Create (or migrate) a SQLite store's schema once, under a file lock; check that a tracking server
    answers and takes the client's credentials, once; other stores as they are."""
    if uri in _prepared:
        return
    if uri.startswith(("http://", "https://")):
        _check_server(uri)
        _prepared.add(uri)
        return
    database = _sqlite_file(uri)
    if database is None:
        return
    from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as RegistryStore
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    with _file_lock(database.with_name(database.name + ".lock")):
        # Under the lock the first process creates the tables; the others find them and only check them.
        store = retry_locked(lambda: SqlAlchemyStore(uri, str(database.parent / "mlruns")))
        registry = retry_locked(lambda: RegistryStore(uri))
        for engine in (store.engine, registry.engine):
            engine.dispose()
    _prepared.add(uri)


def _is_locked(error: BaseException) -> bool:
    text = str(error).lower()
    return "database is locked" in text or "database table is locked" in text


def retry_locked(action: Callable[[], T], attempts: int = 8, first_wait: float = 0.1) -> T:
    """``action()``, retried with jittered exponential backoff while SQLite says it is locked."""
    for attempt in range(attempts):
        try:
            return action()
        except Exception as error:
            if not _is_locked(error) or attempt == attempts - 1:
                raise
            time.sleep(first_wait * 2 ** attempt * (0.5 + random.random()))
    raise AssertionError("unreachable")


_STOPS = (signal.SIGTERM, signal.SIGINT)


def _stop(signum: int) -> BaseException:
    """What a stop signal raises: ``Terminated`` for SIGTERM, ``KeyboardInterrupt`` for SIGINT, as Python does."""
    return KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum, signal.Signals(signum).name)


@contextmanager
def terminate_on_sigterm() -> Iterator[None]:
    """Within the block SIGTERM raises ``Terminated`` and SIGINT ``KeyboardInterrupt``, each recorded
    (main thread only; elsewhere signals cannot be caught)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if getattr(signal.getsignal(signal.SIGTERM), "topiclab_run", False):  # an outer run's handler is on
        yield
        return

    watchdogs: list[threading.Timer] = []

    def handler(signum, _frame):
        # A run being created or ended, or a stop already unwinding (Ctrl-C to a sweep's process group
        # and its parent's SIGTERM reach a worker together): raising again would cut its ending short
        # and leave the run RUNNING. The stop is recorded; the watchdog covers a first one that was lost.
        if _closing or _received:
            _received.append(signum)
            return
        for callback in list(_on_stop):
            callback()
        # a daemon: a process that ends in time is not held up by it
        watchdog = threading.Timer(TERMINATE_GRACE_S, _end_open_runs_and_exit, args=(signum,))
        watchdog.daemon = True
        watchdog.start()
        watchdogs.append(watchdog)
        _received.append(signum)
        raise _stop(signum)

    def unraisable(report):  # a stop lost in a weakref callback or __del__: recorded, not a traceback
        if not isinstance(report.exc_value, (Terminated, KeyboardInterrupt)):
            previous_hook(report)

    handler.topiclab_run = True
    _received.clear()
    previous = {signum: signal.signal(signum, handler) for signum in _STOPS}
    previous_hook, sys.unraisablehook = sys.unraisablehook, unraisable
    try:
        yield
    finally:
        for watchdog in watchdogs:  # the stop reached the end of the run: a process that goes on (a notebook
            watchdog.cancel()       # kernel after Ctrl-C) is not ended by the watchdog
        for signum, earlier in previous.items():
            signal.signal(signum, earlier)
        sys.unraisablehook = previous_hook


@contextmanager
def _listed(items: list, item) -> Iterator[None]:
    """``item`` is in ``items`` within the block."""
    items.append(item)
    try:
        yield
    finally:
        items.remove(item)


def open_run(run_id: str):
    """Within the block ``run_id`` is one of the runs the SIGTERM watchdog ends."""
    return _listed(_open_runs, run_id)


def starting_run():
    """Within the block a run is being created: a stop signal is recorded, not raised, since raising
    inside ``mlflow.start_run`` would leave the new run RUNNING with nobody to end it."""
    return _listed(_closing, "(starting)")


def closing_run(run_id: str):
    """Within the block ``run_id`` is being ended: a stop signal is recorded, not raised."""
    return _listed(_closing, run_id)


def on_stop(callback: Callable[[], None]):
    """Within the block a SIGTERM/SIGINT calls ``callback()`` (briefly: it runs in the signal handler)
    before the stop is raised; e.g. a sweep's parent stops its workers."""
    return _listed(_on_stop, callback)


def _end_open_runs_and_exit(signum: int) -> None:
    """The watchdog: the Terminated exception was lost and the run goes on; end its runs KILLED and exit.

    A run the main thread is ending (``closing_run``) has left ``_open_runs``: the watchdog first waits
    for that ending (a locked SQLite store can hold it past the grace period), and ends the run itself
    only if the wait runs out, since exiting under it would leave the run RUNNING. Each write is retried
    while SQLite is locked, as every other write of a run is, and one run's failure does not skip the rest.
    """
    from mlflow.tracking import MlflowClient

    name = signal.Signals(signum).name
    try:
        deadline = time.monotonic() + TERMINATE_GRACE_S
        while _closing and time.monotonic() < deadline:
            time.sleep(0.05)
        client = MlflowClient()
        pending = [*_open_runs, *(run_id for run_id in _closing if run_id != "(starting)")]
        for run_id in reversed(list(dict.fromkeys(pending))):
            try:
                retry_locked(lambda: client.set_tag(run_id, SIGNAL_TAG, name))
                retry_locked(lambda: client.set_tag(run_id, "error",
                                                    f"{type(_stop(signum)).__name__}: terminated by {name}"))
                retry_locked(lambda: client.set_terminated(run_id, status="KILLED"))
            except Exception:  # noqa: BLE001 - the other runs are still ended; the process exits regardless
                continue
    finally:
        os.write(2, f"error: terminated by {name}\n".encode())
        os._exit(128 + signum)


def raise_if_terminated() -> None:
    """Raise the stop again if SIGTERM/SIGINT came but its exception was lost: Python ignores exceptions
    raised while it runs a weakref callback or ``__del__``, so the handler's raise alone can vanish."""
    if _received:
        raise _stop(_received[-1])


def stop_received() -> int | None:
    """The stop signal that came during the last run of this process, or None."""
    return _received[-1] if _received else None


def check_store_exists(uri: str) -> None:
    """For commands that look after a store and must not create one: a SQLite file that is not there."""
    database = _sqlite_file(uri)
    if database is not None and not database.is_file():
        raise TopiclabError(f"no MLflow store at {database} (MLFLOW_TRACKING_URI={uri}): nothing to look after")


def mark_dead_runs(client, experiment_ids: list[str] | None = None) -> list[str]:
    """Mark KILLED every RUNNING run of this host whose process no longer exists; their ids."""
    host = socket.gethostname()
    if experiment_ids is None:
        experiment_ids = [e.experiment_id for e in client.search_experiments()]
    if not experiment_ids:
        return []
    runs = client.search_runs(experiment_ids, filter_string=f"attributes.status = 'RUNNING' and "
                                                            f"tags.`{HOST_TAG}` = '{host}'", max_results=5000)
    killed = []
    for run in runs:
        tags = run.data.tags
        try:
            pid = int(tags.get(PID_TAG, ""))
        except ValueError:
            continue
        if pid == os.getpid() or _is_alive(pid, tags.get(START_TAG, "")):
            continue
        from mlflow.exceptions import MlflowException

        try:
            client.set_tag(run.info.run_id, "error", f"process {pid} on {host} ended without closing the run")
            client.set_terminated(run.info.run_id, status="KILLED")
        except MlflowException as error:  # a team server: another user's run, which this one may only read
            if error.error_code != "PERMISSION_DENIED":
                raise
            continue
        killed.append(run.info.run_id)
    return killed

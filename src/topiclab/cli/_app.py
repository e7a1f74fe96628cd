"""The typer app every command module registers on, and the one-line error."""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys

import typer
import typer.core

__all__ = ["app", "state", "fail", "run_server", "report_file", "report_left", "REPORT"]

HELP = ("topiclab: news topic clustering and classification, tracked in MLflow. It segments raw news dumps "
        "into articles, vectorises them (sentence embeddings, TF-IDF), clusters them into topics with human "
        "names, trains classifiers on those topics, and logs every model, metric and artifact to MLflow.\n\n"
        "Start with: topiclab run experiments/seed_news.yaml, then topiclab ui.")


class _Commands(typer.core.TyperGroup):
    """typer turns a Ctrl-C into a silent exit 130; here it becomes ``Terminated`` (SIGINT), which the
    entry point reports in one line, as it does SIGTERM."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            from ..errors import Terminated

            raise Terminated(signal.SIGINT, "SIGINT") from None


app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True, help=HELP)
state = {"traceback": False}


@app.callback()
def main(traceback: bool = typer.Option(False, "--traceback", help="Show full tracebacks on errors.")):
    state["traceback"] = traceback


def fail(message: str) -> None:
    """Print a one-line error and exit non-zero."""
    typer.echo(f"error: {message}", err=True)
    sys.exit(1)


REPORT = "BENCHMARKS.md"


def report_file(out: str | None, full_run: bool) -> str | None:
    """Where a benchmark command writes its section, checked before it measures: ``--out`` if given;
    else BENCHMARKS.md for the full default run only, so a smoke or partial run cannot replace the
    measured figures (None: write nothing, say so)."""
    from ..benchmarks import check_report_path

    target = out if out is not None else (REPORT if full_run else None)
    if target is not None:
        check_report_path(target)
    return target


def report_left(section: str) -> None:
    typer.echo(f"{REPORT} left as it is (not the full default run); --out FILE writes the {section} section",
               err=True)


def _stop_with_parent() -> None:
    """In the server's process, before it starts: SIGTERM when topiclab dies, even by SIGKILL (Linux)."""
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: a killed topiclab leaves the server to the user


def run_server(command: list[str], env: dict[str, str]) -> int:
    """Run a server (``command``) until it exits or this process is asked to stop; its exit code.

    The server gets a session of its own, so a Ctrl-C in the terminal reaches topiclab alone and
    the server receives one SIGTERM, a clean stop: MLflow forwards signals to its web workers,
    and a Ctrl-C delivered to both would reach them twice, a forced exit with tracebacks. A stop
    on request is exit 0, as uvicorn's own.
    """
    sys.stderr.flush()
    asked = []
    server = subprocess.Popen(command, env=env, start_new_session=True, preexec_fn=_stop_with_parent)

    def stop(signum, _frame):
        asked.append(signum)
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    code = server.wait()
    if asked and code in (0, -signal.SIGTERM):
        return 0
    return code if code >= 0 else 128 - code

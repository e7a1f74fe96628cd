"""The ``topiclab`` command line (typer).

Errors a user can fix are printed as one line on stderr with exit code 1;
``--traceback`` shows the whole stack for debugging.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Optional

import typer

from .errors import TopiclabError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.splitlines()[0])
_state = {"traceback": False}


@app.callback()
def main(traceback: bool = typer.Option(False, "--traceback", help="Show full tracebacks on errors.")):
    """News topic clustering and classification, tracked in MLflow."""
    _state["traceback"] = traceback


def fail(message: str) -> None:
    """Print a one-line error and exit non-zero."""
    typer.echo(f"error: {message}", err=True)
    sys.exit(1)


def _print_topics(result, run_id: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Topics of {result.config.name} ({result.metrics['n_documents']} documents)")
    for column in ("topic", "label", "size", "top keywords", "example"):
        table.add_column(column, overflow="fold")
    for topic in result.topics:
        example = topic.example if len(topic.example) <= 90 else topic.example[:87] + "..."
        table.add_row(str(topic.id), topic.label, str(topic.size), ", ".join(topic.keywords[:6]), example)
    console = Console(width=max(120, Console().width))
    console.print(table)
    shown = {k: v for k, v in result.metrics.items() if not k.startswith(("time_", "embedding_"))}
    console.print("metrics: " + ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                          for k, v in shown.items()))
    console.print(f"MLflow run id: {run_id}")
    console.print("Open the MLflow UI with: topiclab ui  (or: make ui), then http://127.0.0.1:5000")


@app.command()
def run(
    config: str = typer.Argument(..., help="Experiment YAML file, e.g. experiments/seed_news.yaml"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Override a config key: key=value"),
):
    """Run one experiment and log it to MLflow."""
    from .config import load_config
    from .tracking import track_experiment

    settings = load_config(config, set_ or [])
    result, run_id = track_experiment(settings, config_path=config, progress=sys.stderr.isatty())
    _print_topics(result, run_id)


@app.command()
def ui(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(5000, help="Port to listen on."),
):
    """Start the MLflow UI for this project's store."""
    from .tracking import tracking_uri, ui_command

    typer.echo(f"MLflow UI for {tracking_uri()} at http://{host}:{port}", err=True)
    try:
        completed = subprocess.run(ui_command(host, port), env=os.environ.copy())
    except KeyboardInterrupt:
        return
    raise typer.Exit(code=completed.returncode)


def entrypoint() -> None:
    """Console entry point: one-line errors unless --traceback."""
    try:
        code = app(standalone_mode=False)
    except TopiclabError as error:
        if _state["traceback"]:
            raise
        fail(str(error))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        fail("aborted")
    except Exception as error:  # click usage errors and anything unexpected
        import click

        if isinstance(error, click.ClickException):
            error.show()
            sys.exit(error.exit_code)
        if _state["traceback"]:
            raise
        fail(f"{type(error).__name__}: {error}")
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    entrypoint()

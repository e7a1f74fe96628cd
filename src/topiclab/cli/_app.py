"""The typer app every command module registers on, and the one-line error."""

from __future__ import annotations

import sys

import typer

__all__ = ["app", "state", "fail"]

HELP = ("topiclab: news topic clustering and classification, tracked in MLflow. It segments raw news dumps "
        "into articles, vectorises them (sentence embeddings, TF-IDF), clusters them into topics with human "
        "names, trains classifiers on those topics, and logs every model, metric and artifact to MLflow.\n\n"
        "Start with: topiclab run experiments/seed_news.yaml, then topiclab ui.")
app = typer.Typer(add_completion=False, no_args_is_help=True, help=HELP)
state = {"traceback": False}


@app.callback()
def main(traceback: bool = typer.Option(False, "--traceback", help="Show full tracebacks on errors.")):
    state["traceback"] = traceback


def fail(message: str) -> None:
    """Print a one-line error and exit non-zero."""
    typer.echo(f"error: {message}", err=True)
    sys.exit(1)



"""The MLflow store: its UI."""

from __future__ import annotations

import os
import subprocess

import typer

from ._app import app

@app.command()
def ui(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(5000, help="Port to listen on."),
):
    """Start the MLflow UI for this project's store.

    Example: topiclab ui --port 5000
    """
    from ..tracking import tracking_uri, ui_command

    typer.echo(f"MLflow UI for {tracking_uri()} at http://{host}:{port}", err=True)
    try:
        # MLflow's background job runner is not needed to browse runs; it slows start-up.
        env = {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", **os.environ}
        completed = subprocess.run(ui_command(host, port), env=env)
    except KeyboardInterrupt:
        return
    raise typer.Exit(code=completed.returncode)



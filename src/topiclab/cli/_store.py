"""The MLflow store: its UI, a tracking server for a team, and cleaning up runs whose process died."""

from __future__ import annotations

import os
from typing import Optional

import typer

from ._app import app, run_server

runs_app = typer.Typer(no_args_is_help=True, help="The store's runs: list, show, compare, clean.\n\n"
                                                  "Example: topiclab runs list --experiment seed_news")
app.add_typer(runs_app, name="runs")


@app.command()
def ui(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(5000, help="Port to listen on."),
):
    """Start the MLflow UI for this project's store.

    Example: topiclab ui --port 5000
    """
    from ..tracking import tracking_uri, ui_command

    if tracking_uri().startswith(("http://", "https://")):  # a team server serves its own UI
        typer.echo(f"the MLflow UI of this store is the tracking server itself: open {tracking_uri()}")
        return
    command = ui_command(host, port)
    typer.echo(f"MLflow UI for {tracking_uri()} at http://{host}:{port} (Ctrl-C stops)", err=True)
    # MLflow's background job runner is not needed to browse runs; it slows start-up.
    raise typer.Exit(run_server(command, {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", **os.environ}))


@app.command()
def server(
    backend_store_uri: Optional[str] = typer.Option(
        None, help="Database for runs and models, e.g. postgresql://user@127.0.0.1:5432/topiclab "
                   "(default: the project's SQLite store)."),
    artifacts_destination: Optional[str] = typer.Option(
        None, help="Where the server keeps artifacts (a folder or URI; default: mlruns/)."),
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (0.0.0.0 for the whole network: "
                                               "needs --auth)."),
    port: int = typer.Option(5000, help="Port to listen on."),
    workers: int = typer.Option(4, min=1, help="Server worker processes."),
    allowed_hosts: Optional[str] = typer.Option(
        None, help="Host headers the server accepts, comma-separated (needed when --host is not 127.0.0.1)."),
    auth: bool = typer.Option(False, "--auth", help="Logins: MLflow's basic-auth app, users on the same database "
                                                    "(topiclab users adds them). The admin password comes from "
                                                    "TOPICLAB_ADMIN_PASSWORD or --admin-password-file."),
    admin_password_file: Optional[str] = typer.Option(
        None, help="File whose first line is the admin password (instead of TOPICLAB_ADMIN_PASSWORD)."),
    auth_dir: Optional[str] = typer.Option(
        None, help="Folder for the auth config and secret key, both 0600 (default: mlflow-auth/ beside a SQLite "
                   "store, else at the project root)."),
    insecure_no_auth: bool = typer.Option(
        False, "--insecure-no-auth", help="Listen beyond this machine without logins: anyone who reaches the "
                                          "port may read, change or delete every run."),
):
    """Start the MLflow tracking server for a team; artifacts are served through it.

    Point every member at it with MLFLOW_TRACKING_URI=http://HOST:PORT (and, with --auth,
    MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD).
    Example: topiclab server --auth --backend-store-uri postgresql://topiclab@127.0.0.1:5432/topiclab
    """
    from ..tracking import (auth_folder, auth_server_env, check_exposure, read_admin_password, server_command,
                            server_store_uri)

    check_exposure(host, auth, insecure_no_auth)
    env = {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", **os.environ}
    env.pop("MLFLOW_TRACKING_URI", None)  # the server writes to its backend store, not to itself
    env.pop("TOPICLAB_ADMIN_PASSWORD", None)  # MLflow gets it under its own name, only with --auth
    if auth:
        password, store = read_admin_password(admin_password_file), server_store_uri(backend_store_uri)
        env.update(auth_server_env(store, auth_folder(store, auth_dir), password))
    command = server_command(backend_store_uri, artifacts_destination, host, port, workers, allowed_hosts, auth)
    typer.echo(f"MLflow tracking server at http://{host}:{port} (set MLFLOW_TRACKING_URI to it)"
               + ("; logins on (topiclab users add NAME)" if auth else ""), err=True)
    raise typer.Exit(run_server(command, env))


@runs_app.command("clean")
def runs_clean():
    """Mark KILLED the RUNNING runs of this host whose process no longer exists.

    Example: topiclab runs clean
    """
    from ..tracking import check_store_exists, client, mark_dead_runs, tracking_uri

    check_store_exists(tracking_uri())  # a mistyped URI must not create an empty store
    killed = mark_dead_runs(client())
    typer.echo(f"{len(killed)} run(s) of dead processes marked KILLED in {tracking_uri()}")
    for run_id in killed:
        typer.echo(f"  {run_id}")

"""The MLflow UI of ``topiclab ui``, opening on runs.

MLflow 3's UI has two modes, "GenAI apps & agents" and "Machine learning", kept in the browser's local
storage (``mlflow.workflowType_v1``) and GenAI by default: an experiment then opens on a traces
overview, its runs one click away under "Model training". The mode, not the experiment's
``mlflow.experimentKind`` tag, decides the page (the UI's build reads the kind from the mode). So the
page this server sends sets the mode to machine learning before the UI starts, when the browser has
no mode yet; a user who switches to GenAI keeps that choice.

``python -m topiclab.tracking._ui_app ui ARGS`` is ``mlflow ui ARGS`` serving ``app`` below, and
``... server ARGS`` is ``mlflow server ARGS`` (the team server; with ``--app-name basic-auth``, MLflow's
login app built by ``create_auth_app``).
"""

from __future__ import annotations

import json
import os
import sys

__all__ = ["WORKFLOW_KEY", "WORKFLOW", "app", "create_auth_app", "main"]

WORKFLOW_KEY, WORKFLOW = "mlflow.workflowType_v1", "machine_learning"
MLFLOW_APP, APP = "mlflow.server.fastapi_app:app", "topiclab.tracking._ui_app:app"
MLFLOW_AUTH_APP, AUTH_APP = "mlflow.server.auth:create_app", "topiclab.tracking._ui_app:create_auth_app"
OURS = {MLFLOW_APP: APP, MLFLOW_AUTH_APP: AUTH_APP}
_SCRIPT = (f"<script>try{{if(!localStorage.getItem({json.dumps(WORKFLOW_KEY)}))localStorage.setItem("
           f"{json.dumps(WORKFLOW_KEY)},{json.dumps(json.dumps(WORKFLOW))})}}catch(e){{}}</script>")


def _index_page():
    """MLflow's index.html with the mode set first (its own view, ``serve``, sends the file as it is)."""
    from flask import Response
    from mlflow.server import app as flask_app

    with open(os.path.join(flask_app.static_folder, "index.html"), encoding="utf-8") as handle:
        page = handle.read()
    return Response(page.replace("<head>", "<head>" + _SCRIPT, 1), mimetype="text/html",
                    headers={"Cache-Control": "no-cache"})


def _open_on_runs():
    """MLflow's Flask app, its index page swapped for ``_index_page``."""
    from mlflow.server import app as flask_app

    if "serve" not in flask_app.view_functions:
        raise RuntimeError("this MLflow has no 'serve' view for its index page: topiclab ui needs updating")
    flask_app.view_functions["serve"] = _index_page
    return flask_app


def _make_app():
    from mlflow.server.fastapi_app import app as mlflow_app

    _open_on_runs()
    return mlflow_app


def create_auth_app():
    """MLflow's basic-auth app (a factory, as MLflow's own), its page opening on runs."""
    from mlflow.server.auth import create_app

    return create_app(_open_on_runs())


def __getattr__(name: str):  # ``app`` is built when uvicorn asks for it, not when this module is imported
    if name == "app":
        return _make_app()
    raise AttributeError(name)


def main(argv: list[str]) -> None:
    """``mlflow ui|server`` with the rest of ``argv``, its web server running ``app`` or
    ``create_auth_app`` (MLflow builds the uvicorn command)."""
    import mlflow.server
    from mlflow.cli import cli

    build = mlflow.server._build_uvicorn_command

    def ours(uvicorn_opts, host, port, workers, app_name, *args, **kwargs):
        if app_name not in OURS:
            raise RuntimeError(f"MLflow serves {app_name!r}, not one of {sorted(OURS)}: topiclab needs updating")
        return build(uvicorn_opts, host, port, workers, OURS[app_name], *args, **kwargs)

    mlflow.server._build_uvicorn_command = ours
    cli.main(argv, prog_name="mlflow")


if __name__ == "__main__":
    main(sys.argv[1:])

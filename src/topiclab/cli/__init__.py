"""The ``topiclab`` command line (typer).

Errors a user can fix are printed as one line on stderr with exit code 1;
``--traceback`` shows the whole stack for debugging. Every command's help ends
with an example. Commands live in one module per area (``_experiments``,
``_segmentation``, ``_classifiers``, ``_fewshot``, ``_store``, ``_runs``, ``_spark``, ``_scale``, ``_backends``,
``_naming``, ``_stream``, ``_users``, ``_updates``); each registers on ``app``.
"""

from __future__ import annotations

import sys

import typer

from ..errors import Terminated, TopiclabError
# Each module registers its commands on `app`, in the order `--help` lists them.
from . import (_experiments, _segmentation, _boilerplate, _classifiers, _fewshot, _store, _runs,  # noqa: F401,I001
               _serving, _topics, _updates, _spark, _scale, _backends, _speed, _naming, _stream, _users)
from ._app import app, fail, state

__all__ = ["app", "entrypoint"]


def entrypoint() -> None:
    """Console entry point: one-line errors unless --traceback."""
    try:
        code = app(standalone_mode=False)
    except Terminated as stop:  # the run it interrupted has ended KILLED
        typer.echo("error: interrupted (Ctrl-C)" if stop.name == "SIGINT" else f"error: {stop}", err=True)
        sys.exit(128 + stop.signum)
    except TopiclabError as error:
        if state["traceback"]:
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
        if callable(getattr(error, "format_message", None)):  # typer's own click: e.g. "Invalid value for
            fail(error.format_message())                        # '--optuna': ...", naming the option
        if state["traceback"]:
            raise
        fail(f"{type(error).__name__}: {error}")
    sys.exit(code if isinstance(code, int) else 0)



"""Users of a team server started with ``topiclab server --auth``: add, passwd, grant, list, as its admin."""

from __future__ import annotations

import os
import sys
from typing import Optional

import typer

from ..errors import TopiclabError
from ._app import app

users_app = typer.Typer(no_args_is_help=True, help=(
    "Users and permissions of the team server (MLFLOW_TRACKING_URI), as its admin: the admin password comes "
    "from TOPICLAB_ADMIN_PASSWORD or --admin-password-file. New users read everything and write nothing "
    "until granted.\n\nExample: topiclab users add alice && topiclab users grant alice seed_news EDIT"))
app.add_typer(users_app, name="users")

ADMIN_FILE = typer.Option(None, "--admin-password-file",
                          help="File whose first line is the admin password (instead of TOPICLAB_ADMIN_PASSWORD).")
PASSWORD_STDIN = typer.Option(False, "--password-stdin", help="Read the user's password from the first line of "
                                                              "stdin (else TOPICLAB_USER_PASSWORD, else a prompt).")


def _user_password(name: str, from_stdin: bool) -> str:
    """The new password of ``name``: stdin, TOPICLAB_USER_PASSWORD or a hidden prompt; never an argument,
    which ``ps`` would show to everyone on the machine."""
    from ..tracking import USER_PASSWORD_ENV

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get(USER_PASSWORD_ENV):
        return os.environ[USER_PASSWORD_ENV]
    if not sys.stdin.isatty():
        raise TopiclabError(f"no password for {name}: set {USER_PASSWORD_ENV}, pass --password-stdin, or run "
                            "in a terminal to be asked")
    return typer.prompt(f"password for {name}", hide_input=True, confirmation_prompt=True)


def _admin(admin_password_file: Optional[str]) -> tuple[str, str]:
    from ..tracking import read_admin_password, tracking_uri

    return tracking_uri(), read_admin_password(admin_password_file)


@users_app.command("add")
def users_add(name: str = typer.Argument(..., help="The new user's login."),
              password_stdin: bool = PASSWORD_STDIN, admin_password_file: Optional[str] = ADMIN_FILE):
    """Add a user, who can read every experiment and model (READ) until granted more.

    Example: TOPICLAB_USER_PASSWORD=... topiclab users add alice
    """
    from ..tracking import add_user

    uri, admin = _admin(admin_password_file)
    add_user(uri, admin, name, _user_password(name, password_stdin))
    typer.echo(f"user {name} added (READ on everything; topiclab users grant {name} EXPERIMENT EDIT to let "
               "them write)")


@users_app.command("passwd")
def users_passwd(name: str = typer.Argument(..., help="The user whose password changes."),
                 password_stdin: bool = PASSWORD_STDIN, admin_password_file: Optional[str] = ADMIN_FILE):
    """Change a user's password (the admin's too: then start the server with the new one).

    Example: topiclab users passwd alice --password-stdin < alice.pw
    """
    from ..tracking import set_password

    uri, admin = _admin(admin_password_file)
    set_password(uri, admin, name, _user_password(name, password_stdin))
    typer.echo(f"password of {name} changed")


@users_app.command("grant")
def users_grant(name: str = typer.Argument(..., help="The user."),
                target: str = typer.Argument(..., help="An experiment or registered model, by name."),
                permission: str = typer.Argument(..., help="READ, EDIT (write runs, register versions, move "
                                                           "aliases) or MANAGE (also delete, grant)."),
                experiment: bool = typer.Option(False, "--experiment", help="TARGET is an experiment."),
                model: bool = typer.Option(False, "--model", help="TARGET is a registered model."),
                admin_password_file: Optional[str] = ADMIN_FILE):
    """Give a user READ, EDIT or MANAGE on one experiment or registered model.

    Example: topiclab users grant alice seed_news EDIT
    """
    from ..tracking import grant

    if experiment and model:
        raise TopiclabError("--experiment and --model: say one")
    uri, admin = _admin(admin_password_file)
    kind = "experiment" if experiment else "model" if model else None
    typer.echo(grant(uri, admin, name, target, permission, kind))


@users_app.command("list")
def users_list(admin_password_file: Optional[str] = ADMIN_FILE):
    """List the server's users and what each was granted.

    Example: topiclab users list
    """
    from ..tracking import list_users

    uri, admin = _admin(admin_password_file)
    for line in list_users(uri, admin):
        typer.echo(line)

"""Logins on a team server: MLflow's basic-auth app configured by topiclab, its users and permissions
through the auth REST API, and a client's credentials checked before a run starts.

Secrets never reach a command line, a log or a param: the admin password travels to the server in
its environment (``MLFLOW_AUTH_ADMIN_PASSWORD``, read by MLflow only to create the admin once), the
Flask secret key is made once and kept in a 0600 file beside the auth database, and the auth
config (its database URI may hold the database's password) is written 0600 too.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import TopiclabError
from ..paths import PROJECT_ROOT, write_atomically
from ._lifecycle import credentials_refused, prepare_store, tracking_username

__all__ = ["ADMIN_PASSWORD_ENV", "USER_PASSWORD_ENV", "ADMIN_USERNAME", "PERMISSIONS", "read_admin_password",
           "check_password", "check_exposure", "auth_folder", "auth_server_env",
           "server_refusals", "add_user", "set_password", "grant", "list_users"]

ADMIN_PASSWORD_ENV = "TOPICLAB_ADMIN_PASSWORD"
USER_PASSWORD_ENV = "TOPICLAB_USER_PASSWORD"
ADMIN_USERNAME = "admin"
PUBLIC_DEFAULT_PASSWORD = "password1234"  # what MLflow's basic_auth.ini shipped before 3.x: public
MIN_PASSWORD_LENGTH = 12  # MLflow's own rule
PERMISSIONS = ("READ", "EDIT", "MANAGE")
INI_NAME, SECRET_NAME, SQLITE_NAME = "basic_auth.ini", "secret_key", "auth.db"


def check_password(password: str, who: str) -> str:
    """``password``, or a one-line refusal when it is empty, MLflow's public default or too short."""
    if not password:
        raise TopiclabError(f"the password of {who} is empty")
    if password == PUBLIC_DEFAULT_PASSWORD:
        raise TopiclabError(f"the password of {who} is MLflow's public default ({PUBLIC_DEFAULT_PASSWORD}): "
                            "choose another")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise TopiclabError(f"the password of {who} is too short: MLflow wants at least "
                            f"{MIN_PASSWORD_LENGTH} characters")
    return password


def read_admin_password(password_file: str | None = None) -> str:
    """The admin password: the first line of ``password_file`` if given, else ``TOPICLAB_ADMIN_PASSWORD``."""
    if password_file is not None:
        try:
            lines = Path(password_file).expanduser().read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise TopiclabError(f"cannot read the admin password file {password_file}: {error.strerror}") from None
        password = lines[0] if lines else ""
    else:
        password = os.environ.get(ADMIN_PASSWORD_ENV, "")
        if not password:
            raise TopiclabError(f"no admin password: set {ADMIN_PASSWORD_ENV} or pass --admin-password-file FILE")
    return check_password(password, f"the admin user '{ADMIN_USERNAME}'")


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may well be reachable from the network
        return False


def check_exposure(host: str, auth: bool, insecure_no_auth: bool) -> None:
    """Refuse to open a server without logins beyond this machine, unless the user says they mean it."""
    if not auth and not insecure_no_auth and not _is_loopback(host):
        raise TopiclabError(f"--host {host} opens the server beyond this machine without a login: add --auth "
                            "(or --insecure-no-auth if anyone who reaches the port may change every run)")


def auth_folder(backend_uri: str, given: str | None = None) -> Path:
    """Where the auth config and secret key (and a SQLite store's auth database) live: ``given``, else
    ``mlflow-auth/`` beside a SQLite store, else at the project root."""
    if given:
        return Path(given).expanduser().resolve()
    if backend_uri.startswith("sqlite:///"):
        return Path(backend_uri.removeprefix("sqlite:///").split("?", 1)[0]).resolve().parent / "mlflow-auth"
    return PROJECT_ROOT / "mlflow-auth"


def _secret_key(folder: Path) -> str:
    """The Flask secret key: made once, kept 0600 (every worker and every restart needs the same key)."""
    path = folder / SECRET_NAME
    if path.is_file():
        os.chmod(path, 0o600)
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_hex(32)
    write_atomically(path, key + "\n", mode=0o600)
    return key


def _auth_database(backend_uri: str, folder: Path) -> str:
    """The users' database: the runs' own PostgreSQL (MLflow keeps its auth tables apart), or SQLite
    in ``folder`` for a SQLite store."""
    if backend_uri.startswith("sqlite:"):
        return f"sqlite:///{folder / SQLITE_NAME}"
    return backend_uri


def _check_admin(database: str, password: str) -> None:
    """An admin who exists already keeps the password it was made with (MLflow ignores a new one):
    a different one given now is refused here rather than found out at the first ``topiclab users``."""
    try:
        with warnings.catch_warnings():  # MLflow's server imports a deprecated starlette module
            warnings.simplefilter("ignore")
            from mlflow.server.auth.sqlalchemy_store import SqlAlchemyStore
    except ImportError as error:
        raise TopiclabError(f"MLflow's auth app cannot start ({error}); install it: pip install 'mlflow[auth]'") \
            from None
    store = SqlAlchemyStore()
    store.init_db(database)
    try:
        if store.has_user(ADMIN_USERNAME) and not store.authenticate_user(ADMIN_USERNAME, password):
            raise TopiclabError(f"the admin password given is not that of the server's admin user "
                                f"'{ADMIN_USERNAME}' (set when its auth database was made); give that one")
    finally:
        store.engine.dispose()


def auth_server_env(backend_uri: str, folder: Path, password: str) -> dict[str, str]:
    """Environment for ``mlflow server --app-name basic-auth``: writes the auth config (0600) and
    makes the secret key once, in ``folder`` (0700)."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    database = _auth_database(backend_uri, folder)
    config = folder / INI_NAME
    write_atomically(config, "[mlflow]\ndefault_permission = READ\n"
                             f"database_uri = {database.replace('%', '%%')}\n"
                             f"admin_username = {ADMIN_USERNAME}\n", mode=0o600)
    _check_admin(database, password)
    return {"MLFLOW_AUTH_CONFIG_PATH": str(config), "MLFLOW_FLASK_SERVER_SECRET_KEY": _secret_key(folder),
            "MLFLOW_AUTH_ADMIN_PASSWORD": password, "MLFLOW_AUTH_ADMIN_USERNAME": ADMIN_USERNAME}


# --- the client side ------------------------------------------------------------------------------


@contextmanager
def server_refusals(uri: str, what: str) -> Iterator[None]:
    """Within the block a tracking server's 401 or 403 is a one-line error; ``what`` the user was refused
    (e.g. "create runs in experiment 'x'")."""
    from mlflow.exceptions import MlflowException

    try:
        yield
    except MlflowException as error:
        if error.error_code in ("UNAUTHENTICATED", "CUSTOMER_UNAUTHORIZED"):
            raise credentials_refused(uri) from None
        if error.error_code == "PERMISSION_DENIED":
            user = tracking_username() or "this user"
            raise TopiclabError(f"the tracking server refused {user} permission to {what}") from None
        raise


# --- users and permissions, as the admin ----------------------------------------------------------


@contextmanager
def _as_admin(uri: str, password: str) -> Iterator[object]:
    """An ``AuthServiceClient`` for ``uri`` whose requests carry the admin's credentials."""
    if not uri.startswith(("http://", "https://")):
        raise TopiclabError(f"MLFLOW_TRACKING_URI={uri} is not a tracking server: users live on a server started "
                            "with topiclab server --auth; point MLFLOW_TRACKING_URI at it")
    with warnings.catch_warnings():  # MLflow's server imports a deprecated starlette module
        warnings.simplefilter("ignore")
        from mlflow.server.auth.client import AuthServiceClient

    saved = {name: os.environ.get(name) for name in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")}
    os.environ.update(MLFLOW_TRACKING_USERNAME=ADMIN_USERNAME, MLFLOW_TRACKING_PASSWORD=password)
    try:
        prepare_store(uri)
        with server_refusals(uri, "manage users (only the admin may)"):
            yield AuthServiceClient(uri)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _not_found(error) -> bool:
    return getattr(error, "error_code", "") == "RESOURCE_DOES_NOT_EXIST"


def add_user(uri: str, admin_password: str, name: str, password: str) -> None:
    """A new user, who reads everything (the server's default) and writes nothing until granted."""
    from mlflow.exceptions import MlflowException

    check_password(password, f"user '{name}'")
    with _as_admin(uri, admin_password) as auth:
        try:
            auth.create_user(name, password)
        except MlflowException as error:
            if error.error_code == "RESOURCE_ALREADY_EXISTS":
                raise TopiclabError(f"user '{name}' exists already (topiclab users passwd {name} changes "
                                    "the password)") from None
            raise TopiclabError(f"user '{name}': {error.message}") from None


def set_password(uri: str, admin_password: str, name: str, password: str) -> None:
    from mlflow.exceptions import MlflowException

    check_password(password, f"user '{name}'")
    with _as_admin(uri, admin_password) as auth:
        try:  # the admin changing its own password must say the current one too (MLflow's rule)
            auth.update_user_password(name, password,
                                      current_password=admin_password if name == ADMIN_USERNAME else None)
        except MlflowException as error:
            if _not_found(error):
                raise TopiclabError(f"no user '{name}' on the tracking server") from None
            raise TopiclabError(f"user '{name}': {error.message}") from None


def _resource(uri: str, target: str, kind: str | None) -> tuple[str, str, str]:
    """(resource type, resource id, what to call it) of experiment or registered model ``target``."""
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    store = MlflowClient(uri)
    experiment = store.get_experiment_by_name(target) if kind in (None, "experiment") else None
    model = None
    if kind in (None, "model"):
        try:
            model = store.get_registered_model(target)
        except MlflowException as error:
            if not _not_found(error):
                raise
    if experiment is not None and model is not None:
        raise TopiclabError(f"'{target}' is both an experiment and a registered model: say which with "
                            "--experiment or --model")
    if experiment is not None:
        return "experiment", experiment.experiment_id, f"experiment '{target}'"
    if model is not None:
        return "registered_model", model.name, f"model '{target}'"
    wanted = {"experiment": "experiment", "model": "registered model"}.get(kind, "experiment or registered model")
    raise TopiclabError(f"no {wanted} named '{target}' on the tracking server")


def grant(uri: str, admin_password: str, name: str, target: str, permission: str,
          kind: str | None = None) -> str:
    """Give user ``name`` ``permission`` on experiment or model ``target``; says what was granted."""
    from mlflow.exceptions import MlflowException

    permission = permission.upper()
    if permission not in PERMISSIONS:
        raise TopiclabError(f"permission {permission!r} is none of {', '.join(PERMISSIONS)}")
    with _as_admin(uri, admin_password) as auth:
        resource_type, resource_id, what = _resource(uri, target, kind)
        try:
            auth.grant_user_permission(name, resource_type, resource_id, permission)
        except MlflowException as error:
            if _not_found(error):
                raise TopiclabError(f"no user '{name}' on the tracking server") from None
            raise TopiclabError(f"granting {permission} on {what} to '{name}': {error.message}") from None
    return f"{name}: {permission} on {what}"


def list_users(uri: str, admin_password: str) -> list[str]:
    """One line per user: name, admin or not, and the grants beyond the default READ."""
    from mlflow.tracking import MlflowClient

    with _as_admin(uri, admin_password) as auth:
        from mlflow.server.auth.routes import LIST_USER_PERMISSIONS, LIST_USERS  # imported by _as_admin already

        names = {e.experiment_id: e.name for e in MlflowClient(uri).search_experiments()}
        lines = []
        for user in sorted(auth._request(LIST_USERS, "GET")["users"], key=lambda u: u["username"]):
            grants = auth._request(LIST_USER_PERMISSIONS, "GET", params={"username": user["username"]})
            granted = sorted(
                f"{p['permission']} on " + (f"experiment '{names.get(p['resource_pattern'], p['resource_pattern'])}'"
                                            if p["resource_type"] == "experiment"
                                            else f"{p['resource_type'].replace('_', ' ')} '{p['resource_pattern']}'")
                for p in grants.get("permissions", []))
            role = "admin (everything)" if user["is_admin"] else "READ by default"
            lines.append(f"{user['username']}: {'; '.join([role, *granted])}")
    return lines

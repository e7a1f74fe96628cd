"""`topiclab server --auth` on a real PostgreSQL, over HTTP, and behind a TLS proxy: no login or a wrong
password is 401, a reader reads and is refused writes (403), an editor runs, trains and registers (8
parallel runs), and the admin password appears in no command line, log, param or tag.

One PostgreSQL and one server for the module: starting them costs most of a minute on a small machine.
The CLI runs in subprocesses where its one-line errors and exit codes are the point; the rest runs in
this process, which is seconds faster per call."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from base64 import b64encode
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
import yaml
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from classify_helpers import tiny_config, write_tiny_csv
from postgres import postgres_server, why_impossible
from processes import free_port, stop_process_group, wait_until_answering
from tls_proxy import tls_proxy
from toy_runs import toy_config, topiclab_env

from topiclab.errors import TopiclabError
from topiclab.tracking import (add_user, auth_folder, auth_server_env, check_exposure, classify_texts, grant,
                               list_users, load_text_model, move_alias, prepare_store, read_admin_password)
from topiclab.tracking._lifecycle import check_credentials
from topiclab.tracking._ui_app import WORKFLOW_KEY

ADMIN_PASSWORD = "admin-Pw-for-the-auth-test-7Q"
READER, READER_PASSWORD = "rita", "reader-Pw-long-enough"
EDITOR, EDITOR_PASSWORD = "eddie", "editor-Pw-long-enough"
EXPERIMENT, MODEL = "team-auth", "auth-classifier"
N_PARALLEL = 8
QUIET = {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}


def _env(uri: str, user: str | None = None, password: str | None = None, **more) -> dict[str, str]:
    env = {**topiclab_env(uri), **QUIET}
    for name in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "TOPICLAB_ADMIN_PASSWORD"):
        env.pop(name, None)
    env.update(more)
    if user is not None:
        env.update(MLFLOW_TRACKING_USERNAME=user, MLFLOW_TRACKING_PASSWORD=password)
    return env


def _topiclab(args, env, stdin=None, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "topiclab.cli", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def _ok(done: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr[-2000:]
    return lines[0]


@contextmanager
def _as(user: str, password: str):
    """MlflowClient calls in this process with ``user``'s credentials (MLflow reads them from the environment)."""
    saved = {k: os.environ.get(k) for k in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")}
    os.environ.update(MLFLOW_TRACKING_USERNAME=user, MLFLOW_TRACKING_PASSWORD=password)
    try:
        yield
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


def _status(url: str, user: str | None = None, password: str | None = None) -> int:
    request = urllib.request.Request(url)
    if user is not None:
        request.add_header("Authorization", "Basic " + b64encode(f"{user}:{password}".encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory):
    """(url, server process, its log, its auth folder) with users rita (READ) and eddie (EDIT on the
    experiment), and one finished run of the admin's holding artifacts."""
    reason = why_impossible()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("auth-server")
    log, auth_dir = folder / "server.log", folder / "auth"
    with postgres_server() as database:
        port = free_port()
        env = _env(f"sqlite:///{folder / 'unused.db'}", TOPICLAB_ADMIN_PASSWORD=ADMIN_PASSWORD)
        server = subprocess.Popen(
            [sys.executable, "-m", "topiclab.cli", "server", "--auth", "--backend-store-uri", database,
             "--artifacts-destination", str(folder / "artifacts"), "--auth-dir", str(auth_dir),
             "--port", str(port), "--workers", "2"],
            env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=open(log, "w"))
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_answering(server, f"{url}/health", log, timeout=300)
            # the CLI once (a password on stdin); the rest in this process, as fast
            _ok(_topiclab(["users", "add", READER, "--password-stdin"],
                          _env(url, TOPICLAB_ADMIN_PASSWORD=ADMIN_PASSWORD), stdin=READER_PASSWORD + "\n"))
            add_user(url, ADMIN_PASSWORD, EDITOR, EDITOR_PASSWORD)
            with _as("admin", ADMIN_PASSWORD):
                client = MlflowClient(url)
                for experiment in (EXPERIMENT, "tiny-classifiers"):
                    client.create_experiment(experiment)
                    grant(url, ADMIN_PASSWORD, EDITOR, experiment, "EDIT")
                run = client.create_run(client.get_experiment_by_name(EXPERIMENT).experiment_id)
                client.log_text(run.info.run_id, "id,topic\n1,sport\n", "topics.csv")
                client.set_terminated(run.info.run_id)
            yield url, server, log, auth_dir
        finally:
            stop_process_group(server)


@pytest.fixture(scope="module")
def trained(auth_server, tmp_path_factory):
    """The editor trains and registers MODEL (version 1, @champion)."""
    url = auth_server[0]
    folder = tmp_path_factory.mktemp("auth-training")
    training = folder / "classify.yaml"
    training.write_text(yaml.safe_dump(tiny_config(write_tiny_csv(folder), [{"kind": "tfidf_logreg"}],
                                                   registry={"model_name": MODEL})))
    return _ok(_topiclab(["train", str(training)], _env(url, EDITOR, EDITOR_PASSWORD)))


def _admin_runs(url: str, experiment: str = EXPERIMENT):
    with _as("admin", ADMIN_PASSWORD):
        client = MlflowClient(url)
        return client.search_runs([client.get_experiment_by_name(experiment).experiment_id], max_results=1000)


def test_without_a_login_the_api_and_the_artifacts_answer_401(auth_server):
    url = auth_server[0]
    run = _admin_runs(url)[0]
    artifact = run.info.artifact_uri.removeprefix("mlflow-artifacts:/") + "/topics.csv"
    for address in (f"{url}/api/2.0/mlflow/experiments/search?max_results=5",
                    f"{url}/api/2.0/mlflow/runs/get?run_id={run.info.run_id}",
                    f"{url}/api/2.0/mlflow-artifacts/artifacts/{artifact}",
                    f"{url}/get-artifact?path=topics.csv&run_uuid={run.info.run_id}"):
        assert _status(address) == 401, address
        assert _status(address, READER, "not-her-password") == 401, address
    assert _status(f"{url}/api/2.0/mlflow-artifacts/artifacts/{artifact}", READER, READER_PASSWORD) == 200
    # The page a member's browser gets opens on runs, as topiclab ui's does
    request = urllib.request.Request(url + "/")
    request.add_header("Authorization", "Basic " + b64encode(f"{READER}:{READER_PASSWORD}".encode()).decode())
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert WORKFLOW_KEY in answer.read().decode()


def test_a_wrong_password_or_none_is_one_line_and_writes_nothing(auth_server, tmp_path, monkeypatch):
    url = auth_server[0]
    before = len(_admin_runs(url))
    config = str(toy_config(tmp_path, EXPERIMENT))
    wrong = _one_line_error(_topiclab(["run", config], _env(url, EDITOR, "not-his-password")))
    assert wrong == f"error: the tracking server refused the credentials of {EDITOR}"
    for name in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(TopiclabError) as nobody:
        check_credentials(url)
    assert str(nobody.value) == (f"the tracking server {url} asks for a login: set MLFLOW_TRACKING_USERNAME and "
                                 "MLFLOW_TRACKING_PASSWORD")
    assert len(_admin_runs(url)) == before


def test_a_reader_browses_and_loads_but_cannot_write(auth_server, trained, tmp_path, monkeypatch):
    url = auth_server[0]
    with _as(READER, READER_PASSWORD):
        client = MlflowClient(url)
        experiment = client.get_experiment_by_name(EXPERIMENT)
        assert client.search_runs([experiment.experiment_id])  # search works
        with pytest.raises(MlflowException) as refused:
            client.create_run(experiment.experiment_id)
        assert refused.value.get_http_status_code() == 403
        with pytest.raises(MlflowException) as refused:
            client.set_registered_model_alias(MODEL, "champion", "1")
        assert refused.value.get_http_status_code() == 403
        monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
        model = load_text_model(f"models:/{MODEL}@champion")  # loads the model
        assert classify_texts(model, ["The striker scored twice in the cup final"])["label"].tolist() == ["sport"]
        with pytest.raises(TopiclabError) as promote:
            move_alias(MODEL, 1)
        assert str(promote.value) == (f"the tracking server refused {READER} permission to move the aliases of "
                                      f"model '{MODEL}'")
    with pytest.raises(TopiclabError) as users:
        list_users(url, READER_PASSWORD)
    assert str(users.value) == "the tracking server refused the credentials of admin"
    before = len(_admin_runs(url))
    reader = _env(url, READER, READER_PASSWORD)
    run = _one_line_error(_topiclab(["run", str(toy_config(tmp_path, EXPERIMENT))], reader))
    assert run == f"error: the tracking server refused {READER} permission to create runs in experiment '{EXPERIMENT}'"
    assert len(_admin_runs(url)) == before


def test_an_editor_runs_in_parallel_trains_and_registers(auth_server, trained, tmp_path):
    url = auth_server[0]
    editor = _env(url, EDITOR, EDITOR_PASSWORD)
    config = str(toy_config(tmp_path, EXPERIMENT))
    before = {r.info.run_id for r in _admin_runs(url)}
    processes = [subprocess.Popen([sys.executable, "-m", "topiclab.cli", "run", config], env=editor,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for _ in range(N_PARALLEL)]
    codes = [(p.wait(timeout=900), p.stderr.read()) for p in processes]
    assert [c for c, _ in codes] == [0] * N_PARALLEL, next(err for c, err in codes if c)[-2000:]
    new = [r for r in _admin_runs(url) if r.info.run_id not in before]
    assert len(new) == N_PARALLEL and {r.info.status for r in new} == {"FINISHED"}
    with _as(EDITOR, EDITOR_PASSWORD):
        assert MlflowClient(url).get_model_version_by_alias(MODEL, "champion").version == "1"
        MlflowClient(url).set_registered_model_alias(MODEL, "champion", "1")  # the model it registered: its own


def test_the_admin_password_is_in_no_command_line_log_param_or_tag(auth_server, trained):
    url, server, log, auth_dir = auth_server
    processes = [psutil.Process(server.pid), *psutil.Process(server.pid).children(recursive=True)]
    assert len(processes) >= 3  # topiclab, mlflow server, uvicorn and its workers
    for process in processes:
        assert ADMIN_PASSWORD not in " ".join(Path(f"/proc/{process.pid}/cmdline").read_text().split("\0"))
    secret = (auth_dir / "secret_key").read_text().strip()
    text = log.read_text()
    assert ADMIN_PASSWORD not in text and secret not in text and len(secret) >= 32
    for name in ("secret_key", "basic_auth.ini"):
        assert (auth_dir / name).stat().st_mode & 0o777 == 0o600, name
    assert ADMIN_PASSWORD not in (auth_dir / "basic_auth.ini").read_text()
    for experiment in (EXPERIMENT, "tiny-classifiers"):
        for run in _admin_runs(url, experiment):
            values = [*run.data.params.values(), *run.data.tags.values()]
            assert not [v for v in values if ADMIN_PASSWORD in v or EDITOR_PASSWORD in v], run.info.run_id


def test_through_a_tls_proxy_with_the_servers_certificate(auth_server, tmp_path):
    url = auth_server[0]
    config = str(toy_config(tmp_path, EXPERIMENT))
    with tls_proxy(int(url.rsplit(":", 1)[1]), tmp_path) as (https, certificate):
        with pytest.raises(TopiclabError) as untrusted:  # a certificate nobody said to trust
            prepare_store(https)
        assert str(untrusted.value).startswith(f"the tracking server {https} does not answer") \
            and "CERTIFICATE_VERIFY_FAILED" in str(untrusted.value)
        done = _ok(_topiclab(["run", config], _env(https, EDITOR, EDITOR_PASSWORD,
                                                   MLFLOW_TRACKING_SERVER_CERT_PATH=str(certificate))))
    run_id = done.stdout.split("MLflow run id: ", 1)[1].split()[0]
    with _as("admin", ADMIN_PASSWORD):
        client = MlflowClient(url)
        assert client.get_run(run_id).info.status == "FINISHED"
        assert "topics.csv" in {a.path for a in client.list_artifacts(run_id)}


def test_a_server_open_to_the_network_without_logins_does_not_start(tmp_path):
    done = _topiclab(["server", "--host", "0.0.0.0", "--port", str(free_port())],
                     _env(f"sqlite:///{tmp_path / 'store.db'}"), timeout=120)
    assert _one_line_error(done) == ("error: --host 0.0.0.0 opens the server beyond this machine without a login: "
                                     "add --auth (or --insecure-no-auth if anyone who reaches the port may change "
                                     "every run)")
    assert not (tmp_path / "store.db").exists()
    check_exposure("0.0.0.0", auth=True, insecure_no_auth=False)
    check_exposure("0.0.0.0", auth=False, insecure_no_auth=True)
    for loopback in ("127.0.0.1", "127.0.1.1", "localhost", "::1"):
        check_exposure(loopback, auth=False, insecure_no_auth=False)
    with pytest.raises(TopiclabError):
        check_exposure("192.168.1.5", auth=False, insecure_no_auth=False)


@pytest.mark.parametrize("password, message", [
    (None, "no admin password: set TOPICLAB_ADMIN_PASSWORD or pass --admin-password-file FILE"),
    ("password1234", "the password of the admin user 'admin' is MLflow's public default (password1234): "
                     "choose another"),
    ("short", "the password of the admin user 'admin' is too short: MLflow wants at least 12 characters"),
])
def test_no_or_a_guessable_admin_password_is_refused(password, message, monkeypatch):
    monkeypatch.delenv("TOPICLAB_ADMIN_PASSWORD", raising=False)
    if password is not None:
        monkeypatch.setenv("TOPICLAB_ADMIN_PASSWORD", password)
    with pytest.raises(TopiclabError) as refused:
        read_admin_password()
    assert str(refused.value) == message


def test_a_wrong_admin_password_is_refused_and_the_secret_key_is_made_once(tmp_path, monkeypatch):
    store = f"sqlite:///{tmp_path / 'store.db'}"
    (tmp_path / "admin.pw").write_text(ADMIN_PASSWORD + "\n")
    monkeypatch.delenv("TOPICLAB_ADMIN_PASSWORD", raising=False)
    password = read_admin_password(str(tmp_path / "admin.pw"))
    env = auth_server_env(store, auth_folder(store), password)
    assert env["MLFLOW_AUTH_ADMIN_PASSWORD"] == ADMIN_PASSWORD
    from mlflow.server.auth.sqlalchemy_store import SqlAlchemyStore

    users = SqlAlchemyStore()  # the admin, as the server's first start makes it
    users.init_db(f"sqlite:///{tmp_path / 'mlflow-auth' / 'auth.db'}")
    users.create_user("admin", ADMIN_PASSWORD, is_admin=True)
    users.engine.dispose()
    key = (tmp_path / "mlflow-auth" / "secret_key").read_text()
    assert auth_server_env(store, auth_folder(store), password)["MLFLOW_FLASK_SERVER_SECRET_KEY"] == key.strip()
    with pytest.raises(TopiclabError) as refused:
        auth_server_env(store, auth_folder(store), "another-password-entirely")
    assert str(refused.value) == ("the admin password given is not that of the server's admin user 'admin' "
                                  "(set when its auth database was made); give that one")
    assert (tmp_path / "mlflow-auth" / "secret_key").read_text() == key  # made once, kept
    assert (tmp_path / "mlflow-auth").stat().st_mode & 0o777 == 0o700

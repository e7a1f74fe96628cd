"""A throwaway PostgreSQL server from Debian's binaries: initdb into a temporary folder, pg_ctl on a
free 127.0.0.1 port (as the ``postgres`` user when running as root), stopped however the test ends."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from glob import glob
from pathlib import Path
from typing import Iterator

from processes import free_port


def postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl, or None where PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def why_impossible() -> str | None:
    if postgres_bin() is None:
        return "PostgreSQL's initdb/pg_ctl are not installed (make test installs them with apt-get as root)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: PostgreSQL refuses to run as root"
    return None


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres_server(database: str = "topiclab") -> Iterator[str]:
    """A running server with an empty ``database``; yields its SQLAlchemy URI (psycopg 3 driver)."""
    # Its own folder under /tmp: pytest's tmp_path sits in a root-only folder the postgres user cannot enter.
    folder = Path(tempfile.mkdtemp(prefix="topiclab-pg-"))
    binaries, port = postgres_bin(), free_port()
    data, sockets = folder / "pgdata", folder / "pgsock"
    for path in (folder, data, sockets):
        path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        for path in (data, sockets):
            shutil.chown(path, "postgres")
    run = lambda *args: subprocess.run(_as_owner([str(binaries / args[0]), *args[1:]]), check=True,  # noqa: E731
                                       capture_output=True, text=True, timeout=120)
    run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    try:
        run("pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "pg.log"), "-w", "start")
        run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"
    finally:
        subprocess.run(_as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)

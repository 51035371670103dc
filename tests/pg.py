"""A throw-away PostgreSQL cluster for the test run: one per run, in a temporary folder, on a
Unix socket of its own (no TCP port is opened), stopped and removed at the end.

The server binaries come from the system (Debian's ``postgresql`` package, which ``.ci/run``
installs). PostgreSQL refuses to run as root, so as root the cluster belongs to the
``postgres`` user that the package creates. A missing server fails the run: it is never
skipped.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

SERVER_USER = "postgres"


def server_bin() -> Path:
    """The folder of ``initdb`` and ``pg_ctl``; an AssertionError says how to get them."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise AssertionError(
        "The PostgreSQL suite needs a PostgreSQL server: install it "
        "(Debian: apt-get install postgresql; .ci/run does)."
    )


class Cluster:
    """A running cluster; ``url(name)`` is an SQLAlchemy URL for one of its databases."""

    def __init__(self) -> None:
        self.bin = server_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="lobby-tui-pg-"))
        self.data = self.folder / "data"
        self.socket = self.folder / "socket"
        self.socket.mkdir()
        self._as_root = os.geteuid() == 0
        if self._as_root:
            user = pwd.getpwnam(SERVER_USER)
            os.chmod(self.folder, 0o755)
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            os.chown(self.socket, user.pw_uid, user.pw_gid)
        self.user = SERVER_USER if self._as_root else pwd.getpwuid(os.geteuid()).pw_name
        self._run(
            "initdb", "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        options = (
            f"-k {self.socket} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._options = options
        self.start_server()
        self._names = itertools.count(1)
        self._template = ""

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self._as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            raise AssertionError(f"{program} failed: {done.stderr or done.stdout}")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket}"

    def new_database(self, *, migrated: bool = True) -> str:
        """A fresh database (with the schema in place unless ``migrated`` is False); its URL.

        The schema is made once, in a template, and copied: migrating every test's database
        would cost seconds each."""
        name = f"t{os.getpid()}_{next(self._names)}"
        template = ""
        if migrated:
            if not self._template:
                self._template = self._make_template()
            template = f' TEMPLATE "{self._template}"'
        self._execute(f'CREATE DATABASE "{name}"{template}')
        return self.url(name)

    def _make_template(self) -> str:
        from lobby_tui.data.store import Store

        name = "lobby_template"
        self._execute(f'CREATE DATABASE "{name}"')
        Store.open(self.url(name)).close()
        return name

    def _execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=str(self.socket), user=self.user, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(sql)

    def stop_server(self) -> None:
        """The server goes away, as when its machine or network does."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def start_server(self) -> None:
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", self._options, "-l", str(self.folder / "log"),
            "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

"""A real PostgreSQL server for the team store's tests: the one CI started, or our own.

`.ci/run` starts a throw-away cluster on 127.0.0.1 (with `start` below) and exports
its address as VISMADESK_TEST_PG_URL. Without that variable (`uv run pytest` on a
developer machine) the test session starts its own cluster with initdb/pg_ctl in a
temporary folder and removes it at the end. initdb refuses to run as root, so as
root the server runs as the `postgres` user (or `nobody`) through setpriv.

Each test gets a database of its own (`Cluster.new_database`). The cluster trusts
connections from 127.0.0.1, except for the role PASSWORD_ROLE, which must give its
password: that is how the password path is tested.

    python -m tests.helpers.postgres start DIR   # prints the address; runs in the background
    python -m tests.helpers.postgres stop DIR
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

URL_ENV = "VISMADESK_TEST_PG_URL"
SUPERUSER = "vismadesk_test"
PASSWORD_ROLE = "vismadesk_pw"
PASSWORD = "team-store-pw-8c1f"  # a throw-away cluster's, for the password tests
_SERVER_OPTIONS = (
    # Throw-away data: durability off, so tests and the 1,000,000-entry bench are fast.
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
    "-c max_connections=200 -c maintenance_work_mem=256MB"
)


class NoServer(RuntimeError):
    pass


def find_binary(name: str) -> str:
    """initdb / pg_ctl: on PATH, or where Debian's postgresql package puts them."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    raise NoServer(
        f"no PostgreSQL server found ({name} is not installed); install Debian's postgresql "
        f"package, or set {URL_ENV} to a server a test may create databases on"
    )


def _run_as() -> list[str]:
    """The prefix that runs the server as an unprivileged user when we are root."""
    if os.geteuid() != 0:
        return []
    for user in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pw = pwd.getpwnam(user)
            return [
                "setpriv",
                f"--reuid={pw.pw_uid}",
                f"--regid={pw.pw_gid}",
                "--init-groups",
            ]
    raise NoServer("running as root and there is no unprivileged user to run PostgreSQL as")


def _owner() -> tuple[int, int] | None:
    if os.geteuid() != 0:
        return None
    for user in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pw = pwd.getpwnam(user)
            return pw.pw_uid, pw.pw_gid
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """A server the tests may create and drop databases on."""

    def __init__(self, admin_url: str, home: Path | None = None) -> None:
        self.admin_url = admin_url  # a superuser on its `postgres` database
        self.home = home  # our own cluster's folder; None for one CI started

    # --- a server of our own ----------------------------------------------------------

    @classmethod
    def start(cls, home: Path | None = None) -> Cluster:
        home = Path(home or tempfile.mkdtemp(prefix="vismadesk-pg-"))
        home.mkdir(parents=True, exist_ok=True)
        owner = _owner()
        if owner:
            os.chown(home, *owner)
        data = home / "data"
        prefix = _run_as()
        initdb = [
            *prefix,
            find_binary("initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ]
        _check(subprocess.run(initdb, capture_output=True, text=True), "initdb")
        hba = data / "pg_hba.conf"
        # The password role must authenticate; everyone else on loopback is trusted.
        rules = f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
        hba.write_text(rules + hba.read_text())
        port = _free_port()
        options = f"-h 127.0.0.1 -p {port} -k {home} {_SERVER_OPTIONS}"
        start = [
            *prefix,
            find_binary("pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(home / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        ]
        _check(subprocess.run(start, capture_output=True, text=True), "pg_ctl start", home)
        cluster = cls(f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres", home)
        cluster._setup_password_role()
        return cluster

    def stop(self) -> None:
        if self.home is None:
            return
        stop_cluster(self.home)

    def _setup_password_role(self) -> None:
        self.sql(f"CREATE ROLE {PASSWORD_ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'")

    # --- databases ------------------------------------------------------------------

    def sql(self, statement: str, db: str = "postgres") -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(db), autocommit=True) as c:
            cur = c.execute(statement)
            return cur.fetchall() if cur.description else []

    def url(self, db: str, user: str = SUPERUSER) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(self.admin_url)
        return f"postgresql://{user}@{parts.hostname}:{parts.port}/{db}"

    @contextlib.contextmanager
    def new_database(self, owner: str = SUPERUSER) -> Iterator[str]:
        """A fresh, empty database for one test; its address, dropped afterwards."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.sql(f'CREATE DATABASE "{name}" OWNER {owner}')
        try:
            yield self.url(name, owner)
        finally:
            self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stop_cluster(home: Path) -> None:
    data = home / "data"
    if (data / "postmaster.pid").exists():
        subprocess.run(
            [*_run_as(), find_binary("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            text=True,
        )
    shutil.rmtree(home, ignore_errors=True)


def _check(done: subprocess.CompletedProcess[str], what: str, home: Path | None = None) -> None:
    if done.returncode == 0:
        return
    log = ""
    if home is not None and (home / "server.log").exists():
        log = (home / "server.log").read_text(errors="replace")[-2000:]
    raise NoServer(f"{what} failed ({done.returncode}): {done.stderr.strip()} {log}".strip())


def cluster_from_environment() -> Cluster | None:
    url = os.environ.get(URL_ENV, "").strip()
    return Cluster(url) if url else None


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in {"start", "stop"}:
        print(__doc__, file=sys.stderr)
        return 2
    home = Path(argv[1])
    if argv[0] == "stop":
        stop_cluster(home)
        return 0
    cluster = Cluster.start(home)
    print(cluster.admin_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))


class DelayProxy:
    """A TCP relay on 127.0.0.1 that delays every chunk by `one_way_s` in each
    direction (a round trip costs twice that), as a team store across the office
    network does. `cut()` drops every connection at once, as a lost network does."""

    def __init__(self, target_port: int, one_way_s: float) -> None:
        import threading

        self.one_way_s = one_way_s
        self._target = ("127.0.0.1", target_port)
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._server.getsockname()[1])
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def url(self, direct_url: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(direct_url)
        return direct_url.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{self.port}", 1)

    def _accept(self) -> None:
        import threading

        while not self._closed:
            try:
                client, _addr = self._server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self._target, timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        import queue
        import threading
        import time

        chunks: queue.Queue[tuple[float, bytes]] = queue.Queue()

        def deliver() -> None:
            while True:
                due, data = chunks.get()
                if not data:
                    with contextlib.suppress(OSError):
                        dst.shutdown(socket.SHUT_WR)
                    return
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)  # the network's latency, not a test waiting
                try:
                    dst.sendall(data)
                except OSError:
                    return

        threading.Thread(target=deliver, daemon=True).start()
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            chunks.put((time.monotonic() + self.one_way_s, data))
            if not data:
                return

    def cut(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def close(self) -> None:
        self._closed = True
        # shutdown() first: close() alone leaves a thread blocked in accept() holding
        # the listening socket, which then takes one more connection.
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)
        self._server.close()
        self.cut()

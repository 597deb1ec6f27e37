"""A throw-away PostgreSQL server with PostGIS, for the tests and the bench.

:class:`PostgisServer` runs Debian's ``initdb`` into a temporary folder, starts the server
on a free loopback port (and a Unix socket in that folder), creates a database with the
``postgis`` extension and a password for its superuser, and stops and removes it all at the
end. The server refuses to run as root: as root, every server command runs as the
``postgres`` user (``runuser``), which owns the folder. The binaries are Debian's
(``/usr/lib/postgresql/<version>/bin``, installed by ``tools/ensure_postgis.sh``), else the
first ``initdb`` on the path; :func:`postgis_binaries` says why when there are none.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["PASSWORD", "PostgisServer", "postgis_binaries"]

#: The superuser's password: tests look for it in every output (it must never appear).
PASSWORD = "s3cret-Pa55:w@rd/x"
#: The database the server is made with (``postgis`` created in it).
DATABASE = "geo_test"
#: Server settings for a disposable cluster: no durability, little memory, loopback only.
_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "shared_buffers=32MB",
             "max_connections=40", "listen_addresses=127.0.0.1")  # fmt: skip


def postgis_binaries() -> tuple[Path | None, str]:
    """The folder of ``initdb``/``pg_ctl`` of a PostgreSQL that has PostGIS, or None and why not."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]), reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        found.append(Path(on_path).resolve())
    for initdb in found:
        share = f"/usr/share/postgresql/{initdb.parts[-3]}"
        if (initdb.parent / "pg_config").exists():
            config = [str(initdb.parent / "pg_config"), "--sharedir"]
            share = subprocess.run(config, capture_output=True, text=True, check=False).stdout.strip() or share
        if (Path(share) / "extension" / "postgis.control").is_file():
            return initdb.parent, ""
    if not found:
        return None, "no PostgreSQL server (initdb) installed: run tools/ensure_postgis.sh"
    return None, "PostgreSQL is installed without PostGIS: run tools/ensure_postgis.sh"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgisServer:
    """A PostgreSQL server with PostGIS in a temporary folder (a context manager).

    Attributes
    ----------
    port
        Its loopback TCP port.
    folder
        The temporary folder: ``data`` (the cluster), the socket and ``server.log``.
    """

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="geo-postgis-"))
        self._as: list[str] = []
        #: Seconds taken by initdb, the server's start, and the database with PostGIS.
        self.timings: dict[str, float] = {}
        if os.geteuid() == 0:  # postgres refuses root: run it as the postgres user, owner of the folder
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stderr or done.stdout}\n{tail}")

    def start(self) -> PostgisServer:
        """initdb, start the server, create :data:`DATABASE` with the ``postgis`` extension."""
        pwfile = self.folder / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self._as:
            owner = pwd.getpwnam("postgres")
            os.chown(pwfile, owner.pw_uid, owner.pw_gid)
        data = self.folder / "data"
        started = time.perf_counter()
        auth = ("--auth-local=trust", "--auth-host=scram-sha-256")
        self._run(str(self.bindir / "initdb"), "-D", str(data), "-U", "postgres", f"--pwfile={pwfile}", *auth,
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        pwfile.unlink()
        self.timings["initdb"] = time.perf_counter() - started
        options = " ".join([f"-p {self.port}", f"-k {self.folder}", *(f"-c {s}" for s in _SETTINGS)])
        self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")  # fmt: skip
        self.timings["start"] = time.perf_counter() - started - self.timings["initdb"]
        self.sql("postgres", f"CREATE DATABASE {DATABASE}")
        self.sql(DATABASE, "CREATE EXTENSION postgis")
        self.timings["postgis"] = time.perf_counter() - started - self.timings["initdb"] - self.timings["start"]
        return self

    def sql(self, database: str, statement: str) -> None:
        """Run one statement as the superuser through the Unix socket (trusted: no password)."""
        import psycopg

        with psycopg.connect(host=str(self.folder), port=self.port, user="postgres", dbname=database,
                             autocommit=True) as conn:  # fmt: skip
            conn.execute(statement)  # type: ignore[arg-type]

    def url(self, database: str = DATABASE, password: str | None = PASSWORD) -> str:
        """A ``postgresql://`` URL of ``database`` over TCP, with the password in it (None: without)."""
        from urllib.parse import quote

        secret = f":{quote(password, safe='')}" if password is not None else ""
        return f"postgresql://postgres{secret}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server at once (SIGQUIT: PostgreSQL's immediate shutdown), wait for it, remove its folder."""
        try:
            pidfile = self.folder / "data" / "postmaster.pid"
            if pidfile.exists():
                pid = int(pidfile.read_text().split()[0])
                os.kill(pid, signal.SIGQUIT)
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    try:
                        os.kill(pid, 0)
                    except ProcessLookupError:
                        break
                    time.sleep(0.02)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> PostgisServer:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()

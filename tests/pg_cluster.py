"""A throwaway PostgreSQL server for the tests, made as ``.ci/run`` makes it.

``.ci/run`` starts one and exports its address in ``BANTER_TEST_POSTGRES_URL``. Without that
variable, :func:`start` does the same here: ``initdb`` (as the ``postgres`` user when run as
root, since initdb refuses root) in a temporary folder, ``pg_ctl start`` listening only on a Unix
socket in that folder, and ``pg_ctl stop`` when the test session ends. Durability is switched off:
nothing in it outlives the session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

URL_VARIABLE = "BANTER_TEST_POSTGRES_URL"
BIN_FOLDERS = [Path(f"/usr/lib/postgresql/{v}/bin") for v in (17, 16, 15, 14)]
HOW_TO = (
    f"PostgreSQL tests need a server: run .ci/run, or set {URL_VARIABLE}=postgresql://... "
    "(docs/storage.md: starting a throwaway PostgreSQL), or install Debian's postgresql package "
    "so the tests can start one themselves"
)


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, if PostgreSQL is installed."""
    for folder in BIN_FOLDERS:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@dataclass
class Cluster:
    folder: Path
    bin: Path
    user: str | None  # the system user the server runs as (None: this one)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@/postgres?host={self.folder}"

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "stop", "-D", str(self.folder / "data"), "-m", "immediate", "-s")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Cluster:
    """A new server in a temporary folder, started; stop it with :meth:`Cluster.stop`."""
    bin_folder = binaries()
    if bin_folder is None:
        raise RuntimeError(HOW_TO)
    folder = Path(tempfile.mkdtemp(prefix="banter-pg-"))
    user = "postgres" if os.geteuid() == 0 else None
    if user is not None:
        shutil.chown(folder, user)
    cluster = Cluster(folder, bin_folder, user)
    data = folder / "data"
    try:
        cluster._run(str(bin_folder / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                     "--no-sync", "-E", "UTF8", "--locale=C")
        options = (f"-c listen_addresses='' -c unix_socket_directories={folder} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300")
        cluster._run(str(bin_folder / "pg_ctl"), "start", "-D", str(data), "-w", "-s", "-l",
                     str(folder / "server.log"), "-o", options)
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"could not start a throwaway PostgreSQL: {exc.stderr.decode(errors='replace')}") from None
    return cluster

"""A throwaway PostgreSQL server for the tests, started from Debian's binaries.

Runs as the `postgres` user when the tests run as root (PostgreSQL refuses root), listens on a
free port on 127.0.0.1 and on a unix socket in its own temporary folder, and is removed after.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOW_TO_ENABLE = (
    "PostgreSQL binaries not found (initdb, pg_ctl): install Debian's postgresql package "
    "(apt-get install -y postgresql) to run the PostgreSQL storage tests"
)


def bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    exe = shutil.which("initdb")
    return Path(exe).parent if exe and shutil.which("pg_ctl") else None


def _version(path: str) -> int:
    try:
        return int(Path(path).parts[-3])
    except ValueError:
        return 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _as_owner(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    if runuser is None:
        raise RuntimeError("running as root without runuser: cannot start PostgreSQL")
    return [runuser, "-u", "postgres", "--", *cmd]


_CONTROL: dict[str, tuple[Path, Path, str, Path]] = {}  # url -> bindir, data, options, log


def stop(server_url: str) -> None:
    """Stop a server of `server()` at once (as a crash would), keeping its data."""
    bins, data, _opts, _log = _CONTROL[server_url]
    subprocess.run(
        _as_owner([str(bins / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def start(server_url: str) -> None:
    """Start a stopped server of `server()` again on the same port."""
    bins, data, opts, log = _CONTROL[server_url]
    subprocess.run(
        _as_owner([str(bins / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(log),
                   "-w", "-t", "120", "start"]),
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip


@contextmanager
def server() -> Iterator[str]:
    """Yield a SQLAlchemy URL (without database name) of a fresh PostgreSQL server."""
    bins = bindir()
    assert bins is not None, HOW_TO_ENABLE
    base = Path(tempfile.mkdtemp(prefix="easeback-pg-"))
    os.chmod(base, 0o755)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data, log = base / "data", base / "server.log"
    port = _free_port()
    try:
        subprocess.run(
            _as_owner(
                [str(bins / "initdb"), "-D", str(data), "-U", "easeback", "--auth=trust",
                 "-E", "UTF8", "--no-sync", "--locale=C"]
            ),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        opts = f"-k {base} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_owner([str(bins / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(log),
                       "-w", "-t", "60", "start"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        url = f"postgresql+psycopg://easeback@127.0.0.1:{port}"
        _CONTROL[url] = (bins, data, opts, log)
        try:
            yield url
        finally:
            _CONTROL.pop(url, None)
            subprocess.run(
                _as_owner([str(bins / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                capture_output=True, timeout=60,
            )  # fmt: skip
    finally:
        shutil.rmtree(base, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    import psycopg

    dsn = server_url.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url}/{name}"

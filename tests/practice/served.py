"""Helpers of the tests that run `easeback serve --multi-user` as a real process: start it with
its log in a file, wait for it on conditions, and plain HTTP requests that return the status."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

START_WITHIN = 180.0  # seconds: workers start slowly on a loaded machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(
    database: str, log: Path, *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`easeback serve --multi-user` on a free loopback port: (base URL, process); standard
    output and error go to `log`. Stopped (and waited for) on the way out."""
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EASEBACK_")}
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "easeback", "serve", "--multi-user", "--port", str(port),
             "--database", database, *args],
            stdout=out, stderr=subprocess.STDOUT, env=clean | (env or {}),
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: get(base + "/healthz")[0] == 200, proc, log, f"{base} to answer")
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=60)


def wait_until(
    ok: Any, proc: subprocess.Popen[bytes] | None, log: Path, what: str, within: float = 0
) -> None:
    deadline = time.monotonic() + (within or START_WITHIN)
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the server stopped; its log:\n{log.read_text()[-3000:]}")
        if ok():
            return
        time.sleep(0.2)
    raise AssertionError(f"waited in vain for {what}; the log:\n{log.read_text()[-3000:]}")


def request(
    url: str,
    method: str = "GET",
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    context: Any = None,
) -> tuple[int, dict[str, str], bytes]:
    """(status, headers in lower case, body) of one request; never raises on a 4xx or 5xx."""
    data = None if body is None else json.dumps(body).encode()
    hdrs = {"content-type": "application/json"} if body is not None else {}
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs | (headers or {}))
    try:
        with urllib.request.urlopen(req, timeout=60, context=context) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()
    except OSError:
        return 0, {}, b""


def get(url: str, **kwargs: Any) -> tuple[int, dict[str, str], bytes]:
    return request(url, **kwargs)


def workers(proc: subprocess.Popen[bytes]) -> set[int]:
    """The worker processes uvicorn started under the server's process."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == proc.pid and b"spawn_main" in cmdline:  # not the resource tracker
                found.add(int(entry.name))
    return found

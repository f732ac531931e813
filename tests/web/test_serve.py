"""`easeback serve`: loopback by default, prints its address, refuses remote binds unless told."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from easeback.terminal.cli import main


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(*args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "easeback", *args],
        env={**os.environ, "EASEBACK_DATA_DIR": tempfile.mkdtemp()},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, line


def _get(url: str) -> int:
    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                return int(resp.status)
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"server at {url} did not answer")


def test_refuses_a_non_loopback_host_without_the_flag(capsys):
    assert main(["serve", "--host", "0.0.0.0", "--port", "1"]) == 2
    assert "--allow-remote" in capsys.readouterr().err


def test_serves_on_loopback_and_prints_the_address():
    port = _free_port()
    proc, line = _serve("serve", "--port", str(port))
    try:
        assert f"http://127.0.0.1:{port}/" in line
        assert _get(f"http://127.0.0.1:{port}/") == 200
        _head_then_get(port)
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def _head_then_get(port: int) -> None:
    """HEAD and then GET on one kept-alive connection: the server sends HEAD's headers (with the
    page's length) and no body, or the GET's answer would be read out of step."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for path in ("/", "/learn/red-flags", "/static/nav.js"):
            conn.request("HEAD", path)
            head = conn.getresponse()
            assert head.status == 200 and head.read() == b"", path
            conn.request("GET", path)
            got = conn.getresponse()
            body = got.read()
            assert got.status == 200 and len(body) == int(head.headers["content-length"]), path
    finally:
        conn.close()


def test_allow_remote_warns():
    port = _free_port()
    proc, line = _serve("serve", "--host", "0.0.0.0", "--port", str(port), "--allow-remote")
    try:
        assert f"http://0.0.0.0:{port}/" in line
        assert _get(f"http://127.0.0.1:{port}/") == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "warning" in err


def test_no_command_starts_the_web_app():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "easeback"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "EASEBACK_PORT": str(port), "EASEBACK_DATA_DIR": tempfile.mkdtemp()},
    )
    try:
        assert proc.stdout is not None
        assert f"http://127.0.0.1:{port}/" in proc.stdout.readline()
    finally:
        proc.terminate()
        proc.communicate(timeout=10)

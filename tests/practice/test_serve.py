"""`easeback serve --multi-user`: several worker processes on one database, sign-in required."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from easeback.settings import Settings
from easeback.terminal.cli import main
from tests.practice.conftest import PASSWORD


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120  # workers start slowly on a busy machine
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server stopped"
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def _status(req: urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_multi_user_serves_with_two_workers(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'practice.sqlite3'}"
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(PASSWORD + "\n"))
    argv = ["users", "add", "ann@example.org", "--role", "person", "--clinic", "North"]
    assert main([*argv, "--password-stdin", "--database", url]) == 0
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "easeback", "serve", "--multi-user", "--workers", "2",
         "--port", str(port), "--database", url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("EASEBACK_")},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        assert proc.stdout is not None
        assert f"{base}/ with 2 worker(s)" in proc.stdout.readline()
        _wait(base + "/sign-in", proc)
        assert _status(urllib.request.Request(base + "/api/me")) == 401
        body = json.dumps({"email": "ann@example.org", "password": PASSWORD}).encode()
        login = urllib.request.Request(
            base + "/api/login", data=body, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(login, timeout=30) as resp:
            token = json.load(resp)["token"]
        # every request may land on either worker: the token works on all of them
        me = urllib.request.Request(base + "/api/me", headers={"authorization": f"Bearer {token}"})
        assert all(_status(me) == 200 for _ in range(6))
    finally:
        proc.terminate()
        proc.communicate(timeout=60)


def test_multi_user_settings_read_the_environment():
    s = Settings.from_env({"EASEBACK_MULTI_USER": "1", "EASEBACK_WORKERS": "4"})
    assert s.multi_user is True and s.workers == 4
    assert Settings.from_env({"EASEBACK_MULTI_USER": "no"}).multi_user is False


def test_half_a_tls_pair_is_refused(capsys, monkeypatch):
    monkeypatch.setattr(os, "environ", {**os.environ})  # serve passes settings to its workers here
    assert main(["serve", "--multi-user", "--tls-cert", "cert.pem", "--database", "sqlite://"]) == 2
    assert "give both --tls-cert and --tls-key" in capsys.readouterr().err


def test_a_wrong_argument_is_named_even_when_the_port_is_taken(capsys, monkeypatch):
    """A full run once failed here while another easeback held port 8765: the port was
    checked first, so half a TLS pair was reported as 'port in use'. The arguments are
    checked first; a port in use is still refused once they are good."""
    import socket

    base = {k: v for k, v in os.environ.items() if not k.startswith("EASEBACK_TLS")}
    monkeypatch.setattr(os, "environ", {**base})  # serve writes its settings here
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = str(held.getsockname()[1])
        argv = ["serve", "--multi-user", "--port", port, "--database", "sqlite://"]
        assert main([*argv, "--tls-cert", "cert.pem"]) == 2
        assert "give both --tls-cert and --tls-key" in capsys.readouterr().err
        monkeypatch.setattr(os, "environ", {**base})
        assert main(argv) != 0
        assert "it is in use" in capsys.readouterr().err

"""Settings a newcomer gets wrong end in one line and exit 2, never a traceback, and only where
the setting is used: a stray EASEBACK_PORT does not stop a check-in or a plan. Run through the real
command, as test_one_line_errors does."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.domain.answers import clear_answers


def run(root: Path, args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, EASEBACK_DATA_DIR=str(root / "data"), **env)
    for name in ("EASEBACK_DATABASE_URL", "EASEBACK_PORT", "EASEBACK_WORKERS", "EASEBACK_TLS_CERT"):
        if name not in env:
            full.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "easeback", *args],
        capture_output=True, text=True, timeout=300, cwd=root, env=full, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def one_line(out: subprocess.CompletedProcess[str], *words: str) -> None:
    lines = out.stderr.strip().splitlines()
    assert "Traceback" not in out.stderr, out.stderr
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert len(lines) == 1 and lines[0].startswith("easeback: error: "), lines
    for word in words:
        assert word in lines[0], lines


@pytest.fixture(scope="module")
def held_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_a_bad_port_in_the_environment_does_not_stop_commands_without_one(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(clear_answers()))
    out = run(tmp_path, ["checkin", "--pain", "3", "--stiffness", "2"], EASEBACK_PORT="abc")
    assert out.returncode == 0, out.stderr
    out = run(tmp_path, ["plan", "--json", "--answers", str(answers), "--where", "floor",
                         "--minutes", "5"], EASEBACK_PORT="abc", EASEBACK_WORKERS="x")  # fmt: skip
    assert out.returncode == 0 and json.loads(out.stdout)["planned"], out.stderr


@pytest.mark.parametrize(
    ("args", "env", "words"),
    [
        (["serve"], {"EASEBACK_PORT": "abc"}, ["EASEBACK_PORT='abc'", "1 to 65535"]),
        (["serve"], {"EASEBACK_PORT": "99999"}, ["EASEBACK_PORT='99999'", "1 to 65535"]),
        (["serve", "--multi-user"], {"EASEBACK_PORT": "abc"}, ["EASEBACK_PORT='abc'"]),
        (["serve", "--multi-user"], {"EASEBACK_WORKERS": "abc"}, ["EASEBACK_WORKERS='abc'"]),
        (
            ["history"],
            {"EASEBACK_DATABASE_URL": "mysql://me@127.0.0.1/journal"},
            ["'mysql' is not a database easeback knows"],
        ),
        (["serve", "--tls-cert", "cert.pem", "--tls-key", "key.pem"], {}, ["--multi-user"]),
        (["serve"], {"EASEBACK_TLS_CERT": "cert.pem"}, ["EASEBACK_TLS_CERT", "--multi-user"]),
        (["serve", "--workers", "2"], {}, ["--multi-user"]),
        (
            [
                "checkin",
                "--pain",
                "2",
                "--stiffness",
                "2",
                "--database",
                "sqlite:///{root}/no-such-folder/journal.sqlite3",
            ],
            {},
            ["no-such-folder does not exist"],
        ),
    ],
    ids=[
        "port-abc",
        "port-99999",
        "practice-port",
        "workers-abc",
        "mysql",
        "tls-personal",
        "tls-env-personal",
        "workers-personal",
        "missing-folder",
    ],
)
def test_one_line_and_exit_2(
    tmp_path: Path, args: list[str], env: dict[str, str], words: list[str]
) -> None:
    out = run(tmp_path, [a.format(root=tmp_path) for a in args], **env)
    one_line(out, *words)
    assert not (tmp_path / "no-such-folder").exists()


@pytest.mark.parametrize("practice", [False, True], ids=["personal", "practice"])
def test_a_port_in_use_is_one_line_not_exit_3(
    tmp_path: Path, held_port: int, practice: bool
) -> None:
    args = ["serve", "--port", str(held_port)]
    if practice:
        args += ["--multi-user", "--database", f"sqlite:///{tmp_path / 'practice.sqlite3'}"]
    out = run(tmp_path, args)
    one_line(out, f"port {held_port}", "in use")

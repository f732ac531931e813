"""A guided session killed mid-way (kill -9, Ctrl+C) does not stay 'in progress, 2/2 done' for
ever: Ctrl+C closes it as interrupted at once, a killed one is closed as interrupted when the next
session starts, and history counts the techniques reached against the routine's, not against the
results written before the end. Through the real program."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.domain.answers import clear_answers

EXE = [sys.executable, "-m", "easeback"]
PATIENCE = 240.0  # seconds: a loaded machine, but a condition, never a fixed pause


@pytest.fixture
def place(tmp_path: Path) -> dict[str, Path]:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(clear_answers()))
    plan = tmp_path / "plan.json"
    for args in (
        [
            "plan",
            "--answers",
            str(answers),
            "--where",
            "floor",
            "--minutes",
            "5",
            "--out",
            str(plan),
        ],
        ["screen", "--answers", str(answers), "--save", "--json"],
    ):
        done = subprocess.run([*EXE, *args], capture_output=True, text=True, env=_env(tmp_path),
                              timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr
    techniques = len(json.loads(plan.read_text())["techniques"])
    assert techniques >= 3
    return {"root": tmp_path, "plan": plan, "journal": tmp_path / "data" / "journal.sqlite3"}


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ, EASEBACK_DATA_DIR=str(root / "data"))
    env.pop("EASEBACK_DATABASE_URL", None)
    return env


def _session(place: dict[str, Path], speed: str) -> subprocess.Popen[str]:
    args = ["session", "--plan", str(place["plan"]), "--no-voice", "--speed", speed]
    return subprocess.Popen([*EXE, *args], env=_env(place["root"]), text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)  # fmt: skip


def _results(journal: Path) -> int:
    con = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT count(*) FROM technique_results").fetchone()[0])
    except sqlite3.OperationalError:  # not made yet
        return 0
    finally:
        con.close()


def _end_after_two(place: dict[str, Path], sig: signal.Signals) -> None:
    """A session at demonstration speed, ended by sig once two techniques are in the journal."""
    before = _results(place["journal"])
    proc = _session(place, "40")
    deadline = time.monotonic() + PATIENCE
    while _results(place["journal"]) < before + 2:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "the session wrote no two results"
        time.sleep(0.02)
    proc.send_signal(sig)
    proc.communicate(timeout=PATIENCE)


def _history(place: dict[str, Path]) -> list[str]:
    done = subprocess.run([*EXE, "history"], capture_output=True, text=True,
                          env=_env(place["root"]), timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [
        line.split("  session    ")[1] for line in done.stdout.splitlines() if "  session  " in line
    ]


def test_a_killed_session_is_closed_as_interrupted_by_the_next(place: dict[str, Path]) -> None:
    total = len(json.loads(place["plan"].read_text())["techniques"])
    _end_after_two(place, signal.SIGKILL)
    (first,) = _history(place)
    assert first.startswith(f"in progress, 2/{total} done"), first
    finished = _session(place, "1000")
    _, err = finished.communicate(timeout=PATIENCE)
    assert finished.returncode == 0, err
    first, second = _history(place)
    assert first.startswith(f"interrupted, 2/{total} done"), first
    assert second.startswith(f"completed, {total}/{total} done"), second


def test_ctrl_c_closes_the_session_as_interrupted_at_once(place: dict[str, Path]) -> None:
    total = len(json.loads(place["plan"].read_text())["techniques"])
    _end_after_two(place, signal.SIGINT)
    (only,) = _history(place)
    assert only.startswith("interrupted, ") and only.split(", ")[1].endswith(f"/{total} done")
    assert int(only.split(", ")[1].split("/")[0]) >= 2

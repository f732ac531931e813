"""kill -9 at random moments: the database always reopens intact and holds every event the child
had reported as committed."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from easeback.storage import open_engine
from easeback.storage import repository as repo

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 8


def _committed(lines: list[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for line in lines:
        kind, _, key = line.strip().partition(" ")
        if key:
            out.setdefault(kind, set()).add(key)
    return out


@pytest.mark.slow
def test_kill_minus_nine_loses_nothing_committed(db_url):
    rng = random.Random(20240301)
    promised: dict[str, set[str]] = {}
    for run in range(ROUNDS):
        errors = open(os.devnull, "w")  # noqa: SIM115 - closed with the child below
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.storage.kill_child", db_url, str(run)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        assert child.stdout is not None
        first = child.stdout.readline()  # it is up and writing
        assert first, "the child died before writing anything"
        time.sleep(rng.uniform(0.0, 0.6))  # then die at an arbitrary moment
        child.send_signal(signal.SIGKILL)
        rest = child.stdout.read()
        child.wait()
        child.stdout.close()
        errors.close()
        assert child.returncode == -signal.SIGKILL
        for kind, keys in _committed([first, *rest.splitlines()]).items():
            promised.setdefault(kind, set()).update(keys)

        engine = open_engine(db_url)  # reopens: integrity checked, schema at head
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
        found = {
            "check_ins": {str(r["id"]) for r in repo.rows(engine, "check_ins")},
            "sessions": {str(r["id"]) for r in repo.rows(engine, "sessions")},
            "technique_results": {
                f"{r['session_id']}:{r['position']}" for r in repo.rows(engine, "technique_results")
            },
            "stops": {str(r["session_id"]) for r in repo.rows(engine, "stops")},
            "finished": {
                str(r["id"]) for r in repo.rows(engine, "sessions") if r["pain_after"] is not None
            },
        }
        for kind, keys in promised.items():
            missing = keys - found[kind]
            assert not missing, f"round {run}: {kind} reported committed but lost: {missing}"
        repo.load_history(engine)  # and the whole journal still reads as domain records
        engine.dispose()
    assert sum(len(v) for v in promised.values()) > ROUNDS

"""A journal damaged inside (SQLite: "database disk image is malformed") is never written to: the
commands that write refuse before writing, the ones that read refuse when they meet the damage,
each with exit 2 and one line naming the file and `sqlite3 FILE .recover`; no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.domain.answers import clear_answers
from tests.storage.damage import damaged_copy, write_journal


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("damaged")
    answers = root / "answers.json"
    answers.write_text(json.dumps(clear_answers()))
    plan = root / "plan.json"
    done = run(root / "plain", ["plan", "--answers", str(answers), "--where", "floor",
                                "--minutes", "5", "--out", str(plan)])  # fmt: skip
    assert done.returncode == 0, done.stderr
    return {"root": root, "answers": answers, "plan": plan,
            "good": write_journal(root / "good.sqlite3")}  # fmt: skip


def run(data: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, EASEBACK_DATA_DIR=str(data))
    env.pop("EASEBACK_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "easeback", *args],
        capture_output=True, text=True, timeout=300, env=env, cwd=data.parent,
    )  # fmt: skip


WRITES = [
    ["checkin", "--pain", "3", "--stiffness", "3"],
    ["log-session", "--plan", "{plan}", "--pain-before", "4", "--pain-after", "2"],
    ["screen", "--answers", "{answers}", "--save"],
]
READS = [  # each reads the sessions, where the last page's damage is
    ["history"],
    ["progress", "--json"],
    ["export", "--format", "fhir", "--out", "{root}/bundle.json"],
    ["plan", "--json", "--answers", "{answers}", "--where", "floor", "--minutes", "5"],
    ["reminders", "--every", "30", "--out", "{root}/breaks.ics"],
]
CASES = [("page3", a) for a in WRITES] + [("last", a) for a in WRITES + READS]


@pytest.mark.parametrize(("how", "args"), CASES, ids=[f"{h}-{a[0]}" for h, a in CASES])
def test_refused_in_one_line_and_left_untouched(
    place: dict[str, Path], how: str, args: list[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    journal = damaged_copy(place["good"], data / "journal.sqlite3", how)
    before = journal.read_bytes()
    out = run(data, [a.format(**place) for a in args])
    lines = out.stderr.strip().splitlines()
    assert "Traceback" not in out.stderr, out.stderr
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"easeback: error: the journal {journal} is damaged"), lines
    assert f"`sqlite3 {journal} .recover" in lines[0]
    assert journal.read_bytes() == before


def test_an_intact_journal_is_written_as_before(place: dict[str, Path], tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    journal = data / "journal.sqlite3"
    journal.write_bytes(place["good"].read_bytes())
    out = run(data, WRITES[0])
    assert out.returncode == 0, out.stderr
    out = run(data, ["history", "--limit", "1"])
    assert out.returncode == 0 and "pain 3, stiffness 3" in out.stdout, out.stdout

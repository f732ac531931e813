"""Every way a person can mistype a command, name a path that cannot be written, hand over a file
in the wrong encoding or a database that is not there ends the same way: exit 2 and one line on
stderr naming what was wrong, never a traceback or the usage block. Run through the real command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.domain.answers import clear_answers

LATIN1 = '{"pain_now": "d\xe9j\xe0"}'.encode("latin-1")


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A data folder with a journal of two check-ins, a plan, answers, a non-UTF-8 file and a plain
    file that stands where a folder would have to be (so nothing can be written under it)."""
    root = tmp_path_factory.mktemp("errors")
    answers = root / "answers.json"
    answers.write_text(json.dumps(clear_answers()))
    blocker = root / "a-file"
    blocker.write_text("not a folder")
    latin1 = root / "latin1.json"
    latin1.write_bytes(LATIN1)
    names = {
        "root": str(root),
        "answers": str(answers),
        "blocked": str(blocker / "inside"),
        "folder": str(root),
        "latin1": str(latin1),
        "plan": str(root / "plan.json"),
    }
    for args in (
        ["checkin", "--pain", "4", "--stiffness", "5", "--at", "2026-11-28T08:00"],
        ["checkin", "--pain", "3", "--stiffness", "4", "--at", "2026-11-29T08:00"],
        ["plan", "--answers", names["answers"], "--where", "floor", "--minutes", "5",
         "--out", names["plan"]],
    ):  # fmt: skip
        done = run(root, args)
        assert done.returncode == 0, (args, done.stderr)
    return names


def run(root: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, EASEBACK_DATA_DIR=str(root))
    env.pop("EASEBACK_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "easeback", *args],
        capture_output=True, text=True, timeout=300, cwd=root, env=env,
    )  # fmt: skip


CASES: list[tuple[list[str], str]] = [
    # argument errors: one line, the usage only with --help
    (["no-such-command"], "invalid choice"),
    (["checkin", "--pain", "eleven", "--stiffness", "2"], "--pain"),
    (["plan", "--answers", "{answers}", "--where", "floor", "--minutes", "ten"], "--minutes"),
    (["show"], "give a technique id"),
    (["history", "--limit", "0"], "--limit"),
    # paths that cannot be written (under a plain file, or a folder where a file goes): the line
    # names the path
    (["plan", "--answers", "{answers}", "--where", "floor", "--minutes", "5",
      "--out", "{blocked}/plan.json"], "cannot write"),
    (["plan", "--answers", "{answers}", "--where", "floor", "--minutes", "5",
      "--out", "{folder}"], "cannot write"),
    (["show", "cat-cow", "--svg", "{blocked}/x.svg"], "cannot write --svg"),
    (["show", "cat-cow", "--png", "{blocked}/x.png"], "cannot write --png"),
    (["show", "cat-cow", "--png", "{folder}"], "cannot write --png"),
    (["show", "--sheet", "{blocked}/sheet.png"], "cannot write --sheet"),
    (["progress", "--plot", "{blocked}/chart.png"], "a-file/inside"),
    (["progress", "--plot", "{blocked}/chart.svg"], "a-file/inside"),
    (["export", "--format", "csv", "--out", "{blocked}/tables"], "a-file/inside"),
    (["export", "--format", "pdf", "--out", "{blocked}/journal.pdf"], "a-file/inside"),
    (["export", "--format", "fhir", "--out", "{blocked}/journal.json"], "a-file/inside"),
    (["export", "--format", "ics", "--out", "{blocked}/journal.ics"], "a-file/inside"),
    (["reminders", "--every", "30", "--out", "{blocked}/breaks.ics"], "a-file/inside"),
    (["handout", "--out", "{blocked}/handout.pdf"], "a-file/inside"),
    # files in the wrong encoding
    (["screen", "--answers", "{latin1}"], "not UTF-8"),
    (["plan", "--answers", "{latin1}", "--where", "floor", "--minutes", "5"], "not UTF-8"),
    (["session", "--plan", "{latin1}", "--dry-run"], "not UTF-8"),
    (["handout", "--plan", "{latin1}", "--out", "{root}/h.pdf"], "not UTF-8"),
    (["log-session", "--plan", "{latin1}", "--pain-before", "3", "--pain-after", "2"],
     "not UTF-8"),
    # databases that are not there or not databases
    (["history", "--database", "foo://bar"], "not a database easeback knows"),
    (["history", "--database", "no url at all"], "not a database easeback knows"),
    (["history", "--database", "sqlite:///{blocked}/journal.db"], "a-file/inside"),
    (["checkin", "--pain", "2", "--stiffness", "2", "--database",
      "sqlite:///{latin1}"], "is not an SQLite database"),
    (["history", "--database", "postgresql://nobody@127.0.0.1:1/easeback"], "Connection refused"),
    (["serve", "--database", "foo://bar"], "not a database easeback knows"),
    # ports
    (["serve", "--port", "99999"], "port number from 1 to 65535"),
    (["serve", "--port", "0"], "port number from 1 to 65535"),
    (["serve", "--port", "http"], "port number from 1 to 65535"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_one_line_and_exit_2(place: dict[str, str], args: list[str], message: str) -> None:
    filled = [a.format(**place) for a in args]
    out = run(Path(place["root"]), filled)
    lines = out.stderr.strip().splitlines()
    assert "Traceback" not in out.stderr, out.stderr
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert len(lines) == 1, lines
    assert lines[0].startswith("easeback") and message in lines[0], lines
    assert "usage:" not in out.stderr


def test_help_still_shows_the_usage(place: dict[str, str]) -> None:
    out = run(Path(place["root"]), ["plan", "--help"])
    assert out.returncode == 0 and out.stdout.startswith("usage: easeback plan")

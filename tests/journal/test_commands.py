"""The journal's commands through the installed program: contract, bad input, planner inputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.domain.answers import clear_answers

EXE = [sys.executable, "-m", "easeback"]


@pytest.fixture
def run(tmp_path):
    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, EASEBACK_DATA_DIR=str(tmp_path / "data"))
        env.pop("EASEBACK_DATABASE_URL", None)
        return subprocess.run(
            [*EXE, *args], capture_output=True, text=True, timeout=120, env=env, input=stdin,
            cwd=tmp_path,
        )  # fmt: skip

    return run


@pytest.fixture
def plan(run, tmp_path) -> Path:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(clear_answers()))
    out = tmp_path / "plan.json"
    r = run(
        "plan", "--answers", str(answers), "--where", "floor", "--minutes", "10", "--out", str(out)
    )
    assert r.returncode == 0, r.stderr
    return out


def test_checkin_and_progress_json_contract(run, plan):
    assert (
        run("checkin", "--pain", "6", "--stiffness", "5", "--at", "2024-05-01T08:00").returncode
        == 0
    )
    for d in range(2, 6):
        r = run("log-session", "--plan", str(plan), "--pain-before", "6", "--pain-after", "3",
                "--at", f"2024-05-0{d}T09:00")  # fmt: skip
        assert r.returncode == 0, r.stderr
    r = run("progress", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) == {
        "baseline_pain", "latest_pain", "change", "meaningful_improvement", "advice", "techniques"
    }  # fmt: skip
    assert (data["baseline_pain"], data["latest_pain"], data["change"]) == (6, 3, -3)
    assert data["meaningful_improvement"] is True
    codes = {a["code"] for a in data["advice"]}
    assert {"rescreen", "formal_diagnosis"} <= codes  # no screening recorded; months ago
    assert all(set(a) == {"code", "text"} and a["text"] for a in data["advice"])
    plan_ids = {t["id"] for t in json.loads(plan.read_text())["techniques"]}
    assert {t["id"] for t in data["techniques"]} == plan_ids
    for t in data["techniques"]:
        assert set(t) == {"id", "sessions", "mean_change", "interval"}
        assert t["sessions"] == 4 and t["mean_change"] == -3.0 and t["interval"] == [-3.0, -3.0]


def test_a_sharp_pain_stop_leaves_the_technique_out_until_restore(run, plan, tmp_path):
    first = json.loads(plan.read_text())["techniques"][0]["id"]
    r = run("log-session", "--plan", str(plan), "--pain-before", "4", "--pain-after", "6",
            "--stopped", f"{first}:sharp_pain", "--soreness", "high")  # fmt: skip
    assert r.returncode == 0, r.stderr
    data = json.loads(run("progress", "--json").stdout)
    assert "rest_day" in {a["code"] for a in data["advice"]}
    assert first in run("progress").stdout
    hist = run("history").stdout
    assert "sharp_pain" in hist and "stopped" in hist
    answers = str(tmp_path / "answers.json")
    replan = ["plan", "--answers", answers, "--where", "floor", "--minutes", "10", "--json"]

    def planned() -> list[str]:
        r = run(*replan)
        assert r.returncode == 0, r.stderr
        return [t["id"] for t in json.loads(r.stdout)["techniques"]]

    assert first not in planned()  # every later plan leaves it out
    assert run("screen", "--answers", answers, "--save").returncode == 0
    ics = tmp_path / "breaks.ics"
    rem = ["reminders", "--out", str(ics), "--every", "60", "--minutes", "10"]
    assert run(*rem).returncode == 0
    assert first not in ics.read_text()
    r = run("restore", first)
    assert r.returncode == 0, r.stderr
    assert run("restore", first).returncode == 2  # nothing left out any more
    assert first in planned()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["checkin", "--pain", "11", "--stiffness", "2"], "pain must be a whole number from 0"),
        (["checkin", "--pain", "3", "--stiffness", "-1"], "stiffness must be"),
        (["checkin", "--pain", "3", "--stiffness", "2", "--at", "2999-01-01"], "in the future"),
        (["checkin", "--pain", "3", "--stiffness", "2", "--at", "yesterday"], "not an ISO"),
        (["checkin", "--pain", "3", "--stiffness", "2", "--peg-pain", "3"], "PEG needs all three"),
    ],
)  # fmt: skip
def test_bad_checkin_input_is_one_line_exit_2(run, args, message, tmp_path):
    r = run(*args)
    assert r.returncode == 2
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "data" / "journal.sqlite3").exists()  # nothing created for bad input


def test_bad_log_session_input(run, plan):
    base = ["log-session", "--plan", str(plan), "--pain-before", "4"]
    assert "pain after" in run(*base, "--pain-after", "12").stderr
    r = run(*base, "--pain-after", "3", "--stopped", "spine-crack:sharp_pain")
    assert r.returncode == 2 and "not in the plan" in r.stderr
    first = json.loads(plan.read_text())["techniques"][0]["id"]
    r = run(*base, "--pain-after", "3", "--stopped", f"{first}:boredom")
    assert r.returncode == 2 and "unknown stop reason" in r.stderr


def test_corrupt_database_is_an_error_and_never_overwritten(run, tmp_path):
    db = tmp_path / "data" / "journal.sqlite3"
    db.parent.mkdir()
    db.write_bytes(b"\x00garbage" * 100)
    for args in (
        ["checkin", "--pain", "3", "--stiffness", "2"],
        ["progress", "--json"],
        ["history"],
    ):
        r = run(*args)
        assert r.returncode == 2 and "left untouched" in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    assert db.read_bytes() == b"\x00garbage" * 100


def test_database_option_selects_another_database(run, tmp_path):
    other = tmp_path / "other.sqlite3"
    assert (
        run(
            "checkin", "--pain", "2", "--stiffness", "2", "--database", f"sqlite:///{other}"
        ).returncode
        == 0
    )
    assert (
        json.loads(run("progress", "--json", "--database", f"sqlite:///{other}").stdout)[
            "latest_pain"
        ]
        == 2
    )
    assert json.loads(run("progress", "--json").stdout)["latest_pain"] is None


def test_a_session_without_a_terminal_needs_a_saved_screening(run, plan, tmp_path):
    r = run("session", "--plan", str(plan), "--speed", "2000", "--no-voice", stdin="")
    assert r.returncode == 3, r.stderr
    assert "screening" in r.stderr and "--save" in r.stderr
    assert "Routine complete" not in r.stdout
    assert "Your journal is empty" in run("history").stdout
    saved = run("screen", "--answers", str(tmp_path / "answers.json"), "--save")
    assert saved.returncode == 0, saved.stderr
    r = run("session", "--plan", str(plan), "--speed", "2000", "--no-voice", stdin="")
    assert r.returncode == 0, r.stderr
    assert "Routine complete" in r.stdout


def test_a_timed_session_records_itself(run, plan, tmp_path):
    assert run("screen", "--answers", str(tmp_path / "answers.json"), "--save").returncode == 0
    r = run("session", "--plan", str(plan), "--speed", "2000", "--no-voice", stdin="")
    assert r.returncode == 0, r.stderr
    hist = run("history").stdout
    assert "completed" in hist and "done" in hist


def test_planner_prefers_what_helps_and_leaves_out_sharp_pain(catalogue):
    from datetime import datetime, timedelta

    from easeback.domain.models import StopReason
    from easeback.domain.planning import PlanRequest, build_plan
    from easeback.domain.progression import History, SessionRecord, StopEvent, TechniqueResult
    from easeback.domain.screening import screen
    from easeback.usecases import journal

    s = screen(catalogue.screening, clear_answers()).plannable()
    base = build_plan(s, PlanRequest(place="floor", minutes=10), catalogue.techniques)
    ids = [i.technique.id for i in base.items]
    t0 = datetime(2024, 1, 1)
    helped = "pelvic-tilt" if "pelvic-tilt" not in ids else "supine-rotation"
    sessions = [
        SessionRecord(
            t0 + timedelta(days=n), "completed", 6, 2, results=(TechniqueResult(helped, "done"),)
        )
        for n in range(3)
    ]
    stop = StopEvent(t0 + timedelta(days=4), StopReason.SHARP_PAIN, ids[0])
    sessions.append(
        SessionRecord(
            stop.at, "stopped", 4, 5, results=(TechniqueResult(ids[0], "stopped"),), stops=(stop,)
        )
    )
    inputs = journal.planner_inputs(History(sessions=tuple(sessions)), catalogue.techniques)
    assert inputs["left_out"] == {ids[0]} and inputs["helps"][helped] == 4.0
    routine = build_plan(s, PlanRequest(place="floor", minutes=10, **inputs), catalogue.techniques)
    new_ids = [i.technique.id for i in routine.items]
    assert ids[0] not in new_ids
    assert helped in new_ids
    for item in routine.items:
        if item.hold_seconds is not None:
            low = item.technique.dosage.hold_seconds.min
            assert low <= item.hold_seconds <= inputs["hold_targets"][item.technique.id]


def test_history_shows_the_latest_page_and_says_how_to_see_the_rest(run, tmp_path):
    from datetime import UTC, datetime, timedelta

    from easeback.domain.progression import CheckIn
    from easeback.storage import open_engine
    from easeback.storage import repository as repo

    engine = open_engine(f"sqlite:///{tmp_path / 'data' / 'journal.sqlite3'}")
    start = datetime(2024, 1, 1, 12, tzinfo=UTC)
    for day in range(45):  # pain 0..9 over and over, one check-in a day
        c = CheckIn(start + timedelta(days=day), day % 10, 1)
        repo.add_check_in(engine, c, c.at)
    engine.dispose()
    lines = run("history").stdout.splitlines()
    assert lines[0].split() == ["When", "What", "Details"]
    assert len(lines) == 1 + 20 + 1
    assert lines[1].startswith("2024-01-26") and lines[20].startswith("2024-02-14")
    assert lines[-1].startswith("25 older entries are not shown") and "--all" in lines[-1]
    lines = run("history", "--limit", "3").stdout.splitlines()
    assert [ln[:10] for ln in lines[1:4]] == ["2024-02-12", "2024-02-13", "2024-02-14"]
    assert lines[-1].startswith("42 older entries")
    every = run("history", "--all").stdout.splitlines()
    assert len(every) == 46 and every[1].startswith("2024-01-01") and "pain 0," in every[1]
    since = run("history", "--since", "2024-02-10").stdout.splitlines()
    assert [ln[:10] for ln in since[1:]] == [f"2024-02-{d}" for d in range(10, 15)]
    r = run("history", "--since", "last week")
    assert r.returncode == 2 and r.stderr.strip().endswith("is not a date, e.g. 2024-05-01")
    r = run("history", "--all", "--limit", "3")
    assert r.returncode == 2 and "not allowed with argument --all" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1

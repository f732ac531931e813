"""`easeback reminders`: desk-break reminders from the journal's latest valid screening, written
as iCalendar and read back; refused without a valid screening or with bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest

from easeback.settings import Settings
from easeback.usecases import journal, planning, screening
from tests.domain.answers import clear_answers

icalendar = pytest.importorskip("icalendar")

EXE = [sys.executable, "-m", "easeback"]


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def run(tmp_path, data):
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, EASEBACK_DATA_DIR=str(data))
        env.pop("EASEBACK_DATABASE_URL", None)
        return subprocess.run(
            [*EXE, "reminders", *args], capture_output=True, text=True, timeout=120, env=env,
            cwd=tmp_path,
        )  # fmt: skip

    return run


def screened(data, catalogue, days_ago: float = 0, **answers: object):
    engine = journal.open_journal(Settings(data_dir=str(data)))
    result = screening.screen_answers(catalogue, clear_answers(**answers))
    journal.save_screening(engine, result, journal.utc_now() - timedelta(days=days_ago))
    return engine


def events(path):
    return list(icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_reminders_every_45_minutes_on_weekdays(run, data, catalogue, tmp_path):
    screened(data, catalogue)
    out = tmp_path / "breaks.ics"
    r = run("--every", "45", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(out)
    evs = events(out)
    starts = [e.decoded("dtstart").strftime("%H:%M") for e in evs]
    assert starts == ["09:45", "10:30", "11:15", "12:00", "12:45", "13:30", "14:15", "15:00",
                      "15:45", "16:30"]  # fmt: skip
    for e in evs:
        assert "desk break" in str(e["summary"])
        assert e.decoded("dtend") - e.decoded("dtstart") == timedelta(minutes=3)
        assert e["rrule"]["FREQ"] == ["WEEKLY"]
        assert e["rrule"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
        assert e.decoded("dtstart").weekday() < 5
        assert len(e.walk("VALARM")) == 1
    routine = planning.desk_break_routine(
        catalogue, screening.screen_answers(catalogue, clear_answers())
    )
    assert routine is not None and routine.items
    description = str(evs[0]["description"])
    for item in routine.items:
        assert item.technique.name in description
        assert "chair" in item.technique.places


def test_window_days_and_break_length(run, data, catalogue, tmp_path):
    screened(data, catalogue)
    out = tmp_path / "b.ics"
    r = run("--every", "50", "--start", "08:00", "--end", "10:30", "--days", "sat,sun",
            "--minutes", "5", "--out", str(out))  # fmt: skip
    assert r.returncode == 0, r.stderr
    evs = events(out)
    assert [e.decoded("dtstart").strftime("%H:%M") for e in evs] == ["08:50", "09:40"]
    assert all(e["rrule"]["BYDAY"] == ["SA", "SU"] for e in evs)
    assert all(e.decoded("dtstart").weekday() >= 5 for e in evs)
    assert evs[0].decoded("dtend") - evs[0].decoded("dtstart") == timedelta(minutes=5)
    assert "A 5-minute chair routine after 50 minutes" in str(evs[0]["description"])


def test_no_screening_exits_2_with_one_line(run, tmp_path):
    r = run("--every", "30", "--out", str(tmp_path / "x.ics"))
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1
    assert "easeback start" in r.stderr
    assert not (tmp_path / "x.ics").exists()


def test_a_lapsed_screening_does_not_count(run, data, catalogue, tmp_path):
    screened(data, catalogue, days_ago=8)
    r = run("--every", "30", "--out", str(tmp_path / "x.ics"))
    assert r.returncode == 2 and "easeback start" in r.stderr


def test_a_screening_that_blocks_a_routine_is_refused(run, data, catalogue, tmp_path):
    screened(data, catalogue, pain_below_knee="yes")
    r = run("--every", "30", "--out", str(tmp_path / "x.ics"))
    assert r.returncode == 2 and "does not allow a routine" in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--every", "4"], "--every must be"),
        (["--every", "241"], "--every must be"),
        (["--every", "half"], "--every must be"),
        (["--every", "30", "--start", "9am"], "--start must be a time"),
        (["--every", "30", "--end", "25:00"], "--end must be a time"),
        (["--every", "30", "--start", "17:00", "--end", "09:00"], "later than start"),
        (["--every", "30", "--days", "mon,fry"], "unknown day"),
        (["--every", "30", "--minutes", "31"], "--minutes must be"),
    ],
)
def test_bad_input_is_one_line_exit_2(run, tmp_path, args, message):
    r = run(*args, "--out", str(tmp_path / "x.ics"))
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert message in r.stderr

"""Issue 10, "every way to start a session requires a valid screening or asks for one", in the
terminal: `session --plan`, `start`, the reminders and the journal's .ics export."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from easeback.content.loader import Catalogue
from easeback.settings import Settings
from easeback.usecases import journal
from easeback.usecases.screening import screen_answers
from tests.domain.answers import clear_answers
from tests.safety.conftest import Run


def _answers(tmp_path: Path, **overrides: object) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(clear_answers(**overrides)))
    return str(path)


def _plan(run: Run, tmp_path: Path, minutes: int = 5) -> Path:
    out = tmp_path / "plan.json"
    r = run("plan", "--answers", _answers(tmp_path), "--where", "floor",
            "--minutes", str(minutes), "--out", str(out))  # fmt: skip
    assert r.returncode == 0, r.stderr
    return out


def _save_screening(catalogue: Catalogue, data_dir: Path, days_ago: float) -> None:
    engine = journal.open_journal(Settings(data_dir=str(data_dir)))
    result = screen_answers(catalogue, clear_answers())
    journal.save_screening(engine, result, journal.utc_now() - timedelta(days=days_ago))
    engine.dispose()


def test_a_screening_8_days_old_does_not_let_a_session_start(run, tmp_path, data_dir, catalogue):
    plan = _plan(run, tmp_path)
    _save_screening(catalogue, data_dir, days_ago=8)
    r = run("session", "--plan", str(plan), "--speed", "2000", "--no-voice")
    assert r.returncode == 3, r.stderr
    assert "8 days ago" in r.stderr and "valid for 7 days" in r.stderr
    assert "Routine complete" not in r.stdout
    _save_screening(catalogue, data_dir, days_ago=6)  # a fresh one lets it run
    r = run("session", "--plan", str(plan), "--speed", "2000", "--no-voice")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("reason", ["radiating_pain", "numbness"])
def test_a_nerve_sign_stop_reopens_the_screening_for_the_next_session(
    run, tmp_path, data_dir, catalogue, reason
):
    plan = _plan(run, tmp_path)
    _save_screening(catalogue, data_dir, days_ago=1)
    first = json.loads(plan.read_text())["techniques"][0]["id"]
    r = run("log-session", "--plan", str(plan), "--pain-before", "3", "--pain-after", "3",
            "--stopped", f"{first}:{reason}")  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = run("session", "--plan", str(plan), "--speed", "2000", "--no-voice")
    assert r.returncode == 3 and "after your last screening" in r.stderr, r.stderr
    # the same holds for the desk-break reminders
    r = run("reminders", "--out", str(tmp_path / "r.ics"), "--every", "30")
    assert r.returncode == 2 and "no valid screening" in r.stderr, r.stderr


def test_start_without_a_terminal_refuses_with_exit_3_and_one_line(run):
    r = run("start", "--no-voice", stdin="")
    assert r.returncode == 3, r.stderr
    assert r.stderr.strip().count("\n") == 0 and "Traceback" not in r.stderr
    assert "refused" in r.stderr and "nothing was planned or run" in r.stderr


def _journey(answers: dict[str, object], choices: list[str], catalogue: Catalogue) -> str:
    lines = []
    for q in catalogue.screening.questions:
        if q.id == "cleared_by_professional":
            continue  # asked only after a professional_first answer
        value = answers.get(q.id)
        lines.append("" if value is None else str(value))
    return "\n".join([*lines, *choices]) + "\n"


def test_start_says_why_nothing_suits_the_place_and_asks_again(run, catalogue):
    """28 weeks pregnant, in bed: nothing fits there, so the journey says where a routine does
    fit and asks again; the chair then gives a routine."""
    answers = clear_answers(pregnant_weeks=28)
    stdin = _journey(answers, ["bed", "10", "", "general-relief",
                               "chair", "5", "", "general-relief", "no"], catalogue)  # fmt: skip
    r = run("start", "--no-voice", stdin=stdin)
    assert r.returncode == 0, r.stderr[-2000:]
    said = " ".join(r.stdout.split())
    assert "No routine planned" in said and "Places with a routine for you" in said
    assert "week 20 of pregnancy" in said and "equipment" not in said.split("No routine")[1][:200]
    assert "Your routine" in said


def test_export_ics_lists_no_routine_without_a_valid_screening(run, tmp_path, data_dir, catalogue):
    plan = _plan(run, tmp_path)
    _save_screening(catalogue, data_dir, days_ago=8)
    r = run("log-session", "--plan", str(plan), "--pain-before", "3", "--pain-after", "3")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "e.ics"
    names = [t["name"] for t in json.loads(plan.read_text())["techniques"]]
    assert run("export", "--format", "ics", "--out", str(out)).returncode == 0
    text = _unfolded(out)
    assert not any(n in text for n in names) and "safety questions" in text
    _save_screening(catalogue, data_dir, days_ago=0)
    assert run("export", "--format", "ics", "--out", str(out)).returncode == 0
    assert all(n in _unfolded(out) for n in names)


def test_export_ics_leaves_out_a_technique_stopped_for_sharp_pain(
    run, tmp_path, data_dir, catalogue
):
    plan = _plan(run, tmp_path)
    _save_screening(catalogue, data_dir, days_ago=1)
    items = json.loads(plan.read_text())["techniques"]
    stopped = items[1]
    r = run("log-session", "--plan", str(plan), "--pain-before", "3", "--pain-after", "4",
            "--stopped", f"{stopped['id']}:sharp_pain")  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = tmp_path / "e.ics"
    assert run("export", "--format", "ics", "--out", str(out)).returncode == 0
    text = _unfolded(out)
    assert items[0]["name"] in text and stopped["name"] not in text
    assert run("restore", stopped["id"]).returncode == 0
    assert run("export", "--format", "ics", "--out", str(out)).returncode == 0
    assert stopped["name"] in _unfolded(out)


def _unfolded(path: Path) -> str:
    """The calendar's text with RFC 5545 line folding undone and escapes removed."""
    raw = path.read_text().replace("\r\n ", "").replace("\n ", "")
    return raw.replace("\\,", ",").replace("\\n", "\n")


def _save_answers(catalogue: Catalogue, data_dir: Path, **overrides: object) -> None:
    engine = journal.open_journal(Settings(data_dir=str(data_dir)))
    result = screen_answers(catalogue, clear_answers(**overrides))
    journal.save_screening(engine, result, journal.utc_now())
    engine.dispose()


def test_a_plan_file_older_than_the_answers_is_fitted_to_them(run, tmp_path, data_dir, catalogue):
    """A plan made on clear answers, then a screening at 24 weeks of pregnancy: the session and the
    calendar leave out what lies flat on the back, and say why; nothing left means no session."""
    plan = _plan(run, tmp_path, minutes=10)
    items = json.loads(plan.read_text())["techniques"]
    supine = [t for t in items if "supine" in catalogue.technique(t["id"]).positions]
    others = [t for t in items if t not in supine]
    assert supine and others, [t["id"] for t in items]
    _save_answers(catalogue, data_dir, pregnant_weeks=24)

    r = run("session", "--plan", str(plan), "--speed", "2000", "--no-voice")
    assert r.returncode == 0, r.stderr
    said = " ".join(r.stdout.split())
    assert "Left out for your latest safety answers:" in said
    assert all(t["name"] in said for t in supine) and "week 20 of pregnancy" in said
    engine = journal.open_journal(Settings(data_dir=str(data_dir)))
    (session,) = journal.history(engine).sessions
    engine.dispose()
    assert {x.technique_id for x in session.results} == {t["id"] for t in others}

    out = tmp_path / "e.ics"
    assert run("export", "--format", "ics", "--out", str(out)).returncode == 0
    text = _unfolded(out)
    assert all(t["name"] in text for t in others) and not any(t["name"] in text for t in supine)

    only_supine = tmp_path / "supine.json"
    data = json.loads(plan.read_text())
    only_supine.write_text(json.dumps(data | {"techniques": supine}))
    r = run("session", "--plan", str(only_supine), "--speed", "2000", "--no-voice")
    assert r.returncode == 3 and "Nothing in this plan suits your latest answers" in r.stdout

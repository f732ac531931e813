"""Safety contract version 3 in the terminal (issue 29): what a result, a plan, a handout and a
calendar say, and the pain asked before a session counting as pain_now."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from easeback.content.loader import Catalogue
from easeback.settings import Settings
from easeback.storage import repository
from easeback.usecases import journal
from easeback.usecases.screening import screen_answers
from tests.domain.answers import clear_answers


def _answers(tmp_path: Path, **overrides: object) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(clear_answers(**overrides)))
    return str(path)


def _save(catalogue: Catalogue, data_dir: Path, days_ago: float = 0, **overrides: object) -> None:
    engine = journal.open_journal(Settings(data_dir=str(data_dir)))
    result = screen_answers(catalogue, clear_answers(**overrides))
    journal.save_screening(engine, result, journal.utc_now() - timedelta(days=days_ago))
    engine.dispose()


def test_no_calendar_after_a_screening_that_allows_no_routine(run, tmp_path, data_dir, catalogue):
    """Findings 11: an emergency screening, then `export --format ics` wrote two daily exercise
    reminders. It refuses now, in one line, as `reminders` does; a later clear screening lets it."""
    _save(catalogue, data_dir, bladder_bowel_control="yes")
    out = tmp_path / "e.ics"
    r = run("export", "--format", "ics", "--out", str(out))
    assert r.returncode == 2, r.stdout
    assert "allows no routine" in r.stderr and "emergency" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not out.exists()
    r = run("reminders", "--out", str(out))
    assert r.returncode == 2 and not out.exists()
    _save(catalogue, data_dir, fever_chills="yes", days_ago=-0.001)
    assert run("export", "--format", "ics", "--out", str(out)).returncode == 2
    _save(catalogue, data_dir, days_ago=-0.002)
    assert run("export", "--format", "ics", "--out", str(out)).returncode == 0, out


def test_results_plans_and_handouts_carry_the_check_first_line(run, tmp_path, catalogue):
    line = catalogue.screening.check_first
    assert line
    r = run("screen", "--answers", _answers(tmp_path, other_condition="yes"), "--json")
    data = json.loads(r.stdout)
    assert data["disposition"] == "caution" and data["check_first"] == line
    r = run("screen", "--answers", _answers(tmp_path, pain_now=0))
    assert r.returncode == 0 and line in " ".join(r.stdout.split())
    r = run("plan", "--answers", _answers(tmp_path), "--where", "floor", "--minutes", "10",
            "--json")  # fmt: skip
    assert line in json.loads(r.stdout)["notes"]
    r = run("plan", "--answers", _answers(tmp_path), "--where", "floor", "--minutes", "10")
    assert line in " ".join(r.stdout.split())
    pdf = tmp_path / "h.pdf"
    assert run("handout", "--out", str(pdf)).returncode == 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "check with your doctor or physical therapist first" in " ".join(text.split())
    r = run("screen", "--answers", _answers(tmp_path, major_trauma="yes"), "--json")
    assert json.loads(r.stdout)["check_first"] is None


def test_pregnancy_plans_say_why(run, tmp_path):
    """Findings 11: at 28 weeks the bed refusal blamed "your equipment"; a pregnant person's plan
    carried no note about the pregnancy."""
    answers = _answers(tmp_path, pregnant_weeks=28)
    r = run("plan", "--answers", answers, "--where", "bed", "--minutes", "10", "--json")
    bed = json.loads(r.stdout)
    assert bed["planned"] is False
    assert "week 20 of pregnancy" in bed["reason"] and "equipment" not in bed["reason"]
    r = run("plan", "--answers", answers, "--where", "floor", "--minutes", "10", "--json")
    floor = json.loads(r.stdout)
    assert floor["planned"] is True
    assert any("pregnant" in n for n in floor["notes"])
    assert any("week 20 of pregnancy" in n for n in floor["notes"])


def test_severe_pain_limiting_movement_offers_the_call(run, tmp_path):
    answers = _answers(tmp_path, severe_pain_limits_movement="yes")
    said = " ".join(run("screen", "--answers", answers).stdout.split())
    assert "Cannot move? Call your local emergency number" in said and "Get seen now" in said
    data = json.loads(run("screen", "--answers", answers, "--json").stdout)
    assert data["disposition"] == "urgent" and data["call"] is True


def test_an_emergency_result_shows_no_routine_advice(run, tmp_path):
    answers = _answers(tmp_path, bladder_bowel_control="yes", knee_problem="yes", pain_now=8)
    said = " ".join(run("screen", "--answers", answers).stdout.split())
    assert "emergency" in said.lower()
    assert "kneeling" not in said and "routine is shorter" not in said


def test_show_names_where_each_dose_comes_from(run, catalogue):
    said = " ".join(run("show", "pelvic-tilt").stdout.split())
    assert "Where this dose comes from" in said and "10-20 times" in said
    assert "easeback's own starting dose" in said
    said = " ".join(run("show", "superman").stdout.split())
    assert "easeback's own starting dose" in said


def test_log_session_says_what_to_do_after_a_stop(run, tmp_path, catalogue):
    plan = tmp_path / "plan.json"
    r = run("plan", "--answers", _answers(tmp_path), "--where", "floor", "--minutes", "5",
            "--out", str(plan))  # fmt: skip
    assert r.returncode == 0, r.stderr
    first = json.loads(plan.read_text())["techniques"][0]["id"]
    r = run("log-session", "--plan", str(plan), "--pain-before", "3", "--pain-after", "4",
            "--stopped", f"{first}:radiating_pain")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert catalogue.stops["radiating_pain"].advice in " ".join(r.stdout.split())


# ---- the pain asked before a session (a real terminal: the session asks only in one) ----


def _in_a_terminal(args: list[str], data_dir: Path, replies: list[tuple[str, str]]) -> str:
    """Run easeback on a pseudo-terminal, typing each reply once its prompt has appeared; the
    whole output. Waits on the output (or the process ending), never on the clock alone."""
    import pty

    master, slave = pty.openpty()
    env = dict(os.environ, EASEBACK_DATA_DIR=str(data_dir), COLUMNS="120", TERM="dumb")
    env.pop("EASEBACK_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "easeback", *args],
        stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
    )  # fmt: skip
    os.close(slave)
    out = b""
    pending = list(replies)
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the terminal closed: the process has ended
                    break
                if not chunk:
                    break
                out += chunk
            if pending and pending[0][0].encode() in out.split(b"\x00")[-1]:
                os.write(master, (pending.pop(0)[1] + "\n").encode())
                out += b"\x00"  # each prompt answers once
            elif not ready and proc.poll() is not None:
                break
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=60)
        os.close(master)
    return out.replace(b"\x00", b"").decode(errors="replace")


def test_pain_before_a_session_counts_as_pain_now(run, tmp_path, data_dir, catalogue):
    """The finding's repro: a routine with the bridge planned at pain 3, then pain 8 before the
    session. The high-pain rule now applies to the session: no strengthening, holds at the low
    end, and what was left out is said."""
    plan = tmp_path / "plan.json"
    r = run("plan", "--answers", _answers(tmp_path), "--where", "floor", "--minutes", "10",
            "--goal", "strengthen", "--out", str(plan))  # fmt: skip
    assert r.returncode == 0, r.stderr
    planned = json.loads(plan.read_text())["techniques"]
    strength = [t for t in planned if t["category"] == "stability-strength"]
    assert strength, [t["id"] for t in planned]
    _save(catalogue, data_dir)
    said = _in_a_terminal(
        ["session", "--plan", str(plan), "--speed", "2000", "--no-voice"],
        data_dir,
        [("Your pain right now", "8"), ("Your pain now", "8"), ("How sore", "low")],
    )
    flat = " ".join(said.split())
    assert "Left out for your latest safety answers" in flat, said[-3000:]
    engine = journal.open_journal(Settings(data_dir=str(data_dir)))
    (session,) = journal.history(engine).sessions
    ran = repository.latest_routine(engine)
    engine.dispose()
    done = {x.technique_id for x in session.results}
    assert done and not done & {t["id"] for t in strength}
    assert session.pain_before == 8 and ran is not None
    assert {t["id"] for t in ran["techniques"]} == done
    for t in ran["techniques"]:
        hold = catalogue.technique(t["id"]).dosage.hold_seconds
        assert t["hold_seconds"] == (hold.min if hold else None), t["id"]


def test_start_asked_again_copies_nothing_and_counts_the_episode_days(run, data_dir, catalogue):
    """The finding's repro: answers 8 days old (pain_days 1, pain_now 0), then `easeback start`.
    The new screening asks the pain again and works the days out from the episode's start."""
    _save(catalogue, data_dir, days_ago=8, pain_days=1, pain_now=0)
    answers = clear_answers(pain_now=8)
    lines = []
    for q in catalogue.screening.questions:
        if q.id == "cleared_by_professional":
            continue
        if q.id == "pain_days":
            lines.append("yes")  # the same episode as last time
            continue
        value = answers.get(q.id)
        lines.append("" if value is None else str(value))
    stdin = "\n".join([*lines, "floor", "10", "", "strengthen", "no"]) + "\n"
    r = run("start", "--no-voice", stdin=stdin)
    assert r.returncode == 0, r.stderr[-2000:]
    said = " ".join(r.stdout.split())
    assert "same episode of back pain" in said and "(9 days ago)" in said
    engine = journal.open_journal(Settings(data_dir=str(data_dir)))
    last = repository.latest_screening(engine)
    engine.dispose()
    assert last is not None
    assert last["answers"]["pain_days"] == 9 and last["answers"]["pain_now"] == 8
    assert "Bridge" not in said.split("Your routine")[1]  # the high-pain rule: no strengthening

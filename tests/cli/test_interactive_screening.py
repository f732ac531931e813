"""The terminal asks in the domain's order of asking, typed answers in, answers out."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from easeback.content.loader import default_catalogue
from easeback.domain.models import Disposition
from easeback.domain.screening import screen
from easeback.terminal.interactive import ask_screening
from easeback.usecases import screening
from tests.domain.answers import RED_FLAGS, clear_answers


def _ask(monkeypatch, typed: list[str], **kw):
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{t}\n" for t in typed)))
    out = io.StringIO()
    answers = ask_screening(default_catalogue(), Console(file=out, width=100), **kw)
    return answers, out.getvalue()


def test_an_urgent_answer_ends_the_terminal_questions_at_once(monkeypatch):
    answers, shown = _ask(monkeypatch, ["no", "no", "no", "yes"])
    assert answers == {
        "bladder_bowel_control": "no",
        "saddle_numbness": "no",
        "leg_weakness_worsening": "no",
        "major_trauma": "yes",
    }
    assert "fever" not in shown.lower()
    result = screen(default_catalogue().screening, answers)
    assert result.complete and result.disposition is Disposition.URGENT


def test_clearance_follows_a_professional_first_answer_and_no_ends_it(monkeypatch):
    n_red = len(RED_FLAGS)
    typed = ["no"] * 9 + ["yes"] + ["no"] * (n_red - 10) + ["no"]  # pain_below_knee, not cleared
    answers, shown = _ask(monkeypatch, typed)
    assert answers["pain_below_knee"] == "yes" and answers["cleared_by_professional"] == "no"
    assert "pain_now" not in answers and "examined your back" in shown


def test_a_screening_asked_again_copies_no_earlier_answer(monkeypatch):
    """safety.md v3, "Asking again": the red flags, pain_now, limits_daily_activities,
    self_care_failed and pregnant_weeks are asked afresh; any other earlier answer is only
    offered (Enter keeps it, so the person sees and confirms it); a question added since has
    no earlier answer to offer."""
    cat = default_catalogue()
    old = clear_answers(pain_now=0, pain_days=1, knee_problem="yes")
    del old["other_condition"], old["old_back_injury"]  # added in contract v3
    again = screening.asked_afresh(cat.screening)
    assert {"pain_now", "limits_daily_activities", "self_care_failed", "pregnant_weeks"} <= again
    assert set(RED_FLAGS) <= again and "pain_days" not in again and "knee_problem" not in again
    # red flags; pain_days; pain 8; limits no; self-care no; not pregnant; knees: Enter keeps
    # the earlier yes; wrists, hip, balance typed; the two new questions; bone density
    typed = ["no"] * len(RED_FLAGS) + ["9", "8", "no", "no", "", "", "no", "no", "no"]
    typed += ["no", "no", "no"]
    answers, shown = _ask(monkeypatch, typed, previous=old, again=again)
    assert answers["pain_now"] == 8 and answers["pain_days"] == 9
    assert answers["knee_problem"] == "yes"  # confirmed with Enter, shown as the default
    assert "How strong is the pain" in shown and "your answer last time is shown" in shown
    result = screen(cat.screening, answers)
    assert result.complete and result.disposition is Disposition.CAUTION
    assert "ctx_pain_now_high" in {r.rule for r in result.reasons}


def test_pain_days_comes_from_the_episode_start_once_confirmed(monkeypatch):
    from datetime import date

    cat = default_catalogue()
    old = clear_answers(pain_days=1)
    again = screening.asked_afresh(cat.screening)
    episode = (date(2026, 11, 28), date(2026, 12, 7))
    rest = ["3", "no", "no", ""] + [""] * 7  # pain, limits, self-care, pregnancy; Enter keeps
    typed = ["no"] * len(RED_FLAGS) + ["yes", *rest]
    answers, shown = _ask(monkeypatch, typed, previous=old, again=again, episode=episode)
    assert answers["pain_days"] == 9  # from 28 November, not the 1 given last time
    assert "same episode of back pain that began on 28 November 2026 (9 days ago)" in " ".join(
        shown.split()
    )
    typed = ["no"] * len(RED_FLAGS) + ["no", "2", *rest]  # a new episode: asked
    answers, _ = _ask(monkeypatch, typed, previous=old, again=again, episode=episode)
    assert answers["pain_days"] == 2


@pytest.mark.parametrize("first", ["yes", "unsure"])
def test_an_emergency_answer_in_the_rescreen_stops_it(monkeypatch, first):
    cat = default_catalogue()
    again = screening.asked_afresh(cat.screening)
    answers, _ = _ask(monkeypatch, [first], previous=clear_answers(), again=again)
    result = screen(cat.screening, answers)
    assert result.disposition is Disposition.EMERGENCY
    assert "saddle_numbness" in result.not_asked


def test_input_ending_mid_question_is_one_line_and_exit_2(tmp_path):
    """`easeback screen` with stdin closed (a script, a pipe) says what happened, no traceback."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "EASEBACK_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "easeback", "screen"],
        input="no\nno\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "input ended before the question was answered" in done.stderr

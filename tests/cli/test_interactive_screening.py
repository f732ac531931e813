"""The terminal asks in the domain's order of asking, typed answers in, answers out."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from easeback.content.loader import default_catalogue
from easeback.domain.models import Disposition
from easeback.domain.screening import screen
from easeback.terminal.interactive import ask_screening
from easeback.usecases import journal
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


def test_a_lapsed_screening_asks_the_red_flags_again_and_any_new_question(monkeypatch):
    cat = default_catalogue()
    old = clear_answers()
    for new in ("severe_pain_limits_movement", "spinal_condition", "past_back_surgery"):
        del old[new]
    del old["leg_pain_above_knee"], old["bone_density_low"]  # added in contract v2
    again = journal.rescreen_questions(cat.screening)
    # the red flags, then what has no answer yet: pregnancy (left empty) and the two new ones
    typed = ["no"] * len(RED_FLAGS) + ["", "no", "yes"]
    answers, shown = _ask(monkeypatch, typed, previous=old, again=again)
    assert answers["bone_density_low"] == "yes" and answers["pain_now"] == old["pain_now"]
    assert "How strong is the pain" not in shown  # kept, not asked again
    result = screen(cat.screening, answers)
    assert result.complete and result.disposition is Disposition.CAUTION


@pytest.mark.parametrize("first", ["yes", "unsure"])
def test_an_emergency_answer_in_the_rescreen_stops_it(monkeypatch, first):
    cat = default_catalogue()
    again = journal.rescreen_questions(cat.screening)
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

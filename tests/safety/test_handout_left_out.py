"""A printed handout is a way to do a routine: a technique the journal leaves out after sharp pain
is not printed from a plan file made before the stop, and the handout says why it is missing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.domain.answers import clear_answers
from tests.safety.conftest import Run

pytest.importorskip("sqlalchemy", reason="the journal extra is not installed")
pytest.importorskip("reportlab", reason="the pictures extra is not installed")


def _text(pdf: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("reading the handout needs pdftotext: apt-get install poppler-utils")
    out = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def test_a_technique_stopped_for_sharp_pain_is_not_printed(run: Run, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(clear_answers()))
    made = run("plan", "--answers", str(answers), "--where", "floor", "--minutes", "10", "--json")
    assert made.returncode == 0, made.stderr
    plan = tmp_path / "plan.json"
    plan.write_text(made.stdout)
    names = {t["id"]: t["name"] for t in json.loads(made.stdout)["techniques"]}
    gone = next(iter(names))

    before = tmp_path / "before.pdf"
    assert run("handout", "--plan", str(plan), "--out", str(before)).returncode == 0
    assert names[gone] in _text(before)

    logged = run("log-session", "--plan", str(plan), "--pain-before", "3", "--pain-after", "4",
                 "--stopped", f"{gone}:sharp_pain")  # fmt: skip
    assert logged.returncode == 0, logged.stderr
    after = tmp_path / "after.pdf"
    printed = run("handout", "--plan", str(plan), "--out", str(after))
    assert printed.returncode == 0, printed.stderr
    assert gone in printed.stderr and "sharp pain" in printed.stderr
    text = _text(after)
    assert f"Left out after sharp pain: {names[gone]}" in text
    kept = [n for t, n in names.items() if t != gone]
    assert kept and all(n in text for n in kept)
    # named only in the note: no section of its own
    assert text.count(names[gone]) == 1

    assert run("restore", gone).returncode == 0
    again = tmp_path / "again.pdf"
    assert run("handout", "--plan", str(plan), "--out", str(again)).returncode == 0
    assert "Left out after sharp pain" not in _text(again)


def test_a_plan_file_is_printed_as_the_answers_in_force_allow(run: Run, tmp_path: Path) -> None:
    """A plan made on clear answers, then a saved screening at 24 weeks of pregnancy: the handout
    leaves out what lies flat on the back and says why; an urgent screening prints nothing."""
    from easeback.content.loader import default_catalogue

    cat = default_catalogue()
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(clear_answers()))
    made = run("plan", "--answers", str(answers), "--where", "floor", "--minutes", "10", "--json")
    plan = tmp_path / "plan.json"
    plan.write_text(made.stdout)
    items = json.loads(made.stdout)["techniques"]
    supine = [t["name"] for t in items if "supine" in cat.technique(t["id"]).positions]
    others = [t["name"] for t in items if t["name"] not in supine]
    assert supine and others

    pregnant = tmp_path / "pregnant.json"
    pregnant.write_text(json.dumps(clear_answers(pregnant_weeks=24)))
    assert run("screen", "--answers", str(pregnant), "--save").returncode == 0
    out = tmp_path / "fitted.pdf"
    printed = run("handout", "--plan", str(plan), "--out", str(out))
    assert printed.returncode == 0, printed.stderr
    text = _text(out)
    assert "Left out for your latest safety answers" in text and "week 20 of pregnancy" in text
    assert all(n in text for n in others)
    assert all(text.count(n) == 1 for n in supine)  # named in the note only

    urgent = tmp_path / "urgent.json"
    urgent.write_text(json.dumps(clear_answers(severe_pain_limits_movement="yes")))
    assert run("screen", "--answers", str(urgent), "--save").returncode == 0
    refused = run("handout", "--plan", str(plan), "--out", str(tmp_path / "none.pdf"))
    assert refused.returncode == 3 and "do not allow a routine" in refused.stderr
    assert not (tmp_path / "none.pdf").exists()

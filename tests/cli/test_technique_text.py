"""`techniques` and `show` as a person reads them in a terminal: ids whole at any width, long
holds in minutes, and what one repetition is when it is not a held stretch."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from pydantic import TypeAdapter, ValidationError

from easeback.content.loader import load_catalogue
from easeback.domain.models import Dosage
from easeback.wording import dose_lines


def run(*args: str, columns: int = 80) -> str:
    env = dict(os.environ, COLUMNS=str(columns), NO_COLOR="1")
    out = subprocess.run(
        [sys.executable, "-m", "easeback", *args], capture_output=True, text=True, timeout=120,
        env=env,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_techniques_never_cuts_an_id(columns: int) -> None:
    text = run("techniques", columns=columns)
    assert "…" not in text.split("technique")[0]
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= columns
    first_words = {line.strip("│ ").split()[0] for line in lines if line.strip("│ ")}
    for t in load_catalogue().techniques:
        assert t.id in first_words, (columns, t.id)
    assert "soft-tissue-release" not in text  # labels, not enum values
    assert "soft tissue release" in " ".join(text.split())


def test_show_gives_long_holds_in_minutes_and_what_a_repetition_is() -> None:
    pool = " ".join(run("show", "pool-walking").split())
    assert "1 repetition of 2–10 min" in pool
    assert "One repetition is one unbroken walk" in pool
    assert "120" not in pool and "1–1" not in pool
    roll = " ".join(run("show", "foam-roll-glutes-midback").split())
    assert "2–3 repetitions of 1–2 min" in roll
    assert "One repetition is slow rolling back and forth over one area" in roll
    rest = " ".join(run("show", "decompression-90-90").split())
    assert "1 repetition of 2–20 min" in rest and "1200" not in rest


def test_short_holds_stay_in_seconds() -> None:
    cat = load_catalogue()
    bridge = next(t for t in cat.techniques if t.id == "bridge")
    assert dose_lines(bridge.dosage)[0] == "Hold 3–5 s"


def test_every_long_hold_says_what_a_repetition_is() -> None:
    for t in load_catalogue().techniques:
        d = t.dosage
        if d.hold_seconds and d.hold_seconds.max > 60:
            assert d.rep_means and d.rep_means.startswith("One repetition is"), t.id
            assert not any(w == "s" for w in " ".join(dose_lines(d)).split()), t.id


def test_a_long_hold_without_rep_means_is_refused() -> None:
    base = {"reps": {"min": 1, "max": 1}, "times_per_day": "once a day"}
    with pytest.raises(ValidationError, match="rep_means is required"):
        TypeAdapter(Dosage).validate_python(base | {"hold_seconds": {"min": 120, "max": 600}})
    TypeAdapter(Dosage).validate_python(base | {"hold_seconds": {"min": 10, "max": 60}})
    with pytest.raises(ValidationError, match="rep_means"):
        TypeAdapter(Dosage).validate_python(
            base | {"hold_seconds": {"min": 120, "max": 600}, "rep_means": ""}
        )


def test_a_routine_says_a_walk_lasts_its_time_and_a_stretch_is_held(tmp_path) -> None:
    import json

    from tests.domain.answers import clear_answers

    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(clear_answers()))
    pool = " ".join(
        run("plan", "--answers", str(answers), "--where", "pool", "--minutes", "10",
            "--equipment", "pool", columns=120).split()
    )  # fmt: skip
    assert "1 rep of 2 min" in pool and "hold" not in pool.split("Walking in a warm pool")[1][:40]
    floor = run("plan", "--answers", str(answers), "--where", "floor", "--minutes", "10",
                columns=160)  # fmt: skip
    assert re.search(r"\d+ reps × \d+ s hold", floor)

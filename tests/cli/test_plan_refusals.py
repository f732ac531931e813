"""`easeback plan` when the screening allows a routine but none can be planned: exit 3 with
planned false, a reason, and what to try instead."""

from __future__ import annotations

import json

from tests.cli.test_cli import answers, run  # noqa: F401  (answers is a fixture)


def test_nothing_suits_the_place_exits_3_with_suggestions(answers):  # noqa: F811
    """28 weeks pregnant, in bed: used to print planned: true with zero techniques."""
    path = answers(pregnant_weeks=28)
    out = run("plan", "--answers", path, "--where", "bed", "--minutes", "10", "--json")
    assert out.returncode == 3, out.stderr
    data = json.loads(out.stdout)
    assert data["planned"] is False and data["techniques"] == []
    assert "bed" in data["reason"]
    assert "floor" in data["suggest"] and "bed" not in data["suggest"]
    shown = run("plan", "--answers", path, "--where", "bed", "--minutes", "10")
    assert shown.returncode == 3
    assert "No routine planned" in shown.stdout and "floor" in shown.stdout


def test_too_few_minutes_exits_3_naming_the_shortest(answers):  # noqa: F811
    """A 1-minute plan used to run 195 s with no note."""
    out = run("plan", "--answers", answers(), "--where", "pool", "--minutes", "1", "--json")
    assert out.returncode == 3, out.stderr
    data = json.loads(out.stdout)
    assert data["planned"] is False and data["shortest_minutes"] >= 2
    assert f"at least {data['shortest_minutes']} minutes" in data["reason"]
    again = ["--where", "pool", "--minutes", str(data["shortest_minutes"]), "--json"]
    ok = run("plan", "--answers", answers(), *again)
    assert ok.returncode == 0, ok.stderr
    planned = json.loads(ok.stdout)
    assert planned["planned"] is True
    assert planned["total_seconds"] <= data["shortest_minutes"] * 60 * 1.1

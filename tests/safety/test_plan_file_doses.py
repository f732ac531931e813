"""A plan file, or a plan sent to /api/timeline, leads a session only with doses easeback would
plan itself: a hold up to the technique's range or progression ceiling, repetitions and sets up
to the articles' counts. A hand-edited file with a five-minute hold or 500 repetitions is refused
with the technique and the number named, before anything runs."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from easeback.content.loader import Catalogue
from easeback.domain.models import Place
from easeback.domain.planning import PlanRequest
from easeback.usecases import planning
from easeback.usecases.errors import InputError
from easeback.usecases.screening import screen_answers
from tests.domain.answers import clear_answers
from tests.safety.conftest import Run


def _plan(catalogue: Catalogue, minutes: int = 30, **req: Any) -> dict[str, Any]:
    result = screen_answers(catalogue, clear_answers())
    routine = planning.plan_routine(
        catalogue, result, PlanRequest(place=Place.FLOOR, minutes=minutes, **req)
    )
    assert routine is not None and routine.items
    return planning.routine_public(routine)


def _with(plan: dict[str, Any], k: int, **doses: int) -> dict[str, Any]:
    out = copy.deepcopy(plan)
    out["techniques"][k].update(doses)
    return out


def test_every_planned_dose_is_taken_back(catalogue):
    """What the planner gives (first time, and grown with holds progressed to their ceiling)
    rebuilds, so the check refuses nothing easeback plans."""
    ceilings = {t.id: t.dosage.hold_ceiling for t in catalogue.techniques if t.dosage.hold_ceiling}
    for minutes in (5, 15, 30, 60):
        for done in (frozenset(), frozenset(t.id for t in catalogue.techniques)):
            req = {"done": done, "hold_targets": ceilings if done else {}}
            plan = _plan(catalogue, minutes, **req)
            routine = planning.routine_from_public(catalogue, plan)
            assert len(routine.items) == len(plan["techniques"])


def test_doses_past_what_easeback_plans_are_refused(catalogue):
    plan = _plan(catalogue)
    for k, item in enumerate(plan["techniques"]):
        t = catalogue.technique(item["id"])
        d = t.dosage
        top = {"reps": d.reps.max, "sets": d.sets_max}
        if d.hold_ceiling is not None:
            top["hold_seconds"] = d.hold_ceiling
        planning.routine_from_public(catalogue, _with(plan, k, **top))  # the ceiling itself: fine
        for name, most in top.items():
            with pytest.raises(InputError) as err:
                planning.routine_from_public(catalogue, _with(plan, k, **{name: most + 1}))
            message = str(err.value)
            assert t.id in message and name in message and str(most + 1) in message, message


def test_a_hand_edited_plan_file_runs_no_session(run: Run, tmp_path: Path, catalogue):
    plan = _plan(catalogue, minutes=10)
    held = next(k for k, i in enumerate(plan["techniques"]) if i["hold_seconds"] is not None)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_with(plan, held, hold_seconds=300)))
    r = run("session", "--plan", str(path), "--speed", "2000", "--no-voice")
    assert r.returncode == 2, r.stderr
    assert "hold_seconds 300" in r.stderr and "plan again" in r.stderr
    assert "Traceback" not in r.stderr and "Routine complete" not in r.stdout


def test_the_timeline_api_refuses_them_too(catalogue, tmp_path):
    pytest.importorskip("fastapi", reason="the web extra is not installed")
    from fastapi.testclient import TestClient

    from easeback.settings import Settings
    from easeback.web import create_app

    plan = _plan(catalogue, minutes=10)
    with TestClient(create_app(Settings(data_dir=str(tmp_path))), base_url="http://127.0.0.1") as c:
        assert c.post("/api/timeline", json=plan).status_code == 200
        r = c.post("/api/timeline", json=_with(plan, 0, reps=500))
        assert r.status_code == 400 and "reps 500" in r.json()["detail"]

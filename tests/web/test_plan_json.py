"""POST /api/plan's answer, put together from each technique's part encoded once
(easeback.web.plan_json), is byte for byte what JSONResponse renders of the routine's public
shape."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.responses import JSONResponse

from easeback.content.loader import Catalogue
from easeback.usecases import planning
from easeback.usecases.screening import screen_answers
from easeback.web import plan_json
from easeback.web.api import PLAN_DEFAULTS
from easeback.web.plan_json import PlanJSON

from .answers import clear_answers

SCREENINGS = [
    clear_answers(),
    clear_answers(pain_now=8),  # gentle, shortened
    clear_answers(knee_problem="yes", wrist_problem="yes"),  # padded variants, exclusions
    clear_answers(hip_replacement="yes", balance_problem="yes"),
]
REQUESTS = [
    ("floor", 10, "mat", None),
    ("any", 60, "mat,ball,towel", None),
    ("chair", 3, None, "desk-break"),
    ("bed", 1, None, None),  # too short: planned false, with the shortest length
    ("standing", 25, None, "morning-stiffness"),
    ("pool", 10, None, None),  # nothing suits: planned false, with places to try
]


def _routines(catalogue: Catalogue) -> list[Any]:
    out = []
    for answers in SCREENINGS:
        result = screen_answers(catalogue, answers)
        for place, minutes, equipment, goal in REQUESTS:
            req = planning.make_request(place, minutes, equipment, goal)
            routine = planning.plan_routine(catalogue, result, req)
            assert routine is not None
            out.append(routine)
    return out


def test_the_answer_is_what_jsonresponse_renders(catalogue: Catalogue) -> None:
    encoder = PlanJSON(PLAN_DEFAULTS)
    routines = _routines(catalogue)
    assert {r.planned for r in routines} == {True, False}
    assert any(i.variant is not None for r in routines for i in r.items)
    for routine in routines:
        expected = JSONResponse(PLAN_DEFAULTS | planning.routine_public(routine)).body
        for _ in range(2):  # the technique's parts made, then reused
            assert encoder.encode(routine) == expected


def test_a_catalogue_key_named_like_a_dose_keeps_the_merge_order(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a technique's public part ever hold a key the dose sets too, a merge keeps the
    key where the part has it, with the dose's value; so must the encoder."""
    real = plan_json.technique_public

    def with_reps(t: Any, full: bool = False) -> dict[str, Any]:
        return {"reps": "catalogue's", **real(t, full)}

    monkeypatch.setattr(plan_json, "technique_public", with_reps)
    monkeypatch.setattr(planning, "technique_public", with_reps)
    for routine in _routines(catalogue)[:6]:
        expected = JSONResponse(PLAN_DEFAULTS | planning.routine_public(routine)).body
        assert PlanJSON(PLAN_DEFAULTS).encode(routine) == expected


def test_defaults_may_not_hold_the_techniques() -> None:
    with pytest.raises(ValueError, match="techniques"):
        PlanJSON({"techniques": []})

"""plan_inputs: everything build_plan reads besides its catalogue, so a door may keep a routine
under it. Equal keys must give equal routines, whatever answers lie behind the screening."""

from __future__ import annotations

import random

from easeback.content.loader import Catalogue
from easeback.domain.planning import PlanRequest, build_plan, plan_inputs
from easeback.usecases.planning import make_request
from easeback.usecases.screening import screen_answers
from tests.domain.answers import clear_answers

# PlanRequest's fields as plan_inputs knows them: a new field must be added to the key too
KNOWN_FIELDS = {
    "place",
    "minutes",
    "equipment",
    "goal",
    "left_out",
    "helps",
    "hold_targets",
    "done",
}


def test_the_key_knows_every_field_of_a_request() -> None:
    assert set(PlanRequest.__value_fields__) == KNOWN_FIELDS


def _answers(draw: random.Random) -> dict[str, object]:
    answers = clear_answers(pain_now=draw.randint(0, 10), pain_days=draw.randint(1, 120))
    for context in ("knee_problem", "wrist_problem", "balance_problem", "hip_replacement"):
        answers[context] = draw.choice(["yes", "no", "no"])
    answers["limits_daily_activities"] = draw.choice(["yes", "no"])
    return answers


def test_equal_keys_give_equal_routines_whatever_the_answers(catalogue: Catalogue) -> None:
    draw = random.Random(7)
    requests = [
        make_request("floor", 10, "mat"),
        make_request("chair", 5),
        make_request("any", 30, "mat,ball"),
        make_request("bed", 8, None, "morning-stiffness"),
    ]
    routines: dict[tuple[object, ...], object] = {}
    answers_by_key: dict[tuple[object, ...], set[str]] = {}
    for _ in range(150):
        answers = _answers(draw)
        plannable = screen_answers(catalogue, answers).plannable()
        if plannable is None:
            continue
        for req in requests:
            key = plan_inputs(plannable, req)
            routine = build_plan(plannable, req, catalogue.techniques)
            assert routines.setdefault(key, routine) == routine, (key, answers)
            answers_by_key.setdefault(key, set()).add(repr(sorted(answers.items())))
    # not vacuous: keys are shared by different answers, and differ between routines
    assert max(len(a) for a in answers_by_key.values()) > 10
    assert len(set(map(repr, routines.values()))) > len(requests)


def test_a_journal_history_is_part_of_the_key(catalogue: Catalogue) -> None:
    plannable = screen_answers(catalogue, clear_answers()).plannable()
    assert plannable is not None
    base = make_request("floor", 10, "mat")
    keys = {
        plan_inputs(plannable, req)
        for req in (
            base,
            make_request("floor", 10, "mat", left_out=frozenset({"cat-cow"})),
            make_request("floor", 10, "mat", done=frozenset({"cat-cow"})),
            make_request("floor", 10, "mat", helps={"cat-cow": 1.5}),
            make_request("floor", 10, "mat", hold_targets={"knee-to-chest": 25}),
        )
    }
    assert len(keys) == 5


def test_remembered_fills_give_the_routines_worked_out_afresh(catalogue: Catalogue) -> None:
    """The planner remembers how it filled a routine's doses (by the chosen growth paths and
    the budget): plans made again, in another order, are those made with nothing remembered."""
    from easeback.domain import planning as domain

    plannable = screen_answers(catalogue, clear_answers()).plannable()
    assert plannable is not None
    everything = "mat,ball,towel,chair,wall,foam-roller,pillow"
    requests = [
        make_request(place, minutes, everything, done=frozenset(t.id for t in catalogue.techniques))
        for place in ("floor", "any", "chair")
        for minutes in range(8, 64, 3)
    ]

    def plans(order: list[int]) -> dict[int, object]:
        return {k: build_plan(plannable, requests[k], catalogue.techniques) for k in order}

    everyone = list(range(len(requests)))
    domain._FILLS.clear()
    fresh = plans(everyone)
    assert len(domain._FILLS) > 10
    assert plans(everyone[::-1]) == fresh
    domain._FILLS.clear()
    domain._MEMOS.clear()  # new growth paths too
    assert plans(everyone[1::2]) == {k: fresh[k] for k in everyone[1::2]}

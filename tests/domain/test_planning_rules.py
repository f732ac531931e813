"""Safety contract v2 in the planner: progressions, near-duplicates, first-timers, the share of
one technique, the time rule, and places where nothing suits (shared/spec/safety.md)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from easeback.content.loader import Catalogue
from easeback.domain.models import Equipment, Place, Technique
from easeback.domain.planning import (
    NEAR_DUPLICATES,
    TOLERANCE,
    PlanRequest,
    Routine,
    _screen_filter,
    build_plan,
)
from easeback.domain.screening import PlannableScreening, screen
from tests.domain.answers import clear_answers


def plannable(catalogue: Catalogue, **answers: object) -> PlannableScreening:
    answers.setdefault("pain_now", 0)  # with any pain the draw-in is left out
    s = screen(catalogue.screening, clear_answers(**answers)).plannable()
    assert s is not None
    return s


def everything(catalogue: Catalogue) -> frozenset[str]:
    return frozenset(t.id for t in catalogue.techniques)


def plan(catalogue: Catalogue, s: PlannableScreening | None = None, **kw: object) -> Routine:
    kw.setdefault("done", everything(catalogue))
    req = TypeAdapter(PlanRequest).validate_python(kw)
    return build_plan(s or plannable(catalogue), req, catalogue.techniques)


def ids(r: Routine) -> set[str]:
    return {i.technique.id for i in r.items}


def easier(t: Technique, catalogue: Catalogue) -> set[str]:
    out: set[str] = set()
    while t.progresses_from is not None:
        out.add(t.progresses_from)
        t = catalogue.technique(t.progresses_from)
    return out


def at_bottom(i: object) -> bool:
    d = i.technique.dosage  # type: ignore[attr-defined]
    hold = i.hold_seconds  # type: ignore[attr-defined]
    return (
        i.reps == d.reps.min  # type: ignore[attr-defined]
        and i.sets == d.sets  # type: ignore[attr-defined]
        and (hold is None or hold == d.hold_seconds.min)
    )


ALL_GEAR = frozenset(e.value for e in Equipment)


# ---- progressions ----


def test_the_catalogue_has_progressions(catalogue: Catalogue) -> None:
    pairs = {(t.id, t.progresses_from) for t in catalogue.techniques if t.progresses_from}
    assert ("knee-to-chest-double", "knee-to-chest-single") in pairs
    assert ("cobra", "sphinx") in pairs


@pytest.mark.parametrize("place", ["floor", "bed", "any"])
@pytest.mark.parametrize("minutes", [10, 20, 30, 60])
def test_never_a_technique_with_its_easier_version(
    catalogue: Catalogue, place: str, minutes: int
) -> None:
    """Floor, 60 minutes, used to plan double knee-to-chest next to single."""
    r = plan(catalogue, place=place, minutes=minutes, equipment=ALL_GEAR)
    for i in r.items:
        assert not easier(i.technique, catalogue) & ids(r), (i.technique.id, ids(r))


def test_no_session_of_the_easier_one_gets_the_easier_one(catalogue: Catalogue) -> None:
    done = everything(catalogue) - {"sphinx", "knee-to-chest-single"}
    other = frozenset({"kneeling-back-extension"})  # another extension that could take the slot
    before = plan(catalogue, place="floor", minutes=20, left_out=other)
    assert "cobra" in ids(before) and "knee-to-chest-double" in ids(before)
    r = plan(catalogue, place="floor", minutes=20, done=done, left_out=other)
    assert "cobra" not in ids(r) and "sphinx" in ids(r)
    assert "knee-to-chest-double" not in ids(r) and "knee-to-chest-single" in ids(r)
    sphinx = next(i for i in r.items if i.technique.id == "sphinx")
    assert catalogue.technique("cobra").name == "Gentle cobra"
    assert "easier version of gentle cobra," in sphinx.reason  # lower case mid-sentence


def test_a_progression_goes_one_step_at_a_time(catalogue: Catalogue) -> None:
    """Knees-to-chest rock builds on double, which builds on single."""
    rock = catalogue.technique("knees-to-chest-rock")
    assert rock.progresses_from == "knee-to-chest-double"
    only_single = everything(catalogue) - {"knee-to-chest-double", "knees-to-chest-rock"}
    for minutes in (10, 20, 30, 60):
        r = plan(catalogue, place="floor", minutes=minutes, done=only_single)
        assert "knees-to-chest-rock" not in ids(r)


def test_an_easier_version_left_out_leaves_out_the_harder_one(catalogue: Catalogue) -> None:
    r = plan(catalogue, place="floor", minutes=20, left_out=frozenset({"sphinx"}))
    assert not ids(r) & {"sphinx", "cobra"}


def test_pelvic_tilt_and_draw_in_never_together(catalogue: Catalogue) -> None:
    """Bed, 10 minutes, used to plan both."""
    assert frozenset({"pelvic-tilt", "supine-abdominal-draw-in"}) in NEAR_DUPLICATES
    for place in ("bed", "floor", "any"):
        for minutes in (5, 10, 15, 30, 60):
            for goal in ("general-relief", "strengthen", "morning-stiffness"):
                r = plan(catalogue, place=place, minutes=minutes, goal=goal)
                assert not {"pelvic-tilt", "supine-abdominal-draw-in"} <= ids(r)


# ---- first-timers ----


@pytest.mark.parametrize("minutes", [5, 15, 30, 60])
def test_a_first_timer_doses_at_the_bottom_of_each_range(
    catalogue: Catalogue, minutes: int
) -> None:
    r = plan(catalogue, place="any", minutes=minutes, equipment=ALL_GEAR, done=frozenset())
    assert r.planned and r.items
    assert all(at_bottom(i) for i in r.items), [(i.technique.id, i.reps) for i in r.items]
    assert all(i.technique.progresses_from is None for i in r.items)
    assert r.total_seconds <= minutes * 60 * (1 + TOLERANCE)
    if r.total_seconds < minutes * 60 * (1 - TOLERANCE):
        assert any("first routine" in n for n in r.notes)


# ---- share of one technique ----


@pytest.mark.parametrize("place", ["floor", "any", "standing", "chair"])
@pytest.mark.parametrize("minutes", [10, 20, 30, 45, 60])
def test_no_technique_with_repetitions_over_forty_percent(
    catalogue: Catalogue, place: str, minutes: int
) -> None:
    """Floor, 45 minutes, 28 weeks pregnant: kneeling back extension 15 x 15 s took 44%."""
    s = plannable(catalogue, pregnant_weeks=28, balance_problem="yes")
    for gear in (frozenset(), ALL_GEAR):
        r = plan(catalogue, s, place=place, minutes=minutes, equipment=gear)
        if len(r.items) < 3:
            continue
        for i in r.items:
            if i.reps * i.sets > 1 and not at_bottom(i):
                assert i.seconds * 5 <= r.total_seconds * 2, (i.technique.id, i.seconds)


# ---- the time rule ----


def test_too_few_minutes_is_refused_naming_the_shortest(catalogue: Catalogue) -> None:
    """A 1-minute plan used to run 195 s (pool) or 144 s (bed) with no note."""
    refused = []
    for place in ("bed", "floor", "chair", "standing", "pool"):
        r = plan(catalogue, place=place, minutes=1)
        if r.planned:  # a one-minute routine exists here
            assert r.items and r.total_seconds <= 60 * (1 + TOLERANCE)
            continue
        refused.append(place)
        assert not r.items and r.total_seconds == 0
        assert r.shortest_minutes is not None and r.shortest_minutes > 1
        assert r.reason and f"at least {r.shortest_minutes} minutes" in r.reason
        ok = plan(catalogue, place=place, minutes=r.shortest_minutes)
        assert ok.planned and ok.items
        assert ok.total_seconds <= r.shortest_minutes * 60 * (1 + TOLERANCE)
        if r.shortest_minutes > 2:
            shorter = plan(catalogue, place=place, minutes=r.shortest_minutes - 1)
            assert not shorter.planned
    assert {"chair", "standing", "pool"} <= set(refused)


def test_when_the_top_pick_is_too_long_the_shortest_technique_is_planned(
    catalogue: Catalogue,
) -> None:
    r = plan(catalogue, place="floor", minutes=2, equipment=ALL_GEAR)
    assert r.planned and len(r.items) == 1
    assert r.total_seconds <= 2 * 60 * (1 + TOLERANCE)


# ---- nothing suits the place ----


def test_nothing_suits_the_place_says_so_and_suggests_places(catalogue: Catalogue) -> None:
    """28 weeks pregnant, in bed: zero techniques used to be planned: true."""
    s = plannable(catalogue, pregnant_weeks=28)
    r = plan(catalogue, s, place="bed", minutes=10)
    assert not r.planned and not r.items
    assert r.reason and "bed" in r.reason
    assert r.suggest and Place.BED not in r.suggest
    assert Place.FLOOR in r.suggest and Place.CHAIR in r.suggest
    for p in r.suggest:
        assert plan(catalogue, s, place=p.value, minutes=10).planned, p
    for p in set(Place) - set(r.suggest) - {Place.BED}:
        assert not plan(catalogue, s, place=p.value, minutes=10).planned, p


# ---- properties over many people, places and histories ----

CONTEXT = st.fixed_dictionaries(
    {
        "pain_now": st.integers(0, 10),
        "pain_days": st.integers(0, 120),
        "knee_problem": st.sampled_from(["yes", "no"]),
        "wrist_problem": st.sampled_from(["yes", "no"]),
        "hip_replacement": st.sampled_from(["yes", "no"]),
        "balance_problem": st.sampled_from(["yes", "no"]),
        "bone_density_low": st.sampled_from(["yes", "no"]),
        "other_condition": st.sampled_from(["yes", "no"]),
        "old_back_injury": st.sampled_from(["yes", "no"]),
    },
    optional={"pregnant_weeks": st.integers(1, 40)},
)
CLEARED = st.sampled_from(
    [
        {},
        {"disc_herniation": "yes", "cleared_by_professional": "yes"},
        {"osteoporosis": "yes", "cleared_by_professional": "yes"},
        {"past_back_surgery": "yes", "spinal_condition": "yes", "cleared_by_professional": "yes"},
        {"leg_pain_above_knee": "yes", "cleared_by_professional": "yes"},
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    context=CONTEXT,
    cleared=CLEARED,
    place=st.sampled_from(["any", "bed", "floor", "chair", "standing", "pool"]),
    minutes=st.integers(1, 120),
    equipment=st.frozensets(st.sampled_from([e.value for e in Equipment])),
    goal=st.sampled_from(["morning-stiffness", "desk-break", "general-relief", "strengthen"]),
    done_share=st.sampled_from([0.0, 0.5, 1.0]),
    left_out=st.frozensets(st.sampled_from(["sphinx", "cat-cow", "pelvic-tilt", "bridge"])),
    data=st.data(),
)
def test_no_routine_breaks_a_rule(
    catalogue: Catalogue,
    context: dict[str, object],
    cleared: dict[str, object],
    place: str,
    minutes: int,
    equipment: frozenset[str],
    goal: str,
    done_share: float,
    left_out: frozenset[str],
    data: st.DataObject,
) -> None:
    s = plannable(catalogue, **context, **cleared)
    all_ids = sorted(everything(catalogue))
    done = frozenset(all_ids[: int(len(all_ids) * done_share)])
    if 0 < done_share < 1:
        done = frozenset(data.draw(st.permutations(all_ids))[: len(done)])
    req = TypeAdapter(PlanRequest).validate_python(
        {
            "place": place,
            "minutes": minutes,
            "equipment": equipment,
            "goal": goal,
            "done": done,
            "left_out": left_out,
        }
    )
    r = build_plan(s, req, catalogue.techniques)
    budget = r.minutes * 60
    if not r.planned:
        assert not r.items and r.reason
        assert (r.shortest_minutes or 0) > r.minutes or r.shortest_minutes is None
        return
    assert r.items
    # every filter: place, equipment, left out, the screening's exclusions
    have = req.available_equipment()
    for i in r.items:
        t = i.technique
        assert place == "any" or place in t.places
        assert set(t.equipment) <= have
        assert t.id not in left_out and not easier(t, catalogue) & left_out
        allowed, variant = _screen_filter(t, s)
        assert allowed and variant == i.variant
    # progressions and near-duplicates
    planned = ids(r)
    assert len(planned) == len(r.items)
    for i in r.items:
        assert not easier(i.technique, catalogue) & planned
        if i.technique.progresses_from is not None:
            assert i.technique.progresses_from in done
    for group in NEAR_DUPLICATES:
        assert not group <= planned
    # the time rule: never over; under only with a note that says why
    assert r.total_seconds <= budget * (1 + TOLERANCE)
    if r.total_seconds < budget * (1 - TOLERANCE):
        assert [n for n in r.notes if n not in s.constraints.notes]
    # first-timers at the bottom; no grown technique with repetitions over 40% of a routine
    if not done:
        assert all(at_bottom(i) for i in r.items)
    if len(r.items) >= 3:
        for i in r.items:
            if i.reps * i.sets > 1 and not at_bottom(i):
                assert i.seconds * 5 <= r.total_seconds * 2

from __future__ import annotations

import itertools

import pytest

from easeback.domain.models import Disposition, StopReason
from easeback.domain.planning import PlanRequest, build_plan
from easeback.domain.screening import screen
from easeback.domain.timeline import CueKind, Outcome, SessionClock, build_timeline
from tests.domain.answers import clear_answers


@pytest.fixture(scope="module")
def routine(catalogue):
    s = screen(catalogue.screening, clear_answers()).plannable()
    assert s is not None
    return build_plan(s, PlanRequest(place="any", minutes=12), catalogue.techniques)


def test_timeline_is_contiguous_and_ends_at_the_plan_total(routine):
    cues = build_timeline(routine)
    assert cues[0].kind is CueKind.READY and cues[0].offset == 0
    assert cues[-1].kind is CueKind.COMPLETE
    assert cues[-1].offset == pytest.approx(routine.total_seconds)
    for a, b in itertools.pairwise(cues):
        assert a.end == pytest.approx(b.offset), (a, b)


def test_each_technique_has_its_reps_holds_and_sides(routine):
    cues = build_timeline(routine)
    for index, item in enumerate(routine.items):
        mine = [c for c in cues if c.index == index]
        sides = 2 if item.technique.dosage.per_side else 1
        moves = [c for c in mine if c.kind is CueKind.MOVE]
        assert len(moves) == item.reps * item.sets * sides
        holds = [c for c in mine if c.kind is CueKind.HOLD]
        if item.hold_seconds:
            assert len(holds) == len(moves)
            assert all(c.duration == item.hold_seconds for c in holds)
        else:
            assert holds == []
        switches = [c for c in mine if c.kind is CueKind.SWITCH_SIDE]
        assert len(switches) == (1 if sides == 2 else 0)
        assert next(c.kind for c in mine) is CueKind.INTRO
        said = " ".join(c.say for c in mine).lower()  # a short hold's step: "Then stay ..."
        for step in item.technique.steps:
            if not step.text.startswith("Repeat"):  # the counts and the side switch say that
                assert step.text.split(", then ")[0].rstrip(".").lower() in said, step.text
        if item.technique.breathing.into:
            assert moves[0].breath == item.technique.breathing.into


def test_clock_uses_absolute_deadlines(routine):
    cues = build_timeline(routine)
    clock = SessionClock(timeline=cues, started=1000.0)
    target = cues[10]
    assert clock.deadline(target) == 1000.0 + target.offset
    # a tick that arrives late does not delay what follows
    assert clock.current(1000.0 + target.offset + 0.01) == target
    assert clock.current(1000.0 + cues[11].offset) == cues[11]


def test_pause_shifts_deadlines_by_the_paused_time(routine):
    cues = build_timeline(routine)
    clock = SessionClock(timeline=cues, started=0.0).pause(20.0)
    assert clock.elapsed(500.0) == 20.0
    clock = clock.resume(80.0)
    assert clock.elapsed(100.0) == pytest.approx(40.0)
    assert clock.deadline(cues[5]) == pytest.approx(60.0 + cues[5].offset)


def test_skip_jumps_to_the_next_technique_and_is_recorded(routine):
    cues = build_timeline(routine)
    first_move = next(c for c in cues if c.kind is CueKind.MOVE)
    clock = SessionClock(timeline=cues, started=0.0)
    clock = clock.skip(first_move.offset + 1)
    now = first_move.offset + 1
    assert clock.current(now).index == 1
    assert clock.current(now).kind is CueKind.INTRO
    assert clock.results(now, len(routine.items))[0] is Outcome.SKIPPED


def test_stop_ends_at_once_with_reason(routine):
    cues = build_timeline(routine)
    second = next(c for c in cues if c.index == 1)
    clock = SessionClock(timeline=cues, started=0.0)
    clock = clock.stop(second.offset + 2, StopReason.SHARP_PAIN)
    assert clock.finished(second.offset + 3)
    assert clock.elapsed(10_000) == pytest.approx(second.offset + 2)
    results = clock.results(10_000, len(routine.items))
    assert results[0] is Outcome.DONE
    assert results[1] is Outcome.STOPPED
    assert all(r is None for r in results[2:])


def test_a_finished_session_marks_everything_done(routine):
    cues = build_timeline(routine)
    clock = SessionClock(timeline=cues, started=0.0)
    end = routine.total_seconds + 1
    assert clock.finished(end)
    assert clock.results(end, len(routine.items)) == [Outcome.DONE] * len(routine.items)


def test_setup_counts_down_to_the_first_movement(routine):
    cues = build_timeline(routine)
    for index in range(len(routine.items)):
        mine = [c for c in cues if c.index == index]
        first_move = next(c for c in mine if c.kind is CueKind.MOVE)
        for c in mine:
            if c.kind in (CueKind.INTRO, CueKind.STEP):
                assert c.phase_end == first_move.offset
            else:
                assert c.phase_end == c.end


def _session(catalogue, tid, variant=None):
    """A one-technique routine for technique `tid`, as the planner would dose it."""
    from easeback.domain.planning import PlannedTechnique, Routine

    t = catalogue.technique(tid)
    d = t.dosage
    hold = d.hold_seconds.min if d.hold_seconds else None
    item = PlannedTechnique(
        technique=t,
        reps=d.reps.min,
        sets=d.sets,
        hold_seconds=hold,
        reason="test",
        variant=variant,
    )
    routine = Routine(
        disposition=Disposition.CLEAR,
        place="floor",
        minutes=10,
        goal="general-relief",
        items=(item,),
    )
    return t, build_timeline(routine)


def test_setup_says_only_the_position_and_the_movement_comes_with_the_first_repetition(catalogue):
    """Every technique: no step marked as the movement is said while getting into position;
    each is said, once, with the first repetition (the bridge's lift, the cat's round and the
    cow's hollow), while the picture moves."""
    from easeback.domain.models import StepPhase

    for t in catalogue.techniques:
        _, cues = _session(catalogue, t.id)
        setup = " ".join(c.say for c in cues if c.kind in (CueKind.INTRO, CueKind.STEP))
        first_move = next(c for c in cues if c.kind is CueKind.MOVE)
        first_release = next(c for c in cues if c.kind is CueKind.RELEASE)
        for step in t.steps:
            if step.phase is StepPhase.MOVE:
                assert step.text not in setup, (t.id, step.text)
                assert step.text in first_move.text, (t.id, step.text)
            elif step.phase is StepPhase.RELEASE:
                assert step.text not in setup, (t.id, step.text)
                assert step.text in first_release.text, (t.id, step.text)
        said = " ".join(c.say for c in cues)
        assert all(said.count(s.text) == 1 for s in t.steps if s.phase), t.id
    # a variant's words for the movement ("lean back only a little while holding on") come
    # with the first repetition too; how to get into position that way comes in the setup
    variants = [(t, v) for t in catalogue.techniques for v in t.variants]
    assert [v for _, v in variants if v.move], "some variants change the movement"
    for t, v in variants:
        _, cues = _session(catalogue, t.id, v)
        setup = " ".join(c.say for c in cues if c.kind in (CueKind.INTRO, CueKind.STEP))
        first_move = next(c for c in cues if c.kind is CueKind.MOVE)
        assert v.text in setup, (t.id, v.kind)
        if v.move:
            assert v.move not in setup and v.move in first_move.text, (t.id, v.kind)
        # the words that start a movement never come while getting into position
        moving = [s.text for s in t.steps if s.phase is StepPhase.MOVE] + [v.move or ""]
        for words in (" ".join(m.split()[:3]).lower() for m in moving if m):
            assert words not in setup.lower(), (t.id, v.kind, words)
        for verb in ("lean back", "lean away", "walk sideways", "walk forward"):
            assert verb not in setup.lower(), (t.id, v.kind, verb)
    _, cues = _session(catalogue, "bridge")
    steps = [c for c in cues if c.kind is CueKind.STEP]
    assert [c.text[:2] for c in steps] == ["1.", "2."]  # lie down, tighten: the lift is not setup
    move = next(c for c in cues if c.kind is CueKind.MOVE)
    assert move.text.startswith("Repetition 1 of 5. Press through your heels and slowly lift")
    assert "Move slowly into position" not in move.text
    assert move.duration >= len(move.say.split()) / 2.5  # time to say it while moving
    _, cues = _session(catalogue, "cat-cow")
    back = next(c for c in cues if c.kind is CueKind.RELEASE)
    assert "soft hollow" in back.text

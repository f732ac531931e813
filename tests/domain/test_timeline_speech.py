"""Every cue lasts at least as long as it takes to say, and the planner counts that time."""

from __future__ import annotations

import itertools
import re

import pytest

from easeback.content.loader import Catalogue
from easeback.domain.models import Disposition, Goal, Technique
from easeback.domain.planning import HOLD_STEP, PlannedTechnique, Routine, item_seconds
from easeback.domain.timeline import (
    READY_SECONDS,
    CueKind,
    build_timeline,
    script,
    speaking_seconds,
)


def _doses(t: Technique) -> list[tuple[int | None, int, int]]:
    d = t.dosage
    holds: list[int | None] = [None]
    if d.hold_seconds is not None:
        top = max(d.hold_seconds.max, d.progression_max_hold_seconds or 0)
        holds = [*range(d.hold_seconds.min, top + 1, HOLD_STEP), top]
    reps = sorted({d.reps.min, d.reps.min + 1, d.reps.max})
    return list(itertools.product(holds, reps, range(d.sets, d.sets_max + 1)))


def _routine(item: PlannedTechnique) -> Routine:
    return Routine(
        disposition=Disposition.CLEAR,
        place="any",
        minutes=5,
        goal=Goal.GENERAL_RELIEF,
        items=(item,),
    )


def test_speaking_time_is_words_at_two_and_a_half_a_second_plus_a_pause():
    assert speaking_seconds("") == 0
    assert speaking_seconds("Rest.") == 1  # 0.4 + 0.5
    assert speaking_seconds("Rest and breathe.") == 2  # 1.2 + 0.5
    assert speaking_seconds(" ".join(["word"] * 10)) == 5  # 4.0 + 0.5
    assert speaking_seconds(" ".join(["word"] * 24)) == 11  # 9.6 + 0.5


def test_every_technique_and_dose_plays_as_long_as_planned_and_no_cue_is_rushed(
    catalogue: Catalogue,
) -> None:
    checked = 0
    for t in catalogue.techniques:
        for variant in (None, *t.variants):
            for hold, reps, sets in _doses(t):
                item = PlannedTechnique(
                    technique=t,
                    hold_seconds=hold,
                    reps=reps,
                    sets=sets,
                    variant=variant,
                    reason="test",
                )
                cues = build_timeline(_routine(item))
                planned = item_seconds(t, hold, reps, sets, variant)
                assert cues[-1].offset == READY_SECONDS + planned, (t.id, hold, reps, sets)
                for a, b in itertools.pairwise(cues):
                    assert a.end == b.offset
                for c in cues[:-1]:
                    assert c.duration >= speaking_seconds(c.say), (t.id, c)
                    assert c.duration >= speaking_seconds(c.text), (t.id, c)
                    assert c.duration >= 1
                checked += 1
    assert checked > 500


def test_the_planner_counts_the_speaking_time(catalogue: Catalogue) -> None:
    for t in catalogue.techniques:
        d = t.dosage
        hold = d.hold_seconds.min if d.hold_seconds else None
        bare = d.setup_seconds + d.reps.min * d.sets * (2 if d.per_side else 1) * (
            2 * d.move_seconds + (hold or 0)
        )
        said = sum(speaking_seconds(s) for s in script(t, None).setup)
        assert item_seconds(t, hold, d.reps.min, d.sets) >= max(bare, bare - d.setup_seconds + said)


_HOLD_WORDS = re.compile(
    r"\b(for the hold|for the count|stay (there|still|for)|then return)\b", re.I
)


def test_setup_describes_getting_into_position_and_hold_words_wait_for_the_hold(
    catalogue: Catalogue,
) -> None:
    for t in catalogue.techniques:
        d = t.dosage
        hold = d.hold_seconds.min if d.hold_seconds else None
        item = PlannedTechnique(
            technique=t, hold_seconds=hold, reps=d.reps.min, sets=d.sets, reason="test"
        )
        cues = build_timeline(_routine(item))
        setup = [c for c in cues if c.kind in (CueKind.INTRO, CueKind.STEP)]
        for c in setup:
            assert not _HOLD_WORDS.search(c.say), (t.id, c.say)
        sc = script(t, None)
        if sc.hold is not None:  # at the hold, or while moving into it when it is short
            first_hold = next(c for c in cues if c.kind is CueKind.HOLD)
            first_move = next(c for c in cues if c.kind is CueKind.MOVE)
            assert sc.hold in first_hold.say or f"Then {sc.hold[0].lower()}" in first_move.say
        if sc.release is not None:
            first_release = next(c for c in cues if c.kind is CueKind.RELEASE)
            assert first_release.say.startswith(sc.release)


@pytest.mark.parametrize("tid", ["standing-backbend", "kneeling-back-extension"])
def test_a_hold_then_release_step_is_split_at_then(catalogue: Catalogue, tid: str) -> None:
    t = catalogue.technique(tid)
    sc = script(t, None)
    assert sc.hold is not None and "then" not in sc.hold
    assert sc.release is not None and sc.release.endswith("to upright.")


def test_finishing_steps_come_after_the_last_repetition(catalogue: Catalogue) -> None:
    t = catalogue.technique("thoracic-extension-towel")
    d = t.dosage
    item = PlannedTechnique(
        technique=t,
        hold_seconds=d.hold_seconds.min if d.hold_seconds else None,
        reps=3,
        sets=1,
        reason="test",
    )
    cues = [c for c in build_timeline(_routine(item)) if c.index == 0]
    finishing = [c for c in cues if "To finish" in c.say]
    assert finishing == [cues[-1]]


def test_every_hold_lasts_and_names_the_planned_seconds(catalogue: Catalogue) -> None:
    """A 3 s bridge hold is held 3 s, the first one too: what to do in the hold is said while
    moving in when the words would outlast it (it was 'Hold for 9 seconds' before)."""
    for t in catalogue.techniques:
        d = t.dosage
        if d.hold_seconds is None:
            continue
        for hold in sorted({d.hold_seconds.min, d.hold_seconds.max}):
            item = PlannedTechnique(
                technique=t, hold_seconds=hold, reps=d.reps.min, sets=d.sets, reason="test"
            )
            cues = build_timeline(_routine(item))
            holds = [c for c in cues if c.kind is CueKind.HOLD]
            assert holds, t.id
            for c in holds:
                assert c.duration == hold, (t.id, hold, c)
                assert c.text.startswith((f"Hold for {hold} seconds.", f"Hold {hold} seconds.")), (
                    t.id,
                    c.text,
                )
            sc = script(t, None)
            if sc.hold is not None:
                first_move = next(c for c in cues if c.kind is CueKind.MOVE)
                assert sc.hold in holds[0].say or sc.hold[1:] in first_move.say, t.id

"""The rules over time (safety.md) and the trends, on hand-made histories."""

from __future__ import annotations

import math
import statistics
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from easeback.domain import progression as pg
from easeback.domain import trends
from easeback.domain.models import Disposition, StopReason
from easeback.domain.progression import (
    AdviceCode,
    CheckIn,
    History,
    ScreeningRecord,
    SessionRecord,
    StopEvent,
    TechniqueResult,
)

D0 = datetime(2024, 5, 1, 9, 0)


def day(n: int, hour: int = 9) -> datetime:
    return D0 + timedelta(days=n, hours=hour - 9)


def session(n: int, before: int, after: int, ids=("cat-cow",), **kw) -> SessionRecord:
    status = kw.pop("status", "completed")
    results = tuple(TechniqueResult(i, "done") for i in ids)
    return SessionRecord(day(n), status, before, after, results=results, **kw)


def codes(h: History, now: datetime) -> set[str]:
    return {a.code.value for a in pg.advice(h, now)}


def screened(n: int = 0, pain_days: int | None = None) -> tuple[ScreeningRecord, ...]:
    return (ScreeningRecord(day(n), Disposition.CLEAR, pain_days),)


def test_rest_day_after_a_two_point_rise():
    h = History(screenings=screened(), sessions=(session(0, 3, 5),))
    assert pg.rest_day(h, day(0).date()) == day(1).date()
    assert "rest_day" in codes(h, day(1))
    assert "rest_day" not in codes(h, day(2))


def test_rest_day_after_any_rise_or_high_soreness():
    # safety.md v3: "if the pain seems to get worse, or you are feeling very sore, take a day off"
    assert pg.rest_day(History(sessions=(session(0, 3, 4),)), day(1).date()) == day(1).date()
    sore = History(sessions=(session(0, 3, 3, soreness="high"),))
    assert pg.rest_day(sore, day(1).date()) == day(1).date()
    medium = History(sessions=(session(0, 3, 3, soreness="medium"), session(0, 5, 4)))
    assert pg.rest_day(medium, day(1).date()) is None
    (rest,) = [
        a
        for a in pg.advice(History(sessions=(session(0, 3, 4),)), day(1))
        if a.code.value == "rest_day"
    ]
    assert "got worse" in rest.text and "very sore" in rest.text


def test_professional_after_seven_days_without_dropping_below_start():
    sessions = tuple(session(n, 5, 5) for n in range(8))
    h = History(screenings=screened(7), sessions=sessions)
    assert "see_professional" not in codes(h, day(6))
    assert "see_professional" in codes(h, day(7))
    better = History(screenings=screened(7), sessions=(*sessions[:-1], session(7, 5, 4)))
    assert "see_professional" not in codes(better, day(7))


def test_formal_diagnosis_at_84_days_counting_the_pain_before_screening():
    h = History(screenings=screened(0, pain_days=80))
    assert "formal_diagnosis" not in codes(h, day(3))
    assert "formal_diagnosis" in codes(h, day(4))
    first_record = History(check_ins=(CheckIn(day(0), 4, 4),))
    assert not pg.needs_diagnosis(first_record, day(83))
    assert pg.needs_diagnosis(first_record, day(84))


def test_rescreen_when_the_screening_is_seven_days_old():
    h = History(screenings=screened(0))
    assert "rescreen" not in codes(h, day(6, 23))
    assert "rescreen" in codes(h, day(7))


@pytest.mark.parametrize("reason", [StopReason.RADIATING_PAIN, StopReason.NUMBNESS])
def test_rescreen_after_a_radiating_pain_or_numbness_stop(reason):
    stop = StopEvent(day(1), reason, "cat-cow")
    h = History(screenings=screened(0), sessions=(session(1, 3, 3, stops=(stop,)),))
    assert "rescreen" in codes(h, day(1, 10))
    later = ScreeningRecord(day(1, 12), Disposition.CLEAR)
    again = History(screenings=(*h.screenings, later), sessions=h.sessions)
    assert "rescreen" not in codes(again, day(1, 13))


def test_a_dizziness_stop_needs_no_rescreen():
    stop = StopEvent(day(1), StopReason.DIZZINESS, "cat-cow")
    h = History(screenings=screened(0), sessions=(session(1, 3, 3, stops=(stop,)),))
    assert pg.rescreen_reason(h, day(1, 10)) is None


def test_sharp_pain_leaves_a_technique_out_until_restored():
    stop = StopEvent(day(1), StopReason.SHARP_PAIN, "bridge")
    h = History(sessions=(session(1, 3, 3, stops=(stop,)),))
    assert pg.left_out(h) == {"bridge"}
    restored = History(sessions=h.sessions, restores=(("bridge", day(2)),))
    assert pg.left_out(restored) == frozenset()
    again = StopEvent(day(3), StopReason.SHARP_PAIN, "bridge")
    h2 = History(
        sessions=(*h.sessions, session(3, 3, 3, stops=(again,))), restores=restored.restores
    )
    assert pg.left_out(h2) == {"bridge"}


@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.sampled_from(list(StopReason)), st.booleans()),
        max_size=12,
    )
)
def test_left_out_is_exactly_sharp_pain_stops_not_restored_since(events):
    sessions, restores = [], []
    for n, reason, restore in sorted(events, key=lambda e: e[0]):
        sessions.append(session(n, 3, 3, stops=(StopEvent(day(n), reason, "cobra"),)))
        if restore:
            restores.append(("cobra", day(n, 12)))
    h = History(sessions=tuple(sessions), restores=tuple(restores))
    last_sharp = max((day(n) for n, r, _ in events if r is StopReason.SHARP_PAIN), default=None)
    last_restore = max((at for _, at in restores), default=None)
    expected = last_sharp is not None and (last_restore is None or last_restore < last_sharp)
    assert ("cobra" in pg.left_out(h)) is expected


def test_holds_start_low_and_grow_only_with_good_sessions(catalogue):
    t = catalogue.technique("knee-to-chest-double")
    low = t.dosage.hold_seconds.min
    assert pg.hold_targets(History(), [t])[t.id] == low
    good = tuple(session(n, 5, 4, ids=(t.id,)) for n in range(3))
    assert pg.hold_targets(History(sessions=good), [t])[t.id] == low + 3 * 5
    stopped = session(3, 5, 4, ids=(t.id,), status="stopped",
                      stops=(StopEvent(day(3), StopReason.OTHER, t.id),))  # fmt: skip
    worse = session(4, 4, 6, ids=(t.id,))
    held = History(sessions=(*good, stopped, worse))
    assert pg.hold_targets(held, [t])[t.id] == low + 3 * 5


def test_holds_never_pass_the_techniques_ceiling(catalogue):
    for t in catalogue.techniques:
        if t.dosage.hold_seconds is None:
            continue
        many = History(sessions=tuple(session(n, 5, 4, ids=(t.id,)) for n in range(100)))
        target = pg.hold_targets(many, [t])[t.id]
        d = t.dosage
        assert target == min(pg.hold_ceiling(t), d.hold_seconds.min + 500)
        assert target <= max(d.hold_seconds.max, d.progression_max_hold_seconds or 0)
        if d.progression_max_hold_seconds:
            assert d.progression_max_hold_seconds <= 180


def test_technique_effect_mean_and_interval():
    changes = [-3, -1, -2, 0]
    h = History(sessions=tuple(session(n, 5, 5 + c) for n, c in enumerate(changes)))
    (e,) = trends.technique_effects(h)
    sd = statistics.stdev(changes)
    half = 3.182 * sd / math.sqrt(4)
    assert e.sessions == 4 and e.mean_change == -1.5
    assert e.interval == (round(-1.5 - half, 2), round(-1.5 + half, 2))
    assert trends.helps([e]) == {"cat-cow": 1.5}


def test_no_mean_below_three_sessions():
    h = History(sessions=(session(0, 5, 3), session(1, 5, 3)))
    (e,) = trends.technique_effects(h)
    assert e.mean_change is None and e.interval is None and trends.helps([e]) == {}


def test_t_quantile_beyond_the_table_is_close():
    assert trends.t95(30) == 2.042
    assert abs(trends.t95(40) - 2.021) < 0.002
    assert abs(trends.t95(1000) - 1.962) < 0.002


@pytest.mark.parametrize(
    ("base", "last", "meaningful"),
    [(6, 4, True), (6, 5, False), (3, 2, True), (4, 3, False), (5, 5, False), (2, 4, False),
     (10, 7, True), (None, 3, False)],
)  # fmt: skip
def test_meaningful_improvement_is_two_points_or_thirty_percent(base, last, meaningful):
    assert trends.meaningful_improvement(base, last) is meaningful


def test_scores_out_of_range_are_refused():
    with pytest.raises(ValueError, match="pain must be a whole number from 0 to 10"):
        CheckIn(D0, 11, 2)
    with pytest.raises(ValueError, match="at most three"):
        CheckIn(D0, 1, 2, activities=(("a", 1), ("b", 1), ("c", 1), ("d", 1)))


def test_advice_codes_are_the_contracts():
    assert {c.value for c in AdviceCode} == {
        "rest_day", "see_professional", "formal_diagnosis", "rescreen"
    }  # fmt: skip


def test_frequency_gives_beginners_the_gentler_start(catalogue):
    t = catalogue.technique("knee-to-chest-double")
    noted = next(x for x in catalogue.techniques if x.dosage.frequency_note)
    assert pg.frequency(noted, 0) == noted.dosage.frequency_note
    assert pg.frequency(noted, 20).lower().startswith(noted.dosage.times_per_day.lower())
    assert pg.frequency(t, 0)

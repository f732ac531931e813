"""The clinician's triage rules: each reason, its words and link, and the order of people."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from easeback.domain.triage import (
    Need,
    Programme,
    Reason,
    Record,
    Screening,
    Stop,
    matches,
    order,
    reasons,
)

NOW = datetime(2026, 3, 20, 12, 0)
DAY = timedelta(days=1)
CLEAR = Screening(1, NOW - 2 * DAY, True, frozenset({"clear"}))
PROG = Programme(NOW - 20 * DAY, 3, ("bridge", "cat-cow"))


def needs(r: Record) -> list[Need]:
    return [x.need for x in reasons(r, NOW)]


def test_a_person_doing_well_has_no_reason():
    r = Record(
        screenings=[CLEAR],
        pain=[(NOW - 10 * DAY, 5), (NOW - DAY, 3)],
        sessions_done=[NOW - DAY],
        programmes=[PROG],
    )
    assert reasons(r, NOW) == []


def test_emergency_screening_first_and_linked():
    sc = Screening(7, NOW - DAY, False, frozenset({"emergency"}))
    found = reasons(Record(screenings=[sc]), NOW)
    assert [(x.need, x.anchor) for x in found] == [(Need.EMERGENCY, "screening-7")]
    assert found[0].text == "screening: emergency (stopped early at an emergency answer)"


def test_a_nerve_stop_since_the_last_screening_only():
    old = Stop(3, NOW - 9 * DAY, "numbness", "bridge")
    new = Stop(4, NOW - DAY, "radiating_pain", None)
    r = Record(
        screenings=[Screening(2, NOW - 5 * DAY, True, frozenset({"clear"}))],
        stops=[old, new],
        names={"bridge": "Bridge"},
    )
    found = [x for x in reasons(r, NOW) if x.need is Need.NERVE_STOP]
    assert [(x.text, x.anchor) for x in found] == [
        ("stopped for radiating pain", "stop-4")
    ]


def test_pain_rising_3_to_8_over_two_weeks():
    pain = [(NOW - 13 * DAY, 3), (NOW - 10 * DAY, 5), (NOW - 6 * DAY, 6), (NOW - DAY, 8)]
    found = reasons(Record(screenings=[CLEAR], pain=pain), NOW)
    assert [(x.need, x.anchor) for x in found] == [(Need.PAIN_RISING, "chart-pain")]
    assert found[0].text == "pain rose 3 → 8 since 7 Mar"


def test_pain_counted_from_the_last_reading_before_the_two_weeks():
    pain = [(NOW - 30 * DAY, 4), (NOW - 3 * DAY, 6)]
    assert Need.PAIN_RISING in needs(Record(screenings=[CLEAR], pain=pain))
    assert needs(Record(screenings=[CLEAR], pain=[(NOW - 3 * DAY, 6)])) == []


def test_a_rise_of_30_percent_counts_one_point_of_five_does_not():
    def rising(a: int, b: int) -> bool:
        r = Record(screenings=[CLEAR], pain=[(NOW - 5 * DAY, a), (NOW - DAY, b)])
        return Need.PAIN_RISING in needs(r)

    assert rising(3, 4)  # 33%
    assert not rising(5, 6)  # 20%, one point
    assert rising(5, 7)
    assert not rising(7, 6)


def test_a_rise_within_one_day_is_not_a_trend():
    session = [(NOW - DAY, 3), (NOW - DAY + timedelta(hours=1), 5)]
    assert needs(Record(screenings=[CLEAR], pain=session)) == []
    again = [*session, (NOW, 5)]
    assert needs(Record(screenings=[CLEAR], pain=again)) == []  # 5 the day before, 5 today


def test_a_sharp_stop_that_emptied_the_programme():
    prog = Programme(NOW - 20 * DAY, 3, ("bridge",))
    stop = Stop(9, NOW - 4 * DAY, "sharp_pain", "bridge")
    r = Record(
        screenings=[CLEAR],
        stops=[stop],
        programmes=[prog],
        sessions_done=[NOW - DAY],
        names={"bridge": "Bridge"},
    )
    found = reasons(r, NOW)
    assert [(x.need, x.anchor) for x in found] == [(Need.SHARP_STOP, "stop-9")]
    assert found[0].text == (
        "Bridge left out after a sharp-pain stop (nothing of the programme is left)"
    )
    put_back = Record(
        screenings=[CLEAR],
        stops=[stop],
        programmes=[prog],
        sessions_done=[NOW - DAY],
        restores=[("bridge", NOW - 2 * DAY)],
    )
    assert reasons(put_back, NOW) == []


def test_a_sharp_stop_of_a_technique_no_longer_prescribed_is_not_a_reason():
    stop = Stop(9, NOW - 4 * DAY, "sharp_pain", "sphinx")
    r = Record(screenings=[CLEAR], stops=[stop], programmes=[PROG], sessions_done=[NOW - DAY])
    assert reasons(r, NOW) == []


def test_no_session_for_a_week_and_screening_expired():
    old = Screening(5, NOW - 10 * DAY, True, frozenset({"clear"}))
    r = Record(screenings=[old], programmes=[PROG], sessions_done=[NOW - 8 * DAY])
    found = reasons(r, NOW)
    assert [x.need for x in found] == [Need.SCREENING_EXPIRED, Need.NO_SESSION]
    assert found[0].text == "last safety check 10 days ago: the programme is on hold"
    assert found[1].text == "no session done for 8 days"
    never = reasons(Record(programmes=[PROG]), NOW)
    assert [x.text for x in never] == [
        "no safety check yet: the programme is on hold",
        "no session done in 20 days of the programme",
    ]
    fresh = Record(programmes=[Programme(NOW - 3 * DAY, 3, ("bridge",))], screenings=[CLEAR])
    assert reasons(fresh, NOW) == []  # a programme younger than a week is not yet behind


def test_peg_worse_by_two_points():
    r = Record(screenings=[CLEAR], peg=[(NOW - 14 * DAY, 4.0), (NOW - DAY, 6.0)])
    assert [(x.need, x.text) for x in reasons(r, NOW)] == [(Need.PEG_WORSE, "PEG 4.0 → 6.0")]
    assert reasons(Record(screenings=[CLEAR], peg=[(NOW, 4.0), (NOW, 5.7)]), NOW) == []


def test_people_ordered_by_need_then_name():
    urgent = [Reason(Need.URGENT, "", None, "")]
    quiet = [Reason(Need.NO_SESSION, "", None, "")]
    two = [Reason(Need.PAIN_RISING, "", None, ""), Reason(Need.NO_SESSION, "", None, "")]
    people = [("zed", []), ("amy", quiet), ("bob", two), ("cat", urgent), ("abe", [])]
    assert order(people) == [3, 2, 1, 4, 0]


def test_filters():
    found = [Reason(Need.URGENT, "", None, "")]
    assert matches(found, None) and matches(found, "any") and matches(found, "screening")
    assert not matches(found, "pain") and not matches([], "any") and matches([], "")


moments = st.integers(min_value=0, max_value=60 * 24 * 30).map(lambda m: NOW - timedelta(minutes=m))


@given(st.lists(st.tuples(moments, st.integers(0, 10)), max_size=12))
def test_pain_rising_only_when_the_newest_reading_is_above_the_start(readings):
    pain = sorted(readings)
    found = Need.PAIN_RISING in needs(Record(screenings=[CLEAR], pain=pain))
    daily = list({at.date(): (at, v) for at, v in sorted(pain, key=lambda p: p[0])}.values())
    start = [p for p in daily if p[0] < NOW - timedelta(days=14)]
    within = [p for p in daily if p[0] >= NOW - timedelta(days=14)]
    if found:
        first = start[-1] if start else within[0]
        rise = within[-1][1] - first[1]
        assert rise >= 2 or (rise >= 1 and rise >= 0.3 * first[1])
    elif within and (start or len(within) > 1):
        first = start[-1] if start else within[0]
        assert within[-1][1] - first[1] < 2


@given(st.lists(st.sampled_from(list(Need)), max_size=8))
def test_order_puts_the_most_pressing_first(picked):
    people = [(f"p{k}", [Reason(n, "", None, "")]) for k, n in enumerate(picked)]
    people.append(("none", []))
    ranked = [people[i] for i in order(people)]
    ranks = [min((list(Need).index(x.need) for x in rs), default=99) for _, rs in ranked]
    assert ranks == sorted(ranks) and ranked[-1][0] == "none"

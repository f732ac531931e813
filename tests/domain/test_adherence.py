"""Honest adherence: week by week, capped, kept across programme edits; skipped sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from easeback.domain.adherence import counts, session_status, totals, weeks

T = datetime(2026, 3, 2, 9, 0)
DAY = timedelta(days=1)


def test_a_week_is_capped_at_what_it_prescribed():
    found = weeks([(T, 3)], [T + DAY * k / 10 for k in range(50)], T + 6 * DAY)
    assert [(w.done, w.prescribed, w.percent, w.current) for w in found] == [(50, 3, 100, True)]
    assert totals(found) == (3, 3)


def test_an_edit_keeps_the_weeks_and_what_was_done():
    sessions = [T + DAY, T + 2 * DAY, T + 8 * DAY]
    before = weeks([(T, 3)], sessions, T + 9 * DAY)
    after = weeks([(T, 3), (T + 9 * DAY, 3)], sessions, T + 9 * DAY + timedelta(hours=1))
    assert totals(before) == totals(after) == (3, 6)


def test_an_edit_mid_week_shares_the_week_out():
    found = weeks([(T, 2), (T + 3.5 * DAY, 6)], [], T + 13 * DAY)
    assert [w.prescribed for w in found] == [4, 6]
    assert [w.percent for w in found] == [0, 0]


def test_no_programme_no_weeks():
    assert weeks([], [T], T + DAY) == []
    assert weeks([(T + DAY, 3)], [], T) == []


def test_a_session_with_every_technique_skipped_is_skipped_and_not_counted():
    assert session_status("completed", ["skipped", "skipped"]) == "skipped"
    assert not counts("completed", ["skipped", "skipped"])
    assert session_status("completed", ["done", "skipped"]) == "completed"
    assert counts("completed", ["skipped", "done"])
    assert counts("stopped", ["stopped", "not_reached"])
    assert not counts("stopped", ["not_reached", "not_reached"])
    assert counts("completed", [])


@given(
    st.lists(st.tuples(st.integers(0, 60 * 24 * 40), st.integers(1, 14)), min_size=1, max_size=5),
    st.lists(st.integers(0, 60 * 24 * 45), max_size=80),
    st.integers(0, 60 * 24 * 45),
)
def test_every_week_is_within_0_and_100_percent(progs, sessions, now):
    programmes = [(T + timedelta(minutes=m), n) for m, n in progs]
    found = weeks(
        programmes, [T + timedelta(minutes=m) for m in sessions], T + timedelta(minutes=now)
    )
    done, due = totals(found)
    assert 0 <= done <= due
    assert all(0 <= w.percent <= 100 and w.capped <= w.prescribed for w in found)
    assert sum(1 for w in found if w.current) == (1 if found else 0)


def test_the_journal_history_says_skipped_for_a_session_with_everything_skipped():
    from easeback.domain.progression import SessionRecord, TechniqueResult
    from easeback.wording import entry_details

    skipped = (TechniqueResult("bridge", "skipped"), TechniqueResult("cat-cow", "skipped"))
    record = SessionRecord(T, "completed", 4, 4, results=skipped)
    assert entry_details("session", record) == (
        "Session",
        "skipped, 0 of 2 techniques done, pain 4 → 4",
    )
    one = SessionRecord(T, "completed", results=(skipped[0], TechniqueResult("x", "done")))
    assert entry_details("session", one)[1] == "completed, 1 of 2 techniques done"

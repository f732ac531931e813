"""The journal read a page at a time and the progress figures aggregated in SQL give what the
whole loaded history gives, on random journals, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from easeback.domain.models import StopReason
from easeback.domain.progression import CheckIn
from easeback.storage import entries
from easeback.storage import repository as repo
from easeback.usecases import journal

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
TECHNIQUES = ("cat-cow", "bridge", "pelvic-tilt", "knee-to-chest-single", "bird-dog")
OUTCOMES = ("done", "done", "done", "skipped", "stopped", "not_reached")


def _when(rng: random.Random, days: int) -> datetime:
    # whole minutes on few hours, so that entries at the very same time are common
    return T0 + timedelta(days=rng.randrange(days), hours=rng.choice((0, 0, 1, 9)))


def grow(engine, rng: random.Random, person: str = "me", days: int = 60) -> None:
    """A random journal: check-ins, sessions logged or timed (some unrated, some stopped for
    nerve signs or sharp pain), complete and incomplete screenings, restores."""
    for _ in range(rng.randrange(0, 60)):
        peg = tuple(rng.randrange(11) for _ in range(3)) if rng.random() < 0.3 else None
        acts = (("walking", rng.randrange(11)),) if rng.random() < 0.2 else ()
        c = CheckIn(_when(rng, days), rng.randrange(11), rng.randrange(11), peg, acts)
        repo.add_check_in(engine, c, c.at, person=person)
    for _ in range(rng.randrange(0, 40)):
        at = _when(rng, days)
        picked = rng.sample(TECHNIQUES, rng.randrange(1, 4))
        results = [(t, rng.choice(OUTCOMES)) for t in picked] + [(picked[0], "done")]
        reason = rng.choice([r.value for r in StopReason] + [None] * 4)
        soreness = rng.choice(("low", "medium", "high", None))
        if rng.random() < 0.7:
            stop = (reason, rng.choice(picked)) if reason else None
            before, after = rng.randrange(11), rng.randrange(11)
            repo.log_session(engine, at, {}, before, after, results, stop, soreness, person=person)
        else:
            rated = rng.random() < 0.5
            sid = repo.start_session(
                engine, at, {}, rng.randrange(11) if rated else None, person=person
            )
            for pos, (tid, outcome) in enumerate(results):
                repo.add_technique_result(engine, sid, pos, tid, outcome, at)
            if reason:
                repo.add_stop(engine, sid, at + timedelta(minutes=3), reason, picked[0], person)
            after = rng.choice((None, rng.randrange(11)))
            repo.finish_session(engine, sid, at, "stopped" if reason else "completed", after)
    for _ in range(rng.randrange(0, 8)):
        answers: dict[str, object] = {"pain_now": 3}
        if rng.random() < 0.6:
            answers["pain_days"] = rng.choice((0, 5, 30, 120))
        disposition = rng.choice(("clear", "caution", "urgent", None))
        complete = rng.random() < 0.8
        repo.add_screening(engine, _when(rng, days), complete, disposition, answers, [], person)
    for _ in range(rng.randrange(0, 3)):
        repo.add_restore(engine, rng.choice(TECHNIQUES), _when(rng, days), person)


def expected_entries(engine) -> list[tuple[str, object]]:
    """The old history listing: every record of the loaded history, stably sorted by time."""
    h = journal.history(engine)
    rows = [("check-in", c) for c in h.check_ins]
    rows += [("session", s) for s in h.sessions]
    rows += [("screening", s) for s in h.screenings]
    return sorted(rows, key=lambda r: r[1].at)  # type: ignore[attr-defined]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_progress_figures_from_sql_equal_those_from_the_loaded_history(engine, catalogue, seed):
    rng = random.Random(seed)
    grow(engine, rng)
    grow(engine, random.Random(seed + 100), person="someone-else")  # never counted
    h = journal.history(engine)
    start = min((c.at for c in h.check_ins), default=journal.local(T0))
    for now in (start + timedelta(days=d, hours=13) for d in (0, 3, 8, 40, 61, 62, 200)):
        old = journal.progress_public(journal.progress(h, catalogue.techniques, now))
        assert journal.progress_summary(engine, now) == old, (seed, now)


def test_progress_figures_of_an_empty_journal(engine, catalogue):
    now = journal.local(T0)
    old = journal.progress_public(journal.progress(journal.history(engine), [], now))
    assert journal.progress_summary(engine, now) == old
    assert old["baseline_pain"] is None and old["advice"][0]["code"] == "rescreen"


@pytest.mark.parametrize("seed", [4, 5])
def test_entries_streamed_and_paged_list_what_the_history_holds(engine, seed):
    grow(engine, random.Random(seed))
    grow(engine, random.Random(seed + 100), person="someone-else")
    want = expected_entries(engine)
    streamed = [(e.kind, e.record) for e in entries.iter_entries(engine, batch=7)]
    assert streamed == want
    # paging back from the newest, 9 at a time, walks the same list backwards
    pages: list[tuple[str, object]] = []
    before: str | None = None
    while True:
        page, older = journal.history_page(engine, 9, before=before)
        pages += [(e.kind, e.record) for e in page]
        assert older == len(want) - len(pages)
        if not older:
            break
        before = entries.key_text(page[-1].key)
    assert pages == want[::-1]
    assert entries.count_entries(engine) == len(want)


def test_since_keeps_the_entries_from_that_day_on(engine):
    grow(engine, random.Random(7), days=20)
    since = journal.parse_since("2024-03-10")
    assert since is not None
    day = datetime(2024, 3, 10)  # local midnight, as the records' local times compare
    want = [r for r in expected_entries(engine) if r[1].at >= day]  # type: ignore[attr-defined]
    got = [(e.kind, e.record) for e in entries.iter_entries(engine, since=since, batch=5)]
    assert got == want and want
    page, older = journal.history_page(engine, 4, since)
    assert [(e.kind, e.record) for e in page] == want[::-1][:4]
    assert older == len(want) - 4


@pytest.mark.parametrize("bad", ["yesterday", "2024-02-30", ""])
def test_bad_since_is_named(bad):
    with pytest.raises(journal.InputError, match="--since"):
        journal.parse_since(bad)


def test_a_bad_place_in_the_journal_is_named(engine):
    with pytest.raises(journal.InputError, match="not a place in the journal"):
        journal.history_page(engine, 5, before="nonsense")


def test_planner_inputs_from_sql_equal_those_from_the_loaded_history(db_url, catalogue):
    from easeback.storage import open_engine

    grown = 0  # journals where some hold grew past its low end
    for seed in (8, 9, 10, 13):
        engine = open_engine(db_url)
        with engine.begin() as conn:  # a fresh journal each time, same database
            for table in ("technique_results", "stops", "sessions", "check_ins", "screenings",
                          "restores"):  # fmt: skip
                conn.exec_driver_sql(f"DELETE FROM {table}")
        grow(engine, random.Random(seed))
        grow(engine, random.Random(seed + 100), person="someone-else")
        old = journal.planner_inputs(journal.history(engine), catalogue.techniques)
        assert journal.planner_inputs_of(engine, catalogue.techniques) == old, seed
        grown += any(
            v > catalogue.technique(t).dosage.hold_seconds.min  # type: ignore[union-attr]
            for t, v in old["hold_targets"].items()
        )
        engine.dispose()
    assert grown


@pytest.mark.parametrize("seed", [14, 15])
def test_the_progress_report_and_chart_from_sql_equal_those_from_the_history(
    engine, catalogue, seed
):
    from easeback.web.journal_pages import chart

    grow(engine, random.Random(seed), days=120)
    grow(engine, random.Random(seed + 100), person="someone-else")
    h = journal.history(engine)
    now = journal.local(T0) + timedelta(days=130)
    assert journal.progress_of(engine, catalogue.techniques, now) == journal.progress(
        h, catalogue.techniques, now
    )
    recent = journal.recent_readings(engine)
    assert recent and len(recent) < len(h.pain_readings())  # only the last 60 days are read
    assert chart(recent) == chart(h.pain_readings())


@pytest.mark.parametrize("seed", [16, 17])
def test_sessions_per_technique_from_sql_equal_those_from_the_history(engine, seed):
    from easeback.domain.progression import sessions_with

    grow(engine, random.Random(seed), days=90)
    grow(engine, random.Random(seed + 100), person="someone-else")
    counts = journal.sessions_per_technique(engine)
    assert counts and counts == dict(sessions_with(journal.history(engine)))


def _figures(chart) -> list[tuple[object, ...]]:
    return [
        (
            b.start,
            b.ratings,
            b.pain,
            b.stiffness,
            b.pain_lo,
            b.pain_hi,
            b.sessions,
            b.change,
            b.stops,
        )
        for b in chart.bins()
    ]


@pytest.mark.parametrize(("seed", "days", "width"), [(18, 60, 1), (19, 400, 7)])
def test_the_plot_chart_streamed_from_sql_bins_what_the_history_holds(engine, seed, days, width):
    from easeback.domain.chart import Chart

    grow(engine, random.Random(seed), days=days)
    grow(engine, random.Random(seed + 100), person="someone-else", days=days)
    h = journal.history(engine)
    rated = [s for s in h.sessions if s.pain_before is not None and s.pain_after is not None]
    times = [c.at for c in h.check_ins] + [s.at for s in rated] + [e.at for e in h.stops()]
    expected = Chart(min(times).date(), max(times).date())
    for c in h.check_ins:
        expected.add_rating(c.at, c.pain, c.stiffness)
    for s in rated:
        expected.add_session(s.at, s.pain_before, s.pain_after)
    for e in h.stops():
        expected.add_stop(e.at)
    got = journal.chart(engine)
    assert got is not None and got.days == expected.days == width
    assert _figures(got) == _figures(expected)
    assert sum(b.ratings for b in got.bins()) == len(h.check_ins)
    assert sum(b.stops for b in got.bins()) == len(h.stops()) > 0


def test_an_empty_journal_has_no_chart(engine):
    assert journal.chart(engine) is None

"""The journal tells the planner which techniques a person has done: none means a first routine
(bottom of every range, easier versions first); a logged easier version opens the harder one."""

from __future__ import annotations

from datetime import datetime, timedelta

from easeback.domain.planning import PlanRequest, build_plan
from easeback.domain.progression import History, SessionRecord, TechniqueResult
from easeback.domain.screening import screen
from easeback.usecases import journal
from tests.domain.answers import clear_answers


def _history(done: list[str]) -> History:
    t0 = datetime(2024, 1, 1)
    results = tuple(TechniqueResult(t, "done") for t in done)
    days = (t0 + timedelta(days=1), t0 + timedelta(days=2))
    good = [SessionRecord(at, "completed", 4, 3, results=results) for at in days]
    skipped = SessionRecord(t0, "stopped", 4, 4, results=(TechniqueResult("cobra", "skipped"),))
    sessions = (skipped, *good)
    return History(sessions=sessions)


def test_done_comes_from_logged_sessions(catalogue):
    assert journal.planner_inputs(History(), catalogue.techniques)["done"] == frozenset()
    inputs = journal.planner_inputs(_history(["sphinx", "cat-cow"]), catalogue.techniques)
    assert inputs["done"] == {"sphinx", "cat-cow"}  # skipped cobra is not done


def test_a_first_routine_then_a_grown_one(catalogue):
    s = screen(catalogue.screening, clear_answers(pain_now=2)).plannable()
    assert s is not None

    def plan(h: History):
        inputs = journal.planner_inputs(h, catalogue.techniques)
        req = PlanRequest(place="floor", minutes=20, **inputs)
        return build_plan(s, req, catalogue.techniques)

    first = plan(History())
    assert all(i.technique.progresses_from is None for i in first.items)
    assert all(i.reps == i.technique.dosage.reps.min for i in first.items)
    every = [t.id for t in catalogue.techniques]
    later = plan(_history(every))
    assert later.total_seconds > first.total_seconds
    assert any(i.reps > i.technique.dosage.reps.min for i in later.items)

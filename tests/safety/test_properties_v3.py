"""Properties of safety contract v3 (issue 29), over many people: a screening asked again holds
only answers given or confirmed in it; no routine run at pain 7 or more holds strengthening; and
no calendar or reminder exists for a screening that allows no routine."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from easeback.content.loader import Catalogue
from easeback.domain.models import Category, Disposition
from easeback.domain.planning import PlanRequest, build_plan
from easeback.domain.programme import fitted
from easeback.domain.screening import QuestionKind, screen
from easeback.settings import Settings
from easeback.terminal.interactive import ask_screening
from easeback.usecases import journal, planning, screening
from easeback.usecases.errors import InputError
from tests.domain.answers import CLEARANCE, CONTEXT, RED_FLAGS, clear_answers

# ---- asking again copies nothing ----


def _any_answer(q, draw) -> object:
    if q.kind is QuestionKind.RED_FLAG:
        return draw(st.sampled_from(["yes", "no", "unsure"]))
    if q.kind is QuestionKind.YES_NO:
        return draw(st.sampled_from(["yes", "no"]))
    return draw(st.integers(q.min or 0, min(q.max or 60, 60)))


class _Person(io.TextIOBase):
    """Reads each prompt the terminal printed and types an answer drawn by Hypothesis: a fresh
    answer, or Enter to keep an earlier answer shown as the default. Records what happened."""

    def __init__(self, cat: Catalogue, out: io.StringIO, draw) -> None:
        self.cat, self.out, self.draw = cat, out, draw
        self.seen = 0
        self.typed: dict[str, object] = {}  # question id -> the answer typed
        self.kept: dict[str, str] = {}  # question id -> the default shown and kept with Enter
        self.episode: str | None = None  # "yes" or "no" to "the same episode?"
        self.asked: list[str] = []

    def readable(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:
        prompt = " ".join(self.out.getvalue()[self.seen :].split())
        self.seen = len(self.out.getvalue())
        if "same episode of back pain" in prompt:
            self.episode = self.draw(st.sampled_from(["yes", "no"]))
            return self.episode + "\n"
        numbers = re.findall(r"(\d+)/(\d+) ", prompt)
        assert numbers, prompt
        q = self.cat.screening.questions[int(numbers[-1][0]) - 1]
        self.asked.append(q.id)
        default = re.search(r"\(([a-z]+)\): *$", prompt)
        if "your answer last time is shown" in prompt and default and self.draw(st.booleans()):
            self.kept[q.id] = default.group(1)
            return "\n"
        if q.optional and self.draw(st.booleans()):
            return "\n"
        answer = _any_answer(q, self.draw)
        self.typed[q.id] = answer
        return f"{answer}\n"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)  # fmt: skip
@given(data=st.data(), with_episode=st.booleans())
def test_a_screening_asked_again_holds_only_answers_given_or_confirmed_in_it(
    catalogue: Catalogue, data: st.DataObject, with_episode: bool
) -> None:
    table = catalogue.screening
    previous = {
        q.id: _any_answer(q, data.draw)
        for q in table.questions
        if data.draw(st.booleans(), label=f"had {q.id}")
    }
    afresh = screening.asked_afresh(table)
    began, today = date(2026, 11, 20), date(2026, 12, 7)
    out = io.StringIO()
    person = _Person(catalogue, out, data.draw)
    with patch("sys.stdin", person):
        answers = ask_screening(
            catalogue,
            Console(file=out, width=200),
            previous=previous,
            again=afresh,
            episode=(began, today) if with_episode else None,
        )
    for qid, value in answers.items():
        assert qid in person.asked or (qid == "pain_days" and person.episode == "yes"), qid
        if qid in person.kept:
            assert qid not in afresh, f"{qid}: an earlier answer offered where it must be asked"
            assert str(value) == person.kept[qid] == str(previous[qid])
        elif qid == "pain_days" and person.episode == "yes" and qid not in person.typed:
            assert value == (today - began).days
        else:
            assert value == person.typed[qid], qid
    assert not set(person.kept) & afresh
    # whatever the flow stopped at, the result is what these answers give
    result = screen(table, answers)
    assert result.complete, result.missing


# ---- the high-pain rule holds for every routine run at pain 7 or more ----

YES_NO_CONTEXT = sorted(CONTEXT - {"pain_days", "pain_now", "pregnant_weeks"})
CONTEXT_ANSWERS = st.fixed_dictionaries(
    {q: st.sampled_from(["yes", "no"]) for q in YES_NO_CONTEXT},
    optional={"pregnant_weeks": st.integers(1, 40)},
)
REQUESTS = st.builds(
    PlanRequest,
    place=st.sampled_from(["any", "bed", "floor", "chair", "standing", "pool"]),
    minutes=st.integers(1, 60),
    equipment=st.frozensets(
        st.sampled_from(["chair", "ball", "foam-roller", "towel", "pillow", "mat", "wall", "pool"])
    ),
    goal=st.sampled_from(["morning-stiffness", "desk-break", "general-relief", "strengthen"]),
)


def _held_to_the_high_pain_rule(routine, max_minutes: int) -> None:
    for item in routine.items:
        t = item.technique
        assert t.category is not Category.STRENGTH, t.id
        if t.dosage.hold_seconds is not None:
            assert item.hold_seconds == t.dosage.hold_seconds.min, t.id
    assert routine.minutes <= max_minutes


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    context=CONTEXT_ANSWERS,
    planned_at=st.integers(0, 6),
    before=st.integers(7, 10),
    req=REQUESTS,
    done=st.booleans(),
)
def test_no_routine_run_at_pain_7_or_more_holds_strengthening(
    catalogue: Catalogue, context, planned_at: int, before: int, req, done: bool
) -> None:
    """Planned at pain 7+, or planned at a lower pain and then run with 7+ asked before the
    session (the finding: the full routine with the bridge ran at pain 8)."""
    if done:
        req = req.model_copy(update={"done": frozenset(t.id for t in catalogue.techniques)})
    high = screening.screen_answers(catalogue, clear_answers(**context, pain_now=before))
    plannable = high.plannable()
    assert plannable is not None and plannable.constraints.gentle
    max_minutes = plannable.constraints.max_minutes
    assert max_minutes is not None
    direct = build_plan(plannable, req, catalogue.techniques)
    _held_to_the_high_pain_rule(direct, max_minutes)
    low = screening.screen_answers(catalogue, clear_answers(**context, pain_now=planned_at))
    earlier = planning.plan_routine(catalogue, low, req)
    assert earlier is not None
    at_session = screening.with_pain_now(catalogue, low, before)  # what the session does
    kept, _hidden = fitted(earlier, at_session, frozenset())
    assert kept is not None
    ran = planning.held_to(kept, at_session)
    _held_to_the_high_pain_rule(ran, max_minutes)


# ---- no calendar or reminder for a screening that allows no routine ----


@pytest.fixture(scope="module")
def journal_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    engine = journal.open_journal(Settings(data_dir=str(tmp_path_factory.mktemp("journal"))))
    yield engine
    engine.dispose()


@st.composite
def blocking_answers(draw) -> dict[str, object]:
    answers = clear_answers(pain_now=draw(st.integers(0, 10)))
    for q in draw(st.sets(st.sampled_from(sorted(RED_FLAGS)), min_size=1)):
        answers[q] = draw(st.sampled_from(["yes", "unsure"]))
    if draw(st.booleans()):
        answers[CLEARANCE] = "no"
    return answers


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers=blocking_answers(), age_days=st.sampled_from([0, 3, 8]))
def test_no_calendar_or_reminder_for_a_screening_that_allows_no_routine(
    catalogue: Catalogue, journal_engine, tmp_path_factory, answers, age_days: int
) -> None:
    result = screening.screen_answers(catalogue, answers)
    assert result.disposition is not None and not result.disposition.allows_routine
    now = journal.utc_now() + timedelta(seconds=len(answers))
    journal.save_screening(journal_engine, result, now - timedelta(days=age_days))
    from easeback.export.ics import reminder_routine, write_ics

    out = Path(tmp_path_factory.mktemp("ics")) / "r.ics"
    with pytest.raises(InputError, match="allows no routine"):
        write_ics(journal_engine, catalogue, out, now, "08:00")
    assert not out.exists()
    assert reminder_routine(journal_engine, catalogue, now) is None
    assert planning.desk_break_routine(catalogue, result) is None
    latest = journal.latest_valid_screening(journal_engine, catalogue, now)
    assert latest is None or latest.plannable() is None
    assert Disposition(result.disposition).severity > Disposition.CAUTION.severity

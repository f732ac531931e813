"""Screening use cases: answers in, a result and its public shape out."""

from __future__ import annotations

from collections.abc import Mapping

from easeback.content.loader import Catalogue
from easeback.domain.screening import AnswerError, ScreeningResult, ScreeningTable, screen
from easeback.usecases.errors import InputError

TYPE_CHECKING = False  # the journal's types: a plan from answers alone needs none of them
if TYPE_CHECKING:
    from datetime import date, datetime
    from typing import Any

    from easeback.domain.progression import History


def screen_answers(cat: Catalogue, raw: object) -> ScreeningResult:
    if not isinstance(raw, Mapping):
        raise InputError("answers must be a JSON object keyed by question id")
    try:
        return screen(cat.screening, raw)
    except AnswerError as exc:
        raise InputError(str(exc), field=exc.question) from None
    except ValueError as exc:
        raise InputError(str(exc)) from None


def questions_public(cat: Catalogue) -> list[dict[str, Any]]:
    """Every screening question as an answers file needs it: id, type, the answers it takes
    (words, or a whole number from min to max), whether it may be left out, and its text."""
    out: list[dict[str, Any]] = []
    for q in cat.screening.questions:
        answers: Any = list(q.choices) if q.choices else {"min": q.min, "max": q.max}
        out.append(
            {"id": q.id, "type": q.kind.value, "answers": answers, "optional": q.optional,
             "text": q.text}
        )  # fmt: skip
    return out


# safety.md, "Asking again": besides every red flag, these are asked afresh, never offered from
# the earlier screening (they change from one week to the next).
ASKED_AFRESH = ("pain_now", "limits_daily_activities", "self_care_failed", "pregnant_weeks")


def asked_afresh(table: ScreeningTable) -> frozenset[str]:
    """The questions a screening asked again asks with no earlier answer offered: every red
    flag and the context in ASKED_AFRESH. `pain_days` is worked out from the episode's start
    (see `episode_start`); any other earlier answer is only offered, for the person to see and
    confirm or change."""
    ids = {q.id for q in table.questions}
    return frozenset(q.id for q in table.red_flags) | frozenset(q for q in ASKED_AFRESH if q in ids)


def episode_start(answers: Mapping[str, object], screened_at: datetime) -> date | None:
    """The day this episode began by an earlier screening's `pain_days` (local date of
    `screened_at` less that many days), or None when it gave none."""
    from datetime import timedelta

    days = answers.get("pain_days")
    if type(days) is not int or days < 0:
        return None
    at = screened_at.astimezone() if screened_at.tzinfo is not None else screened_at
    return at.date() - timedelta(days=days)


def with_pain_now(cat: Catalogue, result: ScreeningResult, pain: int) -> ScreeningResult:
    """The screening in force with the pain asked just before a session as its `pain_now`
    (safety.md, "Asking again": 7 or more applies the high-pain rule to that session)."""
    if not result.complete:
        return result
    return screen_answers(cat, {**result.answers, "pain_now": pain})


def screening_public(result: ScreeningResult) -> dict[str, Any]:
    return {
        "complete": result.complete,
        "disposition": result.disposition.value if result.disposition else None,
        "missing": list(result.missing),
        "not_asked": list(result.not_asked),
        "check_first": result.check_first,
        "call": result.call,
        "reasons": [
            {
                "question": r.question,
                "answer": r.answer,
                "disposition": r.disposition.value if r.disposition else None,
                "advice": r.advice,
                "rule": r.rule,
                "cleared": r.cleared,
                "call": r.call,
                "see": list(r.see),
                "learn": list(r.learn),
            }
            for r in result.reasons
        ],
    }


def lapses_at(screened_at: str | None) -> datetime | None:
    """When answers kept since `screened_at` (ISO time) lapse by the time alone (lapse_reason
    says why from then on); None when no time can be read (they have lapsed already)."""
    from datetime import UTC, datetime

    from easeback.domain.progression import SCREENING_VALID

    if screened_at is None:
        return None
    try:
        at = datetime.fromisoformat(screened_at)
    except ValueError:
        return None
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)) + SCREENING_VALID


def lapse_reason(screened_at: str | None, now: datetime, history: History | None) -> str | None:
    """Why answers kept since `screened_at` (ISO time) no longer allow a session, or None.

    safety.md: a screening is valid for 7 days, and a stop for radiating pain or numbness
    re-opens it; `history` is the journal's (naive local times) when there is one. Answers kept
    with no time at all count as lapsed: nobody can say how old they are."""
    from datetime import UTC, datetime

    from easeback.domain.progression import RESCREEN_STOPS, SCREENING_VALID

    if screened_at is None:
        return "Your answers were kept without the time you gave them; please answer again."
    try:
        at = datetime.fromisoformat(screened_at)
    except ValueError:
        return "Your answers were kept without the time you gave them; please answer again."
    at = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    if now - at >= SCREENING_VALID:
        return (
            f"You answered the safety questions {(now - at).days} days ago; answers are valid "
            "for 7 days, so please answer them again before another session."
        )
    if history is not None:
        local_at = at.astimezone().replace(tzinfo=None)
        for stop in history.stops():
            if stop.reason in RESCREEN_STOPS and stop.at >= local_at:
                return (
                    "A session was stopped for a nerve sign (pain spreading down a leg, or "
                    "numbness) after you answered: please answer the safety questions again."
                )
    return None

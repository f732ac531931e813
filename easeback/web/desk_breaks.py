"""Desk-break reminders in the browser: a page with a countdown (static/desk-breaks.js) and the
same reminders as an iCalendar download. Both need a screening that allows a routine."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import HTMLResponse, Response

from easeback.domain import reminders
from easeback.domain.planning import Routine
from easeback.domain.screening import ScreeningResult
from easeback.usecases import errors, planning
from easeback.web.pages import redirect, render, screening
from easeback.web.state import WebState, session_of, web_state
from easeback.web.store import WebSession

router = APIRouter(include_in_schema=False)

ROUTINE_URL = "/plan?" + urlencode({"place": "chair", "goal": "desk-break", "minutes": 3})
DEFAULT_EVERY = 30
Days = Annotated[list[str] | None, Query(max_length=7)]


def _screening(st: WebState, sess: WebSession) -> ScreeningResult | None:
    """This visit's answers when they are complete, else the journal's latest valid screening.
    Nothing after a stop that asked for the questions again."""
    if sess.rescreen:
        return None
    result = screening(st, sess)
    if result.complete:
        return result
    if st.journal is not None:
        found: ScreeningResult | None = st.journal.latest_valid_screening(st.catalogue)
        return found
    return None


def _routine(request: Request) -> Routine | None:
    st, sess = web_state(request), session_of(request)
    result = _screening(st, sess)
    if result is None or result.plannable() is None:
        return None
    history: dict[str, Any] = {"left_out": frozenset()}
    if st.journal is not None:
        history = st.journal.planner_inputs(st.catalogue)
    history["left_out"] = frozenset(history["left_out"]) | sess.left_out
    routine = planning.desk_break_routine(st.catalogue, result, 3, **history)
    return routine if routine is not None and routine.items else None


def _schedule(
    every: int, start: str, end: str, days: list[str] | None
) -> reminders.ReminderSchedule:
    return reminders.ReminderSchedule(
        every=every,
        start=reminders.parse_clock(start, "start"),
        end=reminders.parse_clock(end, "end"),
        days=reminders.parse_days(",".join(days)) if days else reminders.WORKDAYS,
    )


@router.get("/desk-breaks", response_class=HTMLResponse)
def desk_breaks_page(
    request: Request,
    every: int = DEFAULT_EVERY,
    start: str = "09:00",
    end: str = "17:00",
    days: Days = None,
    speed: float = 1.0,
) -> Response:
    st = web_state(request)
    error = None
    try:
        schedule = _schedule(every, start, end, days)
    except ValueError as exc:
        error, schedule = str(exc), reminders.ReminderSchedule(every=DEFAULT_EVERY)
    if not st.allow_speed or not 0.1 <= speed <= 1000:
        speed = 1.0
    routine = _routine(request)
    query = urlencode(
        {
            "every": schedule.every,
            "start": f"{schedule.start:%H:%M}",
            "end": f"{schedule.end:%H:%M}",
            "days": schedule.day_names(),
        },
        doseq=True,
    )
    return render(
        request,
        "desk_breaks.html",
        status=400 if error else 200,
        title="Desk breaks",
        error=error,
        schedule=schedule,
        weekdays=reminders.WEEKDAYS,
        routine=routine,
        routine_url=ROUTINE_URL,
        ics_url=f"/desk-breaks.ics?{query}",
        speed=speed,
    )


@router.get("/desk-breaks.ics")
def desk_breaks_ics(
    request: Request,
    every: int = DEFAULT_EVERY,
    start: str = "09:00",
    end: str = "17:00",
    days: Days = None,
) -> Response:
    from easeback.export import ExportError
    from easeback.export.ics import desk_break_calendar

    try:
        schedule = _schedule(every, start, end, days)
    except ValueError as exc:
        raise errors.InputError(str(exc)) from None
    routine = _routine(request)
    if routine is None:
        return redirect(request, "/desk-breaks")
    try:
        data = desk_break_calendar(
            planning.routine_public(routine), schedule, datetime.now().date()
        )
    except ExportError as exc:
        raise errors.InputError(str(exc)) from None
    return Response(
        data,
        media_type="text/calendar",
        headers={"content-disposition": 'attachment; filename="easeback-desk-breaks.ics"'},
    )

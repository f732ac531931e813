"""iCalendar files: daily reminders for the current routine at the times the person chose, and
desk-break reminders after every so many minutes of sitting."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from easeback.export import ExportError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from easeback.content.loader import Catalogue
    from easeback.domain.reminders import ReminderSchedule

DESK_BREAK_TITLE = "easeback: desk break"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def parse_times(value: str) -> list[time]:
    out = []
    for part in (p.strip() for p in value.split(",") if p.strip()):
        try:
            out.append(time.fromisoformat(part))
        except ValueError:
            raise ExportError(f"--times: {part!r} is not a time like 08:00") from None
    if not out:
        raise ExportError("--times needs at least one time like 08:00")
    return sorted(set(out))


def describe(routine: dict[str, Any] | None) -> tuple[str, int]:
    """The routine's dosage lines and its length in minutes (a default when none is known)."""
    if not routine or not routine.get("techniques"):
        return (
            "Your easeback routine: run `easeback start` to answer the safety questions and "
            "plan one.",
            10,
        )
    lines = []
    for t in routine["techniques"]:
        hold = f", hold {t['hold_seconds']} s" if t.get("hold_seconds") else ""
        side = " each side" if t.get("per_side") else ""
        lines.append(f"- {t['name']}: {t['reps']} reps{side}{hold}")
    lines.append("Stop at once for sharp, shooting, spreading pain, numbness or dizziness.")
    lines.append("Safety questions older than 7 days are asked again before a session.")
    return "\n".join(lines), max(1, round(int(routine.get("total_seconds", 600)) / 60))


def _icalendar() -> Any:
    try:
        import icalendar
    except ImportError:
        raise ExportError("ics export needs icalendar: pip install 'easeback[journal]'") from None
    return icalendar


def build_calendar(routine: dict[str, Any] | None, times: list[time], start: date) -> bytes:
    ical = _icalendar()
    Alarm, Calendar, Event = ical.Alarm, ical.Calendar, ical.Event
    text, minutes = describe(routine)
    cal = Calendar()
    cal.add("prodid", "-//easeback//journal reminders//EN")
    cal.add("version", "2.0")
    for t in times:
        ev = Event()
        begin = datetime.combine(start, t)  # floating local time: the same clock time every day
        ev.add("uid", str(uuid.uuid5(uuid.NAMESPACE_OID, f"easeback-{t.isoformat()}")))
        ev.add("summary", "easeback: gentle back routine")
        ev.add("description", text)
        ev.add("dtstart", begin)
        ev.add("dtend", begin + timedelta(minutes=minutes))
        ev.add("dtstamp", datetime.combine(start, time()))
        ev.add("rrule", {"freq": "daily"})
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", "Time for your easeback routine")
        alarm.add("trigger", timedelta(0))
        ev.add_component(alarm)
        cal.add_component(ev)
    return bytes(cal.to_ical())


def write_ics(engine: Engine, cat: Catalogue, out: Path, now: datetime, times: str) -> Path:
    """The daily reminders; refused when the latest screening allows no routine (someone told to
    get care is not handed an exercise reminder, as `reminders` refuses too)."""
    refuse_after_blocking_screening(engine)
    routine = reminder_routine(engine, cat, now)
    out.write_bytes(build_calendar(routine, parse_times(times), now.astimezone().date()))
    return out


def refuse_after_blocking_screening(engine: Engine) -> None:
    """InputError when the journal's latest screening allows no routine (emergency, urgent or
    professional first), however old it is: no reminder exists for it."""
    from easeback.domain.models import Disposition
    from easeback.storage.repository import latest_screening
    from easeback.usecases.errors import InputError

    last = latest_screening(engine)
    if last is None or last["disposition"] is None:
        return
    reached = Disposition(last["disposition"])
    if not reached.allows_routine:
        raise InputError(
            f"your latest screening ({reached.value.replace('_', ' ')}) allows no routine, so "
            "easeback makes no calendar reminders: follow the advice it gave, and answer the "
            "safety questions again with `easeback start` once a professional has seen you"
        )


def reminder_routine(engine: Engine, cat: Catalogue, now: datetime) -> dict[str, Any] | None:
    """The latest routine as the daily reminders describe it: only while a valid screening
    allows a routine, and without the techniques that screening rules out or that were left out
    after sharp pain (None otherwise)."""
    from easeback.domain.programme import fitted
    from easeback.storage.repository import latest_routine
    from easeback.usecases import journal
    from easeback.usecases.errors import InputError
    from easeback.usecases.planning import routine_from_public

    routine = latest_routine(engine)
    result = journal.latest_valid_screening(engine, cat, now)
    if routine is None or result is None or result.plannable() is None:
        return None
    try:
        planned = routine_from_public(cat, routine)
    except InputError:  # a routine saved by an older easeback that no longer reads: none shown
        return None
    allowed, _hidden = fitted(planned, result, journal.left_out_of(engine))
    ids = {i.technique.id for i in allowed.items} if allowed is not None else set()
    kept = [t for t in routine.get("techniques", []) if t.get("id") in ids]
    if not kept:
        return None
    dropped = sum(int(t.get("seconds", 0)) for t in routine["techniques"] if t not in kept)
    total = int(routine.get("total_seconds", 600)) - dropped
    return routine | {"techniques": kept, "total_seconds": total}


def desk_break_calendar(routine: dict[str, Any], schedule: ReminderSchedule, today: date) -> bytes:
    """One weekly-repeating event per break time on the chosen days, from the first chosen day
    on or after today, each describing the planned chair routine (a public routine dict)."""
    ical = _icalendar()
    steps, _ = describe(routine)
    text = (
        f"A {schedule.minutes}-minute chair routine after {schedule.every} minutes of sitting.\n"
        f"{steps}\nIn easeback: Plan a routine, place chair, goal desk break."
    )
    first = schedule.first_day(today)
    days = [BYDAY[d] for d in sorted(schedule.days)]
    cal = ical.Calendar()
    cal.add("prodid", "-//easeback//desk-break reminders//EN")
    cal.add("version", "2.0")
    for begin in schedule.on(first):  # floating local time: the same clock time each week
        ev = ical.Event()
        key = f"easeback-desk-{begin:%H%M}-{'-'.join(days)}-{schedule.every}"
        ev.add("uid", str(uuid.uuid5(uuid.NAMESPACE_OID, key)))
        ev.add("summary", DESK_BREAK_TITLE)
        ev.add("description", text)
        ev.add("dtstart", begin)
        ev.add("dtend", begin + timedelta(minutes=schedule.minutes))
        ev.add("dtstamp", datetime.combine(today, time()))
        ev.add("rrule", {"freq": "weekly", "byday": days})
        alarm = ical.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", "Time for a desk break: stand up or do the chair routine")
        alarm.add("trigger", timedelta(0))
        ev.add_component(alarm)
        cal.add_component(ev)
    return bytes(cal.to_ical())

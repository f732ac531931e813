"""Durations and counts in words, shared by the terminal and the web pages so both say the same:
"2-20 min", never "120-1200 s"; "1 repetition", never "1-1 repetitions"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from easeback.domain.models import Dosage


def _num(x: float) -> str:
    return f"{x:g}"


def minutes_text(seconds: int) -> str:
    """A total length: "45 s", "12 min 05 s"."""
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60:02d} s"


def seconds_text(seconds: int) -> str:
    """A hold or step length: seconds below 90 s, else minutes ("45 s", "2 min", "2.5 min")."""
    return f"{seconds} s" if seconds < 90 else f"{_num(round(seconds / 60, 1))} min"


def seconds_range_text(lo: int, hi: int) -> str:
    """A range of seconds in words: 15-30 s, 2-20 min (never 120-1200 s), 30 s - 2 min."""
    if lo == hi:
        return seconds_text(lo)
    if hi < 90:
        return f"{lo}–{hi} s"
    if lo >= 60:
        return f"{_num(round(lo / 60, 1))}–{_num(round(hi / 60, 1))} min"
    return f"{seconds_text(lo)} – {seconds_text(hi)}"


def count_text(lo: int, hi: int, one: str, many: str) -> str:
    """A count in words: 1 repetition, 8-12 repetitions (never 1-1 repetitions)."""
    if lo == hi:
        return f"{lo} {one if lo == 1 else many}"
    return f"{lo}–{hi} {many}"


def label(value: object) -> str:
    """An enum value in words: "general-relief" -> "general relief"."""
    raw = getattr(value, "value", value)
    return str(raw).replace("-", " ").replace("_", " ")


def dose_lines(d: Dosage) -> list[str]:
    """A technique's dose as short lines, the same in `easeback show` and on its web page."""
    lines = []
    count = count_text(d.reps.min, d.reps.max, "repetition", "repetitions")
    if d.hold_seconds:
        span = seconds_range_text(d.hold_seconds.min, d.hold_seconds.max)
        if d.rep_means:
            count += f" of {span}"
        else:
            lines.append(f"Hold {span}")
    if d.sets > 1:
        count += f" × {d.sets} sets"
    if d.per_side:
        count += ", each side"
    lines.append(count)
    if d.rep_means:
        lines.append(d.rep_means)
    lines.append(d.times_per_day[:1].upper() + d.times_per_day[1:])
    if d.frequency_note:
        lines.append(d.frequency_note)
    return lines


def dose_source_text(src: Any) -> str:
    """Where a dose comes from (a technique's `dose_source`), in one line for `show` and the
    technique's page: the article's words and title, then what easeback chose itself and why."""
    parts = []
    if src.article:
        parts.append(f'The article "{src.article}" gives "{src.figure.rstrip(".")}".')
    if src.own:
        parts.append(src.own if src.article else f"easeback's own starting dose. {src.own}")
    return " ".join(parts)


def entry_details(kind: str, r: Any) -> tuple[str, str]:
    """A journal entry (`storage.entries.KINDS`, its record) as (what, details), the same words
    on the journal page, in /api/history and in the practice's history."""
    if kind == "check-in":
        return "Check-in", f"pain {r.pain}/10, stiffness {r.stiffness}/10"
    if kind == "session":
        from easeback.domain.adherence import session_status

        done = sum(1 for x in r.results if x.outcome == "done")
        status = session_status(r.status, [x.outcome for x in r.results])  # all skipped: skipped
        text = f"{status.replace('_', ' ')}, {done} of {len(r.results)} techniques done"
        if r.pain_before is not None and r.pain_after is not None:
            text += f", pain {r.pain_before} → {r.pain_after}"
        for e in r.stops:
            text += f"; stopped ({e.reason.value.replace('_', ' ')})"
        return "Session", text
    label = r.disposition.value.replace("_", " ") if r.disposition else "incomplete"
    return "Safety check", label

"""The journal's rows as the domain's records, and records as rows: the pure half of its reads
and writes, shared by the SQLAlchemy queries (entries, summary, repository) and the everyday
commands' sqlite3 door (lite), so that what a row means is written once. No SQLAlchemy here.

Rows hold times as naive UTC; records hold naive local time (see times.py).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from easeback.domain.models import Disposition, StopReason
from easeback.domain.progression import (
    CheckIn,
    ScreeningRecord,
    SessionRecord,
    StopEvent,
    TechniqueResult,
)
from easeback.domain.values import Frozen, record
from easeback.storage.times import local, to_utc

TYPE_CHECKING = False  # typing costs start-up time
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from datetime import tzinfo
    from typing import Any

    Record = CheckIn | SessionRecord | ScreeningRecord
    PainPoint = tuple[tuple[Any, ...], int]  # (the history's reading order, pain)

KINDS = ("check-in", "session", "screening")  # their order at the same time
UNFINISHED = ("in_progress", "interrupted")  # sessions whose results stop where they did
AFTER = timedelta(microseconds=1)  # a session's pain after counts just after its pain before
Key = tuple[datetime, int, int]  # (naive UTC time, kind's rank, row id)


@record
class Entry(Frozen):
    key: Key
    kind: str  # one of KINDS
    record: Record

    @property
    def at(self) -> datetime:
        """Local time, as the record has it."""
        return self.record.at


def key_text(key: Key) -> str:
    """A key as a short string for a link (`before=`)."""
    return f"{key[0].isoformat()}_{key[1]}_{key[2]}"


def parse_key(text: str) -> Key:
    """The key from key_text; ValueError when it is not one."""
    at, rank, rid = text.rsplit("_", 2)
    key = (datetime.fromisoformat(at), int(rank), int(rid))
    if key[0].tzinfo is not None or not 0 <= key[1] < len(KINDS):
        raise ValueError(f"not a journal place: {text!r}")
    return key


def check_in_row(check_in: CheckIn, person: str, at: datetime | None = None) -> dict[str, Any]:
    """A check-in's row (at: when it is filed, its own time by default)."""
    peg = check_in.peg or (None, None, None)
    return dict(
        person=person,
        at=to_utc(check_in.at if at is None else at),
        pain=check_in.pain,
        stiffness=check_in.stiffness,
        peg_pain=peg[0],
        peg_enjoyment=peg[1],
        peg_activity=peg[2],
        activities=json.dumps([list(a) for a in check_in.activities]),
    )


def check_in_entry(row: tuple[Any, ...], tz: tzinfo | None) -> Entry:
    """(id, at, pain, stiffness, peg_pain, peg_enjoyment, peg_activity, activities)."""
    rid, at, pain, stiff, p1, p2, p3, acts = row
    peg = (p1, p2, p3) if p1 is not None and p2 is not None and p3 is not None else None
    activities = tuple((str(n), int(v)) for n, v in json.loads(acts)) if acts != "[]" else ()
    return Entry((at, 0, rid), KINDS[0], CheckIn(local(at, tz), pain, stiff, peg, activities))


def planned(routine: str | None) -> int | None:
    """The number of techniques in a stored routine (the public plan's `techniques`)."""
    if routine is None:
        return None
    try:
        techniques = json.loads(routine).get("techniques")
    except (ValueError, AttributeError):
        return None
    return len(techniques) if isinstance(techniques, list) else None


def session_entries(
    found: Iterable[tuple[Any, ...]],
    results: Iterable[tuple[Any, ...]],
    stops: Iterable[tuple[Any, ...]],
    tz: tzinfo | None,
) -> list[Entry]:
    """Sessions (id, started_at, status, pain_before, pain_after, soreness, routine or None)
    with their results (session_id, technique_id, outcome; in position order) and stops
    (session_id, at, reason, technique_id; in time order)."""
    done: dict[int, list[TechniqueResult]] = {}
    stopped: dict[int, list[StopEvent]] = {}
    for sid, tid, outcome in results:
        done.setdefault(sid, []).append(TechniqueResult(tid, outcome))
    for sid, at, reason, where in stops:
        stopped.setdefault(sid, []).append(StopEvent(local(at, tz), StopReason(reason), where))
    return [
        Entry(
            (at, 1, sid),
            KINDS[1],
            SessionRecord(
                local(at, tz),
                status,
                before,
                after,
                soreness,
                tuple(done.get(sid, ())),
                tuple(stopped.get(sid, ())),
                planned(routine),
            ),
        )
        for sid, at, status, before, after, soreness, routine in found
    ]


def pain_days(answers: str) -> int | None:
    """How long the pain had lasted, from a screening's stored answers."""
    value = json.loads(answers).get("pain_days")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def screening_entry(row: tuple[Any, ...], tz: tzinfo | None) -> Entry:
    """(id, at, disposition, answers) of a complete screening."""
    rid, at, disp, answers = row
    told = ScreeningRecord(local(at, tz), Disposition(disp) if disp else None, pain_days(answers))
    return Entry((at, 2, rid), KINDS[2], told)


def check_in_pain(row: tuple[Any, ...] | None) -> list[PainPoint]:
    """A check-in's (at, id, pain) as a pain rating in the history's reading order."""
    return [] if row is None else [((row[0], 0, row[1], 0), row[2])]


def session_pain(row: tuple[Any, ...] | None, phase: int) -> list[PainPoint]:
    """A session's (started_at, id, pain) before (phase 0) or after (1) as a pain rating."""
    if row is None:
        return []
    started, sid, rating = row
    return [((started + AFTER * phase, 1, started, sid, phase), int(rating or 0))]


def pain_ends(found: list[PainPoint]) -> tuple[int | None, int | None]:
    """The first and the last pain rating of those found."""
    if not found:
        return None, None
    found.sort(key=lambda f: f[0])
    return found[0][1], found[-1][1]


def episode_start(
    firsts: Iterable[datetime | None], told: Iterable[tuple[datetime, str]], tz: tzinfo | None
) -> datetime | None:
    """As told at screening (pain_days before a screening: its (at, answers) rows), else the
    first record (the first screening, check-in and session times); local time, with the days
    counted back from the local time as the history does."""
    starts = [local(at, tz) for at in firsts if at is not None]
    for at, answers in told:
        days = json.loads(answers).get("pain_days")
        if isinstance(days, int) and not isinstance(days, bool) and days:
            starts.append(local(at, tz) - timedelta(days=days))
    return min(starts, default=None)


def left_out(stopped: Mapping[str, datetime], restored: Mapping[str, datetime]) -> frozenset[str]:
    """Techniques stopped for sharp pain (their latest such stop) and not put back since."""
    return frozenset(str(t) for t, at in stopped.items() if t not in restored or restored[t] < at)

"""Journals damaged inside, built for real: a journal written through the use cases (a screening,
check-ins, sessions), then a copy with page 3 overwritten by random bytes and a copy with its last
page zeroed. SQLite calls both "malformed"; the header, size and table names still look right."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from easeback.content.loader import default_catalogue
from easeback.storage import open_engine
from easeback.usecases import journal, planning, screening
from tests.domain.answers import clear_answers

SESSIONS = 60  # enough that the last page is a page of sessions, not of the schema


def write_journal(path: Path) -> Path:
    """A journal with a screening, check-ins and SESSIONS sessions, its WAL folded into the file."""
    cat = default_catalogue()
    result = screening.screen_answers(cat, clear_answers())
    routine = planning.plan_routine(cat, result, planning.make_request("floor", 10))
    assert routine is not None and routine.planned
    engine = open_engine(f"sqlite:///{path}")
    start = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    journal.save_screening(engine, result, start)
    for day in range(SESSIONS):
        at = start + timedelta(days=day)
        journal.log_check_in(engine, journal.make_check_in(5, 4, at))
        journal.log_session(engine, routine, 5, 3, at + timedelta(hours=1))
    engine.dispose()
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


def _page_size(path: Path) -> int:
    size = int.from_bytes(path.read_bytes()[16:18], "big")
    return 65536 if size == 1 else size


def damaged_copy(good: Path, out: Path, how: str) -> Path:
    """`page3`: page 3 overwritten with random bytes; `last`: the last page zeroed."""
    data = bytearray(good.read_bytes())
    size = _page_size(good)
    if how == "page3":
        rng = random.Random(3)
        data[2 * size : 3 * size] = bytes(rng.getrandbits(8) for _ in range(size))
    else:
        data[-size:] = bytes(size)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(bytes(data))
    con = sqlite3.connect(f"file:{out}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA quick_check").fetchall() != [("ok",)], how
    except sqlite3.DatabaseError:
        pass  # malformed already: what the damage is for
    finally:
        con.close()
    for extra in ("-wal", "-shm"):
        Path(f"{out}{extra}").unlink(missing_ok=True)
    return out

"""Outcome measures (PEG, PSFS) in the journal's `outcomes` table: the personal journal's rows
under its person key, the practice's under each owner's (with `user_id`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select

from easeback.domain.outcomes import Measure, Outcome
from easeback.storage import schema
from easeback.storage.schema import DEFAULT_PERSON
from easeback.storage.times import to_utc

_INSERT = insert(schema.outcomes).returning(schema.outcomes.c.id)


def insert_outcome(
    conn: Connection, outcome: Outcome, at: datetime, person: str, user_id: int | None
) -> int:
    new_id: int = conn.execute(
        _INSERT,
        {
            "person": person,
            "user_id": user_id,
            "at": to_utc(at),
            "measure": outcome.measure.value,
            "items": json.dumps([list(i) for i in outcome.items]),
            "score": outcome.score,
        },
    ).scalar_one()
    return new_id


def add_outcome(
    engine: Engine, outcome: Outcome, at: datetime, person: str = DEFAULT_PERSON
) -> int:
    """Keep one recording of the personal journal (aware `at`, stored as naive UTC)."""
    with engine.begin() as conn:
        return insert_outcome(conn, outcome, at, person, None)


def outcomes(
    engine: Engine | Connection,
    person: str = DEFAULT_PERSON,
    measures: Sequence[Measure] = tuple(Measure),
) -> list[tuple[int, Outcome]]:
    """(id, outcome) of the person in time order, times naive UTC."""
    from easeback.storage.summary import connected

    o = schema.outcomes.c
    with connected(engine) as conn:
        found = conn.execute(
            select(o.id, o.at, o.measure, o["items"])  # .items is the collection's own
            .where(o.person == person, o.measure.in_([m.value for m in measures]))
            .order_by(o.at, o.id)
        ).all()
    return [(i, decode(at, measure, items)) for i, at, measure, items in found]


def decode(at: datetime, measure: str, items: str) -> Outcome:
    return Outcome(at, Measure(measure), tuple((str(k), int(v)) for k, v in json.loads(items)))

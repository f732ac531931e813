"""Keys of writes sent from a device (a stop, a finished session or a check-in kept on a phone
while the server could not be reached, and sent again until the server confirms it). The key is
made on the device and saved in the same transaction as the write, so a resend, or a first send
whose answer never arrived, is never saved twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, DateTime, Engine, Integer, String, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from easeback.storage.tables import Base
from easeback.storage.times import to_utc


class ReceivedRow(Base):
    __tablename__ = "received"

    person: Mapped[str] = mapped_column(String(64), primary_key=True)  # as the journal's rows
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # made on the device
    kind: Mapped[str] = mapped_column(String(16))  # stop | session | check_in
    at: Mapped[datetime] = mapped_column(DateTime)
    ref: Mapped[int | None] = mapped_column(Integer)  # the id of the row the write made


class KeyReused(Exception):
    """The key was saved with another kind of write: the client made one key for two writes."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


_FIND = select(ReceivedRow.ref, ReceivedRow.kind).where(
    ReceivedRow.person == bindparam("person"), ReceivedRow.key == bindparam("key")
)
_ADD = insert(ReceivedRow)


def received(conn: Connection, person: str, key: str, kind: str) -> tuple[int | None] | None:
    """(ref,) of the write of this kind already saved under this key, or None; KeyReused when
    the key was saved with another kind of write."""
    row = conn.execute(_FIND, {"person": person, "key": key}).first()
    if row is None:
        return None
    if row[1] != kind:
        raise KeyReused(row[1])
    return (row[0],)


def once(
    engine: Engine,
    person: str,
    key: str | None,
    kind: str,
    at: datetime,
    write: Callable[[Connection], int],
) -> tuple[int | None, bool]:
    """Runs `write(conn)` in one transaction with the key saved beside it: (its id, True); or,
    when the key was saved before, nothing is written: (the earlier id, False). Without a key
    the write is simply done. Two sends of one key at once: the second waits on the first's
    row (or fails on it) and then finds it."""
    if key is None:
        with engine.begin() as conn:
            return write(conn), True
    for attempt in range(2):
        try:
            with engine.begin() as conn:
                found = received(conn, person, key, kind)
                if found is not None:
                    return found[0], False
                ref = write(conn)
                conn.execute(
                    _ADD, {"person": person, "key": key, "kind": kind, "at": to_utc(at), "ref": ref}
                )
                return ref, True
        except IntegrityError:
            if attempt:
                raise
            with engine.connect() as conn:
                found = received(conn, person, key, kind)
            if found is not None:
                return found[0], False
            raise
    raise AssertionError("unreachable")

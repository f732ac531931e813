"""What was read of a person's data, kept until their next write: keyed by the person and the
version of their data (users.data_version, which the database's own triggers change in the same
transaction as every write to the person's rows, migration 0011).

A reader first reads the version (with the token or the person's record, a query it makes
anyway), then takes what is kept for that version, else reads and keeps it. Nothing is ever
served stale, on any number of server processes: a write commits its new version with it, so
every reader after the commit asks for a version no process has kept yet. (A reader that read
the old version just before the commit may keep data read just after it under the old version:
newer than asked, never older, and no reader asks for the old version again.)

One cache per engine (per database), in this process, the most recently used people kept."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine

T = TypeVar("T")
SIZE = 20_000  # people kept per database and process (a few kilobytes each)


class Kept(Generic[T]):
    """The newest value kept of each person, with the version it was read at."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._items: OrderedDict[int, tuple[int, T]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, person_id: int, version: int) -> T | None:
        with self._lock:
            found = self._items.get(person_id)
            if found is None or found[0] != version:
                self.misses += 1
                return None
            self._items.move_to_end(person_id)
            self.hits += 1
            return found[1]

    def put(self, person_id: int, version: int, value: T) -> None:
        with self._lock:
            self._items[person_id] = (version, value)
            self._items.move_to_end(person_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


_KEPT: WeakKeyDictionary[Engine, dict[str, Kept[object]]] = WeakKeyDictionary()
_GUARD = threading.Lock()


def kept(engine: Engine, kind: str) -> Kept[object]:
    """The cache of one kind of read on this database."""
    with _GUARD:
        per_engine = _KEPT.setdefault(engine, {})
        if kind not in per_engine:
            per_engine[kind] = Kept()
        return per_engine[kind]

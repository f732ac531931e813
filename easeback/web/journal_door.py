"""The web's door to the journal (easeback.usecases.journal): opened on first use, absent without
the journal extra. Pages call these few functions; the journal module does the work."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

from easeback.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from easeback.content.loader import Catalogue
    from easeback.domain.planning import Routine
    from easeback.domain.screening import ScreeningResult
    from easeback.storage.watch import JournalWatch


def journal_installed() -> bool:
    return (
        find_spec("sqlalchemy") is not None and find_spec("easeback.usecases.journal") is not None
    )


class JournalDoor:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engine: Engine | None = None
        self._watch: JournalWatch | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from easeback.usecases import journal

            self._engine = journal.open_journal(self.settings)
        return self._engine

    @property
    def watch(self) -> JournalWatch:
        """The stops and wizard states kept in memory until another connection commits."""
        if self._watch is None:
            from easeback.storage.watch import JournalWatch

            self._watch = JournalWatch(self.engine)
        return self._watch

    def peek_stops(self) -> Any:
        """The kept stops when they are current and nothing must be waited for, else None."""
        return None if self._watch is None else self._watch.peek_stops()

    def save_screening(self, result: ScreeningResult) -> None:
        from easeback.usecases import journal

        journal.save_screening(self.engine, result, journal.utc_now())
        self.watch.invalidate()

    def latest_valid_screening(self, cat: Catalogue) -> ScreeningResult | None:
        from easeback.usecases import journal

        return journal.latest_valid_screening(self.engine, cat, journal.utc_now())

    def planner_inputs(self, cat: Catalogue) -> dict[str, Any]:
        from easeback.usecases import journal

        return journal.planner_inputs_of(self.engine, cat.techniques)

    def record_stop(
        self,
        routine: Routine,
        index: int | None,
        reason: str,
        coach: Sequence[Mapping[str, Any]] = (),
        key: str | None = None,
    ) -> bool:
        """The session as far as it went: done before the stop, stopped at it, then not reached;
        with the camera coach's numbers when it watched. One write, once per device key: False
        when the key was received before."""
        from easeback.usecases import journal

        saved = journal.record_stop(
            self.engine, routine, index, reason, journal.utc_now(), coach, key
        )
        self.watch.invalidate()
        return saved

    def check_in(
        self,
        pain: int,
        stiffness: int,
        routine: Routine | None = None,
        pain_before: int | None = None,
        soreness: str | None = None,
        coach: Sequence[Mapping[str, Any]] = (),
        key: str | None = None,
    ) -> bool:
        """A check-in, after the session it rates when there is one: one write, once per device
        key (False when the key was received before)."""
        from easeback.usecases import journal

        check_in = journal.make_check_in(pain, stiffness, journal.utc_now())
        saved = journal.record_check_in(
            self.engine, check_in, routine, pain_before, soreness, coach, key
        )
        self.watch.invalidate()
        return saved

    def history(self) -> Any:
        from easeback.usecases import journal

        return journal.history(self.engine)

    def stops(self) -> Any:
        """Stops and restores only (a History): what the safety gates of every page read;
        read again only when the journal changed."""
        return self.watch.stops()

    def page(self, limit: int, before: str | None = None, since: str | None = None) -> Any:
        """The newest `limit` entries before a place (`entries.key_text`), newest first, and how
        many older ones there are."""
        from easeback.usecases import journal

        return journal.history_page(self.engine, limit, journal.parse_since(since), before)

    def progress(self, cat: Catalogue) -> Any:
        """The progress report, from the database's aggregates."""
        from easeback.usecases import journal

        return journal.progress_of(self.engine, cat.techniques, journal.local(journal.utc_now()))

    def recent_readings(self) -> list[Any]:
        """Pain readings of the last 60 days up to the newest, for the chart."""
        from easeback.usecases import journal

        return journal.recent_readings(self.engine)

    def restore(self, technique_id: str) -> None:
        from easeback.usecases import journal

        journal.restore(self.engine, technique_id, journal.utc_now())
        self.watch.invalidate()

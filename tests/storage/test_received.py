"""A write sent from a device with its key is saved once: sent again after it was saved, or twice
at the same moment (two tabs sending the same outbox), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from easeback.domain.progression import CheckIn
from easeback.storage import repository
from easeback.storage.received import KeyReused

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = "c0ffee00c0ffee00c0ffee00c0ffee00"


def _check_in() -> CheckIn:
    return CheckIn(T, 3, 2)


def test_sent_again_it_is_saved_once_and_gives_the_first_id(engine):
    first = repository.record_check_in(engine, _check_in(), T, key=KEY)
    again = repository.record_check_in(engine, _check_in(), T, key=KEY)
    assert first[1] is True and again == (first[0], False)
    assert len(repository.load_history(engine, tz=UTC).check_ins) == 1


def test_sent_twice_at_once_it_is_saved_once(engine):
    barrier = threading.Barrier(4)
    results: list[tuple[int | None, bool]] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(repository.record_check_in(engine, _check_in(), T, key=KEY))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(saved for _id, saved in results) == [False, False, False, True]
    assert len({rid for rid, _saved in results}) == 1
    assert len(repository.load_history(engine, tz=UTC).check_ins) == 1


def test_a_key_saved_with_a_stop_is_not_taken_for_a_check_in(engine):
    routine = {"techniques": []}
    repository.record_stop(engine, T, routine, [], ("other", None), key=KEY)
    with pytest.raises(KeyReused) as found:
        repository.record_check_in(engine, _check_in(), T, key=KEY)
    assert found.value.kind == "stop"
    assert repository.load_history(engine, tz=UTC).check_ins == ()

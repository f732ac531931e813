"""Sign-in limits that hold when the tries come all at once: forty wrong passwords sent in
parallel for one account (or from one address) get at most ten password checks, counted where
Argon2 runs; and the counters keep no typed email. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from easeback.usecases import accounts
from tests.practice.conftest import PASSWORD, T0

PARALLEL = 40


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """Every Argon2 verification (or the equal work spent on an unknown email), as it runs."""
    seen: list[str] = []
    lock = threading.Lock()
    real = accounts._verify

    def counted(stored: str | None, password: str) -> bool:
        with lock:
            seen.append(password)
        return real(stored, password)

    monkeypatch.setattr(accounts, "_verify", counted)
    return seen


def _all_at_once(engine, tries: list[tuple[str, str, str]]) -> list[str]:
    start = threading.Barrier(len(tries))

    def one(t: tuple[str, str, str]) -> str:
        email, password, address = t
        start.wait()
        try:
            accounts.sign_in(engine, email, password, address, T0)
        except accounts.TooManyAttempts:
            return "429"
        except accounts.SignInRefused:
            return "401"
        return "200"

    with ThreadPoolExecutor(len(tries)) as pool:
        return list(pool.map(one, tries))


def test_forty_parallel_wrong_passwords_for_one_account_get_ten_checks(engine, people, checks):
    tries = [("ann@example.org", f"guess number {k}", f"10.1.0.{k}") for k in range(PARALLEL)]
    answers = _all_at_once(engine, tries)
    assert len(checks) <= accounts.MAX_ATTEMPTS, len(checks)
    assert answers.count("401") == len(checks) and answers.count("429") == PARALLEL - len(checks)
    # the right password is refused too until the minute is over, then works
    with pytest.raises(accounts.TooManyAttempts):
        accounts.sign_in(engine, "ann@example.org", PASSWORD, "10.2.0.1", T0)
    later = T0.replace(minute=T0.minute + 1, second=1)
    assert accounts.sign_in(engine, "ann@example.org", PASSWORD, "10.2.0.1", later)


def test_forty_parallel_tries_from_one_address_get_ten_checks(engine, people, checks):
    tries = [(f"guess{k}@example.org", "wrong password", "10.9.9.9") for k in range(PARALLEL)]
    answers = _all_at_once(engine, tries)
    assert len(checks) <= accounts.MAX_ATTEMPTS, len(checks)
    assert answers.count("429") >= PARALLEL - accounts.MAX_ATTEMPTS


def test_right_passwords_do_not_use_up_the_limit(engine, people, checks):
    """A clinic behind one address signs in all day: only failures count against it."""
    for _ in range(accounts.MAX_ATTEMPTS + 5):
        accounts.sign_in(engine, "bob@example.org", PASSWORD, "10.3.3.3", T0)
    assert len(checks) == accounts.MAX_ATTEMPTS + 5


def test_counters_keep_no_typed_email_or_address(engine, people):
    for email in ("Ann@Example.org", "typo@exmaple.org"):
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(engine, email, "wrong password", "10.4.4.4", T0)
    with engine.connect() as conn:
        dump = repr(conn.execute(text("SELECT * FROM sign_in_counters")).all())
        tables = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE detail LIKE '%@%'")
        ).scalar()
    assert "example" not in dump.lower() and "exmaple" not in dump and "10.4.4.4" not in dump
    assert len(dump) > 10  # the rows are there, hashed
    assert tables == 0

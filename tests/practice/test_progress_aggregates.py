"""A person's progress in practice mode is read from the database's aggregates, not from the
whole journal loaded, and gives the same figures as the report made from the whole journal.
On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from easeback.content.loader import default_catalogue
from easeback.storage import practice as repo
from easeback.usecases import practice
from easeback.usecases.journal import progress, progress_public
from tests.practice.conftest import T0
from tests.web.answers import clear_answers

BRIDGE = {"id": "bridge", "hold_seconds": 3, "reps": 5, "sets": 1}
CAT_COW = {"id": "cat-cow", "reps": 5}


def test_progress_matches_the_whole_journal_and_the_list(engine, people):
    cat = default_catalogue()
    alice = repo.user_by_id(engine, people["alice"])
    ann = repo.user_by_id(engine, people["ann"])
    assert alice is not None and ann is not None
    pid = ann.id
    practice.prescribe(engine, cat, alice, pid, [BRIDGE, CAT_COW], 3, T0)
    # 200 days of a journal: check-ins every other day falling from 7 to 3, a session every
    # fourth day, one stopped at the bridge for sharp pain; the screening redone weekly
    for day in range(0, 200):
        now = T0 + timedelta(days=day, hours=1)
        if day % 7 == 0:
            practice.screen(engine, cat, ann, clear_answers(pain_days=10 + day), now)
        if day % 2 == 0:
            pain = max(3, 7 - day // 40)
            practice.check_in(engine, ann, pain, max(2, pain - 1), now)
        if day % 4 == 1:
            stopped = "bridge:sharp_pain" if day == 121 else None
            before = max(3, 7 - day // 40)
            practice.log_session(engine, cat, ann, before, before - 1, now, stopped)
    now = T0 + timedelta(days=200)
    got = practice.progress(engine, alice, pid, now)
    whole = practice.history(engine, ann)
    want = progress_public(progress(whole, cat.techniques, practice.naive(now)))
    assert want["techniques"] and want["baseline_pain"] == 7 and want["latest_pain"] == 3
    for key, value in want.items():
        assert got[key] == value, key
    row = next(p for p in practice.people(engine, cat, alice, now) if p["id"] == pid)
    for key in ("adherence", "pain", "peg", "flags", "per_week"):
        assert got[key] == row[key], key
    assert len(got["pain"]) == 30 and got["pain"][-1]["value"] == 3

"""The clinician's day, by the use cases and the web door: a week of three people (rising pain,
a numbness stop, everything skipped), the list ordered by need with the right reasons, each
person's timeline and chart series, honest adherence across a programme edit, PEG and PSFS in
the record, the FHIR export (validated) and the CSV. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest

from easeback.content.loader import default_catalogue
from easeback.storage import practice as repo
from easeback.usecases import practice
from easeback.usecases.errors import InputError
from tests.practice.conftest import T0
from tests.web.answers import clear_answers

BRIDGE = {"id": "bridge", "hold_seconds": 3, "reps": 5, "sets": 1}
CAT_COW = {"id": "cat-cow", "reps": 5}
DAY = timedelta(days=1)


@pytest.fixture
def week(engine, people, password_hash):
    """Ann's pain rises 3 -> 8 over two weeks, bob stops for numbness, dee skips everything;
    all three were prescribed bridge and cat-cow three times a week 15 days ago."""
    cat = default_catalogue()
    north = repo.clinic_id(engine, "North", T0)
    people["dee"] = repo.add_user(engine, "dee@example.org", "person", north, password_hash, T0)
    users = {k: repo.user_by_id(engine, v) for k, v in people.items()}
    alice = users["alice"]
    for who in ("ann", "bob", "dee"):
        practice.prescribe(engine, cat, alice, people[who], [BRIDGE, CAT_COW], 3, T0)
    for day, pain in ((1, 3), (4, 5), (8, 6), (11, 6), (14, 8)):
        at = T0 + day * DAY
        practice.screen(engine, cat, users["ann"], clear_answers(), at)
        practice.check_in(engine, users["ann"], pain, 3, at)
        practice.log_session(engine, cat, users["ann"], pain, pain, at + timedelta(hours=1))
    now = T0 + 15 * DAY
    practice.screen(engine, cat, users["bob"], clear_answers(), now - 2 * DAY)
    practice.log_session(engine, cat, users["bob"], 3, 4, now - DAY, "cat-cow:numbness")
    practice.screen(engine, cat, users["dee"], clear_answers(), now - 2 * DAY)
    for k in (3, 2, 1):
        practice.log_session(
            engine, cat, users["dee"], 4, 4, now - k * DAY, None, ["bridge", "cat-cow"]
        )
    return cat, users, now


def test_the_list_orders_people_by_need_with_their_reasons(engine, people, week):
    cat, users, now = week
    rows = practice.people(engine, cat, users["alice"], now)
    assert [r["email"].split("@")[0] for r in rows] == ["bob", "ann", "dee"]
    needs = {r["email"].split("@")[0]: [(n["need"], n["text"]) for n in r["needs"]] for r in rows}
    assert needs["bob"] == [("nerve_stop", "stopped for numbness at Cat-cow")]
    assert needs["ann"] == [("pain_rising", "pain rose 3 → 8 since 3 Mar")]
    assert needs["dee"] == [("no_session", "no session done in 15 days of the programme")]
    stop_link = rows[0]["needs"][0]["link"]
    assert stop_link.startswith(f"/people/{people['bob']}#stop-")
    # sessions with everything skipped are not sessions done
    assert rows[2]["adherence"] == {"done": 0, "prescribed": 9}
    assert rows[1]["adherence"] == {"done": 5, "prescribed": 9}
    nerve = practice.people(engine, cat, users["alice"], now, "nerve")
    assert [r["id"] for r in nerve] == [people["bob"]]
    with pytest.raises(InputError, match="unknown filter 'soon'; use one of any, screening"):
        practice.people(engine, cat, users["alice"], now, "soon")


def test_adherence_is_capped_weekly_and_kept_across_an_edit(engine, people, week):
    cat, users, now = week
    before = practice.progress(engine, users["alice"], people["ann"], now)
    practice.prescribe(engine, cat, users["alice"], people["ann"], [CAT_COW], 3, now - DAY / 2)
    after = practice.progress(engine, users["alice"], people["ann"], now)
    assert before["adherence"] == after["adherence"] == {"done": 5, "prescribed": 9}
    assert [(w["done"], w["prescribed"]) for w in after["weeks"]] == [(2, 3), (2, 3), (1, 3)]
    for k in range(6):  # six sessions in the current week count as three
        practice.log_session(engine, cat, users["ann"], 4, 4, now + k * timedelta(hours=2))
    capped = practice.progress(engine, users["alice"], people["ann"], now + DAY)
    assert capped["weeks"][-1]["done"] == 7 and capped["weeks"][-1]["percent"] == 100
    assert capped["adherence"] == {"done": 7, "prescribed": 9}


def test_a_person_record_shows_the_timeline_and_the_series(engine, people, week):
    cat, users, now = week
    view = practice.record_view(engine, cat, users["alice"], people["dee"], now)
    sessions = [e for e in view["timeline"] if e["kind"] == "Session"]
    assert [e["text"] for e in sessions] == ["skipped, pain 4 → 4"] * 3
    assert sessions[0]["details"] == ["Bridge: skipped", "Cat-cow: skipped"]
    first = {e["kind"]: e["text"] for e in view["timeline"][-2:]}
    assert first == {
        "Programme set": "3 sessions a week by alice@north.example",
        "Episode started": "in North, alice@north.example assigned",
    }
    bob = practice.record_view(engine, cat, users["alice"], people["bob"], now)
    [stop] = [e for e in bob["timeline"] if e["kind"] == "Stop"]
    assert stop["text"] == "numbness or tingling at Cat-cow" and stop["alert"]
    assert stop["details"][0].startswith("Advice shown: ")
    [session] = [e for e in bob["timeline"] if e["kind"] == "Session"]
    assert session["details"] == ["Bridge: done", "Cat-cow: stopped"]
    ann = practice.record_view(engine, cat, users["alice"], people["ann"], now)
    assert [v for _at, v in ann["pain"]][:3] == [3, 3, 3] and ann["pain"][-1][1] == 8
    with pytest.raises(practice.NotFound):
        practice.record_view(engine, cat, users["ann"], people["ann"], now)
    carol = repo.user_by_id(engine, people["carol"])
    with pytest.raises(practice.NotFound):
        practice.record_view(engine, cat, carol, people["ann"], now)
    trail = [a["action"] for a in repo.audit_trail(engine, people["dee"])]
    assert "record.read" in trail


def test_peg_and_psfs_reach_the_record_the_fhir_export_and_the_csv(engine, people, week):
    cat, users, now = week
    ann, alice = users["ann"], users["alice"]
    assert practice.outcomes_due(engine, ann, now) == {"peg": True, "psfs": True, "activities": []}
    practice.record_outcome(engine, ann, "peg", {"pain": 6, "enjoyment": 4, "activity": 5}, now)
    practice.record_outcome(engine, ann, "psfs", [["Putting on socks", 3], ["Gardening", 5]], now)
    practice.record_outcome(
        engine, ann, "peg", {"pain": 8, "enjoyment": 7, "activity": 6}, now + 7 * DAY
    )
    due = practice.outcomes_due(engine, ann, now + 8 * DAY)
    assert due == {"peg": False, "psfs": False, "activities": ["Putting on socks", "Gardening"]}
    with pytest.raises(InputError, match="PEG enjoyment must be a whole number from 0 to 10"):
        practice.record_outcome(engine, ann, "peg", {"pain": 6, "enjoyment": 11}, now)
    with pytest.raises(InputError, match="each PSFS activity is"):
        practice.record_outcome(engine, ann, "psfs", [["Walking"]], now)
    view = practice.record_view(engine, cat, alice, people["ann"], now + 8 * DAY)
    assert [v for _at, v in view["peg"]] == [5.0, 7.0]
    assert [v for _at, v in view["psfs"]] == [4.0]
    kinds = {e["kind"]: e["text"] for e in view["timeline"]}
    assert kinds["PSFS"] == "4.0: Putting on socks 3/10; Gardening 5/10"
    row = next(r for r in practice.people(engine, cat, alice, now + 8 * DAY) if r["id"] == ann.id)
    assert ("peg_worse", "PEG 5.0 → 7.0") in [(n["need"], n["text"]) for n in row["needs"]]
    bundle = json.loads("".join(practice.export_fhir(engine, cat, alice, ann.id, now + 8 * DAY)))
    obs = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"]
    pegs = [o for o in obs if o["code"]["coding"][0]["code"] == "91148-7"]
    assert [o["component"][-1]["valueQuantity"]["value"] for o in pegs] == [5.0, 7.0]
    [psfs] = [o for o in obs if o["code"]["coding"][0]["code"] == "psfs"]
    assert psfs["valueQuantity"]["value"] == 4.0
    assert [c["code"]["text"] for c in psfs["component"]] == ["Putting on socks", "Gardening"]
    data = practice.export_csv(engine, alice, ann.id, now + 8 * DAY)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "outcomes.csv" in z.namelist() and "sessions.csv" in z.namelist()
        found = list(csv.DictReader(io.StringIO(z.read("outcomes.csv").decode())))
    assert [(r["measure"], r["score"]) for r in found] == [
        ("peg", "5.0"),
        ("psfs", "4.0"),
        ("peg", "7.0"),
    ]
    assert {r["user_id"] for r in found} == {str(ann.id)}


def test_an_episode_notes_discharge_and_a_move(engine, people, week, password_hash):
    from sqlalchemy import func, select

    from easeback.storage.tables import EpisodeRow, NoteRow

    cat, users, now = week
    alice, ann, carol = users["alice"], users["ann"], users["carol"]
    pid = ann.id
    episode = practice.care_view(engine, alice, pid)["episode"]
    assert episode["clinician"] == "alice@north.example" and episode["ended_at"] is None
    with pytest.raises(InputError, match="choose a clinician of this clinic"):
        practice.assign_clinician(engine, alice, pid, carol.id, now)
    practice.assign_clinician(engine, alice, pid, None, now)
    assert practice.care_view(engine, alice, pid)["episode"]["clinician"] is None
    # notes: the clinic only, audited, one-line errors
    practice.add_note(engine, alice, pid, "  Pain up since the move to a standing desk.  ", now)
    notes = practice.care_view(engine, alice, pid)["notes"]
    assert [(n["text"], n["author"]) for n in notes] == [
        ("Pain up since the move to a standing desk.", "alice@north.example")
    ]
    with pytest.raises(InputError, match="a note needs some text"):
        practice.add_note(engine, alice, pid, "   ", now)
    with pytest.raises(InputError, match="at most 4000 characters, this one 4001"):
        practice.add_note(engine, alice, pid, "x" * 4001, now)
    for outsider in (ann, carol):
        with pytest.raises(practice.NotFound):
            practice.care_view(engine, outsider, pid)
        with pytest.raises(practice.NotFound):
            practice.add_note(engine, outsider, pid, "hello", now)
    assert "note.add" in [a["action"] for a in repo.audit_trail(engine, pid)]
    timeline = practice.record_view(engine, cat, alice, pid, now)["timeline"]
    assert timeline[0]["kind"] == "Note" and timeline[0]["details"] == ["by alice@north.example"]

    # discharge: the programme ends, the journal stays, nothing programme-bound is asked of them
    practice.discharge(engine, alice, pid, now)
    view = practice.programme_view(engine, cat, ann, pid, now + DAY)
    assert view["prescribed"] is False and view["discharged"]
    with pytest.raises(InputError, match="no programme has been prescribed to you yet"):
        practice.log_session(engine, cat, ann, 3, 3, now + DAY)
    practice.check_in(engine, ann, 4, 3, now + DAY)
    later = now + 20 * DAY
    row = next(r for r in practice.people(engine, cat, alice, later) if r["id"] == pid)
    assert [n["need"] for n in row["needs"]] == [] and row["discharged"]
    assert len(row["weeks"]) == 3  # the weeks stopped at the discharge
    kinds = [e["kind"] for e in practice.record_view(engine, cat, alice, pid, later)["timeline"]]
    assert "Discharged" in kinds
    # prescribing again starts a new episode and the programme is back
    practice.prescribe(engine, cat, alice, pid, [CAT_COW], 3, later)
    assert practice.programme_view(engine, cat, ann, pid, later)["prescribed"] is True
    assert practice.care_view(engine, alice, pid)["episode"]["ended_at"] is None

    # a move to another clinic: by the owner (an admin without a clinic), not by a clinician
    adam = repo.user_by_id(
        engine, repo.add_user(engine, "adam@x.example", "admin", None, password_hash, T0)
    )
    with pytest.raises(practice.NotFound):
        practice.move_person(engine, alice, pid, "South", later)
    with pytest.raises(InputError, match="already in North"):
        practice.move_person(engine, adam, pid, "North", later)
    assert practice.move_person(engine, adam, pid, "South", later) == {"id": pid, "clinic": "South"}
    carol_sees = practice.care_view(engine, carol, pid)
    assert [e["end_reason"] for e in carol_sees["episodes"]] == ["discharged", "moved"]
    with pytest.raises(practice.NotFound):
        practice.progress(engine, alice, pid, later)
    # deleting the account takes its episodes and notes with it
    repo.delete_user(engine, pid)
    with engine.connect() as conn:
        for table in (EpisodeRow, NoteRow):
            assert conn.execute(select(func.count()).select_from(table)).scalar() == (
                0 if table is NoteRow else 2  # bob's and dee's episodes remain
            )

"""Safety contract version 3 on the web (issue 29): the result page's lines and call button, the
technique page's dose source, and no calendar after a screening that allows no routine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from easeback.content.loader import default_catalogue
from tests.web.answers import clear_answers


def test_clear_and_caution_results_say_to_check_first(visitor):
    line = default_catalogue().screening.check_first
    assert line
    resp = visitor.screen(clear_answers())
    assert "Gentle self-care is fine" in resp.text and line in resp.text
    resp = visitor.screen(clear_answers(old_back_injury="yes"))
    assert "with care" in resp.text and line in resp.text
    assert "feels different from before" in resp.text
    resp = visitor.screen(clear_answers(fever_chills="yes"))
    assert "See a doctor today" in resp.text and line not in resp.text


def test_severe_pain_that_stops_movement_offers_the_call_button(visitor):
    resp = visitor.screen(clear_answers(severe_pain_limits_movement="yes"))
    assert "See a doctor today" in resp.text and "Get seen now" in resp.text
    assert 'class="button call" href="tel:' in resp.text
    resp = visitor.screen(clear_answers(cancer_history="yes"))
    assert 'class="button call"' not in resp.text


def test_the_technique_page_names_where_its_dose_comes_from(client):
    text = client.get("/techniques/pelvic-tilt").text
    assert "Where this dose comes from" in text and "10-20 times" in text
    assert "easeback&#39;s own starting dose" in text or "easeback's own starting dose" in text
    text = client.get("/techniques/sphinx").text
    assert "No article gives a figure" in text


def test_no_calendar_download_after_an_emergency_screening(visitor):
    visitor.screen(clear_answers())
    assert visitor.client.get("/journal/export/ics").status_code == 200
    # an emergency answer ends the questions at once; the journal keeps that screening
    resp = visitor.screen(clear_answers(bladder_bowel_control="yes"))
    assert "Get emergency help now" in resp.text
    refused = visitor.client.get("/journal/export/ics")
    assert refused.status_code == 400 and "allows no routine" in refused.text
    assert "BEGIN:VCALENDAR" not in refused.text


def test_a_lapsed_screening_is_asked_afresh_on_the_web(app, visitor):
    """Asking again copies nothing: once the answers are 8 days old, no question page offers
    an earlier answer, and no routine can be planned until they are given again."""
    resp = visitor.screen(clear_answers(pain_now=0, knee_problem="yes"))
    assert "Gentle self-care is fine" in resp.text
    store = app.state.web.sessions.store
    cookie = visitor.client.cookies["easeback_session"]
    old = (datetime.now(UTC) - timedelta(days=8)).isoformat()
    store.save(cookie, store.load(cookie) | {"screened_at": old})
    assert "answer them again" in visitor.client.get("/").text
    ids = [q.id for q in default_catalogue().screening.questions]
    for qid in ("bladder_bowel_control", "pain_now", "knee_problem"):
        page = visitor.client.get(f"/screening/{ids.index(qid) + 1}").text
        assert "your last answer" not in page and "was-chosen" not in page, qid
    assert visitor.client.get("/plan", follow_redirects=False).status_code in (303, 200)
    assert 'href="/plan"' not in visitor.client.get("/result").text


def test_the_api_result_carries_the_check_first_line_and_the_call(client):
    line = default_catalogue().screening.check_first
    out = client.post("/api/screening", json={"answers": clear_answers()}).json()
    assert out["disposition"] == "clear" and out["check_first"] == line and not out["call"]
    answers = clear_answers(severe_pain_limits_movement="yes")
    out = client.post("/api/screening", json={"answers": answers}).json()
    assert out["disposition"] == "urgent" and out["check_first"] is None and out["call"]
    assert [r["call"] for r in out["reasons"]] == [True]


def test_pain_days_on_the_web_comes_from_the_episode_start_once_confirmed(app, visitor):
    """A journal screening 8 days ago said the episode began a day before it: the pain_days
    page offers "the same episode" as 9 days; choosing it answers 9, typing answers the number."""
    from easeback.settings import Settings
    from easeback.usecases import journal
    from easeback.usecases.screening import screen_answers

    engine = journal.open_journal(Settings(data_dir=app.state.web.settings.data_dir))
    result = screen_answers(default_catalogue(), clear_answers(pain_days=1))
    journal.save_screening(engine, result, journal.utc_now() - timedelta(days=8))
    engine.dispose()
    ids = [q.id for q in default_catalogue().screening.questions]
    n = ids.index("pain_days") + 1
    visitor.post("/screening/start")
    page = visitor.client.get(f"/screening/{n}").text
    assert "The same episode as last time" in page and "(9 days ago)" in page
    resp = visitor.post(f"/screening/{n}", {"answer": "9"})
    assert resp.status_code == 200
    page = visitor.client.get(f"/screening/{n}").text
    assert 'value="9"' in page and "The same episode as last time" not in page

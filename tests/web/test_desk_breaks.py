"""The /desk-breaks page and its iCalendar download: screening first, then the countdown, the
banner's link to the prefilled routine builder, and reminders the same as the CLI's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from easeback.usecases import journal, planning, screening
from easeback.web.journal_door import journal_installed

from .answers import clear_answers

ROUTINE = "/plan?place=chair&amp;goal=desk-break&amp;minutes=3"


def test_without_a_screening_the_page_says_screening_comes_first(client):
    html = client.get("/desk-breaks").text
    assert "Screening comes first" in html and 'href="/"' in html
    assert "desk-breaks.js" not in html and ".ics" not in html
    resp = client.get("/desk-breaks.ics", follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == "/desk-breaks"


def test_page_after_screening_has_countdown_banner_and_download(visitor, catalogue):
    visitor.screen(clear_answers())
    resp = visitor.client.get("/desk-breaks", params={"every": 45})
    assert resp.status_code == 200
    html = resp.text
    assert '<script src="/static/desk-breaks.js"></script>' in html
    assert "<script>" not in html  # CSP: no inline script
    assert 'data-every="45"' in html and 'id="desk-due"' in html and "hidden" in html
    assert f'href="{ROUTINE}"' in html
    assert 'href="/desk-breaks.ics?every=45&amp;start=09%3A00&amp;end=17%3A00&amp;days=mon' in html
    routine = planning.desk_break_routine(
        catalogue, screening.screen_answers(catalogue, clear_answers())
    )
    assert routine is not None
    for item in routine.items:
        assert item.technique.name in html
    assert visitor.client.get("/static/desk-breaks.js").status_code == 200


def test_ics_download_parses_back(visitor, catalogue):
    icalendar = pytest.importorskip("icalendar")
    visitor.screen(clear_answers())
    resp = visitor.client.get(
        "/desk-breaks.ics",
        params={"every": 60, "start": "08:00", "end": "12:00", "days": ["mon", "thu"]},
    )
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/calendar")
    assert "attachment" in resp.headers["content-disposition"]
    evs = list(icalendar.Calendar.from_ical(resp.content).walk("VEVENT"))
    assert [e.decoded("dtstart").strftime("%H:%M") for e in evs] == ["09:00", "10:00", "11:00"]
    assert all(e["rrule"]["BYDAY"] == ["MO", "TH"] for e in evs)
    assert "Seated" in str(evs[0]["description"])


@pytest.mark.parametrize(
    "params",
    [{"every": 3}, {"every": 300}, {"every": 30, "start": "18:00"}, {"every": 30, "days": "fry"}],
)
def test_bad_choices_are_explained(visitor, params):
    visitor.screen(clear_answers())
    page = visitor.client.get("/desk-breaks", params=params)
    assert page.status_code == 400 and 'role="alert"' in page.text
    assert visitor.client.get("/desk-breaks.ics", params=params).status_code == 400


def test_a_screening_that_blocks_a_routine_gets_no_reminders(visitor):
    visitor.screen(clear_answers(pain_below_knee="yes"))
    assert "Screening comes first" in visitor.client.get("/desk-breaks").text


def test_after_a_numbness_stop_the_questions_come_first(visitor):
    visitor.screen(clear_answers())
    visitor.post("/plan", {"place": "floor", "minutes": 5, "equipment": "mat"})
    visitor.post("/stop", {"reason": "numbness", "index": 0})
    assert "Screening comes first" in visitor.client.get("/desk-breaks").text


def test_routine_builder_is_prefilled_from_the_banner_link(visitor):
    visitor.screen(clear_answers())
    html = visitor.client.get("/plan?place=chair&goal=desk-break&minutes=3").text
    assert '<option value="chair" selected>' in html
    assert '<option value="desk-break" selected>' in html
    assert 'value="3" required' in html
    plain = visitor.client.get("/plan?place=moon&minutes=999").text
    assert '<option value="floor" selected>' in plain and 'value="10" required' in plain
    assert 'href="/desk-breaks"' in plain


@pytest.mark.skipif(not journal_installed(), reason="the journal extra is missing")
def test_a_new_visit_uses_the_journals_valid_screening(app, client, catalogue):
    engine = app.state.web.journal.engine
    result = screening.screen_answers(catalogue, clear_answers())
    journal.save_screening(engine, result, journal.utc_now() - timedelta(days=8))
    assert "Screening comes first" in client.get("/desk-breaks").text  # lapsed
    journal.save_screening(engine, result, journal.utc_now())
    assert "desk-breaks.js" in client.get("/desk-breaks").text
    assert client.get("/desk-breaks.ics").status_code == 200

"""A stop or a check-in kept on the device during an outage is sent again until the server
confirms it, with a key made on the device: the journal saves it once, however many times it
arrives. Every stop's advice is in the player page itself, for when the server cannot answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from easeback.content.loader import default_catalogue
from easeback.domain.models import StopReason
from easeback.web.journal_door import journal_installed

from .answers import clear_answers

pytestmark = pytest.mark.skipif(not journal_installed(), reason="the journal extra is missing")

KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
OTHER_KEY = "k" * 32
STATIC = Path(__file__).resolve().parents[2] / "easeback" / "web" / "static"


def _planned(visitor) -> None:
    visitor.screen(clear_answers())
    visitor.post("/plan", {"place": "floor", "minutes": 5, "equipment": "mat"})


def _history(app):
    return app.state.web.journal.history()


def test_a_stop_sent_twice_with_its_key_is_saved_once(app, visitor):
    _planned(visitor)
    for _ in range(3):  # the first answer lost, then sent again from the outbox
        resp = visitor.post("/stop", {"reason": "sharp_pain", "index": "0", "key": KEY})
        assert resp.url.path == "/stopped/sharp_pain", resp.url
        assert "You stopped: sharp, shooting or unfamiliar pain" in resp.text
    (session,) = _history(app).sessions
    assert session.status == "stopped"
    assert [s.reason.value for s in session.stops] == ["sharp_pain"]
    assert session.results[0].outcome == "stopped"
    # another stop, another key: saved
    visitor.post("/stop", {"reason": "other", "index": "0", "key": OTHER_KEY})
    assert len(_history(app).sessions) == 2


def test_without_a_key_each_stop_is_saved(app, visitor):
    _planned(visitor)
    visitor.post("/stop", {"reason": "other", "index": "0"})
    visitor.post("/stop", {"reason": "other", "index": "0"})
    assert len(_history(app).sessions) == 2


def test_a_stop_with_a_malformed_key_is_saved_all_the_same(app, visitor):
    _planned(visitor)
    resp = visitor.post("/stop", {"reason": "dizziness", "index": "0", "key": "no good!"})
    assert resp.url.path == "/stopped/dizziness"
    assert len(_history(app).sessions) == 1


def test_a_nerve_sign_stop_sent_again_after_it_cleared_the_screening_is_saved_once(app, visitor):
    _planned(visitor)
    for _ in range(2):
        resp = visitor.post("/stop", {"reason": "numbness", "index": "1", "key": KEY})
        assert resp.url.path == "/stopped/numbness"
        assert "Answer the safety questions again" in resp.text
    assert len(_history(app).sessions) == 1
    assert visitor.client.get("/player", follow_redirects=False).status_code == 303


def test_a_check_in_after_a_session_sent_twice_is_saved_once(app, visitor):
    _planned(visitor)
    data = {"after": "1", "pain_before": 5, "pain": 3, "stiffness": 4, "key": KEY}
    for _ in range(2):
        resp = visitor.post("/check-in", data)
        assert resp.url.path == "/journal"
    h = _history(app)
    assert len(h.sessions) == 1 and len(h.check_ins) == 1
    assert (h.sessions[0].pain_before, h.sessions[0].pain_after) == (5, 3)
    assert h.sessions[0].status == "completed"
    visitor.post("/check-in", {"pain": 2, "stiffness": 2, "key": OTHER_KEY})
    assert len(_history(app).check_ins) == 2


def test_a_check_in_with_a_malformed_key_is_refused_in_one_line(visitor):
    resp = visitor.post("/check-in", {"pain": 3, "stiffness": 3, "key": "short"})
    assert resp.status_code == 400
    assert "key must be 16 to 64 letters, digits, &#39;-&#39; or &#39;_&#39;" in resp.text


def test_the_player_page_holds_every_stops_advice_and_the_stop_form_opts_in(visitor):
    _planned(visitor)
    html = visitor.client.get("/player").text
    for reason, advice in default_catalogue().stops.items():
        section = re.search(
            rf'<section data-reason="{reason.value}".*?</section>', html, flags=re.S
        )
        assert section, reason
        assert advice.advice.replace("'", "&#39;") in section.group(0), reason
        assert f"You stopped: {advice.label.lower()}" in section.group(0)
    assert 'data-outbox="/stopped/"' in html and 'data-what="stop"' in html
    assert '<script src="/static/offline.js" defer></script>' in html
    assert "<script>" not in html  # the CSP allows no inline script: the advice is markup


def test_the_service_worker_keeps_every_stopped_page_and_the_home_page():
    sw = (STATIC / "sw.js").read_text()
    listed = re.search(r"var STOPPED = \[([^\]]*)\]", sw)
    assert listed, "sw.js lists the stop reasons"
    assert set(re.findall(r'"([a-z_]+)"', listed.group(1))) == {r.value for r in StopReason}
    for path in ('"/"', '"/static/nav.js"', '"/static/offline.js"', '"/player"'):
        assert path in sw, path


def test_one_key_for_two_kinds_of_write_is_refused_in_one_line(app, visitor):
    _planned(visitor)
    visitor.post("/stop", {"reason": "other", "index": "0", "key": KEY})
    resp = visitor.post("/check-in", {"pain": 3, "stiffness": 3, "key": KEY})
    assert resp.status_code == 400
    assert "key was used before for a stop; make a new key for each write" in resp.text
    assert _history(app).check_ins == ()

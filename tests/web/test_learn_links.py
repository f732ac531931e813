"""Advice links to the learn pages that explain it: screening reasons, stops and journal advice.
Every /learn/ link reachable from the main pages resolves; the emergency page offers none."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from easeback.web.journal_door import journal_installed

from .answers import clear_answers

HREF = re.compile(r'href="([^"#]+)')


def hrefs(html: str) -> list[str]:
    return [h for h in HREF.findall(html) if urlsplit(h).netloc == ""]


def learn_links(html: str) -> set[str]:
    return {h for h in hrefs(html) if h.startswith("/learn/")}


def test_every_learn_link_from_the_main_pages_resolves(visitor):
    client = visitor.client
    pages = [client.get("/").text, client.get("/learn").text]
    result = visitor.screen(clear_answers(pain_days=10))  # caution: lasted more than a few days
    assert result.url.path == "/result" and "verdict-caution" in result.text
    pages.append(result.text)
    visitor.post("/plan", {"place": "floor", "minutes": 5, "equipment": "mat"})
    stopped = visitor.post("/stop", {"reason": "dizziness", "index": 0})
    assert stopped.url.path == "/stopped/dizziness"
    pages.append(stopped.text)
    seen: set[str] = set()
    for html in pages:
        for href in hrefs(html):
            if href.startswith("/static/") or href in seen:
                continue
            seen.add(href)
            resp = client.get(href)
            assert resp.status_code == 200, href
            for learn in learn_links(resp.text) - seen:  # one level further: See also
                seen.add(learn)
                assert client.get(learn).status_code == 200, learn
    assert {"/learn/who-to-see", "/learn/red-flags", "/learn/desk-breaks"} <= seen


def test_result_reasons_link_their_topics(visitor, catalogue):
    html = visitor.screen(clear_answers(pain_days=10)).text
    assert 'href="/learn/who-to-see"' in html
    assert f">{catalogue.topic('who-to-see').title}</a>" in html
    assert "Learn more:" in html


def test_stopped_page_links_the_stops_topics(client, catalogue):
    for stop in catalogue.stops.values():
        html = client.get(f"/stopped/{stop.reason.value}").text
        assert stop.learn, stop.reason
        for topic in stop.learn:
            assert f'href="/learn/{topic}"' in html


def test_emergency_page_offers_nothing_but_help(visitor):
    html = visitor.screen(clear_answers(bladder_bowel_control="yes")).text
    assert 'role="alert"' in html
    # the head's own assets, then only the call and the way back to the question
    assert hrefs(html) == [
        "/static/style.css",
        "/static/icon.svg",
        "/manifest.webmanifest",
        "/static/icon-192.png",
        "tel:112",
        "/screening/1",
    ]
    assert "Learn more" not in html


@pytest.mark.skipif(not journal_installed(), reason="the journal extra is missing")
def test_journal_advice_links_its_topic(visitor):
    visitor.post("/check-in", {"pain": 4, "stiffness": 3})  # no screening yet: rescreen advice
    html = visitor.client.get("/journal").text
    assert "Answer the safety questions again" in html
    assert 'href="/learn/red-flags">Learn more:' in html

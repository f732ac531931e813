"""The welcome and player pages are kept as HTML and each visitor's form token is put in per
response: every visitor must get their own token (their forms work, another's would not), and
the kept page must change when what it shows changes."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from easeback.settings import Settings
from easeback.web import create_app

from .answers import clear_answers
from .conftest import BASE, Visitor, csrf_of


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'(?:value|data-csrf)="([0-9a-f]{64})"', html))


def test_first_visits_share_one_page_but_each_gets_its_own_token(tmp_path: Any) -> None:
    app = create_app(Settings(data_dir=str(tmp_path)))
    tokens = []
    for _ in range(3):
        with TestClient(app, base_url=BASE) as stranger:
            page = stranger.get("/")
            token = csrf_of(page.text)
            assert "csrf-" not in page.text
            tokens.append(token)
            # the token is this visitor's: their form is accepted
            started = stranger.post("/screening/start", data={"csrf_token": token})
            assert started.status_code == 200 and started.url.path == "/screening/1"
    assert len(set(tokens)) == 3
    assert len(app.state.web.visitor_pages) == 1, "one welcome page made for every first visit"


def test_two_visitors_with_one_routine_get_their_own_tokens_on_the_player(tmp_path: Any) -> None:
    app = create_app(Settings(data_dir=str(tmp_path)))
    with TestClient(app, base_url=BASE) as one, TestClient(app, base_url=BASE) as two:
        pages = []
        for client in (one, two):
            visitor = Visitor(client)
            visitor.screen(clear_answers())
            visitor.post("/plan", {"place": "floor", "minutes": 5, "equipment": "mat"})
            for _ in range(2):  # the second is served from the kept HTML
                page = client.get("/player")
                assert page.status_code == 200 and _tokens(page.text) == {visitor.csrf}
            pages.append(page.text)
        assert pages[0] != pages[1]
        assert pages[0].replace(csrf_of(pages[0]), "") == pages[1].replace(csrf_of(pages[1]), "")
        # one's token does not work for two
        refused = two.post("/stop", data={"csrf_token": csrf_of(pages[0]), "reason": "other"})
        assert refused.status_code == 403
        stopped = one.post("/stop", data={"csrf_token": csrf_of(pages[0]), "reason": "other"})
        assert stopped.status_code == 200 and stopped.url.path == "/stopped/other"


def test_a_kept_player_page_follows_a_new_routine(tmp_path: Any) -> None:
    app = create_app(Settings(data_dir=str(tmp_path)))
    with TestClient(app, base_url=BASE) as client:
        visitor = Visitor(client)
        visitor.screen(clear_answers())
        visitor.post("/plan", {"place": "floor", "minutes": 5, "equipment": "mat"})
        short = client.get("/player").text
        visitor.post("/plan", {"place": "chair", "minutes": 20})
        long = client.get("/player").text  # the chair routine, not the kept floor page
        label = re.compile(r'id="technique-label"[^>]*>([^<]+)<.*?id="next">([^<]+)<', re.S)
        before, after = label.search(short), label.search(long)
        assert before and after
        assert before.groups() != after.groups()  # the total and the first technique


def test_the_player_counts_its_techniques_in_words(tmp_path: Any) -> None:
    """One technique is "1 technique", not "1 techniques"."""
    app = create_app(Settings(data_dir=str(tmp_path)))
    with TestClient(app, base_url=BASE) as client:
        visitor = Visitor(client)
        visitor.screen(clear_answers())
        label = re.compile(r'id="technique-label"[^>]*>([^<]+)<')
        seen = {}
        for minutes in (2, 20):
            visitor.post("/plan", {"place": "floor", "minutes": minutes, "equipment": "mat"})
            found = label.search(client.get("/player").text)
            assert found
            seen[minutes] = found.group(1)
        assert re.match(r"1 technique · ", seen[2]), seen[2]
        assert re.match(r"([2-9]|\d\d+) techniques · ", seen[20]), seen[20]

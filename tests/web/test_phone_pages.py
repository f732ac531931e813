"""The journey's pages as a phone meets them, in-process: the question counter counts what is
asked, the plan form says how long a first routine can be before a length is picked, the
wording, personal pages that are never stored, text compressed on the wire and a description
on every page."""

from __future__ import annotations

import re

from .answers import clear_answers


def test_the_question_counter_counts_the_questions_asked(visitor):
    """On the clear path every page says 'Question k of N' with k going up by one (it jumped
    from 21 to 23 over a clearance nobody needed) and N the number of pages answered (it said
    33 where 32 were asked)."""
    answers = clear_answers()
    resp = visitor.post("/screening/start")
    counted: list[tuple[int, int]] = []
    while resp.url.path.startswith("/screening/"):
        found = re.search(r"Question (\d+) of (\d+)", resp.text)
        assert found, resp.text
        counted.append((int(found.group(1)), int(found.group(2))))
        n = int(resp.url.path.rsplit("/", 1)[1])
        qid = re.search(r'data-question="([a-z_]+)"', resp.text)
        assert qid
        value = answers.get(qid.group(1))
        resp = visitor.post(f"/screening/{n}", {"answer": "" if value is None else value})
    assert resp.url.path == "/result"
    asked = len(counted)
    assert [k for k, _ in counted] == list(range(1, asked + 1))
    assert {total for _, total in counted} == {asked}


def test_a_first_timer_is_told_how_long_a_first_routine_can_be_before_picking(visitor):
    visitor.screen(clear_answers())
    html = visitor.client.get("/plan").text
    found = re.search(r"at most about (\d+) min on the floor", html)
    assert found, html
    said = int(found.group(1))
    resp = visitor.post(
        "/plan", {"place": "floor", "minutes": 60, "goal": "general-relief", "equipment": "mat"}
    )
    assert resp.url.path == "/routine"
    timeline = visitor.client.get("/player/timeline.json").json()
    got = timeline["total"]
    assert got <= said * 60, (got, said)  # asked for 60, told beforehand what it can hold
    assert said * 60 - got < 300, (got, said)  # and not far above it
    assert "in bed" in html and "on a chair" in html


def test_the_caution_result_asks_for_no_check_it_never_advised(visitor):
    resp = visitor.screen(clear_answers(pain_now=8))
    assert resp.url.path == "/result"
    assert "Gentle self-care is fine, with care" in resp.text
    assert "as advised" not in resp.text
    assert "the article" not in resp.text


def test_personal_pages_are_never_stored_and_shared_ones_revalidate(visitor):
    client = visitor.client
    visitor.screen(clear_answers())
    visitor.post("/plan", {"place": "floor", "minutes": 5, "equipment": "mat"})
    for path in ("/", "/screening/1", "/result", "/plan", "/routine", "/player"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert resp.headers["cache-control"] == "no-store", path
    assert client.get("/player/timeline.json").headers["cache-control"] == "no-store"
    if "/journal" in client.get("/").text:
        assert client.get("/journal").headers["cache-control"] == "no-store"
    assert client.get("/learn").headers["cache-control"] == "no-cache"  # the same for everyone


def test_text_is_compressed_for_a_browser_that_accepts_it(client):
    for path, kind in (
        ("/techniques/cat-cow", "text/html"),
        ("/static/player.css", "text/css"),
        ("/static/player.js", "javascript"),
        ("/pictures/cat-cow.svg", "image/svg+xml"),
        ("/api/techniques", "application/json"),
    ):
        plain = client.get(path, headers={"accept-encoding": "identity"})
        packed = client.get(path, headers={"accept-encoding": "gzip"})
        assert kind in packed.headers["content-type"], path
        assert "content-encoding" not in plain.headers, path
        assert packed.headers["content-encoding"] == "gzip", path
        assert packed.content == plain.content, path  # httpx decodes it
        assert packed.num_bytes_downloaded < 0.6 * len(plain.content), path


def test_every_page_has_a_description(client):
    for path in ("/", "/techniques", "/learn", "/techniques/bridge", "/desk-breaks"):
        html = client.get(path).text
        assert re.search(r'<meta name="description" content="[^"]{40,}">', html), path

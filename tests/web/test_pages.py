"""The journey pages through the app in-process: screening wizard, result, routine, player, stop,
library and learn."""

from __future__ import annotations

import re

from easeback.content.loader import default_catalogue

from .answers import clear_answers
from .conftest import Visitor


def test_welcome_says_what_easeback_is_not(client):
    html = client.get("/").text
    assert "Not a diagnosis" in html
    assert 'name="viewport"' in html


def test_wizard_shows_one_question_with_progress_back_and_not_sure(visitor):
    resp = visitor.post("/screening/start")
    assert resp.url.path == "/screening/1"
    assert re.search(r"Question 1 of \d+\b", resp.text)  # counted in test_phone_pages.py
    # each choice is a button that answers and moves on; none looks chosen beforehand
    assert resp.text.count('type="submit" name="answer"') == 3
    assert 'value="unsure"' in resp.text and "Not sure" in resp.text
    assert "checked" not in resp.text and "autofocus" not in resp.text and "was" not in resp.text
    resp = visitor.post("/screening/1", {"answer": "no"})
    assert resp.url.path == "/screening/2"
    assert 'href="/screening/1">Back' in resp.text
    back = visitor.client.get("/screening/1")
    assert re.search(r'value="no" class="choice">No <span class="was">your last answer', back.text)


def test_pain_is_a_row_of_eleven_buttons(visitor):
    visitor.post("/screening/start")
    ids = [q.id for q in default_catalogue().screening.questions]
    n = ids.index("pain_now") + 1
    html = visitor.client.get(f"/screening/{n}").text
    assert re.findall(r'name="answer" value="(\d+)" class="scale-step"', html) == [
        str(k) for k in range(11)
    ]
    assert 'type="number"' not in html and ">Next<" not in html
    resp = visitor.post(f"/screening/{n}", {"answer": "4"})
    assert resp.url.path == f"/screening/{n + 1}"
    again = visitor.client.get(f"/screening/{n}").text
    assert 'value="4" class="scale-step was-chosen"' in again and "Your last answer was 4" in again


def test_clear_path_to_a_routine_and_its_timeline(visitor):
    resp = visitor.screen(clear_answers())
    assert resp.url.path == "/result"
    assert "Gentle self-care is fine" in resp.text
    assert 'href="/plan"' in resp.text
    resp = visitor.post(
        "/plan", {"place": "floor", "minutes": 5, "goal": "general-relief", "equipment": "mat"}
    )
    assert resp.url.path == "/routine"
    assert "picture" in resp.text and 'href="/player"' in resp.text
    player = visitor.client.get("/player")
    assert "Stop: it hurts" in player.text
    for s in default_catalogue().stops.values():
        assert s.label in player.text
    data = visitor.client.get("/player/timeline.json").json()
    assert data["cues"][0]["kind"] == "ready" and data["cues"][-1]["kind"] == "complete"
    assert data["total"] == data["cues"][-1]["offset"]


def test_emergency_answer_goes_straight_to_an_unmistakable_help_page(visitor):
    visitor.post("/screening/start")
    resp = visitor.post("/screening/1", {"answer": "yes"})
    assert resp.url.path == "/result"
    html = resp.text
    assert "Get emergency help now" in html and 'role="alert"' in html
    assert "emergency number" in html
    # nothing else to do: no routine, no navigation, no forms
    assert "/plan" not in html and "<nav" not in html and "<form" not in html
    assert 'class="emergency"' in html
    assert 'href="tel:112"' in html, "the default number is 112"
    assert 'href="/screening/1">I answered by mistake' in html
    # nothing but getting help: the call, the way back, no reasons list or other links
    assert re.findall(r"<a [^>]*href=\"([^\"]+)\"", html) == ["tel:112", "/screening/1"]


def test_emergency_number_follows_the_region_and_the_setting(tmp_path):
    from fastapi.testclient import TestClient

    from easeback.settings import Settings
    from easeback.web import create_app

    from .conftest import BASE

    for settings, language, number in [
        (Settings(data_dir=str(tmp_path)), "en-US,en;q=0.8", "911"),
        (Settings(data_dir=str(tmp_path)), "en-GB", "999"),
        (Settings(data_dir=str(tmp_path)), "de-DE,de", "112"),
        (Settings(data_dir=str(tmp_path), emergency_number="000"), "en-US", "000"),
    ]:
        with TestClient(create_app(settings), base_url=BASE) as client:
            visitor = Visitor(client)
            visitor.post("/screening/start")
            headers = {"accept-language": language}
            resp = visitor.post("/screening/1", {"answer": "yes"}, headers=headers)
            assert f'href="tel:{number}">Call {number}<' in resp.text, (language, number)


def test_unsure_counts_as_yes(visitor):
    resp = visitor.screen(clear_answers(cancer_history="unsure"))
    assert "See a doctor today" in resp.text
    assert "You answered" not in resp.text and "cancer_history" not in resp.text
    assert 'href="/plan"' not in resp.text
    assert visitor.client.get("/plan").url.path == "/result"


def test_professional_first_lists_reasons_and_who_to_see(visitor):
    resp = visitor.screen(clear_answers(disc_herniation="yes", pain_below_knee="yes"))
    assert "See a professional before self-mobilising" in resp.text
    _assert_plain_reasons(resp.text, clear_answers(disc_herniation="yes", pain_below_knee="yes"))
    assert "Physical therapist" in resp.text


def test_caution_reasons_have_advice(visitor):
    resp = visitor.screen(clear_answers(pain_now=8, knee_problem="yes"))
    assert "with care" in resp.text
    _assert_plain_reasons(resp.text, clear_answers(pain_now=8, knee_problem="yes"))
    assert 'href="/plan"' in resp.text


def _assert_plain_reasons(html: str, answers: dict[str, object]) -> None:
    """The reasons are the advice in plain words: no question text, no answer echo, no ids."""
    from html import unescape

    from easeback.usecases.screening import screen_answers

    cat = default_catalogue()
    result = screen_answers(cat, answers)
    assert result.reasons
    text = unescape(html)
    for r in result.reasons:
        assert r.advice in text
        assert cat.screening.question(r.question).text not in text
        assert r.question not in text
    assert "You answered" not in text
    # the advice in plain words comes first, before any reason
    do_now = cat.dispositions[result.disposition].do_now
    assert text.index(do_now) < text.index(result.reasons[0].advice)


def test_integer_answers_are_checked(visitor):
    visitor.post("/screening/start")
    ids = [q.id for q in default_catalogue().screening.questions]
    n = ids.index("pain_now") + 1
    resp = visitor.post(f"/screening/{n}", {"answer": "11"})
    assert resp.status_code == 400 and 'role="alert"' in resp.text
    resp = visitor.post(f"/screening/{n}", {"answer": "abc"})
    assert resp.status_code == 400


def test_incomplete_screening_has_no_result(visitor):
    visitor.post("/screening/start")
    visitor.post("/screening/1", {"answer": "no"})
    resp = visitor.client.get("/result")
    assert "not finished" in resp.text and 'href="/screening/2"' in resp.text
    assert visitor.client.get("/player").url.path in ("/plan", "/result", "/")


def test_plan_refuses_bad_minutes(visitor):
    visitor.screen(clear_answers())
    resp = visitor.post("/plan", {"place": "floor", "minutes": 500})
    assert resp.status_code == 400 and "between 1 and 120" in resp.text


def _plan(visitor: Visitor, minutes: int = 10) -> dict:
    visitor.post("/plan", {"place": "floor", "minutes": minutes, "equipment": "mat"})
    return visitor.client.get("/player/timeline.json").json()


def test_stop_for_sharp_pain_leaves_the_technique_out(visitor):
    visitor.screen(clear_answers())
    first = _plan(visitor)["cues"][1]["technique_id"]
    resp = visitor.post("/stop", {"reason": "sharp_pain", "index": 0})
    assert resp.url.path == "/stopped/sharp_pain"
    assert "Sharp pain is a signal" in resp.text
    again = _plan(visitor)
    assert first not in {c["technique_id"] for c in again["cues"]}


def test_stop_for_numbness_reopens_the_screening(visitor):
    visitor.screen(clear_answers())
    _plan(visitor)
    resp = visitor.post("/stop", {"reason": "numbness", "index": 0})
    assert "answer the safety questions again" in resp.text.lower()
    assert visitor.client.get("/player").status_code == 200  # redirected away
    assert visitor.client.get("/player").url.path != "/player"
    assert visitor.client.get("/player/timeline.json").status_code == 404
    home = visitor.client.get("/")
    assert "nerve sign" in home.text
    visitor.screen(clear_answers())
    assert _plan(visitor)["cues"]


def test_stop_page_works_without_javascript(visitor):
    resp = visitor.client.get("/stop")
    assert resp.text.count('name="reason"') == 5


TILE = r'<a class="tile" href="/techniques/'


def test_library_filters_and_search(client):
    all_items = client.get("/techniques").text
    n_all = len(re.findall(TILE, all_items))
    assert n_all == len(default_catalogue().techniques)
    pool = client.get("/techniques", params={"place": "pool"}).text
    assert 0 < len(re.findall(TILE, pool)) < n_all
    found = client.get("/techniques", params={"q": "cat cow"}).text
    assert "/techniques/cat-cow" in found
    none = client.get("/techniques", params={"have": "towel"}).text
    assert len(re.findall(TILE, none)) < n_all
    assert client.get("/techniques", params={"place": "moon"}).status_code == 400


def test_library_counts_what_it_shows_in_words(client):
    """The count above the cards: "1 technique" for one, never "1 techniques"."""

    def count_line(html: str) -> str:
        found = re.search(r'<p role="status">([^<]*)', html)
        assert found, "the library shows no count"
        return found.group(1).strip(" ·")

    n_all = len(default_catalogue().techniques)
    assert count_line(client.get("/techniques").text) == f"{n_all} techniques"
    one = client.get("/techniques", params={"q": "cat cow"}).text
    assert len(re.findall(TILE, one)) == 1
    assert count_line(one) == "1 technique"


def test_library_is_a_grid_of_cards_with_each_key_pose(client):
    html = client.get("/techniques").text
    ids = re.findall(r'<a class="tile" href="/techniques/([a-z0-9-]+)"', html)
    poses = re.findall(r'<img src="/pictures/([a-z0-9-]+)\.svg\?pose=end"', html)
    assert poses and set(poses) <= set(ids)
    svg = client.get(f"/pictures/{poses[0]}.svg", params={"pose": "end"})
    assert svg.status_code == 200 and "<svg" in svg.text
    assert "<animate" not in svg.text, "a card shows the still key pose, not the loop"
    assert client.get(f"/pictures/{poses[0]}.svg", params={"pose": "x"}).status_code == 404
    # labels, not enum values, in every filter
    options = re.findall(r"<option value=\"[^\"]+\"[^>]*>([^<]+)</option>", html)
    assert options and all("-" not in o and "_" not in o for o in options)


def test_durations_read_in_minutes_and_counts_in_words(client):
    from easeback.web import views

    assert views.seconds_range_text(120, 1200) == "2–20 min"
    assert views.seconds_range_text(15, 30) == "15–30 s"
    assert views.seconds_range_text(30, 120) == "30 s – 2 min"
    assert views.count_text(1, 1, "repetition", "repetitions") == "1 repetition"
    html = client.get("/techniques/decompression-90-90").text
    assert "2–20 min" in html and "1200" not in html
    assert "1–1" not in html and "1 repetition" in html
    pool = client.get("/techniques/pool-walking").text
    assert "1 repetition of 2–10 min" in pool and "One repetition is one unbroken walk" in pool
    roll = client.get("/techniques/foam-roll-glutes-midback").text
    assert "2–3 repetitions of 1–2 min" in roll
    from easeback.content.loader import default_catalogue

    cat = {t.id: t for t in default_catalogue().techniques}
    walk = {"reps": 1, "hold_seconds": 120}
    assert views.dose_text(walk, cat["pool-walking"]) == "1 repetition of 2 min"
    assert (
        views.dose_text({"reps": 5, "hold_seconds": 5}, cat["bridge"]) == "5 repetitions, 5 s hold"
    )
    assert "One repetition is slow rolling back and forth" in roll


def test_technique_page_has_a_labelled_picture_slot(client):
    html = client.get("/techniques/cat-cow").text
    assert "Cat-Cow" in html or "Cat" in html
    assert 'aria-label="Picture of' in html or 'alt="How to do' in html
    assert client.get("/techniques/no-such").status_code == 404


def test_learn_pages(client):
    cat = default_catalogue()
    index = client.get("/learn").text
    for t in cat.topics:
        assert f'href="/learn/{t.id}"' in index
    page = client.get(f"/learn/{cat.topics[0].id}")
    assert page.status_code == 200 and cat.topics[0].title in page.text
    assert client.get("/learn/nope").status_code == 404


def test_speed_is_ignored_unless_the_app_allows_it():
    from fastapi.testclient import TestClient

    from easeback.settings import Settings
    from easeback.web import create_app

    with TestClient(create_app(Settings(), journal=False), base_url="http://127.0.0.1") as c:
        v = Visitor(c)
        v.screen(clear_answers())
        v.post("/plan", {"place": "floor", "minutes": 5})
        assert 'data-speed="1.0"' in c.get("/player", params={"speed": 50}).text


def test_an_urgent_answer_ends_the_wizard_at_once(visitor):
    visitor.post("/screening/start")
    for n in (1, 2, 3):
        visitor.post(f"/screening/{n}", {"answer": "no"})
    resp = visitor.post("/screening/4", {"answer": "yes"})  # major_trauma
    assert resp.url.path == "/result"
    assert "See a doctor today" in resp.text
    assert "30 other questions were not asked" in resp.text
    assert 'href="/plan"' not in resp.text


def test_clearance_is_asked_after_a_professional_first_answer_and_no_stops(visitor):
    answers = clear_answers(disc_herniation="yes", cleared_by_professional="no")
    resp = visitor.screen(answers)
    assert "See a professional before self-mobilising" in resp.text
    assert "within the next few days" in resp.text
    assert "12 other questions were not asked" in resp.text  # the context, never asked


def test_cleared_by_a_professional_gives_a_gentle_routine(visitor):
    answers = clear_answers(disc_herniation="yes", cleared_by_professional="yes")
    resp = visitor.screen(answers)
    assert "Gentle self-care is fine, with care" in resp.text
    assert "professional&#39;s plan first" in resp.text or "professional's plan first" in resp.text
    assert 'href="/plan"' in resp.text


def test_back_steps_over_a_clearance_that_was_not_asked(visitor):
    table = default_catalogue().screening
    ids = [q.id for q in table.questions]
    resp = visitor.post("/screening/start")
    for _ in range(len(table.red_flags)):
        n = int(resp.url.path.rsplit("/", 1)[1])
        resp = visitor.post(f"/screening/{n}", {"answer": "no"})
    first_context = ids.index("pain_days") + 1
    assert resp.url.path == f"/screening/{first_context}"  # no clearance question
    back = ids.index("leg_pain_above_knee") + 1  # the last red flag
    assert f'href="/screening/{back}">Back' in resp.text

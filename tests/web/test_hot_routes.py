"""Hot routes (easeback.web.fast) answer ordinary requests before FastAPI's router and hand the
rest on: for every request the answer must be the one the FastAPI route alone gives, under the
same security middleware."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from easeback.settings import Settings
from easeback.web import create_app
from easeback.web.api import plan_at_once
from easeback.web.fast import HotRoute
from easeback.web.security import HEADERS

from .answers import clear_answers
from .conftest import BASE

GOOD: list[dict[str, Any]] = [
    {"answers": clear_answers(), "place": "floor", "minutes": 10, "equipment": ["mat"]},
    {"answers": clear_answers(), "place": "any", "minutes": 60, "equipment": ["mat"]},
    {"answers": clear_answers(), "place": "chair", "minutes": 3, "goal": "desk-break"},
    {"answers": clear_answers()},  # every default
    {"answers": clear_answers(), "place": "floor", "minutes": 1},  # too short: planned false
]
# handed on: refused by the model, by the screening, or a screening that allows no routine
HANDED_ON: list[Any] = [
    {"answers": clear_answers(bladder_bowel_control="yes"), "place": "floor"},
    {"answers": clear_answers(), "minutes": "ten"},
    {"answers": clear_answers(), "minutes": 0},
    {"answers": clear_answers(), "minutes": 10.5},
    {"answers": clear_answers(), "place": "roof"},
    {"answers": clear_answers(), "surprise": 1},
    {"answers": clear_answers(), "equipment": ["mat"] * 17},
    {"answers": clear_answers(pain_now=11)},
    {"answers": clear_answers(pain_now="a lot")},
    {"answers": {}},
    {"place": "floor"},
    [],
    "plan",
]


def _raw(body: Any) -> bytes:
    return json.dumps(body).encode()


def _without_hot_routes(app: Any) -> Any:
    """The app as FastAPI alone serves it: no hot stack, and FastAPI's own /api/plan."""
    app.hot.clear()
    app.router.routes[:] = [r for r in app.router.routes if not isinstance(r, HotRoute)]
    return app


@pytest.fixture
def clients(tmp_path) -> Any:
    hot = create_app(Settings(data_dir=str(tmp_path / "hot")))
    plain = _without_hot_routes(create_app(Settings(data_dir=str(tmp_path / "plain"))))
    with TestClient(hot, base_url=BASE) as a, TestClient(plain, base_url=BASE) as b:
        yield a, b


def _same(clients: Any, method: str, url: str, **kw: Any) -> Any:
    hot, plain = (c.request(method, url, **kw) for c in clients)
    assert hot.status_code == plain.status_code
    assert hot.content == plain.content
    assert dict(hot.headers) == dict(plain.headers)
    return hot


@pytest.mark.parametrize("body", GOOD + HANDED_ON, ids=lambda b: json.dumps(b)[-40:])
def test_a_plan_is_answered_as_the_fastapi_route_answers_it(clients: Any, body: Any) -> None:
    resp = _same(clients, "POST", "/api/plan", content=_raw(body), headers=_JSON)
    for name, value in HEADERS.items():
        assert resp.headers[name] == value


_JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("content", "headers"),
    [
        (b"{not json", _JSON),
        (_raw(GOOD[0]), {"content-type": "text/plain"}),
        (_raw(GOOD[0]), {"content-type": "application/json; charset=utf-8"}),
        (_raw(GOOD[0]), {}),
        (b"", _JSON),
    ],
)
def test_odd_bodies_are_answered_as_before(clients: Any, content: bytes, headers: Any) -> None:
    _same(clients, "POST", "/api/plan", content=content, headers=headers)


@pytest.mark.parametrize("method", ["GET", "PUT", "HEAD"])
def test_other_methods_are_refused_as_before(clients: Any, method: str) -> None:
    resp = _same(clients, method, "/api/plan")
    assert resp.status_code == 405


def _answer(app: Any, raw: bytes) -> Any:
    """plan_at_once's answer, run in a thread of its own (a browser test may have left this
    thread's event loop running)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, plan_at_once(_request(app, raw), raw)).result()


def _request(app: Any, raw: bytes) -> Request:
    headers = [(b"host", b"127.0.0.1"), (b"content-type", b"application/json")]
    scope = {"type": "http", "method": "POST", "path": "/api/plan", "headers": headers}
    return Request(scope | {"app": app, "query_string": b""})


@pytest.mark.parametrize("body", GOOD, ids=lambda b: json.dumps(b)[-40:])
def test_an_ordinary_plan_is_answered_by_the_hot_route(tmp_path, body: Any) -> None:
    app = create_app(Settings(data_dir=str(tmp_path)))
    resp = _answer(app, _raw(body))
    assert resp is not None and resp.status_code == 200
    with TestClient(_without_hot_routes(app), base_url=BASE) as plain:
        assert bytes(resp.body) == plain.post("/api/plan", json=body).content


@pytest.mark.parametrize("body", HANDED_ON, ids=lambda b: json.dumps(b)[-40:])
def test_anything_else_is_handed_on(tmp_path, body: Any) -> None:
    app = create_app(Settings(data_dir=str(tmp_path)))
    assert _answer(app, _raw(body)) is None


def test_the_hot_route_keeps_the_host_and_origin_checks(clients: Any) -> None:
    hot, _ = clients
    body = _raw(GOOD[0])
    assert hot.post("/api/plan", content=body, headers=_JSON).status_code == 200
    foreign = hot.post("/api/plan", content=body, headers=_JSON | {"host": "evil.example"})
    assert foreign.status_code == 400
    cross = hot.post("/api/plan", content=body, headers=_JSON | {"sec-fetch-site": "cross-site"})
    assert cross.status_code == 403
    origin = hot.post("/api/plan", content=body, headers=_JSON | {"origin": "http://evil.example"})
    assert origin.status_code == 403
    big = hot.post("/api/plan", content=b" " * 70_000 + body, headers=_JSON)
    assert big.status_code == 413


def test_the_plan_stays_in_the_api_schema(tmp_path) -> None:
    app = create_app(Settings(data_dir=str(tmp_path)))
    assert "post" in app.openapi()["paths"]["/api/plan"]


PAGES = ["/", "/player", "/player/timeline.json", "/player?speed=fast", "/player?speed=2"]


def _both_ways(app: Any, client: Any, url: str, **kw: Any) -> tuple[Any, Any]:
    """The answer of the hot stack, then of the whole FastAPI app, to the same request."""
    hot = dict(app.hot)
    first = client.get(url, **kw)
    app.hot.clear()
    try:
        second = client.get(url, **kw)
    finally:
        app.hot.update(hot)
    return first, second


@pytest.mark.parametrize("url", PAGES)
def test_hot_pages_are_the_pages_the_whole_app_serves(app: Any, visitor: Any, url: str) -> None:
    visitor.screen(clear_answers())
    plan = {"place": "floor", "minutes": 10, "equipment": "mat"}
    assert visitor.post("/plan", plan).status_code == 200
    hot, whole = _both_ways(app, visitor.client, url)
    assert (hot.status_code, hot.content) == (whole.status_code, whole.content)
    assert dict(hot.headers) == dict(whole.headers)
    for name, value in HEADERS.items():
        assert hot.headers[name] == value


@pytest.mark.parametrize("url", PAGES)
def test_hot_pages_without_a_routine_are_the_same_too(app: Any, client: Any, url: str) -> None:
    hot, whole = _both_ways(app, client, url, follow_redirects=False)
    assert hot.status_code == whole.status_code
    if url != "/":  # a first visit gets a new session each time
        assert (hot.content, dict(hot.headers)) == (whole.content, dict(whole.headers))


def test_hot_pages_keep_the_host_check(client: Any) -> None:
    for url in PAGES[:3]:
        assert client.get(url, headers={"host": "evil.example"}).status_code == 400


def test_a_hot_page_that_fails_fails_as_the_whole_app_does(app: Any) -> None:
    app.state.web.sessions.store = None  # the session cannot be opened: a server error
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as c:
        c.cookies.set("easeback_session", "a" * 43)
        hot, whole = _both_ways(app, c, "/player")
    assert hot.status_code == whole.status_code == 500
    assert (hot.content, dict(hot.headers)) == (whole.content, dict(whole.headers))

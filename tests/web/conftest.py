from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient

from easeback.settings import Settings
from easeback.web import create_app

BASE = "http://127.0.0.1"


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


class Visitor:
    """A browser-less visitor: keeps the session cookie and the CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = csrf_of(client.get("/").text)

    def post(self, url: str, data: dict[str, object] | None = None, **kw: object):
        return self.client.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kw)

    def screen(self, answers: dict[str, object]):
        """Answer the wizard question by question, as a person would; returns the last response."""
        resp = self.post("/screening/start")
        while resp.url.path.startswith("/screening/"):
            n = int(resp.url.path.rsplit("/", 1)[1])
            qid = re.search(r'data-question="([a-z_]+)"', resp.text)
            assert qid, resp.text
            value = answers.get(qid.group(1))
            resp = self.post(f"/screening/{n}", {"answer": "" if value is None else value})
            assert resp.status_code == 200, resp.text
        return resp


@pytest.fixture
def app(tmp_path):
    """The app with its journal (when installed) in a fresh folder."""
    return create_app(Settings(data_dir=str(tmp_path)), allow_speed=True)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE) as c:
        yield c


@pytest.fixture
def visitor(client) -> Visitor:
    return Visitor(client)

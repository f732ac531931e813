"""Technique and learn pages are the same for every visitor: rendered once per app, served with
an ETag and Cache-Control, revalidated with 304, and they neither open a session nor set a
cookie (they carry no form, so no CSRF token)."""

from __future__ import annotations

import pytest

from easeback.web import views
from easeback.web.store import COOKIE


@pytest.mark.parametrize("path", ["/techniques/cat-cow", "/learn", "/learn/red-flags"])
def test_a_shared_page_is_rendered_once_and_revalidated_by_etag(client, path):
    first = client.get(path)
    assert first.status_code == 200 and "<html" in first.text
    assert "csrf_token" not in first.text
    etag = first.headers["etag"]
    assert etag.startswith('"') and first.headers["cache-control"] == "no-cache"
    assert "set-cookie" not in first.headers and COOKIE not in client.cookies
    assert first.headers["content-security-policy"]  # the security middleware still applies
    again = client.get(path)
    assert again.content == first.content and again.headers["etag"] == etag
    fresh = client.get(path, headers={"if-none-match": etag})
    assert fresh.status_code == 304 and fresh.content == b"" and fresh.headers["etag"] == etag
    stale = client.get(path, headers={"if-none-match": '"other"'})
    assert stale.status_code == 200 and stale.content == first.content


def test_a_technique_page_draws_its_picture_once(client, monkeypatch):
    drawn: list[str] = []
    real = views.picture_svg

    def counting(t, pose="animated"):  # the real drawing, counted
        drawn.append(t.id)
        return real(t, pose)

    monkeypatch.setattr(views, "picture_svg", counting)
    pages = [client.get("/techniques/bridge").text for _ in range(3)]
    assert pages[0] == pages[1] == pages[2] and drawn == ["bridge"]
    assert client.get("/techniques/cat-cow").text != pages[0]
    assert client.get("/techniques/no-such").status_code == 404
    assert client.get("/learn/no-such").status_code == 404


def test_the_current_page_is_marked_in_the_navigation(client):
    learn = client.get("/learn/red-flags").text
    technique = client.get("/techniques/cat-cow").text
    assert '<a href="/learn" aria-current="page">' in learn
    assert '<a href="/techniques" aria-current="page">' in technique
    assert '<a href="/learn" aria-current' not in technique


@pytest.mark.parametrize("path", ["/techniques/cat-cow", "/learn", "/learn/red-flags"])
def test_a_rendered_shared_page_is_answered_before_fastapi_as_fastapi_answered_it(
    client, monkeypatch, path
):
    """Once rendered, the page is answered from memory before FastAPI's layers (the route,
    which would ask the catalogue again, is not reached), with the same status, headers and
    body, the security middleware's headers included; the ETag still gives 304."""
    first = client.get(path)
    assert first.status_code == 200
    catalogue = client.app.state.web.catalogue

    def unreachable(*args, **kwargs):
        raise AssertionError("the FastAPI route was reached")

    monkeypatch.setattr(type(catalogue), "technique", unreachable)
    monkeypatch.setattr(type(catalogue), "topic", unreachable)
    for _ in range(2):
        again = client.get(path)
        assert again.status_code == 200 and again.content == first.content
        assert again.headers == first.headers
    fresh = client.get(path, headers={"if-none-match": first.headers["etag"]})
    assert fresh.status_code == 304 and fresh.content == b""
    assert client.post(path).status_code == 405  # other methods are still FastAPI's to refuse


def test_a_page_not_yet_rendered_goes_to_its_route(client):
    assert client.get("/techniques/no-such").status_code == 404
    assert "/techniques/no-such" not in client.app.state.web.shared_pages
    assert client.get("/techniques/bridge?x=1").status_code == 200

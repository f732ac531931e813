"""HEAD is GET without the body (RFC 9110 9.3.2): link checkers, `curl -I` and proxies ask it, and
FastAPI's routes refused it with 405. Every page, file and picture answers HEAD with GET's status
and headers, Content-Length included, and no body; what GET refuses, HEAD refuses alike."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient

from easeback.settings import Settings
from easeback.web import create_app

from .conftest import BASE

PATHS = (
    "/",  # a hot route
    "/learn",  # rendered once, then answered before FastAPI
    "/learn/red-flags",
    "/techniques",
    "/techniques/cat-cow",
    "/player",
    "/api/techniques",
    "/api/questions",
    "/static/nav.js",
    "/pictures/cat-cow.svg",
    "/manifest.webmanifest",
    "/docs",
    "/techniques/no-such-thing",  # 404
    "/nowhere",  # 404
    "/api/plan",  # POST only: 405, as GET
)
VARY = {"date", "set-cookie", "etag", "last-modified", "content-security-policy"}


def _sent(got) -> int:
    """The length of GET's body as sent (gzip-compressed for a client that accepts it), which
    its Content-Length gives."""
    assert int(got.headers["content-length"]) == got.num_bytes_downloaded
    return got.num_bytes_downloaded


def _same_answer(client: TestClient, path: str) -> None:
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code, path
    assert head.content == b"", path
    assert int(head.headers["content-length"]) == _sent(got), path
    for name in set(got.headers) - VARY - {"content-length"}:
        assert head.headers.get(name) == got.headers[name], (path, name)


@pytest.mark.parametrize("path", PATHS)
def test_head_answers_as_get_without_the_body(client, path):
    client.get(path)  # the first GET may render and keep the page; compare with it kept
    _same_answer(client, path)


def test_head_first_then_get(tmp_path):
    """A page asked first by HEAD is rendered in full for the GET that follows."""
    app = create_app(Settings(data_dir=str(tmp_path)))
    with TestClient(app, base_url=BASE) as c:
        for path in ("/learn/red-flags", "/techniques/bridge"):
            head = c.head(path)
            got = c.get(path)
            assert head.status_code == got.status_code == 200
            assert head.content == b"" and b"</html>" in got.content
            assert int(head.headers["content-length"]) == _sent(got)


def test_head_keeps_the_security_headers_and_host_check(client):
    head = client.head("/")
    assert "content-security-policy" in head.headers
    assert head.headers["x-content-type-options"] == "nosniff"
    assert client.head("/", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400


def test_other_methods_are_still_refused(client):
    assert client.delete("/").status_code == 405
    assert client.put("/learn").status_code == 405

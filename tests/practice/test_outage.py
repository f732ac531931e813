"""The server side of an outage, on a real `easeback serve --multi-user` and a real PostgreSQL:
while the database is stopped every answer is 503 with Retry-After (JSON for /api, a page for
pages), /healthz still answers and /readyz does not, a worker killed meanwhile is logged and
replaced, and everything works again once the database is back, without a restart. The access
log names routes, never paths or query strings."""

from __future__ import annotations

import json
import os
import signal

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from tests.practice.conftest import PASSWORD
from tests.practice.served import get, request, serving, wait_until, workers
from tests.storage import pg


@pytest.fixture
def own_server():
    """A PostgreSQL server of this test's own, since the test stops it."""
    if pg.bindir() is None:
        if os.environ.get("EASEBACK_TEST_POSTGRES") == "require":
            pytest.fail(pg.HOW_TO_ENABLE)
        pytest.skip(pg.HOW_TO_ENABLE)
    with pg.server() as url:
        yield url


def test_a_database_outage_answers_503_then_recovers(own_server, tmp_path):
    from datetime import UTC, datetime

    from easeback.storage import open_engine
    from easeback.usecases import accounts

    url = pg.create_database(own_server, "outage")
    engine = open_engine(url)
    accounts.add_user(engine, "ann@example.org", "person", "North", PASSWORD, datetime.now(UTC))
    engine.dispose()
    log = tmp_path / "server.log"
    with serving(url, log, "--workers", "2") as (base, proc):
        status, _, body = request(
            base + "/api/login", "POST", {"email": "ann@example.org", "password": PASSWORD}
        )
        assert status == 200
        bearer = {"authorization": f"Bearer {json.loads(body)['token']}"}
        assert get(base + "/api/me", headers=bearer)[0] == 200
        assert get(base + "/readyz")[0] == 200
        history = "/api/history?limit=5&email=pat@example.org"
        assert get(base + history, headers=bearer)[0] == 200
        first = workers(proc)
        assert len(first) == 2

        pg.stop(own_server)
        for _ in range(4):  # whichever worker answers, with a pooled connection or a new one
            status, headers, body = get(base + "/api/me", headers=bearer)
            assert status == 503, body
            assert headers["retry-after"] == "5"
            assert "not answering" in json.loads(body)["detail"]
        status, headers, body = get(base + "/account", headers=bearer)
        assert status == 503 and headers["retry-after"] == "5"
        assert headers["content-type"].startswith("text/html")
        assert b"not answering" in body
        assert get(base + "/healthz")[0] == 200
        status, headers, _ = get(base + "/readyz")
        assert status == 503 and headers["retry-after"] == "5"

        # a worker that dies while the database is down is logged and replaced, and starts
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        wait_until(lambda: f"Child process [{victim}] died" in log.read_text(), proc, log,
                   "the dead worker's log line")  # fmt: skip
        wait_until(lambda: len(workers(proc) - first) == 1, proc, log, "a new worker")
        wait_until(lambda: get(base + "/api/me", headers=bearer)[0] == 503, proc, log, "503s")

        pg.start(own_server)
        # a pooled connection the restart cut may fail one request more (503), then all is well
        wait_until(lambda: get(base + "/api/me", headers=bearer)[0] == 200, proc, log,
                   "recovery")  # fmt: skip
        for _ in range(6):
            assert get(base + "/api/me", headers=bearer)[0] == 200
        assert get(base + "/readyz")[0] == 200
    text = log.read_text()
    assert "Internal Server Error" not in text and "Traceback" not in text, text[-3000:]
    assert "route=/api/me status=503" in text
    assert "route=/api/history status=200" in text
    assert "pat@example.org" not in text and "limit=" not in text
    assert "failed to start" not in text

"""The web app on a journal damaged inside: the journal's pages say so and how to save what can be
read (503), never a 500; the file is not changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from easeback.settings import Settings
from easeback.web import create_app
from easeback.web.journal_door import journal_installed
from tests.storage.damage import damaged_copy, write_journal

from .conftest import BASE

pytestmark = pytest.mark.skipif(not journal_installed(), reason="the journal extra is missing")


def test_journal_pages_say_the_journal_is_damaged(tmp_path: Path) -> None:
    good = write_journal(tmp_path / "good.sqlite3")
    journal = damaged_copy(good, tmp_path / "data" / "journal.sqlite3", "last")
    before = journal.read_bytes()
    app = create_app(Settings(data_dir=str(journal.parent)), allow_speed=True)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:
        assert client.get("/").status_code == 200
        for url in ("/journal", "/desk-breaks", "/journal/export/fhir"):
            resp = client.get(url)
            assert resp.status_code == 503, (url, resp.status_code)
            assert "Your journal is damaged" in resp.text, url
            assert f"sqlite3 {journal} .recover" in resp.text, url
    assert journal.read_bytes() == before

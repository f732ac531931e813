"""The web technique page's picture is the animation with its close-up: a small movement shows
there too, not only in the printed key poses."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi.testclient import TestClient

from easeback.settings import Settings
from easeback.web import create_app


def test_the_technique_page_shows_the_pelvic_tilt_close_up(tmp_path):
    app = create_app(Settings(data_dir=str(tmp_path)))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        page = client.get("/techniques/pelvic-tilt")
        assert page.status_code == 200 and "/pictures/pelvic-tilt.svg" in page.text
        svg = client.get("/pictures/pelvic-tilt.svg").text
    assert 'class="inset"' in svg and "low back flattens" in svg
    closeup = svg[svg.index('<g class="inset">') :]
    assert closeup.count('attributeName="d"') >= 3  # thigh, trunk and pelvis move in it

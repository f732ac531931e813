"""The web app manifest's icons: PNGs at the sizes it names, drawn by scripts/icons.py from
easeback's own icon (nothing downloaded), and still what that script draws today."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_manifest_icons_are_served_at_the_sizes_named(client):
    manifest = client.get("/manifest.webmanifest").json()
    pngs = [i for i in manifest["icons"] if i["type"] == "image/png"]
    assert {i["sizes"] for i in pngs} >= {"192x192", "512x512"}
    assert {i["purpose"] for i in pngs} == {"any", "maskable"}
    for icon in pngs:
        resp = client.get(icon["src"])
        assert resp.status_code == 200 and resp.headers["content-type"] == "image/png"
        w, h = png_size(resp.content)
        assert f"{w}x{h}" == icon["sizes"], icon


def test_committed_icons_are_what_the_script_draws(tmp_path):
    pytest.importorskip("cairosvg", reason="drawing the icons needs the pictures extra")
    image = pytest.importorskip("matplotlib.image")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "icons.py"), str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    drawn = sorted(p.name for p in tmp_path.glob("*.png"))
    assert drawn == ["icon-192.png", "icon-512.png", "icon-maskable-512.png"]
    for name in drawn:
        fresh = image.imread(tmp_path / name)
        kept = image.imread(ROOT / "easeback" / "web" / "static" / name)
        assert fresh.shape == kept.shape, name
        assert abs(fresh - kept).mean() < 0.01, f"{name} is stale: run scripts/icons.py"
    # the maskable icon fills its square (the launcher cuts the shape); the plain one is rounded
    maskable = image.imread(tmp_path / "icon-maskable-512.png")
    plain = image.imread(tmp_path / "icon-512.png")
    corner_alpha = [img[0, 0, 3] if img.shape[2] == 4 else 1.0 for img in (maskable, plain)]
    assert corner_alpha == [1.0, 0.0]

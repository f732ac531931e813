"""Draws the app icons the web manifest names, as PNG, from easeback's own icon drawing.

Run with `.venv/bin/python scripts/icons.py [FOLDER]` (default easeback/web/static) after changing
icon.svg; the PNGs are committed so the app serves them without cairosvg. Needs the pictures
extra (cairosvg). A test redraws them and compares.
"""

from __future__ import annotations

import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "easeback" / "web" / "static"
GREEN = "#1d5c4b"
GLYPH = (
    '<path d="M11 6c6 5 6 15 0 20M19 6c-4 5-4 15 0 20" stroke="#fff" stroke-width="3" '
    'fill="none" stroke-linecap="round"/>'
)
# "maskable": the launcher cuts its own shape, so the green fills the square and the glyph keeps
# inside the middle 80% circle (the safe zone).
MASKABLE = (
    f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" '
    f'fill="{GREEN}"/><g transform="translate(7 6.4) scale(0.6)">{GLYPH}</g></svg>'
)


def draw(folder: Path) -> list[Path]:
    import cairosvg  # type: ignore[import-untyped]

    plain = (STATIC / "icon.svg").read_bytes()
    jobs = [
        ("icon-192.png", plain, 192),
        ("icon-512.png", plain, 512),
        ("icon-maskable-512.png", MASKABLE.encode(), 512),
    ]
    written = []
    for name, svg, size in jobs:
        out = folder / name
        cairosvg.svg2png(bytestring=svg, write_to=str(out), output_width=size, output_height=size)
        written.append(out)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else STATIC
    target.mkdir(parents=True, exist_ok=True)
    for path in draw(target):
        print(path)

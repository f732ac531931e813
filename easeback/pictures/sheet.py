"""A contact sheet: every technique's start and end pose on one page, for review."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from easeback.domain.models import Technique
from easeback.pictures.figures import figure_for, key_rows
from easeback.pictures.svg import HEIGHT, INK, WIDTH, _nest, key_poses_svg

PANEL = 0.8  # each key pose at this fraction of its full size: close-up words about 14 px
LABEL = 22.0


def contact_sheet_svg(techniques: Sequence[Technique], columns: int = 2) -> str:
    """Every technique's key poses labelled with their steps (as printed), in a grid with
    their ids; a technique with more than two key poses takes a tile for each row of two."""
    pw, ph = 2 * WIDTH * PANEL, HEIGHT * PANEL
    tile_w, tile_h = pw + 20, ph + LABEL + 10
    tiles = [(t, n) for t in techniques for n in range(key_rows(figure_for(t.id)))]
    rows = (len(tiles) + columns - 1) // columns
    parts: list[str] = []
    for i, (t, n) in enumerate(tiles):
        x, y = (i % columns) * tile_w + 10, (i // columns) * tile_h + 10
        label = t.id if n == 0 else f"{t.id} (cont.)"
        parts.append(
            f'<text x="{x + 2:.0f}" y="{y + 15:.0f}" font-family="sans-serif" font-size="14" '
            f'fill="{INK}">{escape(label)}</text>'
            f'<rect x="{x:.0f}" y="{y + LABEL:.0f}" width="{pw:.0f}" height="{ph:.0f}" '
            'fill="none" stroke="#ccc"/>'
        )
        svg = key_poses_svg(t, part=n)
        parts.append(_nest(svg, x, y + LABEL, f"t{i}", PANEL, 2 * WIDTH))
    w, h = columns * tile_w + 20, rows * tile_h + 20
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 {w:.0f} {h:.0f}" width="{w:.0f}" height="{h:.0f}">'
        f'<rect width="100%" height="100%" fill="white"/>{"".join(parts)}</svg>'
    )

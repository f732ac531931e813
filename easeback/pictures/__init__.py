"""Pictures of techniques drawn from one body model: SVG, PNG and a contact sheet.

Cheap to import: the drawing code loads on first use, and cairosvg (the optional `pictures`
extra, used for PNG) only when a PNG is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from easeback.domain.models import Technique

Fmt = Literal["svg", "png"]


class PicturesUnavailable(RuntimeError):
    """The optional PNG/PDF renderer is not installed."""


def cairosvg() -> Any:
    """The cairosvg module, or a clear error naming the extra to install."""
    try:
        module = importlib.import_module("cairosvg")
    except (ImportError, OSError) as exc:  # OSError: the cairo system library is missing
        raise PicturesUnavailable(
            "PNG and PDF pictures need the optional renderer: pip install 'easeback[pictures]' "
            f"(and the cairo library, e.g. apt-get install libcairo2) ({exc})"
        ) from None
    return module


def technique_svg(technique: Technique, pose: Literal["start", "end", "animated"]) -> str:
    """The technique's picture as SVG: a key pose or the looping animation."""
    from easeback.pictures import svg

    return svg.technique_svg(technique, pose)


def png_bytes(svg_text: str, scale: float = 2.0) -> bytes:
    """The drawing as PNG on an opaque white background (a transparent one shows as black or
    as a checkerboard in some viewers)."""
    data: bytes = cairosvg().svg2png(
        bytestring=svg_text.encode("utf-8"), scale=scale, background_color="white"
    )
    return data


def save_picture(technique: Technique, fmt: str, path: Path) -> None:
    """Write the animated SVG, or a PNG of the start and end poses side by side (a row for
    each movement of a figure that shows two)."""
    from easeback.pictures import svg

    if fmt == "svg":
        path.write_text(svg.technique_svg(technique, "animated"), encoding="utf-8")
    elif fmt == "png":
        path.write_bytes(png_bytes(svg.all_key_poses_svg(technique)))
    else:
        raise ValueError(f"unknown picture format {fmt!r}; use svg or png")


def contact_sheet_png(techniques: Sequence[Technique], path: Path, columns: int = 2) -> None:
    """One PNG with the start and end pose of every technique, for reviewing the drawings."""
    from easeback.pictures import sheet

    path.write_bytes(png_bytes(sheet.contact_sheet_svg(techniques, columns), scale=1.0))


__all__ = ["PicturesUnavailable", "contact_sheet_png", "save_picture", "technique_svg"]

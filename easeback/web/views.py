"""Words and numbers shaped for the pages: the same facts the terminal shows (render.py)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from easeback.domain.models import Technique


def minutes_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60:02d} s"


def dose_text(item: dict[str, Any]) -> str:
    dose = f"{item['reps']} repetitions"
    if item.get("hold_seconds"):
        dose += f", {item['hold_seconds']} s hold"
    if item.get("per_side"):
        dose += ", each side"
    return dose


def answer_text(answer: object) -> str:
    return {"unsure": "not sure", "yes": "yes", "no": "no"}.get(str(answer), str(answer))


def label(value: str) -> str:
    return value.replace("-", " ").replace("_", " ")


@lru_cache(maxsize=256)
def picture_svg(t: Technique) -> str | None:
    """The technique's animated picture from easeback.pictures, when that part is present."""
    try:
        from easeback.pictures import technique_svg
    except ImportError:
        return None
    try:
        svg = technique_svg(t, "animated")
    except Exception:  # a missing drawing must never break the page that frames it
        return None
    return svg if "<svg" in svg else None

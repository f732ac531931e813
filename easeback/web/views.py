"""Words and numbers shaped for the pages: the same facts the terminal shows (render.py)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from easeback.domain.models import Technique


def minutes_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60:02d} s"


def _num(x: float) -> str:
    return f"{x:g}"


def seconds_text(seconds: int) -> str:
    """A hold or step length: seconds below 90 s, else minutes ("45 s", "2 min", "2.5 min")."""
    return f"{seconds} s" if seconds < 90 else f"{_num(round(seconds / 60, 1))} min"


def seconds_range_text(lo: int, hi: int) -> str:
    """A range of seconds in words: 15-30 s, 2-20 min (never 120-1200 s), 30 s - 2 min."""
    if lo == hi:
        return seconds_text(lo)
    if hi < 90:
        return f"{lo}–{hi} s"
    if lo >= 60:
        return f"{_num(round(lo / 60, 1))}–{_num(round(hi / 60, 1))} min"
    return f"{seconds_text(lo)} – {seconds_text(hi)}"


def count_text(lo: int, hi: int, one: str, many: str) -> str:
    """A count in words: 1 repetition, 8-12 repetitions (never 1-1 repetitions)."""
    if lo == hi:
        return f"{lo} {one if lo == 1 else many}"
    return f"{lo}–{hi} {many}"


def dose_text(item: dict[str, Any]) -> str:
    dose = count_text(int(item["reps"]), int(item["reps"]), "repetition", "repetitions")
    if item.get("hold_seconds"):
        dose += f", {seconds_text(int(item['hold_seconds']))} hold"
    if item.get("per_side"):
        dose += ", each side"
    return dose


def answer_text(answer: object) -> str:
    return {"unsure": "not sure", "yes": "yes", "no": "no"}.get(str(answer), str(answer))


def label(value: object) -> str:
    """An enum value in words: "general-relief" -> "general relief"."""
    raw = getattr(value, "value", value)
    return str(raw).replace("-", " ").replace("_", " ")


def labels(values: Any) -> str:
    return ", ".join(label(v) for v in values)


def has_picture(t: Technique) -> bool:
    """Whether the technique has a figure to draw, without drawing it (the library shows many)."""
    try:
        from easeback.pictures.figures import FIGURES_DIR
    except ImportError:
        return False
    return (FIGURES_DIR / f"{t.id}.yaml").exists()


@lru_cache(maxsize=256)
def picture_svg(t: Technique, pose: Literal["start", "end", "animated"] = "animated") -> str | None:
    """The technique's picture from easeback.pictures (the loop, or a key pose for the library's
    cards), when that part is present."""
    try:
        from easeback.pictures import technique_svg
    except ImportError:
        return None
    try:
        svg = technique_svg(t, pose)
    except Exception:  # a missing drawing must never break the page that frames it
        return None
    return svg if "<svg" in svg else None


# Regions whose emergency number is not 112 (112 also reaches help across Europe and on most
# mobile phones elsewhere, so it is the fallback).
EMERGENCY_NUMBERS = {"US": "911", "CA": "911", "GB": "999", "AU": "000", "NZ": "111"}


def emergency_number(setting: str | None, accept_language: str) -> str:
    """The number the call button dials: the setting when given, else the first region named in the
    browser's languages (en-GB -> 999), else 112."""
    if setting:
        digits = "".join(ch for ch in setting if ch.isdigit() or ch == "+")
        if digits:
            return digits
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().replace("_", "-")
        region = tag.split("-")[1].upper() if tag.count("-") >= 1 else ""
        if len(region) == 2:
            return EMERGENCY_NUMBERS.get(region, "112")
    return "112"

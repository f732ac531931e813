"""Words and numbers shaped for the pages: the same facts the terminal shows (render.py)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from easeback.domain.models import Technique
from easeback.wording import count_text as count_text
from easeback.wording import dose_lines as dose_lines
from easeback.wording import dose_source_text as dose_source_text
from easeback.wording import label as label
from easeback.wording import minutes_text as minutes_text
from easeback.wording import seconds_range_text as seconds_range_text
from easeback.wording import seconds_text as seconds_text


def dose_text(item: dict[str, Any], t: Technique | None = None) -> str:
    """A routine item's dose; a repetition that is rolling, walking or resting (rep_means) lasts
    its time instead of holding it."""
    dose = count_text(int(item["reps"]), int(item["reps"]), "repetition", "repetitions")
    if item.get("hold_seconds"):
        length = seconds_text(int(item["hold_seconds"]))
        dose += f" of {length}" if t is not None and t.dosage.rep_means else f", {length} hold"
    if item.get("per_side"):
        dose += ", each side"
    return dose


def answer_text(answer: object) -> str:
    return {"unsure": "not sure", "yes": "yes", "no": "no"}.get(str(answer), str(answer))


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
def picture_svg(
    t: Technique, pose: Literal["start", "end", "animated", "setup"] = "animated"
) -> str | None:
    """The technique's picture from easeback.pictures (the loop, a key pose for the library's
    cards, or the player's: getting into position, then the loop), when that part is present."""
    try:
        from easeback.pictures import technique_svg
    except ImportError:
        return None
    try:
        if pose == "setup":
            from easeback.pictures.setup import player_svg

            svg = player_svg(t)
        else:
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

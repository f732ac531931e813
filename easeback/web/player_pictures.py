"""Where each technique's looping picture moves in, holds and comes back, for the player.

The player inlines the animated SVG from easeback.pictures, pauses its clock and sets it from the
session countdown; these times say which part of the loop belongs to which phase. Without the
pictures part (or for a drawing that cannot be timed) the player simply shows no picture.
"""

from __future__ import annotations

from typing import Any

from easeback.domain.models import Technique
from easeback.domain.planning import Routine

Span = tuple[float, float]


def _spans(loop: list[Any]) -> dict[str, dict[str, Span]]:
    """Per side: the loop times of the start pose to the end pose ("in") and back ("out")."""
    sides: dict[str, dict[str, Span]] = {}
    k, n = 0, len(loop)
    while k < n:
        side = str(loop[k].side)
        # the last start-pose sample before the depth rises
        while k + 1 < n and loop[k + 1].depth <= 0.0:
            k += 1
        if k + 1 >= n:
            break
        in_start = float(loop[k].time)
        while k < n and loop[k].depth < 1.0:
            k += 1
        if k >= n:
            break
        in_end = float(loop[k].time)
        while k + 1 < n and loop[k + 1].depth >= 1.0:
            k += 1
        out_start = float(loop[k].time)
        while k < n and loop[k].depth > 0.0:
            k += 1
        out_end = float(loop[min(k, n - 1)].time)
        sides.setdefault(side, {"in": (in_start, in_end), "out": (out_start, out_end)})
    return sides


_DONE: dict[str, tuple[Technique, dict[str, Any] | None]] = {}


def picture_phases(t: Technique) -> dict[str, Any] | None:
    """{"svg": url, "duration": seconds, "setup": (0, e), "sides": {side: {"in": (a, b),
    "out": (c, d)}}}: the player's picture gets into position from 0 to e (easeback.pictures.
    setup), then loops the movement.
    Worked out once per technique object: the drawing is the same for everyone (sampling the
    loop takes a good part of a second, which every player start would otherwise pay)."""
    hit = _DONE.get(t.id)
    if hit is not None and hit[0] is t:
        return hit[1]
    found = _phases(t)
    _DONE[t.id] = (t, found)
    return found


def _phases(t: Technique) -> dict[str, Any] | None:
    try:
        from easeback.pictures import setup, svg
        from easeback.pictures.figures import figure_for

        loop = list(svg.samples(figure_for(t.id), t))
    except Exception:  # no pictures part, or no drawing for this technique
        return None
    sides = _spans(loop)
    if not sides or not loop:
        return None
    at = setup.LOOP_AT

    def later(span: Span) -> Span:
        return (span[0] + at, span[1] + at)

    return {
        "svg": f"/pictures/{t.id}.svg?pose=setup",
        "duration": float(loop[-1].time) + at,
        "setup": (0.0, setup.SETUP_END),
        "sides": {k: {p: later(v) for p, v in s.items()} for k, s in sides.items()},
    }


def timeline_content(routine: Routine) -> dict[str, Any]:
    """What the guided player loads before Start: the cues, the techniques' names, their
    pictures' phases and the total seconds."""
    from easeback.domain.timeline import build_timeline

    return {
        "cues": [c.as_dict() for c in build_timeline(routine)],
        "techniques": [i.technique.name for i in routine.items],
        "pictures": [picture_phases(i.technique) for i in routine.items],
        "total": routine.total_seconds,
    }

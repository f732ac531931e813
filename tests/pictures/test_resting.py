"""Hands and feet that rest on a support in two neighbouring key poses stay on it in every frame
the animation draws between them (review 10: the bridge's hands rose off the mat on the way up,
the arm angles mixed while the trunk pitched)."""

from __future__ import annotations

import itertools

import pytest

from easeback.content.loader import default_catalogue
from easeback.domain.body import CONTACT_TOLERANCE, Pose, SupportKind, Surface, pose_body
from easeback.pictures.figures import (
    SUPPORT_TOLERANCE,
    Figure,
    drawn_gap,
    figure_for,
    passing,
)
from easeback.pictures.svg import LEAD_FRAMES

TECHNIQUES = default_catalogue().techniques
IDS = [t.id for t in TECHNIQUES]
PARTS = ("hand_l", "hand_r", "foot_l", "foot_r")
STEPS = 8


def _on(pose: Pose, surfaces: list[Surface]) -> dict[str, int]:
    """The hands and feet whose drawn outline rests on the floor or a bed, by which."""
    body = pose_body(pose)
    out: dict[str, int] = {}
    for part in PARTS:
        for i, surface in enumerate(surfaces):
            if surface.kind not in (SupportKind.FLOOR, SupportKind.BED):
                continue  # a calf on a chair's seat, a hand on a ball: not a floor
            g = drawn_gap(body, part, surface)
            if g is not None and abs(g) <= SUPPORT_TOLERANCE:
                out[part] = i
                break
    return out


def _lifted(fig: Figure, a: Pose, b: Pose, frames: list[tuple[str, Pose]]) -> list[str]:
    surfaces = fig.surfaces()
    at_a, at_b = _on(a, surfaces), _on(b, surfaces)
    both = {p: i for p, i in at_a.items() if at_b.get(p) == i}
    out = []
    for label, pose in frames:
        body = pose_body(pose)
        for part, i in both.items():
            g = drawn_gap(body, part, surfaces[i])
            if g is None or g > CONTACT_TOLERANCE:
                where = "off the support" if g is None else f"{g * 100:.1f} cm up"
                out.append(f"{label}: {part} {where}")
    return out


@pytest.mark.parametrize("technique", TECHNIQUES, ids=IDS)
def test_a_hand_or_foot_resting_in_both_neighbouring_keys_stays_down(technique):
    """Resting on the floor or a mattress in both keys (within the contacts' tolerance), each
    hand and foot stays within the body model's contact distance of it (3 cm: a standing foot
    as the other leg steps back may rise 2.4 cm) in every frame drawn between them."""
    fig = figure_for(technique.id)
    bad: list[str] = []
    for n, part in enumerate(fig.parts):
        keys = part.keyframes()
        for side in ("right", "left") if part.sided else ("",):
            suffix = f"_{side}" if side else ""
            a, b = keys["start" + suffix], keys["end" + suffix]
            frames = [(f"movement {n} {side} {i}/{STEPS}", part.tween(i / STEPS, side))
                      for i in range(1, STEPS)]  # fmt: skip
            bad += _lifted(part, a, b, frames)
    # into the start from where the steps start, and from the end to how they finish
    lead = [i / LEAD_FRAMES for i in range(1, LEAD_FRAMES)]  # the frames the animation draws
    for a, b in itertools.pairwise([*fig.lead_in, fig.start]):
        bad += _lifted(fig, a, b, [(f"lead-in {u}", passing(fig, a, b, u)) for u in lead])
    for a, b in itertools.pairwise([fig.parts[-1].end, *fig.finish]):
        bad += _lifted(fig, a, b, [(f"finish {u}", passing(fig, a, b, u)) for u in lead])
    assert not bad, bad


def test_the_bridges_hands_rest_on_the_mat_by_the_sides():
    """Step 1: arms by the sides; the hands lie on the mat in every key pose, not 7 cm above
    it (the arm straight out from the shoulder joint, level, held the hand up)."""
    fig = figure_for("bridge")
    floor = fig.surfaces()[0]
    for pose in (fig.start, fig.end, *fig.finish):
        body = pose_body(pose)
        for part in ("hand_l", "hand_r"):
            g = drawn_gap(body, part, floor)
            assert g is not None and abs(g) <= SUPPORT_TOLERANCE, (part, g)
            # by the side: the hand beside the hips, not out to the side
            hip = body.landmarks[f"hip_{part[-1]}"]
            palm = body.landmarks[f"palm_{part[-1]}"]
            assert abs(palm[2] - hip[2]) < 0.15 and abs(palm[0] - hip[0]) < 0.25, (part, palm)

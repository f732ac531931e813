"""The two exercises done in bed, as review 10 read them: the knee drop's arms rest on the
mattress, and the knee hug is deepest in its hold."""

from __future__ import annotations

import math

from easeback.domain.body import pose_body
from easeback.pictures import svg as S
from easeback.pictures.figures import SUPPORT_TOLERANCE, PropKind, drawn_gap, figure_for


def test_the_in_bed_knee_drops_arms_rest_wide_on_the_mattress():
    """Review 10: the hands lay about 14 cm above the mattress, the far hand at the bed's
    edge. In both key poses each arm (upper arm, forearm and hand) rests on the mattress,
    the upper arm out at shoulder height (square to the trunk, within 20 degrees), and the
    hand at least 8 cm inside the bed's long edge."""
    fig = figure_for("in-bed-knee-drop")
    bed = next(s for s in fig.surfaces() if s.kind.value == "bed")
    prop = next(p for p in fig.props if p.kind is PropKind.BED)
    half = S.bed_half(prop)
    for pose in (fig.start, fig.end):
        body = pose_body(pose)
        m = body.landmarks
        trunk = [a - b for a, b in zip(m["neck_base"], m["hip_centre"], strict=True)]
        for s in ("l", "r"):
            for part in ("hand", "forearm", "upper_arm"):
                g = drawn_gap(body, f"{part}_{s}", bed)
                assert g is not None and abs(g) <= SUPPORT_TOLERANCE, (part, s, g)
            upper = [a - b for a, b in zip(m[f"elbow_{s}"], m[f"shoulder_{s}"], strict=True)]
            cos = sum(a * b for a, b in zip(trunk, upper, strict=True)) / (
                math.hypot(*trunk) * math.hypot(*upper)
            )
            assert abs(math.degrees(math.acos(cos)) - 90) <= 20, (s, cos)
            assert abs(m[f"palm_{s}"][2]) <= half - 0.08, (s, m[f"palm_{s}"])


def test_the_in_bed_knee_hug_is_deepest_in_its_hold():
    """Review 10: the hold looked shallower than the way in (the hands lay on the chest under
    the thigh, holding nothing, while on the way they held the upright thigh). In the hold the
    knee is nearer the chest, the hip more bent and the heel nearer the buttock than in any
    frame on the way in, and the hands hold the leg at the knee (the palms within 15 cm of
    it), where the picture shows them."""
    hug = figure_for("in-bed-knee-to-chest").then
    assert hug is not None
    hold = pose_body(hug.end)
    m = hold.landmarks

    def depth(marks: dict[str, tuple[float, float, float]]) -> tuple[float, float]:
        return (math.dist(marks["knee_r"], marks["neck_base"]),
                math.dist(marks["heel_r"], marks["hip_r"]))  # fmt: skip

    for i in range(8):
        pose = hug.tween(i / 8, "right")
        way = pose_body(pose).landmarks
        assert all(a < b for a, b in zip(depth(m), depth(way), strict=True)), i
        assert hug.end.angle("hip_flexion_r") > pose.angle("hip_flexion_r"), i
    for s in ("l", "r"):
        assert math.dist(m[f"palm_{s}"], m["knee_r"]) <= 0.15, (s, m[f"palm_{s}"], m["knee_r"])

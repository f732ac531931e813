"""The camera signals are content: validated on load, naming the file, the entry and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from easeback.content.loader import CONTENT_DIR, ContentError, default_catalogue
from easeback.content.motion_schema import MOTION_DIR, default_signals, load_signals
from easeback.domain.motion import ANGLES

GOOD = """
signals:
  - technique: bridge
    view: side
    angle: hip_bend
    side: either
    start: -45
    end: -5
    past_margin: 15
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "signals.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_packaged_signals_load_and_name_real_techniques():
    cat = default_catalogue()
    signals = load_signals(cat, MOTION_DIR)
    assert len(signals) >= 8
    for tid, sig in signals.items():
        tech = cat.technique(tid)
        assert sig.min_move_seconds == tech.dosage.move_seconds / 2
        assert sig.holds == (tech.dosage.hold_seconds is not None)
        assert all(n in ANGLES for n in sig.names)


def test_good_file_loads(tmp_path):
    sig = load_signals(default_catalogue(), write(tmp_path, GOOD))["bridge"]
    assert sig.names == ("left_hip_bend", "right_hip_bend")
    assert sig.min_move_seconds == 1.5 and sig.holds


@pytest.mark.parametrize(
    ("change", "entry", "field", "words"),
    [
        (("technique: bridge", "technique: bridgee"), "bridgee", "technique", "unknown technique"),
        (("angle: hip_bend", "angle: spine"), "bridge", None, "unknown angle"),
        (("    side: either\n", ""), "bridge", None, "needs side"),
        (("end: -5", "end: -40"), "bridge", None, "10 degrees apart"),
        (("view: side", "view: front"), "bridge", None, "side view"),
        (("start: -45", "start: -170"), "bridge", None, "±150"),
        (("past_margin: 15", "past_margin: 0"), "bridge", "past_margin", "greater than 0"),
        (("past_margin: 15", "past_margin: 15\n    colour: red"), "bridge", "colour", "Extra"),
    ],
)
def test_bad_entries_name_file_entry_and_field(tmp_path, change, entry, field, words):
    root = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ContentError) as info:
        load_signals(default_catalogue(), root)
    err = info.value
    assert err.file == root / "signals.yaml"
    assert err.entry == entry
    assert err.field == field
    assert words in str(err)


def test_joint_angle_past_margin_must_be_reachable(tmp_path):
    text = GOOD.replace("angle: hip_bend", "angle: hip").replace("start: -45", "start: 120")
    text = text.replace("end: -5", "end: 170")
    with pytest.raises(ContentError, match="cannot reach"):
        load_signals(default_catalogue(), write(tmp_path, text))


def test_duplicate_signal_is_refused(tmp_path):
    root = write(tmp_path, GOOD + GOOD.replace("signals:\n", ""))
    with pytest.raises(ContentError, match="duplicate"):
        load_signals(default_catalogue(), root)


# ---- agreement with the figure keyframes (the pictures work) ----

# signal angle -> (keyframe landmark angle per side, how to turn it into the signal's value)
COMPARABLE = {
    "hip_bend": ("hip_angle_{s}", lambda v: v),  # |bend| is the hip flexion seen from the side
    "knee": ("knee_angle_{s}", lambda v: 180 - v),
    "trunk_lean": ("trunk_incline", lambda v: v),
    "trunk_tilt": ("trunk_incline", lambda v: v),  # seen from the front, the incline is sideways
}
TOLERANCE = 12.0  # degrees: the figure poses a 3D model, the signal reads 2D landmarks


def _figured() -> list[str]:
    have = {p.stem for p in (CONTENT_DIR / "figures").glob("*.yaml")}
    return sorted(t for t, s in default_signals().items() if t in have and s.angle in COMPARABLE)


@pytest.mark.parametrize("tid", _figured())
def test_signal_start_and_end_agree_with_the_figure_keyframes(tid):
    figures = pytest.importorskip("easeback.pictures.figures")
    sig = default_signals()[tid]
    poses = figures.keyframe_landmark_angles(tid)
    key, convert = COMPARABLE[sig.angle]
    start = poses.get("start") or poses["start_right"]
    end = poses.get("end") or poses["end_right"]
    if "{s}" in key:  # the side that moves most between the key poses
        side = max("lr", key=lambda s: abs(end[key.format(s=s)] - start[key.format(s=s)]))
        key = key.format(s=side)
    for ours, theirs in ((sig.start, start[key]), (sig.end, end[key])):
        value = abs(ours) if sig.angle == "hip_bend" else ours
        assert value == pytest.approx(convert(theirs), abs=TOLERANCE), (tid, key)

"""End to end on a real clip: MediaPipe finds the person and the whole pipeline runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from easeback.domain.motion import PoseFrame, measure_all
from easeback.terminal import cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clip_frames(demo_clip: Path) -> tuple[list[PoseFrame], float, int]:
    from easeback.pose.landmarks import Detector, open_stream, pose_frames

    stream = open_stream(video=str(demo_clip))
    try:
        with Detector() as detector:
            frames = list(pose_frames(stream, detector))
    finally:
        stream.close()
    return frames, stream.aspect, stream.width


def test_landmarks_are_found_in_the_demo_clip(clip_frames):
    frames, aspect, width = clip_frames
    assert width == 640  # large frames are scaled down before detection
    assert len(frames) > 100
    found = [f for f in frames if f.landmarks is not None]
    assert len(found) >= 0.8 * len(frames)
    angles = [measure_all(f.landmarks, aspect=aspect) for f in found]
    knees = [a["left_knee"] for a in angles if "left_knee" in a]
    assert len(knees) >= 0.5 * len(found)
    assert all(0 <= k <= 180 for k in knees)
    assert max(knees) - min(knees) > 20  # the person in the clip moves their legs


def test_generic_mode_runs_on_real_landmarks(clip_frames):
    from easeback.pose.coach import AUTO, Session, run

    frames, aspect, _ = clip_frames
    out = run(Session(AUTO, aspect=aspect), frames).public(fps=30.0)
    assert isinstance(out["reps"], int) and out["reps"] >= 0
    assert out["frames_with_pose"] >= 0.8 * out["frames"]


def test_coach_command_runs_end_to_end_on_the_clip(demo_clip, capsys):
    assert cli.main(["coach", "standing-side-bend", "--video", str(demo_clip), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"reps", "hold_seconds", "warnings", "fps", "angles"} <= set(out)
    assert out["fps"] == 30.0
    assert out["frames_with_pose"] >= 0.8 * out["frames"]
    assert isinstance(out["reps"], int) and out["reps"] >= 0
    for w in out["warnings"]:
        assert set(w) == {"t", "kind"}
    (series,) = out["angles"].values()
    assert len(series) == out["frames"] // 30 + (out["frames"] % 30 > 0)


def test_live_mode_prints_events_as_they_happen(demo_clip, capsys, monkeypatch):
    """--camera, with the clip standing in for a webcam (there is no camera here)."""
    from easeback.pose import landmarks

    real_open = landmarks.open_stream

    def clip_as_camera(video=None, camera=None):
        assert camera == 0 and video is None
        stream = real_open(video=str(demo_clip))
        stream.live = True
        return stream

    monkeypatch.setattr(landmarks, "open_stream", clip_as_camera)
    assert cli.main(["coach", "bridge", "--camera", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Watching the camera")
    assert lines[-1].startswith("Repetitions: 0")
    assert any("Move so the camera sees your whole body" in line for line in lines[1:-1])

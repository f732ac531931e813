"""The unknown-movement counter reads the picture too: synthetic frames with no pose in them.

On real footage a movement can repeat where no landmark does (only hands in view, a hoop, a
person too small to track): what the picture shows still repeats. These frames are drawn with
numpy, so the pose model never finds anyone, and only the picture can carry the count.
"""

from __future__ import annotations

import math

import pytest

from easeback.domain.motion import PoseFrame
from easeback.domain.repetition import PICTURE_SIGNALS
from easeback.pose.coach import AUTO, Session, run

np = pytest.importorskip("numpy")
cv2 = pytest.importorskip(
    "cv2", reason="camera extra not installed: pip install 'easeback[camera]'"
)

FPS = 30.0
W, H = 320, 240


def _scene(seed: int = 3) -> object:
    """A still background with some texture, as a room has."""
    rng = np.random.default_rng(seed)
    small = rng.integers(40, 120, size=(6, 8, 3), dtype=np.uint8)
    return cv2.resize(small, (W, H), interpolation=cv2.INTER_LINEAR)


def _blob(reps: int, period: float, lead: float = 2.0, tail: float = 2.0) -> list[object]:
    """A bright disc swinging left and right `reps` times, between still stretches."""
    back = _scene()
    out = []
    seconds = lead + reps * period + tail
    for i in range(int(seconds * FPS)):
        t = i / FPS
        done = min(max(t - lead, 0.0), reps * period) / period
        x = W / 2 + 0.3 * W * math.sin(2 * math.pi * done)
        frame = back.copy()
        cv2.circle(frame, (round(x), H // 2), 30, (230, 230, 230), -1)
        out.append(frame)
    return out


def _count(pictures: list[object], technique: str = AUTO) -> Session:
    frames = [(PoseFrame(i / FPS, None), p) for i, p in enumerate(pictures)]
    return run(Session(technique), frames)


@pytest.mark.parametrize(("reps", "period"), [(8, 1.0), (10, 0.8), (5, 2.5)])
def test_a_moving_blob_with_no_pose_is_counted(reps, period):
    session = _count(_blob(reps, period))
    assert session.frames_with_pose == 0
    assert session.summary().reps == pytest.approx(reps, abs=1)
    assert session.signal_name in PICTURE_SIGNALS


def test_a_still_scene_counts_nothing():
    assert _count([_scene()] * int(12 * FPS)).summary().reps == 0


def test_noise_counts_nothing():
    rng = np.random.default_rng(5)
    back = _scene().astype(np.int16)
    frames = [
        np.clip(back + rng.normal(0, 12, back.shape), 0, 255).astype(np.uint8)
        for _ in range(int(12 * FPS))
    ]
    assert _count(frames).summary().reps == 0


def test_a_technique_coach_reads_the_landmarks_only():
    session = _count(_blob(8, 1.0), technique="bridge")
    assert session.summary().reps == 0  # nobody in view: a moving picture is not a bridge


def test_the_picture_numbers_do_not_depend_on_its_size_much():
    from easeback.pose.appearance import Appearance

    look = Appearance()
    frame = _blob(1, 1.0, lead=0.0, tail=0.0)[7]
    big = cv2.resize(frame, (2 * W, 2 * H), interpolation=cv2.INTER_LINEAR)
    a, b = np.array(look.numbers(frame)), np.array(look.numbers(big))
    assert len(a) == len(PICTURE_SIGNALS)
    assert np.abs(a - b).max() < 0.05 * np.abs(a).max()


def test_an_empty_picture_is_a_clear_error():
    from easeback.pose.appearance import Appearance

    with pytest.raises(ValueError, match="empty picture"):
        Appearance().numbers(np.zeros((0, 10, 3), np.uint8))

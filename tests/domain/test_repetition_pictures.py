"""The unknown-movement counter weighs what the picture shows beside the pose, as plain numbers.

The camera door turns each frame into a few numbers (easeback.pose.appearance); here they are
made up directly: a picture that repeats where no pose is found, one that stays still or only
flickers while the pose repeats, and numbers of the wrong length.
"""

from __future__ import annotations

import math
import random

import pytest

from easeback.domain.motion import PoseFrame
from easeback.domain.repetition import PICTURE_SIGNALS, SIGNALS, AutoCoach, RepCounter
from tests.domain.test_repetition import FPS, count, frames, steady

N = len(PICTURE_SIGNALS)


def _repeating(t: float, hz: float) -> list[float]:
    """A picture whose numbers repeat at hz, each with its own phase and size, as projections
    of one moving picture do."""
    return [(0.05 + 0.02 * i) * math.sin(2 * math.pi * hz * t + i) for i in range(N)]


def _run(track: list[PoseFrame], pictures: list[list[float]]) -> AutoCoach:
    coach = AutoCoach()
    for frame, picture in zip(track, pictures, strict=True):
        coach.update(frame, picture)
    coach.finish()
    return coach


def test_a_repeating_picture_is_counted_where_no_pose_is_found() -> None:
    ts = [n / FPS for n in range(int(20 * FPS))]
    pictures = [_repeating(t, 0.6) if 3 <= t < 18 else _repeating(3.0, 0.6) for t in ts]
    coach = _run([PoseFrame(t, None) for t in ts], pictures)
    assert coach.reps == pytest.approx(9, abs=1)
    assert coach.best in PICTURE_SIGNALS


@pytest.mark.parametrize("flicker", [0.0, 0.004])
def test_the_pose_still_counts_beside_a_still_or_flickering_picture(flicker: float) -> None:
    track = frames(steady(0.5, start=2.0, stop=22.0), 24.0, "arm")
    rng = random.Random(7)
    pictures = [[0.3 + rng.gauss(0, flicker) for _ in range(N)] for _ in track]
    coach = _run(track, pictures)
    assert coach.reps == count(track) == pytest.approx(10, abs=1)
    assert coach.best in SIGNALS


def test_a_still_picture_with_nobody_counts_nothing() -> None:
    ts = [n / FPS for n in range(int(15 * FPS))]
    coach = _run([PoseFrame(t, None) for t in ts], [[0.2] * N for _ in ts])
    assert coach.reps == 0


def test_picture_numbers_of_the_wrong_length_are_a_clear_error() -> None:
    with pytest.raises(ValueError, match=f"takes {N} numbers, not 3"):
        RepCounter().update(0.0, None, [0.1, 0.2, 0.3])

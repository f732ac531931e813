"""The period counter's own arithmetic, on plain synthetic signals (no pose)."""

from __future__ import annotations

import math
import random

import pytest

from easeback.domain.rhythm import PeriodCounter


def _stretch(period: float, reps: int, still: float, fps: float = 30.0) -> float:
    """The fractional count of `reps` repetitions of `period` seconds, between `still` seconds
    of stillness on either side, in two signals with a little tracker noise."""
    rng = random.Random(1)
    counter = PeriodCounter(names=("a", "b"))
    start, end = still, still + period * reps
    for i in range(int((end + still) * fps)):
        t = i / fps
        phase = 2 * math.pi * (t - start) / period
        on = start <= t < end
        a = (math.sin(phase) if on else 0.0) + rng.gauss(0, 0.01)
        b = (0.5 * math.cos(phase) if on else 0.0) + rng.gauss(0, 0.01)
        counter.add(t, [a, b])
    counter.finish()
    return counter.count


@pytest.mark.parametrize("reps", [6, 12])
def test_the_edges_of_a_stretch_are_credited_only_for_their_moving_part(reps: int) -> None:
    # a half-second analysis straddling the start or the end of the stretch moves only in part:
    # crediting it whole added up to a repetition per stretch at 2 Hz
    assert _stretch(0.5, reps, still=3.0) == pytest.approx(reps, abs=0.7)


def test_a_stretch_filling_the_stream_is_counted_exactly() -> None:
    assert _stretch(0.5, 12, still=0.0) == pytest.approx(12, abs=0.1)


def _sliding(period: float, reps: int, slide: float, fps: float = 30.0) -> float:
    """The fractional count of a short clip of `reps` repetitions whose scene slides by `slide`
    units a second in its last second (a camera turning away as the clip ends)."""
    rng = random.Random(1)
    counter = PeriodCounter(names=("a", "b"))
    end = period * reps
    for i in range(int(end * fps)):
        t = i / fps
        phase = 2 * math.pi * t / period
        drift = slide * max(0.0, t - (end - 1.0))
        a = math.sin(phase) + drift + rng.gauss(0, 0.01)
        b = 0.5 * math.cos(phase) - drift + rng.gauss(0, 0.01)
        counter.add(t, [a, b])
    counter.finish()
    return counter.count


@pytest.mark.parametrize("period", [0.4, 0.5])
def test_a_scene_sliding_away_does_not_make_the_repetitions_before_it_look_still(
    period: float,
) -> None:
    # movement is judged by what repeats at the period: the slide's own spread, much larger
    # than the repetitions', used to make every earlier step look still beside it
    assert _sliding(period, 6, slide=10.0) == pytest.approx(6, abs=0.5)


@pytest.mark.parametrize("k", [2, 3, 7, 8, 30, 74, 75])
def test_a_signal_is_taken_about_its_mean_over_one_period_centred_on_each_sample(k: int) -> None:
    # the residual the self-similarity is computed on, against its plain definition: each
    # sample minus the mean of the k samples from k // 2 before it, the ends taking the
    # nearest whole period's mean
    from itertools import accumulate

    from easeback.domain.rhythm import _residual

    rng = random.Random(k)
    d = [rng.gauss(0, 1) + 0.01 * i for i in range(150)]
    got = _residual(d, list(accumulate(d, initial=0.0)), k)
    assert len(got) == len(d)
    for i, x in enumerate(d):
        start = min(max(i - k // 2, 0), len(d) - k)
        assert got[i] == pytest.approx(x - sum(d[start : start + k]) / k, abs=1e-12)

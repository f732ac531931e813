"""The counter's self-similarity with numpy (easeback.pose.similarity) against the domain's plain
one: the same scores, and so the same counts, at a fraction of the cost (bench/coach-real)."""

from __future__ import annotations

import math
import random
from itertools import accumulate

import pytest

pytest.importorskip("numpy", reason="camera extra not installed: pip install 'easeback[camera]'")

from easeback.domain import rhythm
from easeback.pose import similarity
from easeback.pose.coach import AUTO, Session


def _signals(count: int, n: int, seed: int) -> rhythm.Signals:
    """Signals of n samples: a shared rhythm of 11 samples under noise, one with gaps (zeros,
    as detrending leaves them), one hardly moving."""
    rng = random.Random(seed)
    out = []
    for s in range(count):
        d = [math.sin(2 * math.pi * i / 11 + s) + rng.gauss(0, 0.3) for i in range(n)]
        if s == 1:
            d = [0.0 if 40 <= i < 55 else x for i, x in enumerate(d)]
        if s == 2:
            d = [1e-3 * x for x in d]
        out.append((d, list(accumulate(d, initial=0.0))))
    return out


@pytest.mark.parametrize(("count", "n"), [(1, 150), (3, 30), (12, 150), (8, 108)])
def test_the_numpy_self_similarity_is_the_plain_one(count: int, n: int) -> None:
    ds = _signals(count, n, seed=count)
    last = n // 2 + 1
    plain, fast = rhythm.similarities(ds, last), similarity.similarities(ds, last)
    assert len(fast) == len(plain) == last - 1
    assert fast == pytest.approx(plain, rel=1e-12, abs=1e-12)
    if n >= 33:  # the shared rhythm, 11 samples, is a peak: the body is like itself again
        at = {k: fast[k - 2] for k in (10, 11, 12)}
        assert at[11] > max(at[10], at[12]) and at[11] > 0.5


def _stream(counter: rhythm.PeriodCounter) -> list[int]:
    """45 s at 30 fps: 0.8 Hz repetitions, a pause, one signal lost for a while, a slow sway;
    the count after every frame."""
    rng = random.Random(7)
    counts = []
    for i in range(45 * 30):
        t = i / 30
        moving = t < 15 or t > 25
        wave = math.sin(2 * math.pi * 0.8 * t) if moving else 0.0
        a = wave + 0.3 * math.sin(0.2 * t) + rng.gauss(0, 0.05)
        b = None if 30 < t < 33 else 0.5 * wave + rng.gauss(0, 0.05)
        counter.add(t, [a, b, rng.gauss(0, 0.05)])
        counts.append(counter.reps)
    counter.finish()
    counts.append(counter.reps)
    return counts


def test_a_counter_counts_the_same_with_either() -> None:
    names = ("a", "b", "noise")
    plain = rhythm.PeriodCounter(names)
    fast = rhythm.PeriodCounter(names, alike=similarity.similarities)
    counts = _stream(plain)
    assert _stream(fast) == counts
    assert counts[-1] >= 20  # it does count the repetitions (0.8 Hz over 35 s)
    assert plain.rhythm is not None and fast.rhythm is not None
    assert fast.rhythm.period == pytest.approx(plain.rhythm.period, rel=1e-9)
    assert fast.count == pytest.approx(plain.count, rel=1e-9)


def test_the_camera_coach_counts_with_numpy() -> None:
    session = Session(AUTO)
    assert session.coach.counter.alike is similarity.similarities  # type: ignore[union-attr]

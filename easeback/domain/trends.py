"""What helps: per-technique change in pain with an uncertainty interval, and whether a change in
pain is clinically meaningful (2 points or 30% on the 0-10 scale). Pure arithmetic."""

from __future__ import annotations

import math
import sys

from easeback.domain.progression import History
from easeback.domain.values import Frozen, record

MIN_SESSIONS = 3  # below this no mean is shown
MEANINGFUL_POINTS = 2
MEANINGFUL_FRACTION = 0.30

# Two-sided 95% Student t quantiles for 1..30 degrees of freedom.
_T95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


def t95(df: int) -> float:
    if df < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if df <= len(_T95):
        return _T95[df - 1]
    z = 1.959964  # Cornish-Fisher expansion, good to 3 decimals beyond 30
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def mean_interval(values: list[float]) -> tuple[float, tuple[float, float]]:
    """Mean and its 95% t-interval; needs at least two values."""
    import statistics  # with random and fractions: not for the commands that only read sums

    n = len(values)
    mean = statistics.fmean(values)
    half = t95(n - 1) * statistics.stdev(values) / math.sqrt(n)
    return mean, (mean - half, mean + half)


@record
class TechniqueEffect(Frozen):
    technique_id: str
    sessions: int  # sessions that included it with pain rated before and after
    mean_change: float | None  # after minus before; negative means it eased pain
    interval: tuple[float, float] | None

    @property
    def helps(self) -> bool:
        return self.interval is not None and self.interval[1] < 0


def technique_effects(history: History) -> list[TechniqueEffect]:
    changes: dict[str, list[float]] = {}
    for s in history.sessions:
        change = s.change
        if change is None:
            continue
        for tid in {r.technique_id for r in s.results if r.included}:
            changes.setdefault(tid, []).append(float(change))
    out = []
    for tid in sorted(changes):
        values = changes[tid]
        if len(values) >= MIN_SESSIONS:
            mean, interval = mean_interval(values)
            out.append(TechniqueEffect(tid, len(values), round(mean, 2), _round(interval)))
        else:
            out.append(TechniqueEffect(tid, len(values), None, None))
    return out


def effect_from_sums(technique_id: str, n: int, total: int, squares: int) -> TechniqueEffect:
    """The same effect as technique_effects gives, from whole-point changes in pain summed in
    the database: n sessions, the sum of their changes and the sum of their squares.

    Exact arithmetic, then the correctly rounded square root that statistics.stdev takes, so the
    figures equal those computed from the list of changes."""
    if n < MIN_SESSIONS:
        return TechniqueEffect(technique_id, n, None, None)
    mean = total / n
    # sum of squared deviations over n - 1, as a fraction: (n * squares - total**2) / (n (n - 1))
    half = t95(n - 1) * _sqrt_fraction(n * squares - total * total, n * (n - 1)) / math.sqrt(n)
    return TechniqueEffect(technique_id, n, round(mean, 2), _round((mean - half, mean + half)))


def _sqrt_fraction(num: int, den: int) -> float:
    """sqrt(num / den) correctly rounded (the method of CPython's statistics module)."""
    width = 2 * sys.float_info.mant_dig + 3
    q = (num.bit_length() - den.bit_length() - width) // 2
    if q >= 0:
        root, scale = _isqrt_rto(num, den << 2 * q) << q, 1
    else:
        root, scale = _isqrt_rto(num << -2 * q, den), 1 << -q
    return root / scale


def _isqrt_rto(num: int, den: int) -> int:
    """Square root of num / den rounded to odd, which makes the final rounding exact."""
    a = math.isqrt(num // den)
    return a | (a * a * den != num)


def _round(interval: tuple[float, float]) -> tuple[float, float]:
    return (round(interval[0], 2), round(interval[1], 2))


def helps(effects: list[TechniqueEffect]) -> dict[str, float]:
    """Planner input: mean pain drop per technique with enough sessions (negative if it hurt)."""
    return {e.technique_id: -e.mean_change for e in effects if e.mean_change is not None}


def meaningful_improvement(baseline: int | None, latest: int | None) -> bool:
    """A drop of 2 or more points, or of 30% or more of the starting pain."""
    if baseline is None or latest is None or latest >= baseline:
        return False
    drop = baseline - latest
    return drop >= MEANINGFUL_POINTS or drop >= MEANINGFUL_FRACTION * baseline

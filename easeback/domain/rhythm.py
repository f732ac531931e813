"""Counting repetitions from signals that repeat, without knowing the movement.

Signals are resampled to a fixed rate by averaging the frames in each slot, which keeps
movements of 2-3 Hz. Every half second the signals that move are compared with themselves one
candidate period later, each relative to its own mean over that period (what repeats at that
period stays whole, a slower sway or drift drops out), summed over all of them: a self-
similarity of the whole body, as RepNet (CVPR 2020) computes on learned features, here on
landmark positions and joint angles. The period is the lag where the body looks most like itself
again. A stretch where the rhythm is clear (with hysteresis on that clarity) and the signals
move adds its length divided by the period to the count, so the count follows the rhythm instead
of single peaks that noise can split or merge. When a rhythm is first found, or found to be
longer than first thought, the moving stretch of the window that showed it is counted (again) at
that period, so the first cycles are not lost. Slow drift is removed by detrending each window.
Slow movements (5-15 s a repetition) are analysed on a coarser, longer record. Signals of
different kinds (a pose's landmarks, what the picture shows) can be analysed apart, in groups:
each group finds its own rhythm and the one standing furthest above chance counts, so that one
kind's noise or drift does not drown the other's rhythm in a shared sum.

Pure and clock-free like the rest of the domain: plain math, frames carry their own time.
easeback.domain.repetition feeds it signals from pose landmarks; the technique coach feeds it
its own angle.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from operator import mul, sub, truediv

# ---- tuning: why each number is what it is ----

RATE = 15.0  # samples per second: five per cycle of a 3 Hz movement
WINDOW = 10.0  # seconds analysed at once for quick movements: two cycles of MAX_PERIOD
MIN_PERIOD = 0.25  # seconds; 4 Hz, faster than people exercise
MAX_PERIOD = 5.0
# Slow movements (a back exercise takes 5-15 s a repetition) are analysed on a coarser,
# longer record: every SLOW_EVERY samples averaged, over SLOW_WINDOW seconds.
SLOW_EVERY = 5
SLOW_RATE = RATE / SLOW_EVERY
SLOW_WINDOW = 36.0
SLOW_MIN_PERIOD, SLOW_MAX_PERIOD = 1.0, 15.0
SLOW_FROM = 4.0  # seconds; a shorter period is better resolved by the quick analysis
HOP = 0.5  # seconds between analyses
HOP_SAMPLES = round(HOP * RATE)
MIN_HISTORY = 2.0  # seconds of samples before the first analysis
# Clarity is half the rise of the self-similarity from its lowest point at a shorter lag (where
# a repeating movement is least like itself, half a period on) to the period's peak: 0..1.
ENTER, EXIT = 0.1, 0.1  # clarity to start and keep counting...
CHANCE = 3.0  # ...and to start, this many times the spread that noise alone gives: the peak and
# the dip are each the extreme of dozens of lags, about 1.5 spreads from zero for noise
AGREE = 0.15  # two periods this close (share of the longer) are the same rhythm
MIN_OWN = 0.1  # a peak lower than this is no rhythm; signals this alike at the period carry it
SHORTER_PEAK = 0.7  # a peak at a shorter lag this high (share of the best) is the period: two
# repetitions are as alike as one, and real ones vary, so the longer lag may score a little more
CYCLES = 2.0  # a period is looked for only if the window holds this many of it
ACTIVE = 0.5  # a hop moves when its spread is this share of the moving level...
MOVING_LEVEL = 0.8  # ...the spread this share of the window's hops stay below
HOLD_GAP = 0.5  # seconds a lost signal keeps its last value; longer gaps read as no movement
MIN_SPREAD = 0.03  # a signal must vary by this (torso lengths, or radians / 1.5) to be used
FLOOR = 0.02  # residual movement (torso lengths per signal) that counts as tracker noise: it
# shrinks the self-similarity of a still figure, whose residuals are nothing but that noise
TOP_SIGNALS = 12  # the signals that vary most are analysed (bounds the work per analysis)


@dataclass(frozen=True, slots=True)
class Rhythm:
    """One analysis: the period in seconds, its clarity (-1..1) and the signal carrying it most."""

    period: float
    clarity: float
    signal: str
    signals: tuple[str, ...] = ()  # every signal the analysis weighed
    chance: float = 0.0  # the spread of the clarity that noise alone would give


def _detrend(xs: list[float | None]) -> tuple[float, list[float]] | None:
    """Values minus their straight-line fit, and their mean square; gaps become 0 (no evidence
    either way). None when more than half the values are missing."""
    n = len(xs)
    if None in xs:
        at = [i for i, x in enumerate(xs) if x is not None]
        m = len(at)
        if m < n / 2:
            return None
        seen: list[float] = [x for x in xs if x is not None]
        mi, mx = sum(at) / m, sum(seen) / m
        di = [i - mi for i in at]
        sii = sum(map(mul, di, di))
        slope = sum(map(mul, di, map(sub, seen, repeat(mx)))) / sii if sii > 0 else 0.0
        d = [0.0] * n
        fit = map(sub, map(sub, seen, repeat(mx)), map(mul, di, repeat(slope)))
        for i, r in zip(at, fit, strict=True):
            d[i] = r
        return sum(map(mul, d, d)) / n, d
    full: list[float] = xs  # type: ignore[assignment]  # no gaps
    mi = (n - 1) / 2
    mx = sum(full) / n
    sii = n * (n * n - 1) / 12
    slope = (sum(map(mul, range(n), full)) - mi * n * mx) / sii if sii > 0 else 0.0
    # the mean square of the residuals, without making them: signals that hardly move are
    # dropped before any per-sample work
    var = max(sum(map(mul, full, full)) / n - mx * mx - slope * slope * sii / n, 0.0)
    if var < MIN_SPREAD**2:
        return var, []
    c = mx - slope * mi
    return var, [x - c - slope * i for i, x in enumerate(full)]


def _residual(d: list[float], pre: list[float], k: int) -> list[float]:
    """The signal minus its mean over one period of k samples centred on each sample (pre: its
    running sums): what repeats every k samples stays whole, and anything slower (a sway, a
    drift) is taken out."""
    n = len(d)
    half, inside = k // 2, n - k + 1  # samples before the first whole period's centre; centres
    # the ends take the nearest whole period's mean; lazy maps and slices, no list of means:
    # this runs for every signal at every lag of every analysis
    first, last = (pre[k] - pre[0]) / k, (pre[n] - pre[n - k]) / k
    return [
        *map(sub, d[:half], repeat(first)),
        *map(sub, d[half : half + inside], map(truediv, map(sub, pre[k:], pre), repeat(k))),
        *map(sub, d[half + inside :], repeat(last)),
    ]


def _lagged(d: list[float], pre: list[float], k: int) -> tuple[float, float, float]:
    """A signal taken relative to its mean over k samples, against itself k samples later: the
    sum of their products, and of their squares before and after."""
    y = _residual(d, pre, k)
    sab = sum(map(mul, y, y[k:]))  # y[i] * y[i + k]
    total, head, tail = sum(map(mul, y, y)), y[:k], y[-k:]
    return sab, total - sum(map(mul, tail, tail)), total - sum(map(mul, head, head))


def _similarity(ds: list[tuple[list[float], list[float]]], k: int) -> float:
    """How alike the signals are one lag of k samples apart, each taken relative to its mean
    over that lag: 1 when they repeat exactly every k samples. Summed over all the signals (a
    self-similarity of the whole body, the ones moving most weighing most)."""
    num = da = db = 0.0
    for d, pre in ds:
        sab, saa, sbb = _lagged(d, pre, k)
        num, da, db = num + sab, da + saa, db + sbb
    floor = len(ds) * FLOOR**2 * (len(ds[0][0]) - k)  # movement smaller than this is noise
    return num / math.sqrt((da + floor) * (db + floor))


Signals = list[tuple[list[float], list[float]]]  # each signal's values and running sums
# The self-similarity at every lag from 2 to the last given (see `similarities`). A door that
# has numpy may pass a vectorised one (easeback.pose.similarity): the domain stays plain math.
Similarities = Callable[[Signals, int], list[float]]


def similarities(ds: Signals, last: int) -> list[float]:
    """How alike the signals are at each lag from 2 samples to `last`, each taken relative to
    its mean over that lag (see `_similarity`): the score at lag k is item k - 2."""
    return [_similarity(ds, k) for k in range(2, last + 1)]


def _periodicity(ds: list[tuple[list[float], list[float]]], k: int) -> tuple[list[float], float]:
    """At the lag found: each signal's own likeness to itself, and how many independent signals
    the sum is worth (their energies' participation ratio)."""
    own, da, squares = [], 0.0, 0.0
    for d, pre in ds:
        sab, saa, sbb = _lagged(d, pre, k)
        da, squares = da + saa, squares + saa * saa
        own.append(sab / math.sqrt(saa * sbb) if saa > 0 and sbb > 0 else 0.0)
    return own, da * da / squares if squares else 1.0


def rhythm(
    columns: dict[str, list[float | None]],
    rate: float = RATE,
    periods: tuple[float, float] = (MIN_PERIOD, MAX_PERIOD),
    alike: Similarities = similarities,
) -> Rhythm | None:
    """The period the signals share (None: nothing repeats).

    For each candidate lag, the signals that move are compared with themselves one lag later,
    each taken relative to its own mean over that lag (so a slow sway under a quick movement
    does not hide it), and summed: the lag at which the body looks most like itself again. Of
    the peaks, the shortest one nearly as alike as the best is the period, since two or three
    repetitions are alike as well.
    """
    moving: list[tuple[float, str, list[float]]] = []
    for name, xs in columns.items():
        fit = _detrend(xs)
        if fit is None:
            continue
        var, d = fit
        if var >= MIN_SPREAD**2:
            moving.append((var, name, d))
    if not moving:
        return None
    moving.sort(reverse=True)
    moving = moving[:TOP_SIGNALS]
    n = len(moving[0][2])
    lo = max(2, math.ceil(periods[0] * rate))
    hi = min(int(n / CYCLES), int(periods[1] * rate))
    if hi <= lo + 1:
        return None
    ds = [(d, list(accumulate(d, initial=0.0))) for _, _, d in moving]
    score = dict(enumerate(alike(ds, hi + 1), start=2))
    peaks = [k for k in range(lo, hi + 1) if score[k] >= score[k - 1] and score[k] > score[k + 1]]
    if not peaks:
        return None
    best = max(score[k] for k in peaks)
    if best < MIN_OWN:
        return None
    k = next(k for k in peaks if score[k] >= SHORTER_PEAK * best)
    a, b, c = score[k - 1], score[k], score[k + 1]
    bend = a - 2 * b + c
    shift = 0.5 * (a - c) / bend if bend < 0 else 0.0
    own, worth = _periodicity(ds, k)
    names = [name for (_, name, _), r in zip(moving, own, strict=True) if r >= MIN_OWN]
    lead = max(zip(own, (name for _, name, _ in moving), strict=True))[1]
    dip = min(score[j] for j in range(2, k))
    chance = 1 / math.sqrt(worth * (n - k))
    return Rhythm((k + shift) / rate, (b - dip) / 2, lead, tuple(names) or (lead,), chance)


@dataclass
class _Hop:
    t: float  # when it ended
    seconds: float
    credit: float = 0.0  # repetitions: its seconds over the period, while it is moving


def _above_chance(r: Rhythm) -> float:
    """How far a rhythm's clarity stands above what noise alone would give it (its CHANCE
    multiple): the measure that compares rhythms of different signals. Clarity alone favours a
    few signals, whose noise reaches high clarities more easily."""
    return r.clarity - CHANCE * r.chance


def _agree(a: Rhythm, b: Rhythm) -> bool:
    return abs(a.period - b.period) <= AGREE * max(a.period, b.period)


def _mean_rows(rows: Sequence[list[float | None]]) -> list[float | None]:
    out: list[float | None] = []
    for i in range(len(rows[0])):
        xs = [r[i] for r in rows if r[i] is not None]
        out.append(sum(xs) / len(xs) if xs else None)  # type: ignore[arg-type]
    return out


def _running(xs: Sequence[float | None]) -> tuple[list[int], list[float]]:
    """Running counts and sums of the values seen (n[j], s[j]: over the first j values)."""
    seen = list(accumulate((x is not None for x in xs), initial=0))
    return seen, list(accumulate((0.0 if x is None else x for x in xs), initial=0.0))


def _about_mean(xs: list[float | None], k: int) -> list[float | None]:
    """Each value minus the mean of the values seen over k samples centred on it: what repeats
    every k samples stays, a drift or a shift of the scene under it goes. Near the ends, over the
    samples there are."""
    n, s = _running(xs)
    out: list[float | None] = []
    for j, x in enumerate(xs):
        lo, hi = max(0, j - k // 2), min(len(xs), j - k // 2 + k)
        seen = n[hi] - n[lo]
        out.append(None if x is None or not seen else x - (s[hi] - s[lo]) / seen)
    return out


class _Spreads:
    """How much some signals move over any run of rows: the root of their summed variances,
    from running sums, so that each run costs one step per signal."""

    def __init__(
        self, rows: Sequence[list[float | None]], names: Sequence[int], k: int = 0
    ) -> None:
        self.sums: list[tuple[list[int], list[float], list[float]]] = []
        for i in names:
            col = [r[i] for r in rows]
            if k >= 2:
                col = _about_mean(col, k)
            n, s = _running(col)
            z = [0.0 if x is None else x for x in col]
            self.sums.append((n, s, list(accumulate(map(mul, z, z), initial=0.0))))

    def spread(self, lo: int, hi: int) -> float:
        total = 0.0
        for n, s, q in self.sums:
            k = n[hi] - n[lo]
            if k >= 2:
                m = (s[hi] - s[lo]) / k
                total += max((q[hi] - q[lo]) / k - m * m, 0.0)
        return math.sqrt(total)


@dataclass
class PeriodCounter:
    """Counts the repetitions of whatever repeats in some named signals, sample by sample (see
    the module docstring). add() takes each frame's values, None where a signal is not seen."""

    names: tuple[str, ...] = ("value",)
    # signals analysed apart, each group finding its own rhythm; the one standing furthest above
    # chance counts (empty: all the signals together)
    groups: tuple[tuple[str, ...], ...] = ()
    settled: float = 0.0  # repetitions of hops older than any window, no longer revised
    rhythm: Rhythm | None = None  # the last analysis with a clear rhythm
    counting: bool = False
    samples: deque[list[float | None]] = field(
        default_factory=lambda: deque(maxlen=int(WINDOW * RATE))
    )
    slow: deque[list[float | None]] = field(
        default_factory=lambda: deque(maxlen=int(SLOW_WINDOW * SLOW_RATE))
    )
    hops: deque[_Hop] = field(default_factory=deque)
    alike: Similarities = similarities  # how the self-similarity is computed (see `rhythm`)
    _slot: int | None = None
    _sums: list[float] = field(init=False)
    _ns: list[int] = field(init=False)
    _last: list[tuple[float, float] | None] = field(init=False)
    _index: dict[str, int] = field(init=False)
    _pending: list[list[float | None]] = field(default_factory=list)
    _since_hop: int = 0
    _seen: bool = False
    _t: float | None = None
    _candidate: Rhythm | None = None
    _finished: bool = False

    def __post_init__(self) -> None:
        k = len(self.names)
        self._sums, self._ns, self._last = [0.0] * k, [0] * k, [None] * k
        self._index = {name: i for i, name in enumerate(self.names)}

    @property
    def count(self) -> float:
        """Repetitions so far, fractional."""
        return self.settled + sum(h.credit for h in self.hops)

    @property
    def time(self) -> float:
        """The time of the last frame added (0 before any)."""
        return self._t or 0.0

    @property
    def reps(self) -> int:
        """Whole repetitions, with the stretch since the last analysis when the rhythm is clear."""
        extra = 0.0
        if self.counting and self.rhythm is not None and self.hops and self._t is not None:
            extra = max(self._t - self.hops[-1].t, 0.0) / self.rhythm.period
        return math.floor(self.count + extra + 0.5)

    def add(self, t: float, values: Sequence[float | None] | None) -> None:
        """One frame's values at time t (None: nobody in view)."""
        self._t = t
        slot = math.floor(t * RATE)
        if self._slot is None:
            self._slot = slot
        while self._slot < slot:  # close every slot up to this frame's
            self._close(self._slot / RATE)
            self._slot += 1
        if values is None:
            return
        self._seen = True
        for i, v in enumerate(values):
            if v is not None:
                self._sums[i] += v
                self._ns[i] += 1

    def _close(self, t: float, final: bool = False) -> None:
        row: list[float | None] = []
        for i in range(len(self.names)):
            if self._ns[i]:
                v = self._sums[i] / self._ns[i]
                self._last[i] = (t, v)
                row.append(v)
            else:
                last = self._last[i]
                row.append(last[1] if last is not None and t - last[0] <= HOLD_GAP else None)
            self._sums[i], self._ns[i] = 0.0, 0
        if not self._seen:
            return  # nobody yet: nothing to analyse
        self.samples.append(row)
        self._pending.append(row)
        if len(self._pending) >= SLOW_EVERY:
            self.slow.append(_mean_rows(self._pending))
            self._pending.clear()
        self._since_hop += 1
        if self._since_hop >= HOP_SAMPLES or final:
            seconds, self._since_hop = self._since_hop / RATE, 0
            self._analyse(t, seconds, final)

    def finish(self) -> None:
        """The stream has ended: analyse what came after the last analysis, so that a short
        clip's repetitions are counted. A rhythm first found here needs no second analysis to
        agree with it (there will be none); it still has to stand CHANCE above noise."""
        if self._slot is None or self._t is None or self._finished:
            return
        self._finished = True
        self._close(self._slot / RATE, final=True)

    def _analyse(self, t: float, seconds: float = HOP, final: bool = False) -> None:
        found, rows, rate = None, list(self.samples), RATE
        for group in self._groups():
            got, got_rows, got_rate = self._analyse_group(group)
            if got is not None and (found is None or _above_chance(got) > _above_chance(found)):
                found, rows, rate = got, got_rows, got_rate
        clear = found is not None and found.clarity >= self._need(found.chance)
        if clear and not self.counting:
            # to start, two analyses in a row must agree on the period: one can be a fluke
            prev, self._candidate = self._candidate, found
            clear = final or (prev is not None and found is not None and _agree(prev, found))
        elif not clear:
            self._candidate = None
        self.hops.append(_Hop(t, seconds))
        while self.hops and t - self.hops[0].t >= SLOW_WINDOW:
            self.settled += self.hops.popleft().credit
        was, self.counting = self.counting, clear
        if not clear or found is None:
            if was and self.rhythm is not None:  # the rhythm just ended: settle its last hops
                fast = list(self.samples)
                self._credit(t, self.rhythm, fast, RATE, revise_only=True)
            return
        self.rhythm = found
        self._credit(t, found, rows, rate)

    def _groups(self) -> list[list[int]]:
        """The signals analysed apart: each group's own rhythm competes (see `groups`)."""
        if not self.groups:
            return [list(range(len(self.names)))]
        return [[self._index[n] for n in g] for g in self.groups]

    def _analyse_group(
        self, group: list[int]
    ) -> tuple[Rhythm | None, list[list[float | None]], float]:
        rows, slow = list(self.samples), list(self.slow)
        found, rate = None, RATE
        if len(rows) >= MIN_HISTORY * RATE:
            columns = {self.names[i]: [r[i] for r in rows] for i in group}
            found = rhythm(columns, alike=self.alike)
        if len(slow) >= 2 * SLOW_MIN_PERIOD * SLOW_RATE:
            slower = rhythm(
                {self.names[i]: [r[i] for r in slow] for i in group},
                SLOW_RATE,
                (SLOW_MIN_PERIOD, SLOW_MAX_PERIOD),
                self.alike,
            )
            if (
                slower is not None
                and slower.period >= SLOW_FROM
                and (found is None or slower.clarity > found.clarity)
            ):
                found, rows, rate = slower, slow, SLOW_RATE
        return found, rows, rate

    def _credit(
        self,
        t: float,
        found: Rhythm,
        rows: list[list[float | None]],
        rate: float,
        revise_only: bool = False,
    ) -> None:
        """Count the window's moving hops at this period, revising what an earlier, shorter
        window made of them (a slow movement shows its whole period only later).

        A hop moves when the signals spread, over one period centred on it and each about its
        own mean over a period (a drift or the scene shifting is no movement), at least ACTIVE
        of what they do in the window's most moving hops: a pause longer than a period is not
        counted, and neither is the stillness before a late start.
        """
        moving = _Spreads(rows, [self._index[n] for n in found.signals], round(found.period * rate))
        first = t - (len(rows) - 1) / rate  # the time of rows[0]
        half = found.period * rate / 2
        n = len(rows)

        def spread(centre: float) -> float:
            lo, hi = max(0, round(centre - half)), min(n, round(centre + half) + 1)
            return moving.spread(lo, hi) if hi - lo >= 2 else 0.0

        spreads: list[tuple[_Hop, float]] = []
        for h in self.hops:
            if h.t < first or (revise_only and not h.credit):
                continue
            spreads.append((h, spread((h.t - h.seconds / 2 - first) * rate)))
        if not spreads:
            return
        # the moving level: the spread of the most moving hops of the window (not of the whole
        # window, which a long pause would make small)
        level = sorted(v for _, v in spreads)[int(len(spreads) * MOVING_LEVEL)]
        for h, v in spreads:
            # the share of the hop's own samples that move, each judged over a period centred
            # on it: a hop where a stretch begins or ends is credited only for its moving part
            end = (h.t - first) * rate
            own = range(max(math.floor(end - h.seconds * rate) + 1, 0), min(math.floor(end) + 1, n))
            if own:
                share = sum(spread(j) >= ACTIVE * level for j in own) / len(own)
            else:
                share = float(v >= ACTIVE * level)
            h.credit = share * h.seconds / found.period

    def _need(self, chance: float) -> float:
        """The clarity that counts: to start, CHANCE times what noise alone would give."""
        return EXIT if self.counting else max(ENTER, CHANCE * chance)

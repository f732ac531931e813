"""The counter's self-similarity at every lag, with numpy: the same sums as
easeback.domain.rhythm.similarities, over all the signals at once.

The counter weighs up to a dozen signals at 75 lags twice a second, each lag a pass over ten
seconds of samples: in plain Python that is most of what counting costs on a camera frame. The
domain stays plain math (it runs without the camera extra); the camera door, which has numpy
anyway, hands this one to the counter instead. Sums are taken in a different order, so a score
may differ from the plain one in its last bits.
"""

from __future__ import annotations

import math

import numpy as np

from easeback.domain.rhythm import FLOOR, Signals


def similarities(ds: Signals, last: int) -> list[float]:
    """How alike the signals are at each lag from 2 samples to `last` (item k - 2 for lag k)."""
    d = np.array([values for values, _ in ds], dtype=np.float64)
    pre = np.array([sums for _, sums in ds], dtype=np.float64)
    count, n = d.shape
    y = np.empty_like(d)
    out = []
    for k in range(2, last + 1):
        half, inside = k // 2, n - k + 1
        means = pre[:, k:] - pre[:, :inside]
        means /= k  # each signal's mean over the k samples from each start
        # the signal about the mean of the period centred on each sample; the ends take the
        # nearest whole period's mean
        np.subtract(d[:, :half], means[:, :1], out=y[:, :half])
        np.subtract(d[:, half : half + inside], means, out=y[:, half : half + inside])
        np.subtract(d[:, half + inside :], means[:, -1:], out=y[:, half + inside :])
        num = float(np.vdot(y[:, :-k], y[:, k:]))  # y[i] * y[i + k], all signals
        squares = np.einsum("ij,ij->j", y, y)  # per sample, summed over the signals
        total = float(squares.sum())
        da, db = total - float(squares[-k:].sum()), total - float(squares[:k].sum())
        floor = count * FLOOR**2 * (n - k)  # movement smaller than this is noise
        out.append(num / math.sqrt((da + floor) * (db + floor)))
    return out

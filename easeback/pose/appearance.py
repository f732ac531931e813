"""What the picture itself shows, as a few plain numbers per frame, for the unknown-movement
counter.

A pose track carries a movement only when the body is found and its landmarks move with it: on
real footage hands alone in view, a hoop, a brush or a small person far away repeat where no
landmark does. The whole picture repeats with the movement too (classic repetition counting,
and RepNet, read the frames themselves): a 16x16 grayscale thumbnail looks like itself again
one period later. A few fixed random projections of it keep that likeness (the sum of their
products approximates the thumbnails' own inner product), so the domain's counter weighs them
as signals of their own beside the pose's, as plain numbers.
"""

from __future__ import annotations

from typing import Any

from easeback.domain.repetition import PICTURE_SIGNALS
from easeback.pose.landmarks import _modules

SIZE = 16  # pixels a side: coarse enough that noise and small shifts average out
# Grey levels 0..1 times this: one projection then moves about as much as a landmark moves in
# torso lengths when a tenth of the picture changes, and the counter's noise floor (0.02) is
# half a grey level, below what video compression leaves.
SCALE = 10.0
SEED = 0  # the projections are fixed, so a clip always gives the same numbers


class Appearance:
    """Turns a BGR frame into len(PICTURE_SIGNALS) numbers."""

    def __init__(self) -> None:
        import numpy as np

        rng = np.random.default_rng(SEED)
        n = SIZE * SIZE
        weights = rng.standard_normal((n, len(PICTURE_SIGNALS))) / np.sqrt(n)
        self._weights = (weights * SCALE / 255.0).astype(np.float32)

    def numbers(self, bgr: Any) -> tuple[float, ...]:
        """The projections of one frame's thumbnail (any size of frame)."""
        cv2 = _modules()[0]
        h, w = bgr.shape[:2]
        if h < 1 or w < 1:
            raise ValueError(f"an empty picture ({w}x{h}) has no appearance")
        # an area average by a whole factor first (OpenCV's fast path, the frame's edges cut to
        # a multiple of it): several times cheaper than one area resize straight to SIZE from a
        # 640x360 frame, and as smooth
        step = max(1, min(w, h) // (2 * SIZE))
        cut = bgr[: h - h % step, : w - w % step]
        small = cv2.resize(cut, (w // step, h // step), interpolation=cv2.INTER_AREA)
        thumb = cv2.resize(small, (SIZE, SIZE), interpolation=cv2.INTER_AREA)
        if thumb.ndim == 3:
            thumb = cv2.cvtColor(thumb, cv2.COLOR_BGR2GRAY)
        return tuple(float(v) for v in thumb.reshape(-1).astype("float32") @ self._weights)

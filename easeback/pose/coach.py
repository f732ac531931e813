"""The camera coach use case: a technique (or `auto`) and a stream → live events and a summary.

Only derived numbers leave this module: counts, hold seconds, warnings and angles per second.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from easeback.domain.motion import (
    ANGLES,
    AUTO_CANDIDATES,
    Coach,
    Event,
    PoseFrame,
    Signal,
    Summary,
    measure_all,
)
from easeback.domain.repetition import AutoCoach
from easeback.domain.rhythm import Similarities

if TYPE_CHECKING:
    from easeback.pose.appearance import Appearance

AUTO = "auto"


class UnknownSignal(KeyError):
    """The technique has no camera signal."""


def signal_for(technique_id: str) -> Signal:
    from easeback.content.motion_schema import default_signals

    signals = default_signals()
    if technique_id not in signals:
        known = ", ".join(sorted(signals))
        raise UnknownSignal(
            f"the camera coach has no signal for {technique_id!r}; "
            f"use one of {known}, or `auto` for any movement"
        )
    return signals[technique_id]


@dataclass
class PerSecond:
    """Mean of each angle over each whole second of the stream."""

    keep: bool = True
    sums: dict[str, dict[int, tuple[float, int]]] = field(default_factory=dict)

    def add(self, t: float, values: dict[str, float]) -> None:
        if not self.keep:
            return
        sec = int(t)
        for name, v in values.items():
            s, n = self.sums.setdefault(name, {}).get(sec, (0.0, 0))
            self.sums[name][sec] = (s + v, n + 1)

    def series(self, name: str, seconds: int) -> list[float | None]:
        per = self.sums.get(name, {})
        return [round(per[s][0] / per[s][1], 1) if s in per else None for s in range(seconds)]


def _alike() -> Similarities:
    """The counter's self-similarity: with numpy, which the camera extra brings, about ten times
    faster than the plain one and the same to the last bits."""
    try:
        from easeback.pose.similarity import similarities
    except ImportError:  # no numpy: the domain's own, plain one
        from easeback.domain.rhythm import similarities
    return similarities


@dataclass
class Session:
    """Feeds pose frames to the technique's coach (or the generic one) and keeps the numbers."""

    technique_id: str
    aspect: float = 1.0
    keep_angles: bool = True
    frames: int = 0
    frames_with_pose: int = 0
    last_t: float = 0.0
    angles: PerSecond = field(default_factory=PerSecond)
    coach: Coach | AutoCoach = field(init=False)
    _appearance: Appearance | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.angles.keep = self.keep_angles
        if self.technique_id == AUTO:
            self.coach = AutoCoach(aspect=self.aspect, alike=_alike())
        else:
            self.coach = Coach(signal_for(self.technique_id), aspect=self.aspect)

    @property
    def signal_name(self) -> str | None:
        if isinstance(self.coach, AutoCoach):
            return self.coach.best
        return self.coach.signal.angle

    def _has_series(self, name: str) -> bool:
        """Per-second values are kept for angles; auto mode may count on a landmark position."""
        return not isinstance(self.coach, AutoCoach) or name in ANGLES

    def update(
        self, frame: PoseFrame, picture: Any = None, numbers: Sequence[float] | None = None
    ) -> list[Event]:
        """One frame's landmarks; for `auto`, also what its picture shows: the BGR picture
        itself, or the numbers already made of it (see easeback.pose.appearance). The technique
        coach reads the landmarks only."""
        self.frames += 1
        self.last_t = frame.t
        if isinstance(self.coach, AutoCoach):
            if numbers is None and picture is not None:
                if self._appearance is None:
                    from easeback.pose.appearance import Appearance

                    self._appearance = Appearance()
                numbers = self._appearance.numbers(picture)
            events = self.coach.update(frame, numbers)
        else:
            events = self.coach.update(frame)
        if frame.landmarks is not None:
            self.frames_with_pose += 1
            if not self.angles.keep:
                pass  # a live session keeps no per-second angles: measuring them costs 0.1 ms
            elif isinstance(self.coach, AutoCoach):
                self.angles.add(frame.t, measure_all(frame.landmarks, AUTO_CANDIDATES, self.aspect))
            elif self.coach.value is not None:
                self.angles.add(frame.t, {self.coach.signal.angle: self.coach.value})
        return events

    def summary(self) -> Summary:
        if isinstance(self.coach, AutoCoach):
            self.coach.finish()  # the summary is asked for when the stream has ended
            return Summary(self.coach.reps, 0.0, list(self.coach.events))
        return self.coach.summary()

    def public(self, fps: float) -> dict[str, Any]:
        """The JSON shape of `easeback coach ID --video FILE --json`."""
        summary = self.summary()
        seconds = int(self.last_t) + 1 if self.frames else 0
        name = self.signal_name
        return {
            "technique": self.technique_id,
            "signal": name,
            "reps": summary.reps,
            "hold_seconds": round(summary.hold_seconds, 1),
            "warnings": [
                {"t": round(e.t, 2), "kind": e.kind.value, "message": e.message}
                for e in summary.warnings
            ],
            "fps": round(fps, 2),
            "frames": self.frames,
            "frames_with_pose": self.frames_with_pose,
            "angles": (
                {name: self.angles.series(name, seconds)}
                if name is not None and self._has_series(name)
                else {}
            ),
        }


def run(
    session: Session,
    frames: Iterable[PoseFrame | tuple[PoseFrame, Any]],
    on_event: Callable[[Event], None] | None = None,
) -> Session:
    """Feed every frame to the session: PoseFrames, or (PoseFrame, BGR picture) pairs."""
    for item in frames:
        frame, picture = item if isinstance(item, tuple) else (item, None)
        for event in session.update(frame, picture):
            if on_event is not None:
                on_event(event)
    return session


def analyse_video(technique_id: str, video: str) -> dict[str, Any]:
    """Run the coach over a recorded video and return its summary as plain data."""
    from easeback.pose.landmarks import Detector, open_stream, pose_pictures

    if technique_id != AUTO:
        signal_for(technique_id)  # fail before opening anything
    stream = open_stream(video=video)
    try:
        with Detector() as detector:
            session = Session(technique_id, aspect=stream.aspect)
            began = time.perf_counter()
            run(session, pose_pictures(stream, detector))
            elapsed = time.perf_counter() - began
    finally:
        stream.close()
    out = session.public(stream.fps)
    out["processing_fps"] = round(session.frames / elapsed, 1) if elapsed > 0 else None
    return out


def coach_live(
    technique_id: str,
    camera: int,
    on_event: Callable[[Event], None],
    on_start: Callable[[], None] | None = None,
) -> Summary:
    """Coach from a webcam until the stream ends or the person presses Ctrl-C."""
    from easeback.pose.landmarks import Detector, open_stream, pose_pictures

    if technique_id != AUTO:
        signal_for(technique_id)
    stream = open_stream(camera=camera)
    session = Session(technique_id, aspect=stream.aspect, keep_angles=False)
    try:
        with Detector() as detector:
            if on_start is not None:
                on_start()
            run(session, pose_pictures(stream, detector), on_event)
    except KeyboardInterrupt:
        pass
    finally:
        stream.close()
    return session.summary()


# The warnings a session log counts, by their event kind.
COUNTED_WARNINGS = ("slow_down", "bouncing", "past_range", "setup")


@dataclass
class Counts:
    """The derived numbers of one technique, summed over the stretches the coach watched it: all
    a recorded session keeps of the camera."""

    reps: int = 0
    hold_seconds: float = 0.0
    warnings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED_WARNINGS, 0))

    def add(self, summary: Summary) -> None:
        self.reps += summary.reps
        self.hold_seconds += summary.hold_seconds
        for event in summary.warnings:
            kind = event.kind.value
            if kind in self.warnings:
                self.warnings[kind] += 1

    def public(self, technique_id: str) -> dict[str, Any]:
        return {
            "technique_id": technique_id,
            "reps": self.reps,
            "hold_seconds": round(self.hold_seconds, 1),
            **self.warnings,
        }


__all__ = [
    "ANGLES",
    "AUTO",
    "COUNTED_WARNINGS",
    "Counts",
    "Session",
    "analyse_video",
    "coach_live",
    "signal_for",
]

"""Frames from a webcam or a video file → MediaPipe pose landmarks, one PoseFrame per frame.

mediapipe and OpenCV come with the optional `camera` extra and are imported only here, when a
stream is opened. Frames live in memory for one detection and are then dropped: nothing is
written to disk or sent anywhere.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from easeback.domain.motion import N_LANDMARKS, Landmark, PoseFrame

INSTALL_HINT = "pip install 'easeback[camera]'"
MAX_WIDTH = 640  # larger frames are scaled down first: the model itself sees 256x256
# Complexity 1 is the model that ships inside the mediapipe wheel; 0 and 2 are downloaded on first
# use, which fails offline.
MODEL_COMPLEXITY = 1


class CameraUnavailable(RuntimeError):
    """The camera extra is missing, or the camera or video cannot be opened."""


def _modules() -> tuple[ModuleType, ModuleType]:
    os.environ.setdefault("GLOG_minloglevel", "2")  # keep mediapipe's C++ logging quiet
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")  # we report a camera that fails to open
    try:
        import cv2  # type: ignore[import-untyped,import-not-found,unused-ignore]
        import mediapipe  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError as exc:
        raise CameraUnavailable(
            f"the camera coach needs the camera extra ({exc.name} is missing): {INSTALL_HINT}"
        ) from exc
    return cv2, mediapipe


def available() -> bool:
    try:
        _modules()
    except CameraUnavailable:
        return False
    return True


class Detector:
    """MediaPipe's pose landmarker in video mode (it tracks between frames)."""

    def __init__(self) -> None:
        cv2, mp = _modules()
        self._cv2 = cv2
        self._pose: Any = mp.solutions.pose.Pose(
            static_image_mode=False,
            model_complexity=MODEL_COMPLEXITY,
            smooth_landmarks=True,
            enable_segmentation=False,
        )

    def detect(self, bgr: Any) -> tuple[Landmark, ...] | None:
        rgb = self._cv2.cvtColor(bgr, self._cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return None
        lms = result.pose_landmarks.landmark
        return tuple(
            Landmark(float(p.x), float(p.y), float(p.visibility)) for p in lms[:N_LANDMARKS]
        )

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> Detector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class Stream:
    """An open video source: its frame rate, picture shape and decoded frames."""

    capture: Any
    live: bool
    fps: float
    width: int
    height: int

    @property
    def aspect(self) -> float:
        return self.width / self.height if self.height else 1.0

    def frames(self) -> Iterator[tuple[float, Any]]:
        """(seconds, BGR frame) pairs; video time for files, time since opening for cameras."""
        cv2 = _modules()[0]
        began, n = time.monotonic(), 0
        while True:
            ok, frame = self.capture.read()
            if not ok:
                return
            if frame.shape[1] > MAX_WIDTH:
                scale = MAX_WIDTH / frame.shape[1]
                frame = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
            t = time.monotonic() - began if self.live else n / self.fps
            n += 1
            yield t, frame

    def close(self) -> None:
        self.capture.release()


def open_stream(video: str | None = None, camera: int | None = None) -> Stream:
    """Open a video file or a webcam by index."""
    cv2 = _modules()[0]
    if (video is None) == (camera is None):
        raise ValueError("give exactly one of video and camera")
    if video is not None and not os.path.isfile(video):
        raise CameraUnavailable(f"no video file at {video}")
    cap = cv2.VideoCapture(video if video is not None else camera)
    if not cap.isOpened():
        what = f"video {video}" if video is not None else f"camera {camera}"
        raise CameraUnavailable(f"cannot open {what}")
    fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
    if not 1.0 <= fps <= 240.0:
        fps = 30.0
    width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    if width > MAX_WIDTH:
        width, height = MAX_WIDTH, round(height * MAX_WIDTH / width)
    return Stream(cap, camera is not None, fps, width, height)


def pose_frames(stream: Stream, detector: Detector) -> Iterator[PoseFrame]:
    """Landmarks for every frame of the stream."""
    for t, frame in stream.frames():
        yield PoseFrame(t, detector.detect(frame))


def open_source(source: str) -> Stream:
    """The `camera_source` setting: a webcam by number ("0"), or a video file standing in."""
    source = source.strip()
    if source.isdigit():
        return open_stream(camera=int(source))
    return open_stream(video=source)


# The body's outline between MediaPipe landmarks: arms, trunk, legs (the face is left out).
SKELETON = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (27, 31), (24, 26), (26, 28), (28, 32),
)  # fmt: skip


def preview_jpeg(bgr: Any, landmarks: tuple[Landmark, ...] | None, quality: int = 70) -> bytes:
    """The frame with the seen landmarks drawn on a copy, as JPEG bytes in memory (never a file)."""
    cv2 = _modules()[0]
    out = bgr.copy()
    if landmarks is not None:
        h, w = out.shape[:2]

        def point(i: int) -> tuple[int, int] | None:
            p = landmarks[i]
            return (round(p.x * w), round(p.y * h)) if p.seen else None

        for a, b in SKELETON:
            pa, pb = point(a), point(b)
            if pa is not None and pb is not None:
                cv2.line(out, pa, pb, (80, 200, 120), 3, cv2.LINE_AA)
        for i in {i for pair in SKELETON for i in pair}:
            p = point(i)
            if p is not None:
                cv2.circle(out, p, 5, (255, 255, 255), -1, cv2.LINE_AA)
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise CameraUnavailable("cannot encode the preview picture")
    return bytes(buf.tobytes())

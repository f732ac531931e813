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

from easeback.domain.motion import LEFT_SHOULDER, N_LANDMARKS, RIGHT_SHOULDER, Landmark, PoseFrame

INSTALL_HINT = "pip install 'easeback[camera]'"
MAX_WIDTH = 640  # larger frames are scaled down first: the model itself sees 256x256
# Complexity 1 is the model that ships inside the mediapipe wheel; 0 and 2 are downloaded on first
# use, which fails offline.
MODEL_COMPLEXITY = 1


class CameraUnavailable(RuntimeError):
    """The camera extra is missing, or the camera or video cannot be opened."""


# mediapipe.solutions imports its drawing helpers, and they import matplotlib.pyplot: about 0.9 s
# of mediapipe's 1.3 s import, for drawing easeback never asks of it. They are loaded when first
# used instead (a placeholder module stands in for each until then).
_DRAWING = ("mediapipe.python.solutions.drawing_utils", "mediapipe.python.solutions.drawing_styles")


class _OnFirstUse(ModuleType):
    """Stands in for a module until one of its names is asked for, then imports it."""

    def __getattr__(self, attr: str) -> Any:
        import importlib
        import sys

        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attr)


def _modules() -> tuple[ModuleType, ModuleType]:
    import sys

    os.environ.setdefault("GLOG_minloglevel", "2")  # keep mediapipe's C++ logging quiet
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")  # we report a camera that fails to open
    if "mediapipe" not in sys.modules:
        for name in _DRAWING:
            sys.modules.setdefault(name, _OnFirstUse(name))
    try:
        import cv2  # type: ignore[import-untyped,import-not-found,unused-ignore]
        import mediapipe  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError as exc:
        raise CameraUnavailable(
            f"the camera coach needs the camera extra ({exc.name} is missing): {INSTALL_HINT}"
        ) from exc
    for name in _DRAWING:  # mp.solutions.drawing_utils, as an import would have set it
        package, _, short = name.rpartition(".")
        if short not in vars(sys.modules[package]):
            setattr(sys.modules[package], short, sys.modules[name])
    return cv2, mediapipe


def available() -> bool:
    try:
        _modules()
    except CameraUnavailable:
        return False
    return True


# Rescue when the whole-frame tracker finds no one. MediaPipe's solution tracks a region of
# interest between frames but, once it loses the person, looks again only over the whole picture
# at the model's 224x224 input, where a small or distant person is a few pixels tall.
ROI_MARGIN = 1.6  # the crop around the last good detection: this many times its size
ROI_KEEP = 60  # frames a lost person is looked for around where they were
SEARCH_EVERY = 8  # frames between searches over parts of the picture when no one is tracked
SEARCH_TILES = ((0.0, 0.0, 0.6, 1.0), (0.4, 0.0, 1.0, 1.0), (0.2, 0.2, 0.8, 0.8))  # x0 y0 x1 y1
# A search looks at one part a frame, in the first frames of every SEARCH_EVERY, each in place of
# that frame's whole-frame look: one model call a frame while no one is found, where all three
# parts in one frame stalled a live preview for three calls' time (about 150 ms) every 8 frames.
RESCUE_CONFIDENCE = 0.3  # inside a crop there is little else to mistake for a person
MIN_CROP = 96  # pixels; smaller crops carry too little detail to find a person in
# A crop tracker left to itself at a low confidence goes on "tracking" ghosts: on real clips it
# drew skeletons collapsed to a few pixels or spread far past the crop, frame after frame, while
# the whole-frame tracker, never asked, would have found the person again. So a crop's pose is
# kept only when it looks like a body seen in that crop (shoulders clearly seen, the clearly
# seen landmarks inside the crop, spanning at least BODY_IN_CROP of its side; a true one spans
# about 1/ROI_MARGIN), and the whole frame is tried again every REFRESH frames.
BODY_IN_CROP = 0.25
EDGE = 0.1  # share of the crop a clearly seen landmark may stray past its edge
REFRESH = 30  # frames; one whole-frame try a second while the crop tracker follows someone
PAUSE = 5  # frames without crop tries after a ghost: the person is not to be found there now
# After a ghost the crop tracker must forget it, but its reset() rebuilds MediaPipe's graph and
# loads both models again (four to six model calls' worth), so that waits until a crop is tried
# again. A blank picture would make it drop the ghost for one call, but its landmark visibility
# filter is not reset by a frame without a pose and drags the next person's shoulders under the
# body check for a dozen frames: on real clips it lost poses.


_Crop = tuple[int, int, int, int]  # left, top, right, bottom in pixels


def _box(lms: Any) -> tuple[float, float, float, float]:
    """The bounds of the visible landmarks (all of them if none is clearly visible)."""
    pts = [p for p in lms if p.visibility >= 0.5] or list(lms)
    xs, ys = [p.x for p in pts], [p.y for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


class Detector:
    """MediaPipe's pose landmarker in video mode (it tracks between frames), with a rescue.

    When the whole-frame tracker loses the person, a second tracker looks inside a crop around
    the last good detection (the crop gives a small person more of the model's pixels) and,
    once it finds them, follows them alone: one model call a frame, as without rescue, until it
    loses them and the whole frame is looked at again. When no one has been seen for a while,
    parts of the picture are searched every few frames in place of the whole frame. Without
    rescue it is the plain whole-frame tracker.
    """

    def __init__(self, rescue: bool = True) -> None:
        cv2, mp = _modules()
        self._cv2 = cv2
        self._mp = mp
        self._pose: Any = self._new(static=False, confidence=0.5)
        self._crop_pose: Any = None
        self._search_pose: Any = None
        self.rescue = rescue
        self.last_source = 0  # 0 nothing found, 1 the whole frame, 2 a crop, 3 a search
        self.model_seconds = 0.0  # in the whole-frame model, for the benchmarks
        self.model_calls = 0
        self.rescue_calls = 0  # the model run on crops
        self.rescue_seconds = 0.0  # in the crop and search models, for the benchmarks
        self._roi: tuple[float, float, float, float] | None = None  # normalised x0 y0 x1 y1
        self._crop: _Crop | None = None  # pixels, kept while it fits
        self._lost = 0
        self._frame = 0
        self._in_crop_now = False  # the crop tracker has the person: the whole frame waits
        self._following = 0  # frames the crop tracker has followed them
        self.rejected = 0  # crop poses that did not look like a body in the crop (ghosts)
        self._paused_until = 0  # the frame from which a crop may be tried again after a ghost
        self._forgot = False  # the crop tracker forgot a ghost; its next run starts afresh
        # where the time goes, for the benchmarks: seconds and runs by stage ("convert" the
        # colour conversion, "crop" and "search" the rescue models' runs, "reset" forgetting a
        # ghost and "after reset" the crop run that follows it, which rebuilds what the reset
        # dropped); "crop found" and the like count the runs that found a pose
        self.stage_seconds: dict[str, float] = {}
        self.stage_calls: dict[str, int] = {}

    def _new(self, static: bool, confidence: float) -> Any:
        return self._mp.solutions.pose.Pose(
            static_image_mode=static,
            model_complexity=MODEL_COMPLEXITY,
            smooth_landmarks=not static,
            enable_segmentation=False,
            min_detection_confidence=confidence,
            min_tracking_confidence=confidence,
        )

    def _spent(self, stage: str, began: float, found: bool = False) -> None:
        self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + time.perf_counter() - began
        self.stage_calls[stage] = self.stage_calls.get(stage, 0) + 1
        if found:
            self.stage_calls[f"{stage} found"] = self.stage_calls.get(f"{stage} found", 0) + 1

    def detect(self, bgr: Any) -> tuple[Landmark, ...] | None:
        began = time.perf_counter()
        rgb = self._cv2.cvtColor(bgr, self._cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        self._spent("convert", began)
        self._frame += 1
        h, w = rgb.shape[:2]
        if self._in_crop_now:
            self._following += 1
            if self._following % REFRESH == 0:  # the whole frame may have them again
                found = self._whole(rgb)
                if found is not None:
                    self._in_crop_now = False
                    return found
            found = self._in_crop(rgb, w, h)
            if found is not None:
                self.last_source = 2
                return found
            self._in_crop_now = False  # lost in the crop too: the whole frame again
        elif (
            self.rescue and self._lost > ROI_KEEP and self._frame % SEARCH_EVERY < len(SEARCH_TILES)
        ):  # no one for a while: a part of the picture instead of the whole
            found = self._search(rgb, w, h, SEARCH_TILES[self._frame % SEARCH_EVERY])
            if found is not None:
                self._follow(3)
                return found
            self.last_source = 0
            return None
        found = self._whole(rgb)
        if found is not None or not self.rescue:
            return found
        self._lost += 1
        if self._roi is not None and self._lost <= ROI_KEEP and self._frame >= self._paused_until:
            found = self._in_crop(rgb, w, h)
            if found is not None:
                self._follow(2)
                return found
        return None

    def _whole(self, rgb: Any) -> tuple[Landmark, ...] | None:
        """The whole-frame tracker's pose, if it finds one."""
        began = time.perf_counter()
        result = self._pose.process(rgb)
        self.model_seconds += time.perf_counter() - began
        self.model_calls += 1
        if result.pose_landmarks is None:
            self.last_source = 0
            return None
        self.last_source, self._lost = 1, 0
        self._roi = _box(result.pose_landmarks.landmark)
        return _landmarks(result.pose_landmarks.landmark, (0, 0, 1, 1), 1, 1)

    def _follow(self, source: int) -> None:
        """A crop found the person: the crop tracker follows them from here."""
        self.last_source, self._lost, self._in_crop_now, self._following = source, 0, True, 0

    def _in_crop(self, rgb: Any, w: int, h: int) -> tuple[Landmark, ...] | None:
        assert self._roi is not None
        want = _crop_of(self._roi, w, h)
        crop = self._crop
        if crop is None or _moved(crop, want):
            crop = self._crop = want  # a steady crop lets the crop tracker follow inside it
        if self._crop_pose is None:
            self._crop_pose = self._new(static=False, confidence=RESCUE_CONFIDENCE)
        stage = "crop"
        if self._forgot:
            self._forgot, stage = False, "after reset"
        x0, y0, x1, y1 = crop
        result = self._rescue(self._crop_pose, rgb[y0:y1, x0:x1].copy(), stage)
        if result.pose_landmarks is None:
            return None
        if not _plausible(result.pose_landmarks.landmark):
            self.rejected += 1
            self._paused_until = self._frame + PAUSE
            self._forget_ghost()
            return None
        found = _landmarks(result.pose_landmarks.landmark, crop, w, h)
        self._roi = _box(found)
        return found

    def _forget_ghost(self) -> None:
        """Reset the crop tracker, or it goes on tracking the ghost. Done when the ghost is seen,
        not at the next crop run: MediaPipe rebuilds the tracker's graph (its models loaded
        again, about 140 ms of work) in threads of its own after reset() returns, so with a
        spare core the rebuild overlaps the whole-frame runs of the pause, where the next crop
        run used to wait for it: a live preview froze for that long at each ghost. The crop
        tracker sees the same frames either way, so the poses found are the same."""
        began = time.perf_counter()
        self._crop_pose.reset()
        self.rescue_seconds += time.perf_counter() - began
        self._spent("reset", began)
        self._forgot = True

    def _rescue(self, pose: Any, rgb: Any, stage: str) -> Any:
        """One run of a rescue model (a crop or a search tracker), counted and timed."""
        began = time.perf_counter()
        result = pose.process(rgb)
        self.rescue_seconds += time.perf_counter() - began
        self.rescue_calls += 1
        self._spent(stage, began, result.pose_landmarks is not None)
        return result

    def _search(
        self, rgb: Any, w: int, h: int, part: tuple[float, float, float, float]
    ) -> tuple[Landmark, ...] | None:
        """One part of the picture looked at afresh (every part is looked at in turn, each
        once every SEARCH_EVERY frames: one part each eighth frame missed a small person whom
        the three parts found)."""
        if self._search_pose is None:
            self._search_pose = self._new(static=True, confidence=RESCUE_CONFIDENCE)
        tx0, ty0, tx1, ty1 = part
        crop = (int(tx0 * w), int(ty0 * h), int(tx1 * w), int(ty1 * h))
        tile = rgb[crop[1] : crop[3], crop[0] : crop[2]].copy()
        result = self._rescue(self._search_pose, tile, "search")
        if result.pose_landmarks is not None and _plausible(result.pose_landmarks.landmark):
            found = _landmarks(result.pose_landmarks.landmark, crop, w, h)
            self._roi, self._crop = _box(found), None
            return found
        return None

    def close(self) -> None:
        for pose in (self._pose, self._crop_pose, self._search_pose):
            if pose is not None:
                pose.close()

    def __enter__(self) -> Detector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _plausible(lms: Any) -> bool:
    """Whether a pose found in a crop (in the crop's normalised coordinates) looks like a body
    seen in it rather than a ghost: both shoulders clearly seen, the clearly seen landmarks
    within the crop and spanning at least BODY_IN_CROP of it."""
    pts = [p for p in lms[:N_LANDMARKS] if p.visibility >= 0.5]
    if lms[LEFT_SHOULDER].visibility < 0.5 or lms[RIGHT_SHOULDER].visibility < 0.5:
        return False
    xs, ys = [float(p.x) for p in pts], [float(p.y) for p in pts]
    if min(xs) < -EDGE or min(ys) < -EDGE or max(xs) > 1 + EDGE or max(ys) > 1 + EDGE:
        return False
    return max(max(xs) - min(xs), max(ys) - min(ys)) >= BODY_IN_CROP


def _crop_of(box: tuple[float, float, float, float], w: int, h: int) -> _Crop:
    """The crop (pixels) around a box (normalised): ROI_MARGIN times its larger side, square."""
    x0, y0, x1, y1 = box
    side = max((x1 - x0) * w, (y1 - y0) * h) * ROI_MARGIN
    side = min(max(side, MIN_CROP), max(w, h))
    cx, cy = (x0 + x1) / 2 * w, (y0 + y1) / 2 * h
    left = int(min(max(cx - side / 2, 0), max(w - side, 0)))
    top = int(min(max(cy - side / 2, 0), max(h - side, 0)))
    return left, top, int(min(left + side, w)), int(min(top + side, h))


def _moved(old: tuple[int, ...], new: tuple[int, ...]) -> bool:
    """A crop is moved only when the person has drifted a quarter of its size or it should
    grow or shrink by a quarter."""
    size_old, size_new = old[2] - old[0], new[2] - new[0]
    shift = max(abs(new[0] - old[0]), abs(new[1] - old[1]))
    return shift > size_old / 4 or abs(size_new - size_old) > size_old / 4


def _landmarks(lms: Any, crop: tuple[int, ...], w: int, h: int) -> tuple[Landmark, ...]:
    """Landmarks found in a crop, in the whole picture's normalised coordinates."""
    x0, y0, x1, y1 = crop
    cw, ch = x1 - x0, y1 - y0
    return tuple(
        Landmark((x0 + float(p.x) * cw) / w, (y0 + float(p.y) * ch) / h, float(p.visibility))
        for p in lms[:N_LANDMARKS]
    )


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


def pose_pictures(stream: Stream, detector: Detector) -> Iterator[tuple[PoseFrame, Any]]:
    """Landmarks for every frame of the stream, with the frame's picture (BGR) beside them."""
    for t, frame in stream.frames():
        yield PoseFrame(t, detector.detect(frame)), frame


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

"""The camera coach in the web player: one worker thread per app reads the local camera (or a video
file standing in for it), runs the landmarks and the technique's coach, and keeps the latest
preview JPEG and numbers in memory for the page to poll.

Frames never leave this process and are never written to disk; what a recorded session keeps is
the derived numbers per technique (`tally`), handed to the journal by the stop and check-in pages.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from easeback.web.security import same_token
from easeback.web.state import session_of, web_state

if TYPE_CHECKING:
    from easeback.pose.coach import Counts, Session

INSTALL_HINT = "pip install 'easeback[camera]'"
COUNTED_WARNINGS = ("slow_down", "bouncing", "past_range", "setup")  # as easeback.pose.coach
IDLE_SECONDS = 20.0  # no page has asked for a frame or the numbers this long: the camera goes off
PREVIEW_EVERY = 1 / 12  # seconds between preview pictures; the page cannot show more anyway
JPEG_QUALITY = 70
RECENT_EVENTS = 8
MAX_OWNERS = 8  # tallies kept for this many visitors at most (one person, a few tabs)
AUTO = "auto"

router = APIRouter(include_in_schema=False)


def installed() -> bool:
    """The camera extra is there (found, not imported: importing mediapipe takes a second)."""
    return find_spec("cv2") is not None and find_spec("mediapipe") is not None


def coached_as(technique_id: str) -> str:
    """The technique's own signal when it has one, else the generic mode."""
    from easeback.content.motion_schema import default_signals

    return technique_id if technique_id in default_signals() else AUTO


class CameraCoach:
    """The app's one camera worker, started on demand and stopped on request or when idle."""

    def __init__(
        self,
        source: str,
        idle_seconds: float = IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        self._owner: str | None = None
        self._want: tuple[str, str] | None = None  # (technique id, coached as)
        self._runs: dict[str, str] = {}
        self._tallies: OrderedDict[str, dict[str, Counts]] = OrderedDict()
        self._touched = clock()
        self._jpeg: bytes | None = None
        self._status: dict[str, Any] = self._fresh_status("off")

    # ---- what the routes call ----

    def start(self, owner: str, run: str, technique_id: str) -> None:
        """Coach `technique_id` for this visitor; a new `run` (a new player page) starts a new
        tally. Starts the worker if it is not running; otherwise it switches technique."""
        if self._halt.is_set() and self._thread is not None:
            self._thread.join(5.0)  # a worker on its way out: let it finish first
        with self._lock:
            self._begin(owner, run)
            self._owner = owner
            self._want = (technique_id, coached_as(technique_id))
            self._touched = self.clock()
            if self._thread is not None and self._thread.is_alive():
                return
            self._halt.clear()
            self._jpeg = None
            self._status = self._fresh_status("starting")
            self._thread = threading.Thread(target=self._work, name="easeback-camera", daemon=True)
            self._thread.start()

    def _begin(self, owner: str, run: str) -> None:
        """This visitor's tally, a new one for a new run (lock held by the caller)."""
        if self._runs.get(owner) != run:
            self._runs[owner] = run
            self._tallies[owner] = {}
        self._tallies.setdefault(owner, {})
        self._tallies.move_to_end(owner)
        while len(self._tallies) > MAX_OWNERS:
            gone, _ = self._tallies.popitem(last=False)
            self._runs.pop(gone, None)

    def fold(self, owner: str, run: str, technique_id: str, summary: Any) -> None:
        """A stretch coached elsewhere (the browser coach, easeback.web.coach_web) joins the
        visitor's tally, as the worker's own stretches do."""
        from easeback.pose.coach import Counts

        with self._lock:
            self._begin(owner, run)
            self._tallies[owner].setdefault(technique_id, Counts()).add(summary)

    def stop(self, timeout: float = 5.0) -> None:
        """Switch the camera off and wait for the worker to let go of it."""
        self._halt.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        with self._lock:
            self._jpeg = None
            if self._status["state"] in ("starting", "on"):
                self._status["state"] = "off"

    def status(self) -> dict[str, Any]:
        with self._lock:
            self._touched = self.clock()
            out = dict(self._status)
            out["events"] = list(out["events"])
            out["warnings"] = dict(out["warnings"])
        out["installed"] = installed()
        out["install"] = INSTALL_HINT
        return out

    def frame(self) -> bytes | None:
        with self._lock:
            self._touched = self.clock()
            return self._jpeg

    def tally(self, owner: str) -> list[dict[str, Any]]:
        """This visitor's numbers per technique, for a session about to be recorded. The worker
        is stopped first if it is coaching them, so the last stretch is counted."""
        if self._owner == owner:
            self.stop()
        with self._lock:
            return [c.public(tid) for tid, c in self._tallies.get(owner, {}).items()]

    def forget(self, owner: str) -> None:
        with self._lock:
            self._tallies.pop(owner, None)
            self._runs.pop(owner, None)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ---- the worker ----

    def _fresh_status(self, state: str) -> dict[str, Any]:
        return {
            "state": state,  # off | starting | on | ended | error
            "technique": self._want[0] if self._want else None,
            "mode": self._want[1] if self._want else None,
            "signal": None,
            "reps": 0,
            "hold_seconds": 0.0,
            "warnings": {},
            "events": deque(maxlen=RECENT_EVENTS),
            "message": None,
            "pose": False,
            "frames": 0,
            "frames_with_pose": 0,
            "error": None,
        }

    def _fold(self, owner: str | None, technique_id: str | None, session: Session | None) -> None:
        """Add a finished stretch of coaching to its visitor's tally (lock held by the caller)."""
        from easeback.pose.coach import Counts

        if owner is None or technique_id is None or session is None or session.frames == 0:
            return
        tally = self._tallies.get(owner)
        if tally is not None:
            tally.setdefault(technique_id, Counts()).add(session.summary())

    def _idle(self) -> bool:
        return self.clock() - self._touched > self.idle_seconds

    def _work(self) -> None:
        from easeback.pose.landmarks import CameraUnavailable, open_source

        try:
            stream = open_source(self.source)
        except (CameraUnavailable, ValueError) as exc:
            with self._lock:
                self._status["state"] = "error"
                self._status["error"] = str(exc)
            return
        try:
            self._watch(stream)
        except Exception as exc:  # the page shows it; the app keeps serving
            with self._lock:
                self._status["state"] = "error"
                self._status["error"] = f"the camera coach stopped: {exc}"
        finally:
            stream.close()

    def _watch(self, stream: Any) -> None:
        from easeback.domain.motion import PoseFrame
        from easeback.pose.coach import Session
        from easeback.pose.landmarks import Detector, preview_jpeg

        owner: str | None = None
        technique: str | None = None
        session: Session | None = None
        last_preview = -1.0
        with Detector() as detector:
            began = time.monotonic()
            ended = True
            for t, frame in stream.frames():
                if self._halt.is_set() or self._idle():
                    ended = False
                    break
                if not stream.live:  # a video file plays at its own pace, like a camera
                    ahead = t - (time.monotonic() - began)
                    if ahead > 0 and self._halt.wait(ahead):
                        ended = False
                        break
                with self._lock:
                    want, who = self._want, self._owner
                    if want is not None and (who, want[0]) != (owner, technique):
                        self._fold(owner, technique, session)
                        owner, technique = who, want[0]
                        session = Session(want[1], aspect=stream.aspect, keep_angles=False)
                        self._status = self._fresh_status("on")
                assert session is not None
                landmarks = detector.detect(frame)
                events = session.update(PoseFrame(t, landmarks), frame)
                jpeg = None
                if t - last_preview >= PREVIEW_EVERY:
                    jpeg = preview_jpeg(frame, landmarks, JPEG_QUALITY)
                    last_preview = t
                with self._lock:
                    self._publish(session, events, landmarks is not None)
                    if jpeg is not None:
                        self._jpeg = jpeg
            with self._lock:
                self._fold(owner, technique, session)
                self._status["state"] = "ended" if ended else "off"
                if not ended:
                    self._jpeg = None

    def _publish(self, session: Session, events: list[Any], pose: bool) -> None:
        s, coach = self._status, session.coach
        s["state"] = "on"
        s["signal"] = session.signal_name
        s["reps"] = coach.counted
        s["hold_seconds"] = round(getattr(coach, "hold_seconds", 0.0), 1)
        s["pose"] = pose
        s["frames"] = session.frames
        s["frames_with_pose"] = session.frames_with_pose
        for e in events:
            s["events"].append({"t": round(e.t, 2), "kind": e.kind.value, "message": e.message})
            s["message"] = e.message
            if e.kind.value in COUNTED_WARNINGS:
                s["warnings"][e.kind.value] = s["warnings"].get(e.kind.value, 0) + 1


# ---- routes: the player page's helpers (cookie-bound, so CSRF-checked; not the public API) ----


def coach_of(request: Request) -> CameraCoach:
    coach: CameraCoach = request.app.state.camera
    return coach


def _refused(request: Request) -> Response | None:
    token = request.headers.get("x-csrf-token")
    if not same_token(token, session_of(request).csrf):
        return JSONResponse({"detail": "Reload the page and try again."}, status_code=403)
    return None


def _routine_ids(request: Request) -> list[str]:
    routine = session_of(request).routine
    return [str(t["id"]) for t in routine["techniques"]] if routine else []


@router.get("/player/camera.json")
def camera_status(request: Request) -> Response:
    out = coach_of(request).status()
    out["routine"] = [{"id": tid, "mode": coached_as(tid)} for tid in _routine_ids(request)]
    return JSONResponse(out, headers={"cache-control": "no-store"})


@router.get("/player/camera/frame.jpg")
def camera_frame(request: Request) -> Response:
    jpeg = coach_of(request).frame()
    if jpeg is None:
        return JSONResponse({"detail": "No picture yet."}, status_code=404)
    return Response(jpeg, media_type="image/jpeg", headers={"cache-control": "no-store"})


@router.post("/player/camera/start")
async def camera_start(request: Request) -> Response:
    refused = _refused(request)
    if refused is not None:
        return refused
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return JSONResponse({"detail": "Send a JSON object."}, status_code=400)
    technique, run = body.get("technique"), str(body.get("run") or "")[:64]
    cat = web_state(request).catalogue
    known = technique == AUTO or any(t.id == technique for t in cat.techniques)
    if not isinstance(technique, str) or not known:
        return JSONResponse({"detail": "Unknown technique."}, status_code=400)
    if not installed():
        return JSONResponse(
            {"detail": f"The camera coach needs the camera extra: {INSTALL_HINT}"},
            status_code=409,
        )
    await run_in_threadpool(coach_of(request).start, session_of(request).id, run, technique)
    return JSONResponse({"state": "starting", "technique": technique})


@router.post("/player/camera/stop")
def camera_stop(request: Request) -> Response:
    refused = _refused(request)
    if refused is not None:
        return refused
    coach_of(request).stop()
    return JSONResponse({"state": "off"})


async def tally_of(request: Request) -> list[dict[str, Any]]:
    """The visitor's camera numbers, for the journal door when it records their session (off the
    event loop: stopping the worker waits for it to let go of the camera)."""
    coach = getattr(request.app.state, "camera", None)
    if coach is None:
        return []
    counts: list[dict[str, Any]] = await run_in_threadpool(coach.tally, session_of(request).id)
    return counts


def forget_tally(request: Request) -> None:
    coach = getattr(request.app.state, "camera", None)
    if coach is not None:
        coach.forget(session_of(request).id)


def install(app: Any, source: str) -> None:
    """Give the app its (idle) camera worker and the routes."""
    app.state.camera = CameraCoach(source)
    app.include_router(router)

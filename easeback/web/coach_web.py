"""The camera coach in the browser: the page runs the pose model on the person's own camera and
sends only landmarks (33 points a frame, never a picture) over a WebSocket; the same Python coach
that `coach auto` and the per-technique coach use answers with counts, holds and warnings.

Landmarks live for one update and are never stored; what a recorded session keeps is the derived
numbers per technique, handed to the camera tally as the server camera's are (easeback.web.camera).
The model files themselves are served from the folder easeback.web.pose_assets fetched them into.
"""

from __future__ import annotations

import json
import math
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, Request, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.responses import FileResponse, JSONResponse, Response

from easeback.domain.motion import N_LANDMARKS, Event, Landmark, PoseFrame, Summary
from easeback.web import pose_assets

if TYPE_CHECKING:
    from easeback.pose.coach import Session

MAX_MESSAGE = 16 * 1024  # characters; a frame of 33 points is about 1.5 k
# Landmark frames a second of the movement's own time the counts need (bench/coach-web --rates):
# the demo clip's landmarks sampled at 3 to 30 a second count as at 30 down to 15 (the
# per-technique coach: 7, 8, 7 at 30, 20, 15; then 0 at 12, 10, 8, 6; 9 at 5); every technique's
# signal moved by the synthetic skeleton counts exactly down to 5 and says "slow down" as often
# as at 30 down to 8. A phone or a slow computer whose model finds the body less often than this
# gets no count: a wrong one would be worse.
MIN_RATE = 15.0
RATE_SECONDS = 2.0  # the rate is measured over this much of the movement's time
NOT_COUNTING = ("rep", "hold", "slow_down", "bouncing", "past_range")  # unreliable below it
COUNTED_WARNINGS = ("slow_down", "bouncing", "past_range", "setup")  # as easeback.pose.coach
AUTO = "auto"
REFUSED = 1008  # WebSocket close code: policy violation
NOT_FOUND_HEADERS = {"cache-control": "no-store"}


class BadMessage(ValueError):
    """A message the coach cannot read; its text says what a good one looks like."""


# ---- what the page sends ----


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadMessage(f"{what} must be a finite number, not {json.dumps(value)[:40]}")
    return float(value)


def read_landmarks(points: Any) -> tuple[Landmark, ...] | None:
    """`null` (no one in view) or 33 points, each [x, y, z, visibility] as the pose model gives
    them (x, y normalised to the picture; z is not used)."""
    if points is None:
        return None
    if not isinstance(points, list) or len(points) != N_LANDMARKS:
        got = len(points) if isinstance(points, list) else type(points).__name__
        raise BadMessage(f"landmarks must be null or a list of {N_LANDMARKS} points, not {got}")
    out = []
    for i, p in enumerate(points):
        if not isinstance(p, list) or len(p) != 4:
            raise BadMessage(f"landmark {i} must be [x, y, z, visibility]")
        x, y, _z, v = (_number(c, f"landmark {i}") for c in p)
        out.append(Landmark(x, y, min(1.0, max(0.0, v))))
    return tuple(out)


def read_message(text: str) -> dict[str, Any]:
    """One message from the page as a dict with a known `type`, or BadMessage."""
    if len(text) > MAX_MESSAGE:
        raise BadMessage(f"a message must be under {MAX_MESSAGE} characters")
    try:
        msg = json.loads(text)
    except ValueError:
        raise BadMessage("a message must be a JSON object") from None
    if not isinstance(msg, dict) or msg.get("type") not in ("start", "frame", "stop"):
        raise BadMessage('a message must be a JSON object whose type is "start", "frame" or "stop"')
    return msg


# ---- the coaching of one page ----


@dataclass
class PageCoach:
    """One page's stretches of coaching: a stretch per technique the player is on, each fed the
    page's landmark frames; a finished stretch's summary goes to `on_stretch` (the tally)."""

    routine: list[str]
    on_stretch: Callable[[str, Summary], None] | None = None
    technique: str | None = None
    mode: str | None = None
    session: Session | None = None
    last_t: float = -math.inf
    warnings: dict[str, int] = field(default_factory=dict)
    times: deque[float] = field(default_factory=lambda: deque(maxlen=256))
    first_t: float | None = None

    def start(self, msg: dict[str, Any]) -> dict[str, Any]:
        """{"type": "start", "index": k (the player's technique), "aspect": width / height}"""
        from easeback.pose.coach import Session
        from easeback.web.camera import coached_as

        aspect = _number(msg.get("aspect", 1.0), "aspect")
        if not 0.2 <= aspect <= 5:
            raise BadMessage("aspect (the picture's width over its height) must be 0.2 to 5")
        index = msg.get("index")
        if index is None or not self.routine:
            tid = AUTO
        elif isinstance(index, int) and not isinstance(index, bool) and index >= 0:
            tid = self.routine[min(index, len(self.routine) - 1)]
        else:
            raise BadMessage("index must be the player's technique number (0, 1, ...)")
        self.finish()
        self.technique, self.mode = tid, coached_as(tid)
        self.session = Session(self.mode, aspect=aspect, keep_angles=False)
        self.last_t = -math.inf
        self.warnings = {}
        self.times.clear()
        self.first_t = None
        return {"type": "started", "technique": tid, "mode": self.mode}

    def rate(self) -> float | None:
        """Frames a second of the movement's time over the last RATE_SECONDS (None until that
        much has been seen)."""
        if self.first_t is None or self.last_t - self.first_t < RATE_SECONDS:
            return None
        while len(self.times) > 2 and self.last_t - self.times[1] >= RATE_SECONDS:
            self.times.popleft()
        return (len(self.times) - 1) / (self.last_t - self.times[0])

    def counting(self) -> bool:
        """Whether the frames come often enough to count (yes until the rate is known)."""
        rate = self.rate()
        return rate is None or rate >= MIN_RATE

    def frame(self, msg: dict[str, Any]) -> dict[str, Any]:
        """{"type": "frame", "n": any, "t": seconds, "landmarks": null or 33 points}"""
        if self.session is None:
            raise BadMessage('send {"type": "start", ...} before the first frame')
        t = _number(msg.get("t"), "t")
        if t <= self.last_t:
            raise BadMessage("t (seconds since the camera started) must go up frame by frame")
        frame = PoseFrame(t, read_landmarks(msg.get("landmarks")))
        self.last_t = t
        self.times.append(t)
        if self.first_t is None:
            self.first_t = t
        events = self.session.update(frame)
        return self.status(events, msg.get("n"), frame.landmarks is not None)

    def status(self, events: list[Event], n: Any, pose: bool) -> dict[str, Any]:
        """The coach's numbers after a frame; while the frames come too seldom to count
        (`counting` false), no repetitions, holds or movement warnings: only whether the person
        is in view."""
        assert self.session is not None
        coach = self.session.coach
        counting, rate = self.counting(), self.rate()
        if not counting:
            events = [e for e in events if e.kind.value not in NOT_COUNTING]
        for e in events:
            if e.kind.value in COUNTED_WARNINGS:
                self.warnings[e.kind.value] = self.warnings.get(e.kind.value, 0) + 1
        return {
            "type": "status",
            "n": n if isinstance(n, int | float | str) else None,
            "technique": self.technique,
            "mode": self.mode,
            "signal": self.session.signal_name,
            "counting": counting,
            "rate": None if rate is None else round(rate, 1),
            "min_rate": MIN_RATE,
            "reps": coach.counted if counting else None,
            "hold_seconds": round(getattr(coach, "hold_seconds", 0.0), 1) if counting else None,
            "warnings": dict(self.warnings),
            "events": [
                {"t": round(e.t, 2), "kind": e.kind.value, "message": e.message} for e in events
            ],
            "pose": pose,
        }

    def finish(self) -> Summary | None:
        """End the stretch: its summary to the tally (nothing when it saw no frame)."""
        session, tid = self.session, self.technique
        self.session = None
        if session is None or tid is None or session.frames == 0:
            return None
        summary = session.summary()
        if not self.counting():
            # too few frames to count at the end (the rate over the last RATE_SECONDS, as the
            # page was last told): what the page was told (being in view) and nothing more
            kept = [e for e in summary.events if e.kind.value not in NOT_COUNTING]
            summary = Summary(0, 0.0, kept)
        if self.on_stretch is not None:
            self.on_stretch(tid, summary)
        return summary


async def converse(ws: WebSocket, coach: PageCoach) -> None:
    """Answer the page's messages until it goes; a bad message gets an error, not a close."""
    try:
        while True:
            text = await ws.receive_text()
            try:
                msg = read_message(text)
                if msg["type"] == "start":
                    answer = coach.start(msg)
                elif msg["type"] == "frame":
                    answer = coach.frame(msg)
                else:
                    coach.finish()
                    answer = {"type": "stopped"}
            except BadMessage as exc:
                answer = {"type": "error", "message": str(exc)}
            await ws.send_json(answer)
    except (WebSocketDisconnect, KeyError):
        pass  # KeyError: a binary message, which receive_text cannot read
    finally:
        coach.finish()


# ---- who may connect ----


def same_origin(conn: HTTPConnection, also: frozenset[str] = frozenset()) -> bool:
    """The socket was opened by one of the app's own pages: its Origin names the host it was
    sent to (or the public origin a proxy serves). Browsers always send Origin on a WebSocket."""
    origin = conn.headers.get("origin")
    if not origin or origin == "null":
        return False
    return urlsplit(origin).netloc == conn.headers.get("host") or origin.lower() in also


Opener = Callable[[WebSocket], Awaitable[PageCoach | None]]


async def handle(ws: WebSocket, opener: Opener) -> None:
    coach = await opener(ws)
    if coach is None:
        await ws.close(code=REFUSED)
        return
    await ws.accept()
    await converse(ws, coach)


# ---- the model files ----


def rescue_rules() -> dict[str, Any]:
    """How the page follows the person when its whole-picture model loses them: the same rules,
    from the same constants, as the server's own (easeback.pose.landmarks.Detector), so that
    both follow the same person. Served in ready.json; reading them imports no model."""
    from easeback.pose import landmarks as lm

    return {
        "roi_margin": lm.ROI_MARGIN,
        "roi_keep": lm.ROI_KEEP,
        "search_every": lm.SEARCH_EVERY,
        "search_tiles": [list(tile) for tile in lm.SEARCH_TILES],
        "rescue_confidence": lm.RESCUE_CONFIDENCE,
        "min_crop": lm.MIN_CROP,
        "body_in_crop": lm.BODY_IN_CROP,
        "edge": lm.EDGE,
        "refresh": lm.REFRESH,
        "pause": lm.PAUSE,
    }


def assets_router(folder: Callable[[HTTPConnection], Path]) -> APIRouter:
    """/pose-web/ready.json says whether the files are there (and how to get them);
    /pose-web/NAME serves one of them, with its media type (WebAssembly needs its own)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/pose-web/ready.json")
    def ready(request: Request) -> Response:
        here = folder(request)
        return JSONResponse(
            {
                "ready": pose_assets.present(here),
                "version": pose_assets.VERSION,
                "fetch": pose_assets.HOW_TO,
                "rescue": rescue_rules(),
            },
            headers={"cache-control": "no-store"},
        )

    @router.get("/pose-web/{name}")
    def asset(request: Request, name: str) -> Response:
        path = folder(request) / name
        if name not in pose_assets.FILES or not path.is_file():
            return JSONResponse(
                {"detail": f"No such file; fetch the model with {pose_assets.HOW_TO}."},
                status_code=404,
                headers=NOT_FOUND_HEADERS,
            )
        media = pose_assets.MEDIA_TYPES[Path(name).suffix]
        # a version's files never change: cached for a day, revalidated by the ETag after
        return FileResponse(path, media_type=media, headers={"cache-control": "max-age=86400"})

    return router


# ---- the personal app ----


async def _personal(ws: WebSocket) -> PageCoach | None:
    """The player page's own socket: the session cookie, the CSRF value the page was given for
    it (in the address: a browser cannot set headers on a WebSocket) and the page's Origin."""
    from easeback.web.security import _hostname, same_token
    from easeback.web.store import COOKIE, SESSION_ID

    st = ws.app.state.web
    hosts: frozenset[str] = ws.app.state.coach_hosts
    host = _hostname(ws.headers.get("host", ""))
    if ("*" not in hosts and host not in hosts) or not same_origin(ws):
        return None
    cookie = ws.cookies.get(COOKIE)
    if not cookie or not SESSION_ID.fullmatch(cookie):
        return None
    if not same_token(ws.query_params.get("csrf"), st.sessions.csrf(cookie)):
        return None
    sess = await run_in_threadpool(st.sessions.open, cookie)
    routine = sess.routine
    ids = [str(t["id"]) for t in routine["techniques"]] if routine else []
    run = ws.query_params.get("run", "")[:64]
    camera = getattr(ws.app.state, "camera", None)

    def tally(tid: str, summary: Summary) -> None:
        if camera is not None:
            camera.fold(sess.id, run, tid, summary)

    return PageCoach(ids, on_stretch=tally)


def install(app: FastAPI, folder: Path, hosts: frozenset[str]) -> None:
    """The personal app's socket (/player/coach) and the model files."""
    app.state.coach_hosts = hosts

    async def socket(ws: WebSocket) -> None:
        await handle(ws, _personal)

    app.add_api_websocket_route("/player/coach", socket)
    app.include_router(assets_router(lambda _: folder))


__all__ = [
    "BadMessage",
    "PageCoach",
    "assets_router",
    "converse",
    "handle",
    "read_landmarks",
    "read_message",
    "rescue_rules",
    "same_origin",
]

"""Journal pages and API: after-session check-in, history, progress chart, what helps you,
techniques left out, export downloads. Mounted only when the journal extra is installed."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from starlette.responses import Response

from easeback.usecases import errors, planning
from easeback.web import camera
from easeback.web.journal_door import JournalDoor
from easeback.web.pages import checked_form, redirect, render
from easeback.web.state import session_of, web_state

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["journal"])

EXPORTS = {
    "csv": ("easeback-journal.zip", "application/zip"),
    "pdf": ("easeback-summary.pdf", "application/pdf"),
    "fhir": ("easeback-fhir.json", "application/fhir+json"),
    "ics": ("easeback-reminders.ics", "text/calendar"),
}
Score = Annotated[StrictInt, Field(ge=0, le=10)]


def door(request: Request) -> JournalDoor:
    j = web_state(request).journal
    if j is None:
        raise HTTPException(404, "The journal is not installed.")
    assert isinstance(j, JournalDoor)
    return j


def _score(form: Any, name: str, required: bool = True) -> int | None:
    raw = str(form.get(name, "")).strip()
    if not raw and not required:
        return None
    if not raw.isdigit() or not 0 <= int(raw) <= 10:
        raise errors.InputError(f"{name.replace('_', ' ')} must be a whole number from 0 to 10")
    return int(raw)


@router.get("/check-in")
def check_in_page(request: Request, session: int = 0) -> Response:
    door(request)
    after = bool(session) and session_of(request).routine is not None
    return render(request, "check_in.html", title="How do you feel?", after=after, error=None)


@router.post("/check-in")
async def check_in_submit(request: Request) -> Response:
    form = await checked_form(request)
    j, st, sess = door(request), web_state(request), session_of(request)
    after = form.get("after") == "1" and sess.routine is not None
    try:
        pain, stiffness = _score(form, "pain"), _score(form, "stiffness")
        before = _score(form, "pain_before", required=False) if after else None
        soreness = str(form.get("soreness", "")) or None
        routine = planning.routine_from_public(st.catalogue, sess.routine) if after else None
        assert pain is not None and stiffness is not None
        coach = await camera.tally_of(request) if after else []
        j.check_in(pain, stiffness, routine, before, soreness if after else None, coach)
    except errors.InputError as exc:
        return render(
            request,
            "check_in.html",
            status=400,
            title="How do you feel?",
            after=after,
            error=str(exc),
        )
    if after:
        camera.forget_tally(request)
    return redirect(request, "/journal")


def _rows(h: Any) -> list[tuple[Any, str, str]]:
    rows: list[tuple[Any, str, str]] = []
    for c in h.check_ins:
        rows.append((c.at, "Check-in", f"pain {c.pain}/10, stiffness {c.stiffness}/10"))
    for s in h.sessions:
        done = sum(1 for r in s.results if r.outcome == "done")
        text = f"{s.status.replace('_', ' ')}, {done} of {len(s.results)} techniques done"
        if s.pain_before is not None and s.pain_after is not None:
            text += f", pain {s.pain_before} → {s.pain_after}"
        for e in s.stops:
            text += f"; stopped ({e.reason.value.replace('_', ' ')})"
        rows.append((s.at, "Session", text))
    for sc in h.screenings:
        label = sc.disposition.value.replace("_", " ") if sc.disposition else "incomplete"
        rows.append((sc.at, "Safety check", label))
    rows.sort(key=lambda r: r[0], reverse=True)
    return rows


def chart(readings: list[tuple[Any, int]]) -> dict[str, Any] | None:
    """Points of a small pain chart: the last rating of each day, up to 60 days."""
    daily: dict[Any, int] = {}
    for at, pain in readings:
        daily[at.date()] = pain
    days = list(daily)[-60:]
    if not days:
        return None
    w, h, pad = 320, 160, 24
    step = (w - 2 * pad) / max(1, len(days) - 1)
    points = [
        (round(pad + i * step, 1), round(h - pad - daily[d] * (h - 2 * pad) / 10, 1))
        for i, d in enumerate(days)
    ]
    return {
        "width": w,
        "height": h,
        "pad": pad,
        "points": points,
        "polyline": " ".join(f"{x},{y}" for x, y in points),
        "first": (days[0], daily[days[0]]),
        "last": (days[-1], daily[days[-1]]),
    }


@router.get("/journal")
def journal_page(request: Request) -> Response:
    j, st = door(request), web_state(request)
    h, report = j.progress(st.catalogue)
    names = {t.id: t.name for t in st.catalogue.techniques}
    return render(
        request,
        "journal.html",
        title="Your journal",
        rows=_rows(h)[:50],
        report=report,
        chart=chart(h.pain_readings()),
        names=names,
        topics={t.id: t for t in st.catalogue.topics},
        exports=EXPORTS,
    )


@router.post("/journal/restore")
async def restore(request: Request) -> Response:
    form = await checked_form(request)
    door(request).restore(str(form.get("technique", "")))
    session_of(request).left_out.discard(str(form.get("technique", "")))
    return redirect(request, "/journal")


@router.get("/journal/export/{fmt}")
def export(request: Request, fmt: str) -> Response:
    from easeback.export import export as write
    from easeback.usecases.journal import utc_now

    j, st = door(request), web_state(request)
    if fmt not in EXPORTS:
        raise HTTPException(404, "Unknown export format.")
    name, media = EXPORTS[fmt]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / ("csv" if fmt == "csv" else name)
        if fmt == "csv":
            out.mkdir()
        path = write(fmt, j.engine, st.catalogue, out, utc_now())
        data = _zip(path) if fmt == "csv" else path.read_bytes()
    return Response(
        data, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'}
    )


def _zip(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(folder))
    return buf.getvalue()


# ---- JSON API ----


class CheckInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pain: Score
    stiffness: Score


class Saved(BaseModel):
    saved: bool


class Entry(BaseModel):
    at: str
    kind: str
    details: str


@api.post(
    "/check-ins",
    response_model=Saved,
    status_code=201,
    responses={400: {"description": "Bad input, explained in detail"}},
    summary="Log a check-in",
)
def api_check_in(request: Request, body: CheckInIn) -> dict[str, bool]:
    door(request).check_in(body.pain, body.stiffness)
    return {"saved": True}


@api.get("/history", response_model=list[Entry], summary="Journal entries, newest first")
def api_history(request: Request) -> list[dict[str, str]]:
    return [
        {"at": at.isoformat(), "kind": kind, "details": text}
        for at, kind, text in _rows(door(request).history())
    ]


@api.get("/progress", summary="Progress: pain change, advice, what helps you")
def api_progress(request: Request) -> dict[str, Any]:
    from easeback.usecases.journal import progress_public

    _, report = door(request).progress(web_state(request).catalogue)
    return progress_public(report)

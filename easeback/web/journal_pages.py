"""Journal pages and API: after-session check-in, history, progress chart, what helps you,
techniques left out, export downloads. Mounted only when the journal extra is installed."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from starlette.responses import Response, StreamingResponse

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


def _outcomes(j: JournalDoor) -> dict[str, Any]:
    """The PEG and PSFS part of the check-in page: what is due, the activities named last, and
    what the recordings so far say."""
    from easeback.domain import outcomes
    from easeback.storage.outcomes import outcomes as stored
    from easeback.usecases.journal import utc_now

    found = [o for _i, o in stored(j.engine)]
    now = utc_now().replace(tzinfo=None)
    last = {o.measure: o for o in found}
    psfs = last.get(outcomes.Measure.PSFS)
    return {
        "peg_due": outcomes.due(outcomes.Measure.PEG, _at(last.get(outcomes.Measure.PEG)), now),
        "psfs_due": outcomes.due(outcomes.Measure.PSFS, _at(psfs), now),
        "activities": [k for k, _v in psfs.items] if psfs else [],
        "summary": outcomes.summary(found),
        "peg_items": outcomes.PEG_ITEMS,
    }


def _at(o: Any) -> Any:
    return None if o is None else o.at


@router.get("/check-in")
def check_in_page(request: Request, session: int = 0) -> Response:
    j = door(request)
    after = bool(session) and session_of(request).routine is not None
    return render(
        request,
        "check_in.html",
        title="How do you feel?",
        after=after,
        error=None,
        outcomes=_outcomes(j),
    )


@router.post("/check-in/{measure}")
async def outcome_submit(request: Request, measure: str) -> Response:
    """The weekly PEG or the PSFS of the single person, kept in the journal."""
    from easeback.domain import outcomes
    from easeback.storage.outcomes import add_outcome
    from easeback.usecases.journal import utc_now

    form = await checked_form(request)
    j = door(request)
    now = utc_now()
    try:
        if measure == "peg":
            v = [_score(form, f"peg_{k}") for k, _q in outcomes.PEG_ITEMS]
            found = outcomes.peg(now.replace(tzinfo=None), *v)
        elif measure == "psfs":
            rows: list[tuple[object, object]] = []
            for k in range(outcomes.PSFS_MAX):
                name = str(form.get(f"activity_{k}", "")).strip()
                if name or str(form.get(f"score_{k}", "")).strip():
                    rows.append((name, _score(form, f"score_{k}")))
            found = outcomes.psfs(now.replace(tzinfo=None), rows)
        else:
            raise HTTPException(404, "Unknown measure.")
        add_outcome(j.engine, found, now)
    except (errors.InputError, outcomes.OutcomeError) as exc:
        return render(
            request,
            "check_in.html",
            status=400,
            title="How do you feel?",
            after=False,
            error=str(exc),
            outcomes=_outcomes(j),
        )
    return redirect(request, "/check-in?saved=" + measure)


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
        key = str(form.get("key", "")) or None  # the device's, when sent again until confirmed
        j.check_in(pain, stiffness, routine, before, soreness if after else None, coach, key)
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


PAGE = 50  # entries on the journal page and per /api/history request by default


def _rows(page: list[Any]) -> list[tuple[Any, str, str]]:
    """Entries (newest first) as (when, what, details) rows."""
    from easeback.wording import entry_details

    return [(e.at, *entry_details(e.kind, e.record)) for e in page]


def chart(readings: list[tuple[Any, int]]) -> dict[str, Any] | None:
    """A pain chart spaced by date: the last rating of each day over the last 60 days, a date axis
    and pain ticks 0-10."""
    daily: dict[date, int] = {}
    for at, pain in readings:
        daily[at.date()] = pain
    days = sorted(daily)
    days = [d for d in days if (days[-1] - d).days < 60] if days else []
    if not days:
        return None
    w, h = 640, 300
    left, right, top, bottom = 60, 40, 24, 50  # room for a date label centred on the last day
    span = max(1, (days[-1] - days[0]).days)

    def x(d: date) -> float:
        if len(days) == 1:
            return round(left + (w - left - right) / 2, 1)
        return round(left + (d - days[0]).days * (w - left - right) / span, 1)

    def y(pain: float) -> float:
        return round(top + (10 - pain) * (h - top - bottom) / 10, 1)

    points = [(x(d), y(daily[d])) for d in days]
    every = max(1, -(-span // 5))  # at most about six date labels
    marks = [days[0] + timedelta(days=k) for k in range(0, span + 1, every)] if span > 0 else days
    return {
        "width": w,
        "height": h,
        "left": left,
        "right": w - right,
        "top": top,
        "bottom": h - bottom,
        "points": points,
        "polyline": " ".join(f"{px},{py}" for px, py in points),
        "pain_ticks": [(k, y(k)) for k in range(11)],
        "date_ticks": [(x(d), f"{d.day} {d:%b}") for d in marks],
        "first": (days[0], daily[days[0]]),
        "last": (days[-1], daily[days[-1]]),
    }


@router.get("/journal")
def journal_page(request: Request, before: str | None = None) -> Response:
    from easeback.storage.entries import key_text

    j, st = door(request), web_state(request)
    report = j.progress(st.catalogue)
    page, older = j.page(PAGE, before)
    names = {t.id: t.name for t in st.catalogue.techniques}
    return render(
        request,
        "journal.html",
        title="Your journal",
        rows=_rows(page),
        older=older,
        next_page=key_text(page[-1].key) if older else None,
        paged=before is not None,
        report=report,
        chart=chart(j.recent_readings()),
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
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    if fmt == "fhir":
        from easeback.export import ExportError
        from easeback.export.fhir import stream

        try:
            pieces = stream(j.engine, st.catalogue, utc_now())
        except ExportError as exc:
            raise errors.InputError(str(exc)) from None
        # streamed: a long journal is never held whole in the server's memory
        return StreamingResponse(pieces, media_type=media, headers=headers)
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


@api.get(
    "/history",
    response_model=list[Entry],
    summary="Journal entries, newest first, a page at a time",
    responses={400: {"description": "A `since` or `before` that is not a day or a page key"}},
    description="At most `limit` entries (since a day, if given). When older entries exist, "
    "the `Link` header's `next` address gives the following page.",
)
def api_history(
    request: Request,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=500)] = PAGE,
    before: Annotated[str | None, Query(max_length=80)] = None,
    since: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")] = None,
) -> list[dict[str, str]]:
    from easeback.web.paging import link_next

    page, older = door(request).page(limit, before, since)
    link_next(response, "/api/history", page, older, limit=limit, since=since)
    return [{"at": at.isoformat(), "kind": kind, "details": text} for at, kind, text in _rows(page)]


@api.get("/progress", summary="Progress: pain change, advice, what helps you")
def api_progress(request: Request) -> dict[str, Any]:
    from easeback.usecases.journal import progress_public

    report = door(request).progress(web_state(request).catalogue)
    return progress_public(report)

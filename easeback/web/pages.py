"""The HTML pages of the journey: welcome, screening wizard, result, routine, player, stop,
technique library and learn pages. Routes parse, call the services, and render a template."""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route
from starlette.types import Scope

from easeback.domain import progression
from easeback.domain.models import (
    Category,
    Disposition,
    Equipment,
    Goal,
    Place,
    StopReason,
)
from easeback.domain.screening import (
    AnswerValue,
    Question,
    QuestionKind,
    ScreeningResult,
    ScreeningTable,
    next_question,
)
from easeback.usecases import catalogue, errors, planning
from easeback.usecases.device_keys import valid_key
from easeback.usecases.screening import lapse_reason, lapses_at
from easeback.web import camera, views
from easeback.web.fast import HotRoute
from easeback.web.kept import KEEP, keep_until, kept_route
from easeback.web.player_pictures import timeline_content
from easeback.web.security import same_token
from easeback.web.state import WebState, remember, screened, session_of, web_state
from easeback.web.store import COOKIE, WebSession

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"

CHOICES = {
    QuestionKind.RED_FLAG: [("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
    QuestionKind.YES_NO: [("yes", "Yes"), ("no", "No")],
}


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    st, sess = web_state(request), session_of(request)
    context |= {"csrf": sess.csrf, "has_journal": st.journal is not None, "v": views}
    resp = st.templates.TemplateResponse(request, name, context, status_code=status)
    resp.headers["cache-control"] = PERSONAL_CACHE_CONTROL
    remember(request, resp, sess)
    return resp


# A page made for one visitor (answers, routine, journal, form token) is never stored by the
# browser or anything between: a shared computer's next user cannot bring it back from a cache.
PERSONAL_CACHE_CONTROL = "no-store"


MAX_VISITOR_PAGES = 512  # pages kept for render_kept
# stands for the visitor's form token in a kept page; put in per response
_TOKEN_MARK = "csrf-" + secrets.token_hex(16)


def render_kept(
    request: Request, name: str, inputs: Any, context: Callable[[], dict[str, Any]]
) -> Response:
    """`render` for a page made only from `context()`, which `inputs` determine: the HTML is
    kept and made again only when the inputs differ (compared by value); the visitor's form
    token is put into it per response. Hashable inputs share one page between visitors (a
    first visit's welcome); others (a routine) keep one page per visitor. The page's safety
    gates run before this, on every request."""
    st, sess = web_state(request), session_of(request)
    try:
        key: tuple[str, Any] = (name, inputs)
        hit = st.visitor_pages.get(key)
    except TypeError:  # not hashable: kept per visitor and compared
        key = (name, sess.id)
        hit = st.visitor_pages.get(key)
    if hit is None or hit[0] != inputs:
        made = context() | {"csrf": _TOKEN_MARK, "has_journal": st.journal is not None, "v": views}
        html = st.templates.get_template(name).render({"request": request, **made})
        while len(st.visitor_pages) >= MAX_VISITOR_PAGES:  # dicts keep insertion order
            with contextlib.suppress(KeyError, StopIteration, RuntimeError):  # another thread
                del st.visitor_pages[next(iter(st.visitor_pages))]
        hit = st.visitor_pages[key] = (inputs, html.encode())
    body = hit[1].replace(_TOKEN_MARK.encode(), sess.csrf.encode())
    headers = {"cache-control": PERSONAL_CACHE_CONTROL}
    return remember(request, HTMLResponse(body, headers=headers), sess)


SHARED_CACHE_CONTROL = "no-cache"  # revalidate by ETag, so an upgraded app is never stale


def shared(request: Request, name: str, **context: Any) -> Response:
    """A page that is the same for every visitor (no form, no session, nothing personal):
    rendered once per path and served from memory with an ETag; a browser that has it gets 304.
    No session is opened and no cookie is set for it."""
    st = web_state(request)
    path = request.scope["path"]
    hit = st.shared_pages.get(path)
    if hit is None:
        context |= {"csrf": "", "has_journal": st.journal is not None, "v": views}
        html = st.templates.get_template(name).render({"request": request, **context})
        body = html.encode()
        digest = hashlib.blake2b(body, digest_size=12).hexdigest()
        hit = st.shared_pages.setdefault(path, (body, f'"{digest}"'))
    return _shared_answer(request, *hit)


def _shared_answer(request: Request, body: bytes, etag: str) -> Response:
    headers = {"etag": etag, "cache-control": SHARED_CACHE_CONTROL}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return HTMLResponse(body, headers=headers)


async def _shared_at_once(request: Request, raw: bytes) -> Response | None:
    """A shared page already rendered, answered as `shared` answers it; None (hand the
    request on to its route) for any other."""
    hit = web_state(request).shared_pages.get(request.scope["path"])
    return None if hit is None else _shared_answer(request, *hit)


_SHARED_ROUTE = HotRoute("/{page:path}", "GET", _shared_at_once)


def rendered_shared_page(app: Any, scope: Scope) -> Route | None:
    """The route that answers this request before FastAPI when it asks for a shared page
    (technique, learn) already rendered: from memory, without FastAPI's layers."""
    if scope["method"] == "GET" and scope["path"] in app.state.web.shared_pages:
        return _SHARED_ROUTE
    return None


def redirect(request: Request, url: str) -> Response:
    return remember(request, RedirectResponse(url, status_code=303), session_of(request))


async def checked_form(request: Request) -> FormData:
    """The posted form, refused unless it carries this session's CSRF token."""
    form = await request.form()
    sess = session_of(request)
    token = form.get("csrf_token")
    if not same_token(token if isinstance(token, str) else None, sess.csrf):
        raise HTTPException(403, "This form has expired. Go back, reload the page and try again.")
    return form


def screening(st: WebState, sess: WebSession) -> ScreeningResult:
    """This visitor's screening; answers that have lapsed (7 days, or a nerve-sign stop in the
    journal since) are dropped first, so every page that plans or plays asks for them again."""
    expire_lapsed(st, sess)
    return screened(st, sess.answers)


def expire_lapsed(st: WebState, sess: WebSession) -> None:
    """Send the visitor back to the whole screening (emergency and urgent questions first, as
    always) when their finished answers are no longer valid."""
    if not sess.answers or (sess.screened_at is None and not _finished(st, sess)):
        return  # nothing answered yet, or still answering
    history = None
    if st.journal is not None:
        try:
            history = journal_stops(st, sess)
        except errors.InputError:
            history = None  # the journal pages report it; the 7 days still apply
    why = lapse_reason(sess.screened_at, datetime.now(UTC), history)
    if why is not None:
        sess.answers.clear()
        sess.routine = None
        sess.screened_at = None
        sess.screening_saved = False
        sess.rescreen, sess.rescreen_why = True, why


def journal_stops(st: WebState, sess: WebSession) -> Any:
    """The journal's stops and restores (what the safety gates read), read once per request:
    the lapse check and the left-out check of one page share them."""
    if sess.journal_stops is None:
        sess.journal_stops = st.journal.stops()
    return sess.journal_stops


def at_hand(request: Request) -> bool:
    """Opens the visitor's session without waiting on the database, when it can: no cookie, or
    their state and the journal's stops kept in memory and still current (the check does not
    wait for a lock). True when the page can then be made on the event loop with no thread hop;
    the page's safety gates still run, on the current data."""
    if getattr(request.state, "easeback_session", None) is not None:
        return False  # already opened (and maybe changed): leave it to the worker thread
    st = web_state(request)
    sess = st.sessions.peek(request.cookies.get(COOKIE))
    if sess is None:
        return False
    if st.journal is not None and sess.answers:
        stops = st.journal.peek_stops()
        if stops is None:
            return False
        sess.journal_stops = stops
    request.state.easeback_session = sess
    return True


async def on_loop_or_thread(
    request: Request,
    gates: Callable[[WebState, WebSession], bool],
    page: Callable[[Request, bool], Response],
) -> Response:
    """Makes `page(request, passed)` (`passed`: what the safety gates `gates(st, sess)` said)
    on the event loop when the session is at hand and the gates, run here on current data,
    leave it unchanged, so nothing is written; otherwise in a worker thread, which opens the
    session, runs the gates (again) and writes what changed."""
    if at_hand(request):
        st, sess = web_state(request), session_of(request)
        passed = gates(st, sess)
        if not st.sessions.changed(sess):
            response = page(request, passed)
            _may_keep(request, sess)
            return response
    return await run_in_threadpool(_gated, request, gates, page)


def _may_keep(request: Request, sess: WebSession) -> None:
    """Lets easeback.web.kept keep this page's answer, made on the loop from what was kept and
    current, when the visitor's cookie named their session: until the stored state goes stale,
    the answers lapse by the time alone, or KEEP_SECONDS pass."""
    if request.cookies.get(COOKIE) != sess.id:
        return  # a new session: its cookie and token are new with each answer
    lapses = lapses_at(sess.screened_at) if sess.answers else None
    if sess.answers and sess.screened_at is not None and lapses is None:
        return  # answers of no readable time lapse at once (the gates said so): nothing kept
    setattr(request.state, KEEP, keep_until(datetime.now(UTC), sess.kept_until, lapses))


def _gated(
    request: Request,
    gates: Callable[[WebState, WebSession], bool],
    page: Callable[[Request, bool], Response],
) -> Response:
    return page(request, gates(web_state(request), session_of(request)))


def _finished(st: WebState, sess: WebSession) -> bool:
    return screened(st, sess.answers).complete


# ---- welcome and screening wizard ----


MANIFEST = {
    "name": "easeback: gentle relief for a stiff lower back",
    "short_name": "easeback",
    "description": "Safety check, gentle routines and a guided session. Offline, on this computer.",
    "start_url": "/",
    "scope": "/",
    "display": "standalone",
    "background_color": "#f7f5f0",
    "theme_color": "#1d5c4b",
    # PNGs drawn from icon.svg by scripts/icons.py (launchers that do not take SVG need them)
    "icons": [
        {"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {
            "src": "/static/icon-maskable-512.png",
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ],
}


@router.get("/manifest.webmanifest")
def manifest() -> Response:
    """What a browser needs to install easeback as an app (name, icon, start page)."""
    return JSONResponse(MANIFEST, media_type="application/manifest+json")


async def welcome(request: Request) -> Response:
    """A first visit (no cookie) reads nothing from the database and is answered on the event
    loop, and so is a returning visitor whose state and stops are kept in memory and current;
    else they are read in a worker thread."""
    return await on_loop_or_thread(request, _lapsed, _welcome)


def _lapsed(st: WebState, sess: WebSession) -> bool:
    expire_lapsed(st, sess)
    return True


def _welcome(request: Request, _: bool) -> Response:
    sess = session_of(request)
    shown = (bool(sess.answers), sess.rescreen, sess.rescreen_why)
    return render_kept(
        request,
        "welcome.html",
        shown,
        lambda: {"started": shown[0], "rescreen": shown[1], "rescreen_why": shown[2]},
    )


@router.post("/screening/start")
async def screening_start(request: Request) -> Response:
    await checked_form(request)
    sess = session_of(request)
    sess.answers.clear()
    sess.routine = None
    sess.screened_at = None
    return redirect(request, "/screening/1")


def _question(st: WebState, n: int) -> Question:
    questions = st.catalogue.screening.questions
    if not 1 <= n <= len(questions):
        raise HTTPException(404, "There is no such question.")
    return questions[n - 1]


def _question_page(
    request: Request, n: int, error: str | None = None, status: int = 200
) -> Response:
    st, sess = web_state(request), session_of(request)
    q = _question(st, n)
    asked = _asked(st.catalogue.screening, sess.answers)
    total = len(asked)
    position = asked.index(q) + 1 if q in asked else min(n, total)
    current = sess.answers.get(q.id)
    return render(
        request,
        "question.html",
        status=status,
        q=q,
        n=n,
        position=position,
        total=total,
        choices=CHOICES.get(q.kind, []),
        scale=_scale(q),
        current="" if current is None else str(current),
        red_flag=q.kind is QuestionKind.RED_FLAG,
        error=error,
        title=f"Question {position} of {total}",
        back=_previous(st.catalogue.screening, sess.answers, n),
        episode=_episode(st) if q.id == "pain_days" and current is None else None,
    )


def _episode(st: WebState) -> dict[str, Any] | None:
    """The episode an earlier screening in the journal dated (the day it began, and how many days
    ago): offered on the pain_days page, kept only when the person confirms it is the same
    episode (safety.md, "Asking again"). None without a journal or such a screening."""
    if st.journal is None:
        return None
    from easeback.storage import repository
    from easeback.usecases.screening import episode_start

    try:
        last = repository.latest_screening(st.journal.engine)
    except Exception:  # a damaged journal: its own pages say so; the question is asked plainly
        return None
    began = episode_start(last["answers"], last["at"]) if last else None
    if began is None:
        return None
    days = (datetime.now().date() - began).days
    return {"began": f"{began:%d %B %Y}", "days": days} if days >= 0 else None


def _asked(table: ScreeningTable, answers: Mapping[str, AnswerValue]) -> list[Question]:
    """The questions asked with these answers, in the order of asking: the counter counts
    these ("Question 21 of 32"), not the table's rows (a clearance nobody needs is skipped)."""
    out: list[Question] = []
    q = next_question(table, answers)
    while q is not None:
        out.append(q)
        q = next_question(table, answers, after=q.id)
    return out


def _previous(table: ScreeningTable, answers: Mapping[str, AnswerValue], n: int) -> int | None:
    """The number of the question asked before question n, following the order of asking
    (questions the flow skipped, such as an unneeded clearance, are stepped over)."""
    before: int | None = None
    q = next_question(table, answers)
    while q is not None and table.questions.index(q) + 1 < n:
        before = table.questions.index(q) + 1
        q = next_question(table, answers, after=q.id)
    return before


def _scale(q: Question) -> list[int]:
    """The steps of a short whole-number answer (pain 0-10), shown as a row of buttons."""
    if q.kind is not QuestionKind.INTEGER or q.optional or q.min is None or q.max is None:
        return []
    return list(range(q.min, q.max + 1)) if q.max - q.min <= 10 else []


@router.get("/screening/{n}", response_class=HTMLResponse)
def question_page(request: Request, n: int) -> Response:
    return _question_page(request, n)


def _parse_answer(q: Question, raw: str) -> AnswerValue | None:
    raw = raw.strip()
    if q.kind is QuestionKind.INTEGER:
        if not raw:
            if q.optional:
                return None
            raise ValueError("Please type a whole number.")
        try:
            return q.validate_answer(int(raw))
        except ValueError:
            raise ValueError(f"Please type a whole number from {q.min} to {q.max}.") from None
    if not raw:
        raise ValueError("Please choose an answer.")
    return q.validate_answer(raw)


@router.post("/screening/{n}")
async def answer_question(request: Request, n: int) -> Response:
    form = await checked_form(request)
    st, sess = web_state(request), session_of(request)
    q = _question(st, n)
    raw = form.get("answer")
    try:
        value = _parse_answer(q, raw if isinstance(raw, str) else "")
    except ValueError as exc:
        return _question_page(request, n, error=str(exc), status=400)
    sess.screening_saved = False
    if value is None:
        sess.answers.pop(q.id, None)
    else:
        sess.answers[q.id] = value
    # The domain's order of asking: an emergency or urgent answer ends the questions at once.
    table = st.catalogue.screening
    following = next_question(table, sess.answers, after=q.id)
    # A finished screening is valid for 7 days from its last answer.
    finished = screened(st, sess.answers).complete
    sess.screened_at = datetime.now(UTC).isoformat() if finished else None
    if following is None:
        return redirect(request, "/result")
    return redirect(request, f"/screening/{table.questions.index(following) + 1}")


@router.get("/result", response_class=HTMLResponse)
def result_page(request: Request) -> Response:
    st, sess = web_state(request), session_of(request)
    result = screening(st, sess)
    if result.complete and st.journal is not None and not sess.screening_saved:
        # Every complete screening is kept, an emergency one too (it ends the questions early).
        st.journal.save_screening(result)
        sess.screening_saved = True
    if result.emergency_now:
        text = st.catalogue.dispositions[Disposition.EMERGENCY]
        urgent = [r for r in result.reasons if r.disposition is Disposition.EMERGENCY]
        ids = [q.id for q in st.catalogue.screening.questions]
        back = ids.index(urgent[0].question) + 1 if urgent and urgent[0].question in ids else 1
        number = views.emergency_number(
            st.settings.emergency_number, request.headers.get("accept-language", "")
        )
        return render(
            request, "emergency.html", title=text.title, text=text, number=number, back=back
        )
    if not result.complete or result.disposition is None:
        ids = [q.id for q in st.catalogue.screening.questions]
        first = ids.index(result.missing[0]) + 1 if result.missing else 1
        return render(request, "incomplete.html", first=first, title="Screening not finished")
    sess.rescreen, sess.rescreen_why = False, ""
    d = result.disposition
    shown = list(result.shown_reasons)  # what to do instead, when no routine may follow
    see = dict.fromkeys(pid for r in shown for pid in r.see)
    call_number: str | None = None
    if result.call:  # get seen now: the call button, as on the emergency page
        call_number = views.emergency_number(
            st.settings.emergency_number, request.headers.get("accept-language", "")
        )
    return render(
        request,
        "result.html",
        title=st.catalogue.dispositions[d].title,
        d=d,
        text=st.catalogue.dispositions[d],
        reasons=_reasons(st, shown),
        professionals=[st.catalogue.professionals[p] for p in see],
        may_plan=d.allows_routine,
        not_asked=len(result.not_asked),
        number=call_number,
        check_first=result.check_first,
    )


def _reasons(st: WebState, reasons: list[Any]) -> list[dict[str, Any]]:
    """What each answer changes, in plain words: the advice, once each, with topics to read."""
    out: dict[str, dict[str, Any]] = {}
    for r in reasons:
        item = out.setdefault(r.advice, {"advice": r.advice, "learn": []})
        item["learn"] = topics(st, [t.id for t in item["learn"]] + list(r.learn))
    return list(out.values())


def topics(st: WebState, ids: Any) -> list[Any]:
    """The learn topics behind these ids, in order, each once (the loader checked they exist)."""
    return [st.catalogue.topic(t) for t in dict.fromkeys(ids)]


# ---- routine ----


def _plannable(st: WebState, sess: WebSession) -> bool:
    """The screening allows a routine; the planned one, if any, has lost every technique left
    out (after sharp pain, here or in the terminal) since it was planned."""
    if sess.rescreen or screening(st, sess).plannable() is None:
        return False
    _prune_left_out(st, sess)
    return True


def _prune_left_out(st: WebState, sess: WebSession) -> None:
    if sess.routine is None:
        return
    gone = set(sess.left_out)
    if st.journal is not None:
        # a journal that cannot be read is reported by its pages; this browser's stops count
        with contextlib.suppress(errors.InputError):
            gone |= progression.left_out(journal_stops(st, sess))
    kept = [t for t in sess.routine["techniques"] if t["id"] not in gone]
    if len(kept) == len(sess.routine["techniques"]):
        return
    if not kept:
        sess.routine = None
        return
    pruned = planning.routine_from_public(st.catalogue, sess.routine | {"techniques": kept})
    sess.routine = planning.routine_public(pruned)


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request) -> Response:
    st, sess = web_state(request), session_of(request)
    if not _plannable(st, sess):
        return redirect(request, "/result" if sess.answers else "/")
    return _plan_form(request, prefill=_prefill(request))


def _prefill(request: Request) -> dict[str, Any]:
    """Choices carried in the address (the desk-break reminder links to place=chair,
    goal=desk-break, minutes=3); anything unknown falls back to the usual defaults."""
    q = request.query_params
    place, goal, minutes = q.get("place", ""), q.get("goal", ""), q.get("minutes", "")
    return {
        "place": place if place in {p.value for p in Place} | {"any"} else "floor",
        "goal": goal if goal in {g.value for g in Goal} else Goal.GENERAL_RELIEF.value,
        "minutes": int(minutes) if minutes.isdigit() and 1 <= int(minutes) <= 120 else 10,
    }


def _plan_form(
    request: Request,
    error: str | None = None,
    status: int = 200,
    prefill: dict[str, Any] | None = None,
) -> Response:
    return render(
        request,
        "plan.html",
        status=status,
        title="Build your routine",
        places=[p.value for p in Place] + ["any"],
        equipment=[e.value for e in Equipment],
        goals=[g.value for g in Goal],
        error=error,
        prefill=prefill or {"place": "floor", "goal": Goal.GENERAL_RELIEF.value, "minutes": 10},
        first=_first_routine(request),
    )


_FIRST_PLACES = {
    "floor": "on the floor",
    "chair": "on a chair",
    "bed": "in bed",
    "standing": "standing",
}


def _first_routine(request: Request) -> str | None:
    """For a first-timer (no session in the journal): how long a first routine can be at each
    place, said before they pick a length (asked for 60 minutes, a first routine on the floor
    lasted 14 min 36 s, and the form did not say so)."""
    st, sess = web_state(request), session_of(request)
    if st.journal is not None and st.journal.planner_inputs(st.catalogue)["done"]:
        return None
    found = planning.first_routine_seconds(st.catalogue, screening(st, sess), tuple(_FIRST_PLACES))
    parts = [f"{-(-seconds // 60)} min {_FIRST_PLACES[p]}" for p, seconds in found.items()]
    if not parts:
        return None
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


@router.post("/plan")
async def plan_submit(request: Request) -> Response:
    form = await checked_form(request)
    st, sess = web_state(request), session_of(request)
    result = screening(st, sess)
    if sess.rescreen or result.plannable() is None:
        return redirect(request, "/result")
    try:
        minutes = int(str(form.get("minutes", "10")))
    except ValueError:
        return _plan_form(request, "Minutes must be a whole number from 1 to 120.", 400)
    equipment = ",".join(str(e) for e in form.getlist("equipment"))
    history: dict[str, Any] = {"left_out": frozenset()}
    if st.journal is not None:
        history = st.journal.planner_inputs(st.catalogue)
    history["left_out"] = frozenset(history["left_out"]) | sess.left_out
    try:
        req = planning.make_request(
            str(form.get("place", "any")),
            minutes,
            equipment or None,
            str(form.get("goal", "")) or None,
            **history,
        )
    except errors.InputError as exc:
        return _plan_form(request, str(exc), 400)
    routine = planning.plan_routine(st.catalogue, result, req)
    if routine is None:
        return redirect(request, "/result")
    if not routine.planned:  # too few minutes, or nothing suits the place: say so on the form
        prefill = {"place": req.place, "goal": req.goal.value, "minutes": req.minutes}
        return _plan_form(request, routine.reason, 200, prefill)
    sess.routine = planning.routine_public(routine)
    return redirect(request, "/routine")


@router.get("/routine", response_class=HTMLResponse)
def routine_page(request: Request) -> Response:
    st, sess = web_state(request), session_of(request)
    if not _plannable(st, sess) or sess.routine is None:
        return redirect(request, "/plan")
    items = []
    for item in sess.routine["techniques"]:
        t = st.catalogue.technique(item["id"])
        variant = next((v.whole for v in t.variants if v.kind.value == item["variant"]), None)
        items.append({"t": t, "item": item, "variant": variant, "svg": views.picture_svg(t)})
    return render(request, "routine.html", title="Your routine", routine=sess.routine, items=items)


# ---- player and stop ----


async def player_page(request: Request) -> Response:
    """The guided session; `?speed=` (tests only, with allow_speed) runs it faster."""
    raw = request.query_params.get("speed")
    try:
        speed = 1.0 if raw is None else float(raw)
    except ValueError:
        error = {"type": "float_parsing", "loc": ("query", "speed"), "msg": "not a number"}
        raise RequestValidationError([error]) from None
    return await on_loop_or_thread(request, _plannable, lambda r, ok: _player(r, ok, speed))


def _player(request: Request, plannable: bool, speed: float) -> Response:
    st, sess = web_state(request), session_of(request)
    if not plannable or sess.routine is None or not sess.routine["techniques"]:
        return redirect(request, "/plan")
    if not st.allow_speed or not 0.1 <= speed <= 1000:
        speed = 1.0
    routine = sess.routine
    return render_kept(
        request,
        "player.html",
        (speed, routine),
        lambda: {
            "title": "Guided session",
            "speed": speed,
            "names": [t["name"] for t in routine["techniques"]],
            "stops": list(st.catalogue.stops.values()),
            "total": views.minutes_text(int(routine["total_seconds"])),
        },
    )


MAX_TIMELINES = 256  # distinct routines whose timeline is kept (a few kB to ~100 kB each)


async def player_timeline(request: Request) -> Response:
    return await on_loop_or_thread(request, _plannable, _timeline)


def _routine_key(st: WebState, routine: dict[str, Any]) -> str:
    """The routine's canonical JSON, worked out once per routine object (a kept state's
    routine is the same object for every request that reads it, and never changed in place)."""
    hit = st.routine_keys.get(id(routine))
    if hit is not None and hit[0] is routine:
        return hit[1]
    key = json.dumps(routine, sort_keys=True, separators=(",", ":"))
    while len(st.routine_keys) >= MAX_TIMELINES:  # dicts keep insertion order: oldest first
        with contextlib.suppress(KeyError, StopIteration, RuntimeError):  # another thread
            del st.routine_keys[next(iter(st.routine_keys))]
    st.routine_keys[id(routine)] = (routine, key)  # holding it keeps its id from being reused
    return key


def _timeline(request: Request, plannable: bool) -> Response:
    st, sess = web_state(request), session_of(request)
    if not plannable or sess.routine is None:
        return JSONResponse({"detail": "No routine is planned."}, status_code=404)
    key = _routine_key(st, sess.routine)
    body = st.timelines.get(key)
    if body is None:
        routine = planning.routine_from_public(st.catalogue, sess.routine)
        body = bytes(JSONResponse(timeline_content(routine)).body)
        while len(st.timelines) >= MAX_TIMELINES:  # dicts keep insertion order: oldest first
            with contextlib.suppress(KeyError, StopIteration, RuntimeError):  # another thread
                del st.timelines[next(iter(st.timelines))]
        st.timelines[key] = body
    headers = {"cache-control": PERSONAL_CACHE_CONTROL}
    return Response(body, media_type="application/json", headers=headers)


@router.get("/sw.js")
def service_worker() -> Response:
    """The service worker lives at the root so that its scope covers the player."""
    return FileResponse(
        STATIC / "sw.js",
        media_type="text/javascript",
        headers={"cache-control": "no-cache", "service-worker-allowed": "/"},
    )


@router.get("/stop", response_class=HTMLResponse)
def stop_choose(request: Request, index: int | None = None) -> Response:
    st = web_state(request)
    return render(
        request, "stop.html", title="Stop", stops=list(st.catalogue.stops.values()), index=index
    )


@router.post("/stop")
async def stop_submit(request: Request) -> Response:
    form = await checked_form(request)
    st, sess = web_state(request), session_of(request)
    try:
        reason = StopReason(str(form.get("reason", "")))
    except ValueError:
        reason = StopReason.OTHER
    raw_index = str(form.get("index", ""))
    technique = _current_technique(sess, raw_index)
    if st.journal is not None and sess.routine is not None:
        routine = planning.routine_from_public(st.catalogue, sess.routine)
        index = int(raw_index) if technique is not None else None
        saved = st.journal.record_stop(
            routine, index, reason.value, await camera.tally_of(request), _stop_key(form)
        )
        camera.forget_tally(request)
        if not saved:  # sent again from the device: what it changes was done the first time
            return redirect(request, f"/stopped/{reason.value}")
    if reason is StopReason.SHARP_PAIN and technique is not None:
        sess.left_out.add(technique)
    if st.catalogue.stops[reason].rescreen:
        sess.rescreen, sess.rescreen_why = True, ""
        sess.answers.clear()
        sess.routine = None
        sess.screened_at = None
        sess.screening_saved = False
    return redirect(request, f"/stopped/{reason.value}")


def _stop_key(form: FormData) -> str | None:
    """The device's key of a stop (sent again until confirmed); a stop is never refused, so a
    malformed key is dropped and the stop saved without one."""
    key = str(form.get("key", ""))
    return key if valid_key(key) else None


def _current_technique(sess: WebSession, raw_index: str) -> str | None:
    if sess.routine is None or not raw_index.isdigit():
        return None
    items = sess.routine["techniques"]
    k = int(raw_index)
    return str(items[k]["id"]) if k < len(items) else None


@router.get("/stopped/{reason}", response_class=HTMLResponse)
def stopped_page(request: Request, reason: str) -> Response:
    st = web_state(request)
    try:
        advice = st.catalogue.stops[StopReason(reason)]
    except ValueError:
        raise HTTPException(404, "Unknown stop reason.") from None
    return render(
        request,
        "stopped.html",
        title="You stopped",
        advice=advice,
        learn=topics(st, advice.learn),
    )


# ---- library and learn ----


@router.get("/techniques", response_class=HTMLResponse)
def library(
    request: Request,
    q: str = "",
    place: str = "",
    category: str = "",
    have: Annotated[list[str] | None, Query(max_length=16)] = None,
) -> Response:
    st = web_state(request)
    try:
        equipment = ",".join(have) if have else None
        items = catalogue.filter_techniques(
            st.catalogue, place or None, equipment, category or None
        )
    except errors.InputError as exc:
        raise HTTPException(400, str(exc)) from None
    words = q.lower().split()
    if words:
        items = [t for t in items if all(w in _haystack(t) for w in words)]
    return render(
        request,
        "library.html",
        title="Technique library",
        items=items,
        pictures={t.id: views.has_picture(t) for t in items},
        q=q,
        place=place,
        category=category,
        have=set(have or []),
        places=[p.value for p in Place],
        categories=[c.value for c in Category],
        equipment=[e.value for e in Equipment],
    )


def _haystack(t: Any) -> str:
    return " ".join([t.id, t.name, t.summary, *t.aliases, t.category.value]).lower()


@router.get("/techniques/{tid}", response_class=HTMLResponse)
async def technique_page(request: Request, tid: str) -> Response:
    st = web_state(request)
    try:
        t = st.catalogue.technique(tid)
    except KeyError:
        raise HTTPException(404, "There is no technique with that name.") from None
    if request.scope["path"] in st.shared_pages:
        return shared(request, "technique.html")
    return shared(request, "technique.html", title=t.name, t=t, svg=views.picture_svg(t))


@router.get("/learn", response_class=HTMLResponse)
async def learn_index(request: Request) -> Response:
    return shared(request, "learn.html", title="Learn", topics=web_state(request).catalogue.topics)


@router.get("/learn/{topic_id}", response_class=HTMLResponse)
async def learn_topic(request: Request, topic_id: str) -> Response:
    st = web_state(request)
    try:
        topic = st.catalogue.topic(topic_id)
    except KeyError:
        raise HTTPException(404, "There is no such topic.") from None
    related = [st.catalogue.topic(r) for r in topic.related]
    return shared(request, "topic.html", title=topic.title, topic=topic, related=related)


def fast_routes() -> list[Route]:
    """The pages every visit asks for, as plain Starlette routes that create_app serves before
    all others (easeback.web.fast): no FastAPI layers, dependency solving or walk through the
    included routers per request, and their finished answers kept (easeback.web.kept). They
    take no parameters FastAPI would check (the player parses its one) and are not in the API
    docs. GET only, as the routes of the router."""
    return [
        kept_route("/", welcome),
        kept_route("/player", player_page),
        kept_route("/player/timeline.json", player_timeline),
    ]

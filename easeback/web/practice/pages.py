"""The practice pages: sign-in, a person's programme on their phone, the safety check, and the
clinician's people list and programme editor. Forms carry the session's CSRF token."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from easeback.domain.models import StopReason
from easeback.domain.programme import hold_range
from easeback.domain.screening import QuestionKind
from easeback.mail import MailError
from easeback.usecases import accounts, practice
from easeback.usecases.device_keys import valid_key
from easeback.usecases.errors import InputError
from easeback.web.practice.auth import (
    Caller,
    base_url,
    caller,
    checked_form,
    clear_session,
    mailer,
    now,
    set_session,
    two_factor,
)
from easeback.web.practice.state import practice_state
from easeback.web.views import dose_text

router = APIRouter(include_in_schema=False)

CHOICES = {
    QuestionKind.RED_FLAG: [("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
    QuestionKind.YES_NO: [("yes", "Yes"), ("no", "No")],
}
STOP_LABELS = {
    StopReason.SHARP_PAIN: "sharp or shooting pain",
    StopReason.RADIATING_PAIN: "pain spreading down a leg",
    StopReason.NUMBNESS: "numbness or tingling",
    StopReason.DIZZINESS: "dizziness",
    StopReason.OTHER: "another reason",
}


def render(
    request: Request, name: str, c: Caller | None, status: int = 200, **context: Any
) -> HTMLResponse:
    st = practice_state(request)
    context |= {"me": c.user if c else None, "csrf": c.csrf if c else ""}
    return st.templates.TemplateResponse(request, f"practice/{name}", context, status_code=status)


def error(request: Request, status: int, message: str) -> HTMLResponse:
    titles = {404: "Not found", 403: "Not allowed", 405: "Not allowed", 429: "Wait a minute"}
    return render(
        request,
        "error.html",
        None,
        status=status,
        title=titles.get(status, "Something is wrong"),
        message=message,
    )


def see(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# ---- signing in and out ----


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request) -> Response:
    return render(request, "sign_in.html", None, title="Sign in", email="", error=None)


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    # No session yet, so no CSRF token: the security middleware refuses cross-site posts.
    form = await request.form()
    email, password = str(form.get("email", ""))[:320], str(form.get("password", ""))[:1000]
    st = practice_state(request)
    try:
        signed = accounts.sign_in(
            st.engine, email, password, _client(request), now(), two_factor=two_factor(request)
        )
    except accounts.TooManyAttempts:
        message, status = TOO_MANY, 429
    except accounts.SignInRefused:
        message, status = "Wrong email or password.", 401
    else:
        if isinstance(signed, accounts.SecondStep):
            return _second_page(request, signed.ticket, signed.secret, signed.uri)
        return _signed_in(request, signed)
    return render(
        request, "sign_in.html", None, status=status, title="Sign in", email=email, error=message
    )


TOO_MANY = "Too many failed sign-ins; wait a minute and try again."


def _second_page(
    request: Request, ticket: str, secret: str | None, uri: str | None, status: int = 200,
    error: str | None = None,
) -> Response:  # fmt: skip
    title = "Set up two-step sign-in" if secret else "Enter your code"
    resp = render(
        request, "second_factor.html", None, status=status, title=title, ticket=ticket,
        secret=secret, uri=uri, error=error,
    )  # fmt: skip
    resp.headers["cache-control"] = "no-store"
    return resp


def _signed_in(request: Request, signed: accounts.SignedIn) -> Response:
    if signed.recovery_codes:  # enrolment just confirmed: the codes, this once
        c = Caller(signed.user, signed.token, signed.csrf, True)
        resp: Response = render(
            request, "recovery_codes.html", c, title="Your recovery codes",
            codes=signed.recovery_codes,
        )  # fmt: skip
        resp.headers["cache-control"] = "no-store"
    else:
        resp = see("/")
    set_session(request, resp, signed.token)
    return resp


@router.post("/sign-in/second")
async def sign_in_second(request: Request) -> Response:
    form = await request.form()
    ticket, code = str(form.get("ticket", ""))[:200], str(form.get("code", ""))[:40]
    st = practice_state(request)
    try:
        signed = accounts.second_step(st.engine, ticket, code, _client(request), now())
    except accounts.TooManyAttempts:
        return _second_page(request, ticket, None, None, 429, TOO_MANY)
    except accounts.SignInRefused:
        # still enrolling: the secret again, from the database
        secret, uri = accounts.pending_enrolment(st.engine, ticket, now()) or (None, None)
        return _second_page(
            request, ticket, secret, uri, 401, "Wrong code: try the one showing now."
        )
    except InputError as exc:
        return render(
            request, "sign_in.html", None, status=400, title="Sign in", email="", error=str(exc)
        )
    return _signed_in(request, signed)


@router.get("/forgot-password", response_class=HTMLResponse)
def forgot_page(request: Request) -> Response:
    return render(request, "forgot.html", None, title="Forgot your password?", sent=False)


@router.post("/forgot-password")
async def forgot_password(request: Request) -> Response:
    form = await request.form()
    st = practice_state(request)
    try:
        accounts.forgot_password(
            st.engine, str(form.get("email", ""))[:320], _client(request), now(),
            mailer(request), base_url(request),
        )  # fmt: skip
    except accounts.TooManyAttempts:
        return error(request, 429, "Too many reset emails asked for; try again in an hour.")
    return render(request, "forgot.html", None, title="Forgot your password?", sent=True)


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    c = caller(request)
    await checked_form(request, c)
    accounts.sign_out(practice_state(request).engine, c.user, c.token, now())
    resp = see("/sign-in")
    clear_session(request, resp)
    return resp


@router.get("/invite/{invite}", response_class=HTMLResponse)
def invite_page(request: Request, invite: str) -> Response:
    return render(
        request, "invite.html", None, title="Choose a password", action=f"/invite/{invite}"
    )


@router.get("/reset/{link}", response_class=HTMLResponse)
def reset_page(request: Request, link: str) -> Response:
    return render(request, "invite.html", None, title="Choose a password", action=f"/reset/{link}")


@router.post("/invite/{invite}")
async def accept_invite(request: Request, invite: str) -> Response:
    return await _set_password(request, invite, "invite")


@router.post("/reset/{link}")
async def accept_reset(request: Request, link: str) -> Response:
    return await _set_password(request, link, "reset")


async def _set_password(request: Request, link: str, kind: str) -> Response:
    form = await request.form()
    st = practice_state(request)
    try:
        user = accounts.accept_invite(st.engine, link, str(form.get("password", "")), now(), kind)
    except InputError as exc:
        return render(
            request, "invite.html", None, status=400, title="Choose a password",
            action=f"/{kind}/{link}", error=str(exc),
        )  # fmt: skip
    return render(request, "sign_in.html", None, title="Sign in", email=user.email, error=None)


@router.get("/")
def home(c: Caller = Depends(caller)) -> Response:  # noqa: B008
    return see(
        {"person": "/programme", "admin": "/users", "owner": "/users"}.get(c.user.role, "/people")
    )


@router.get("/pictures/{tid}.svg", include_in_schema=False)
def picture(request: Request, tid: str, c: Caller = Depends(caller)) -> Response:  # noqa: B008
    from easeback.web import views
    from easeback.web.security import PICTURE_CSP

    try:
        t = practice_state(request).catalogue.technique(tid)
    except KeyError:
        raise HTTPException(404, "There is no technique with that name.") from None
    svg = views.picture_svg(t)
    if svg is None:
        raise HTTPException(404, "No picture for this technique yet.")
    return Response(
        svg, media_type="image/svg+xml", headers={"content-security-policy": PICTURE_CSP}
    )


# ---- a person ----


def _person(c: Caller) -> None:
    if c.user.role != "person":
        raise HTTPException(404, "Not found.")


@router.get("/programme", response_class=HTMLResponse)
def programme_page(
    request: Request,
    c: Caller = Depends(caller),  # noqa: B008
    message: str | None = None,
) -> Response:
    _person(c)
    st = practice_state(request)
    view = practice.programme_view(st.engine, st.catalogue, c.user, c.user.id, now())
    steps = {
        t["id"]: [s.text for s in st.catalogue.technique(t["id"]).steps] for t in view["techniques"]
    }
    # in words, as the personal app says them: "1 repetition, 30 s hold", never "1 repetitions"
    doses = {t["id"]: dose_text(t, st.catalogue.technique(t["id"])) for t in view["techniques"]}
    notes = {"saved": "Saved. Well done.", "screened": "Thank you: your safety check is saved."}
    return render(
        request,
        "programme.html",
        c,
        title="My programme",
        view=view,
        due=practice.outcomes_due(st.engine, c.user, now()),
        discharged_on=_day(view.get("discharged")),
        steps=steps,
        doses=doses,
        stop_reasons=[(r.value, label) for r, label in STOP_LABELS.items()],
        message=notes.get(message or ""),
    )


def _day(iso: str | None) -> str | None:
    from datetime import datetime

    if not iso:
        return None
    d = datetime.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


# ---- the guided session of a person's programme ----


@router.get("/programme/session", response_class=HTMLResponse)
def programme_session(request: Request, c: Caller = Depends(caller)) -> Response:  # noqa: B008
    """The guided player (timed, spoken cues, a stop button) on the programme as the person
    may do it now; without a safety check in force, back to the programme page that says so."""
    _person(c)
    st = practice_state(request)
    routine = practice.programme_routine(st.engine, st.catalogue, c.user, now())
    if routine is None:
        return see("/programme")
    from easeback.web.views import minutes_text

    return render(
        request,
        "player.html",
        c,
        title="Guided session",
        speed=1.0,
        names=[i.technique.name for i in routine.items],
        total=minutes_text(routine.total_seconds),
        stops=list(st.catalogue.stops.values()),
    )


@router.get("/programme/timeline.json")
def programme_timeline(request: Request, c: Caller = Depends(caller)) -> Response:  # noqa: B008
    _person(c)
    st = practice_state(request)
    routine = practice.programme_routine(st.engine, st.catalogue, c.user, now())
    if routine is None:
        return JSONResponse({"detail": "No session of your programme now."}, status_code=404)
    from easeback.web.player_pictures import timeline_content

    return JSONResponse(timeline_content(routine))


@router.get("/programme/stop", response_class=HTMLResponse)
def programme_stop_page(request: Request, c: Caller = Depends(caller)) -> Response:  # noqa: B008
    _person(c)
    stops = list(practice_state(request).catalogue.stops.values())
    index = request.query_params.get("index", "")
    return render(request, "stop.html", c, title="Stop", stops=stops, index=index)


@router.post("/programme/stop")
async def programme_stop(request: Request) -> Response:
    """Stop pressed in the guided session: saved at once (see practice.record_stop), then what
    to do now and a check-in. The advice is shown whatever happens to the saving (a stop sent
    twice, a programme put on hold meanwhile): a stopped person always learns what to do."""
    c = caller(request)
    _person(c)
    form = await checked_form(request, c)
    st = practice_state(request)
    reason = str(form.get("reason", ""))
    raw = str(form.get("index", "")).strip()
    index = int(raw) if raw.isdigit() else None
    if reason not in {r.value for r in StopReason}:
        reason = StopReason.OTHER.value
    key = str(form.get("key", ""))
    key = key if valid_key(key) else ""  # a stop is never refused: saved without a bad key
    try:
        practice.record_stop(st.engine, st.catalogue, c.user, index, reason, now(), key)
    except InputError as exc:
        advice = st.catalogue.stops[StopReason(reason)]
        return render(
            request, "stopped.html", c, title="You stopped", advice=advice, unsaved=str(exc)
        )
    return see(f"/programme/stopped/{reason}?saved=1")


@router.get("/programme/stopped/{reason}", response_class=HTMLResponse)
def programme_stopped(request: Request, reason: str, c: Caller = Depends(caller)) -> Response:  # noqa: B008
    """What to do after a stop, and a check-in (the page a saved stop leads to)."""
    _person(c)
    try:
        advice = practice_state(request).catalogue.stops[StopReason(reason)]
    except ValueError:
        raise HTTPException(404, "Unknown stop reason.") from None
    saved = request.query_params.get("saved") == "1"
    return render(
        request, "stopped.html", c, title="You stopped", advice=advice, unsaved=None, saved=saved
    )


def _int(form: FormData, name: str, label: str) -> int:
    raw = str(form.get(name, "")).strip()
    if not raw.lstrip("-").isdigit():
        raise InputError(f"{label} must be a whole number")
    return int(raw)


@router.post("/programme/log")
async def log_session(request: Request) -> Response:
    c = caller(request)
    _person(c)
    form = await checked_form(request, c)
    st = practice_state(request)
    before = _int(form, "pain_before", "pain before")
    after = _int(form, "pain_after", "pain after")
    stopped = str(form.get("stopped", "")) or None
    key = str(form.get("key", "")) or None  # the device's, when sent again until confirmed
    skipped = [str(t) for t in form.getlist("skipped")]
    practice.log_session(
        st.engine, st.catalogue, c.user, before, after, now(), stopped, skipped, key
    )
    return see("/programme?message=saved")


def _outcomes_page(request: Request, c: Caller, status: int = 200, **context: Any) -> Response:
    from easeback.domain.outcomes import PEG_ITEMS

    due = practice.outcomes_due(practice_state(request).engine, c.user, now())
    return render(
        request,
        "outcomes.html",
        c,
        status=status,
        title="How is your back affecting your life?",
        due=due,
        peg_items=PEG_ITEMS,
        **context,
    )


@router.get("/outcomes", response_class=HTMLResponse)
def outcomes_page(
    request: Request,
    c: Caller = Depends(caller),  # noqa: B008
    message: str | None = None,
) -> Response:
    _person(c)
    saved = {"peg": "Saved: your weekly questions.", "psfs": "Saved: your activities."}
    return _outcomes_page(request, c, message=saved.get(message or ""))


@router.post("/outcomes/{measure}")
async def record_outcome(request: Request, measure: str) -> Response:
    c = caller(request)
    _person(c)
    form = await checked_form(request, c)
    st = practice_state(request)
    values: object
    try:
        if measure == "peg":
            values = {k: _int(form, k, f"PEG {k}") for k in ("pain", "enjoyment", "activity")}
        else:
            rows: list[list[object]] = []
            values = rows
            for k in range(3):
                name = str(form.get(f"activity_{k}", "")).strip()
                raw = str(form.get(f"score_{k}", "")).strip()
                if name or raw:
                    rows.append([name, _int(form, f"score_{k}", f"activity {k + 1}'s score")])
        practice.record_outcome(st.engine, c.user, measure, values, now())
    except InputError as exc:
        return _outcomes_page(request, c, status=400, error=str(exc))
    return see(f"/outcomes?message={measure}")


@router.post("/check-in")
async def check_in(request: Request) -> Response:
    c = caller(request)
    _person(c)
    form = await checked_form(request, c)
    pain, stiffness = _int(form, "pain", "pain"), _int(form, "stiffness", "stiffness")
    key = str(form.get("key", "")) or None
    practice.check_in(practice_state(request).engine, c.user, pain, stiffness, now(), key)
    return see("/programme?message=saved")


@router.get("/safety-check", response_class=HTMLResponse)
def safety_check_page(request: Request, c: Caller = Depends(caller)) -> Response:  # noqa: B008
    _person(c)
    table = practice_state(request).catalogue.screening
    questions = [(q, CHOICES.get(q.kind)) for q in table.questions]
    return render(request, "safety_check.html", c, title="Safety check", questions=questions)


@router.post("/safety-check")
async def safety_check(request: Request) -> Response:
    c = caller(request)
    _person(c)
    form = await checked_form(request, c)
    st = practice_state(request)
    answers: dict[str, object] = {}
    for q in st.catalogue.screening.questions:
        raw = str(form.get(q.id, "")).strip()
        if raw:
            answers[q.id] = int(raw) if q.kind is QuestionKind.INTEGER and raw.isdigit() else raw
    result = practice.screen(st.engine, st.catalogue, c.user, answers, now())
    if result["disposition"] in ("clear", "caution"):
        return see("/programme?message=screened")
    if any(r["disposition"] == "emergency" for r in result["reasons"]):
        result["disposition"] = "emergency"  # stopped early: nothing later can change this
    heading = {
        "emergency": "Get emergency help now",
        "urgent": "See a doctor today",
        "professional_first": "See a professional first",
    }.get(str(result["disposition"]), "Some answers are missing")
    return render(
        request, "screening_result.html", c, title=heading, heading=heading, result=result
    )


@router.post("/account/delete")
async def delete_account(request: Request) -> Response:
    c = caller(request)
    _person(c)
    form = await checked_form(request, c)
    if form.get("confirm") != "yes":
        raise InputError("tick the box to confirm that you want your account deleted")
    password = str(form.get("password", ""))[:1000]
    try:
        accounts.delete_account(
            practice_state(request).engine, c.user, password, _client(request), now()
        )
    except accounts.TooManyAttempts:
        return error(request, 429, TOO_MANY)
    except accounts.SignInRefused:
        return error(request, 403, "Wrong password: your account is kept. Go back and try again.")
    resp = see("/sign-in")
    clear_session(request, resp)
    return resp


@router.get("/account", response_class=HTMLResponse)
def account_page(
    request: Request,
    c: Caller = Depends(caller),  # noqa: B008
    message: str | None = None,
) -> Response:
    notes = {"revoked": "Signed out there.", "password": "Your password is changed."}
    return _account(request, c, message=notes.get(message or ""))


def _account(request: Request, c: Caller, status: int = 200, **context: Any) -> Response:
    st = practice_state(request)
    tokens = accounts.sign_ins(st.engine, c.user, c.token, now())
    trail = practice.audit_trail(st.engine, c.user, c.user.id) if c.user.role == "person" else []
    others = [t for t in trail if t["actor_id"] != c.user.id]  # their own doings are no news
    codes = accounts.recovery_codes_left(st.engine, c.user)
    return render(
        request, "account.html", c, status=status, title="Account", tokens=tokens,
        trail=others[-50:][::-1], codes_left=codes, **context,
    )  # fmt: skip


@router.post("/account/password")
async def change_password(request: Request) -> Response:
    c = caller(request)
    form = await checked_form(request, c)
    st = practice_state(request)
    current, new = str(form.get("current", ""))[:1000], str(form.get("new", ""))[:1000]
    try:
        accounts.change_password(st.engine, c.user, current, new, c.token, _client(request), now())
    except accounts.TooManyAttempts:
        return _account(request, c, status=429, password_error=TOO_MANY)
    except accounts.SignInRefused:
        return _account(request, c, status=403, password_error="Wrong current password.")
    except InputError as exc:
        return _account(request, c, status=400, password_error=str(exc))
    return see("/account?message=password")


@router.post("/account/tokens")
async def new_token(request: Request) -> Response:
    c = caller(request)
    await checked_form(request, c)
    token = accounts.new_api_token(practice_state(request).engine, c.user, now())
    resp = _account(request, c, new_token=token)
    resp.headers["cache-control"] = "no-store"  # the token is shown this once
    return resp


@router.post("/account/tokens/{token_id}/revoke")
async def revoke_token(request: Request, token_id: int) -> Response:
    c = caller(request)
    await checked_form(request, c)
    st = practice_state(request)
    try:
        accounts.revoke(st.engine, c.user, token_id, now())
    except practice.NotFound:
        raise HTTPException(404, "Not found.") from None
    if token_id == accounts.current_token_id(st.engine, c.token):
        resp = see("/sign-in")
        clear_session(request, resp)
        return resp
    return see("/account?message=revoked")


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, c: Caller = Depends(caller)) -> Response:  # noqa: B008
    return _users_page(request, c)


def _users_page(request: Request, c: Caller, status: int = 200, **context: Any) -> Response:
    try:
        found = accounts.users(practice_state(request).engine, c.user, now())
    except practice.NotFound:
        raise HTTPException(404, "Not found.") from None
    resp = render(request, "users.html", c, status=status, title="Users", users=found, **context)
    if "link" in context:
        resp.headers["cache-control"] = "no-store"  # an invite is shown this once
    return resp


def _invite_link(request: Request, invite: str) -> str:
    base = practice_state(request).settings.public_url or str(request.base_url)
    return base.rstrip("/") + f"/invite/{invite}"


@router.post("/users")
async def add_user(request: Request) -> Response:
    c = caller(request)
    form = await checked_form(request, c)
    st = practice_state(request)
    clinic = str(form.get("clinic") or "").strip() or None
    email, role = str(form.get("email", "")), str(form.get("role", ""))
    try:
        uid, invite = accounts.admin_add_user(st.engine, c.user, email, role, clinic, now())
    except practice.NotFound:
        raise HTTPException(404, "Not found.") from None
    except InputError as exc:  # the form again, as typed, with what was wrong
        typed = {"email": email, "role": role, "clinic": clinic or ""}
        return _users_page(request, c, status=400, error=str(exc), typed=typed)
    return _users_page(
        request, c, added_id=uid, link=_invite_link(request, invite),
        invite_days=accounts.INVITE_DAYS, what="added",
    )  # fmt: skip


@router.post("/users/{user_id}/lock")
async def lock_user(request: Request, user_id: int) -> Response:
    c = caller(request)
    await checked_form(request, c)
    try:
        user = accounts.lock_user(practice_state(request).engine, c.user, user_id, now())
    except practice.NotFound:
        raise HTTPException(404, "Not found.") from None
    except InputError as exc:
        return _users_page(request, c, status=400, error=str(exc))
    return _users_page(request, c, locked=user.email)


@router.post("/users/{user_id}/reset")
async def reset_user(request: Request, user_id: int) -> Response:
    c = caller(request)
    await checked_form(request, c)
    st = practice_state(request)
    try:
        user = accounts.send_reset(
            st.engine, c.user, user_id, now(), mailer(request), base_url(request)
        )
    except practice.NotFound:
        raise HTTPException(404, "Not found.") from None
    except (InputError, MailError) as exc:
        return _users_page(request, c, status=400, error=str(exc))
    return _users_page(request, c, reset_sent=user.email)


@router.post("/users/{user_id}/invite")
async def invite_user(request: Request, user_id: int) -> Response:
    c = caller(request)
    await checked_form(request, c)
    st = practice_state(request)
    try:
        invite = accounts.invite_again(st.engine, c.user, user_id, now())
    except practice.NotFound:
        raise HTTPException(404, "Not found.") from None
    except InputError as exc:
        return _users_page(request, c, status=400, error=str(exc))
    return _users_page(
        request, c, added_id=user_id, link=_invite_link(request, invite),
        invite_days=accounts.INVITE_DAYS, what="invited",
    )  # fmt: skip


# ---- a clinician ----


def _clinician(c: Caller) -> None:
    if c.user.role not in ("clinician", "admin"):
        raise HTTPException(404, "Not found.")


PEOPLE_FILTERS = [
    ("", "Everyone"),
    ("any", "Anyone in need"),
    ("screening", "Emergency or urgent screening"),
    ("nerve", "Numbness or radiating-pain stop"),
    ("pain", "Pain rising"),
    ("sharp", "Sharp-pain stop"),
    ("quiet", "No session for 7 days"),
    ("expired", "Safety check out of date"),
    ("peg", "PEG worse"),
]


@router.get("/people", response_class=HTMLResponse)
def people_page(
    request: Request,
    c: Caller = Depends(caller),  # noqa: B008
    need: str | None = None,
) -> Response:
    _clinician(c)
    st = practice_state(request)
    found = practice.people(st.engine, st.catalogue, c.user, now(), need or None)
    return render(
        request,
        "people.html",
        c,
        title="People",
        people=found,
        need=need,
        filters=PEOPLE_FILTERS,
    )


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person_page(
    request: Request,
    person_id: int,
    c: Caller = Depends(caller),  # noqa: B008
    message: str | None = None,
) -> Response:
    from easeback.domain.outcomes import PAIN_MIC, PSFS_MIC, mic
    from easeback.web.charts import dated_chart

    _clinician(c)
    st = practice_state(request)
    names = {t.id: t.name for t in st.catalogue.techniques}
    try:
        person = practice.scope(st.engine, c.user, person_id)
        progress = practice.progress(st.engine, c.user, person_id, now(), names)
        view = practice.programme_view(st.engine, st.catalogue, c.user, person_id, now())
        record = practice.record_view(st.engine, st.catalogue, c.user, person_id, now())
        care = practice.care_view(st.engine, c.user, person_id)
    except practice.NotFound:
        raise HTTPException(404, "Not found.") from None
    until = practice.naive(now())
    peg = record["peg"]
    charts = {
        "pain": dated_chart(record["pain"], "Pain 0–10 (higher is worse)", PAIN_MIC, until),
        "peg": dated_chart(
            peg, "PEG 0–10 (higher is worse)", mic("peg", peg[0][1]) if peg else None, until
        ),
        "psfs": dated_chart(record["psfs"], "PSFS mean 0–10 (higher is better)", PSFS_MIC, until),
    }
    return render(
        request,
        "person.html",
        c,
        title=person.email,
        person=person,
        progress=progress,
        view=view,
        record=record,
        care=care,
        charts=charts,
        techniques=st.catalogue.techniques,
        holds={t.id: hold_range(t) for t in st.catalogue.techniques if t.dosage.hold_seconds},
        names=names,
        current={i["id"]: i for i in view.get("prescription", [])},
        message=PERSON_NOTES.get(message or ""),
    )


PERSON_NOTES = {
    "saved": "Programme saved.",
    "note": "Note saved.",
    "assigned": "Assigned clinician saved.",
    "discharged": "Discharged: the programme has ended; the person keeps their journal.",
}


@router.post("/people/{person_id}/care/{what}")
async def person_care(request: Request, person_id: int, what: str) -> Response:
    """A note, the assigned clinician, or a discharge, from the person's page."""
    c = caller(request)
    _clinician(c)
    form = await checked_form(request, c)
    engine = practice_state(request).engine
    try:
        if what == "note":
            practice.add_note(engine, c.user, person_id, str(form.get("text", ""))[:8000], now())
        elif what == "assigned":
            raw = str(form.get("clinician", "")).strip()
            chosen = int(raw) if raw.isdigit() else None
            practice.assign_clinician(engine, c.user, person_id, chosen, now())
        elif what == "discharged":
            if form.get("confirm") != "yes":
                raise InputError("tick the box to confirm the discharge")
            practice.discharge(engine, c.user, person_id, now())
        else:
            raise HTTPException(404, "Not found.")
    except practice.NotFound:
        raise HTTPException(404, "Not found.") from None
    return see(f"/people/{person_id}?message={what}#care")


@router.post("/people/{person_id}/programme")
async def prescribe(request: Request, person_id: int) -> Response:
    c = caller(request)
    _clinician(c)
    form = await checked_form(request, c)
    st = practice_state(request)
    items: list[dict[str, object]] = []
    for tid in form.getlist("use"):
        t = str(tid)
        item: dict[str, object] = {
            "id": t,
            "reps": _int(form, f"reps_{t}", f"{t} repetitions"),
            "sets": _int(form, f"sets_{t}", f"{t} sets"),
        }
        if form.get(f"hold_{t}") is not None:
            item["hold_seconds"] = _int(form, f"hold_{t}", f"{t} hold seconds")
        items.append(item)
    per_week = _int(form, "per_week", "sessions a week")
    try:
        practice.prescribe(st.engine, st.catalogue, c.user, person_id, items, per_week, now())
    except practice.NotFound:
        raise HTTPException(404, "Not found.") from None
    return see(f"/people/{person_id}?message=saved")

"""The practice JSON API: sign-in, a person's own journal and programme, a clinician's people.
Routes parse, call easeback.usecases, and answer; out of scope is 404 like absent."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, ConfigDict, Field, StrictInt, TypeAdapter
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Match, Route

from easeback.mail import MailError
from easeback.usecases import accounts, practice
from easeback.web.fast import HotRoute
from easeback.web.practice.auth import (
    Caller,
    base_url,
    caller,
    clear_session,
    mailer,
    now,
    set_session,
    two_factor,
    writer,
)
from easeback.web.practice.state import practice_state

router = APIRouter(prefix="/api", tags=["practice"])
Score = Annotated[StrictInt, Field(ge=0, le=10)]
Reader = Annotated[Caller, Depends(caller)]
Writer = Annotated[Caller, Depends(writer)]
WRONG = "Wrong email or password."
TOO_MANY = "Too many failed sign-ins; wait a minute and try again."
WRONG_CODE = "Wrong code."
RESET_SENT = (
    "If an account has this address, an email with a link to choose a password is on its way."
)


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Annotated[str, Field(max_length=320)]
    password: Annotated[str, Field(max_length=1000)]


class SecondIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ticket: Annotated[str, Field(max_length=200)]
    code: Annotated[str, Field(max_length=40)]


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current: Annotated[str, Field(max_length=1000)]
    new: Annotated[str, Field(max_length=1000)]


class ForgotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Annotated[str, Field(max_length=320)]


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: Annotated[str, Field(max_length=1000)]


class CheckInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pain: Score
    stiffness: Score


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pain_before: Score
    pain_after: Score
    stopped: Annotated[str, Field(max_length=100)] | None = None
    skipped: Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=12)] = []


class PegIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pain: Score
    enjoyment: Score
    activity: Score


class ActivityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=80)]
    score: Score


class PsfsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    activities: Annotated[list[ActivityIn], Field(min_length=1, max_length=3)]


class ScreeningIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answers: dict[str, Any]


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Annotated[str, Field(max_length=64)]
    hold_seconds: StrictInt | None = None
    reps: StrictInt
    sets: StrictInt | None = None


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Annotated[str, Field(max_length=320)]
    role: Annotated[str, Field(max_length=16)]
    clinic: Annotated[str, Field(max_length=200)] | None = None


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, Field(min_length=1, max_length=4000)]


class ClinicianIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    clinician_id: StrictInt | None


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: StrictInt
    clinic: Annotated[str, Field(min_length=1, max_length=200)]


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=120)]


class FromTemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    template_id: StrictInt


class ProgrammeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    techniques: Annotated[list[ItemIn], Field(max_length=50)]
    per_week: StrictInt


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _not_found(exc: practice.NotFound) -> HTTPException:
    return HTTPException(404, "Not found.")


@router.post(
    "/login",
    summary="Sign in: a token and a session cookie, or the second step (an authenticator code)",
)
def login(request: Request, body: Login) -> Response:
    st = practice_state(request)
    try:
        signed = accounts.sign_in(
            st.engine, body.email, body.password, address(request), now(),
            two_factor=two_factor(request),
        )  # fmt: skip
    except accounts.TooManyAttempts:
        return _too_many()
    except accounts.SignInRefused:
        return JSONResponse({"detail": WRONG}, status_code=401)
    if isinstance(signed, accounts.SecondStep):
        enrol = {"secret": signed.secret, "otpauth": signed.uri} if signed.secret else None
        return JSONResponse(
            {"second_factor": "totp", "ticket": signed.ticket, "enrol": enrol,
             "next": "/api/login/second"},
            headers={"cache-control": "no-store"},
        )  # fmt: skip
    return _signed(request, signed)


def _too_many() -> Response:
    return JSONResponse({"detail": TOO_MANY}, status_code=429, headers={"retry-after": "60"})


def _signed(request: Request, signed: accounts.SignedIn) -> Response:
    body: dict[str, Any] = {"token": signed.token, "csrf": signed.csrf, "role": signed.user.role}
    if signed.recovery_codes:
        body["recovery_codes"] = list(signed.recovery_codes)
    resp = JSONResponse(body, headers={"cache-control": "no-store"})
    set_session(request, resp, signed.token)
    return resp


@router.post(
    "/login/second",
    summary="Sign in, second step: the authenticator code (or a recovery code) with the ticket",
)
def login_second(request: Request, body: SecondIn) -> Response:
    st = practice_state(request)
    try:
        signed = accounts.second_step(st.engine, body.ticket, body.code, address(request), now())
    except accounts.TooManyAttempts:
        return _too_many()
    except accounts.SignInRefused:
        return JSONResponse({"detail": WRONG_CODE}, status_code=401)
    return _signed(request, signed)


@router.post("/password/forgot", status_code=202, summary="Email me a link to a new password")
def forgot_password(request: Request, body: ForgotIn) -> Response:
    st = practice_state(request)
    try:
        accounts.forgot_password(
            st.engine, body.email, address(request), now(), mailer(request), base_url(request)
        )
    except accounts.TooManyAttempts:
        return _too_many()
    return JSONResponse({"detail": RESET_SENT}, status_code=202)


@router.post("/password", summary="Change my password (the current one, then the new one)")
def change_password(request: Request, body: PasswordIn, c: Writer) -> Response:
    st = practice_state(request)
    try:
        accounts.change_password(
            st.engine, c.user, body.current, body.new, c.token, address(request), now()
        )
    except accounts.TooManyAttempts:
        return _too_many()
    except accounts.SignInRefused:
        return JSONResponse({"detail": "Wrong current password."}, status_code=403)
    return JSONResponse({"changed": True})


@router.post("/logout", summary="Sign out: the token stops working at once")
def logout(request: Request, c: Writer) -> Response:
    accounts.sign_out(practice_state(request).engine, c.user, c.token, now())
    resp = JSONResponse({"signed_out": True})
    clear_session(request, resp)
    return resp


@router.get("/me", summary="The signed-in user")
def me(c: Reader) -> dict[str, Any]:
    u = c.user
    return {"id": u.id, "email": u.email, "role": u.role, "clinic": u.clinic}


def _run(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except practice.NotFound as exc:
        raise _not_found(exc) from None


@router.get("/tokens", summary="My live sessions and API tokens (never their values)")
def my_tokens(request: Request, c: Reader) -> list[dict[str, Any]]:
    return accounts.sign_ins(practice_state(request).engine, c.user, c.token, now())


@router.post("/tokens", status_code=201, summary="A new API token, shown this once")
def new_token(request: Request, c: Writer) -> dict[str, Any]:
    token = accounts.new_api_token(practice_state(request).engine, c.user, now())
    return {"token": token, "expires_in_days": accounts.API_DAYS}


@router.delete("/tokens/{token_id}", summary="Revoke one of my sessions or API tokens")
def revoke_token(request: Request, token_id: int, c: Writer) -> dict[str, bool]:
    _run(accounts.revoke, practice_state(request).engine, c.user, token_id, now())
    return {"revoked": True}


# ---- a person's own data ----


# a key the client makes for a write it may send again (its first answer lost): saved once
DeviceKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=64,
        description="16 to 64 letters, digits, - or _, made by the client for this write: "
        "sent again with the same key, it is saved once",
    ),
]


@router.post("/check-ins", status_code=201, summary="Log a check-in")
def check_in(
    request: Request, body: CheckInIn, c: Writer, key: DeviceKey = None
) -> dict[str, bool]:
    st = practice_state(request)
    _run(practice.check_in, st.engine, c.user, body.pain, body.stiffness, now(), key)
    return {"saved": True}


PAGE = 50  # entries per /api/history request by default


@router.get(
    "/history",
    summary="My journal, newest first, a page at a time",
    responses={400: {"description": "A `before` that is not a place in the journal"}},
    description="At most `limit` entries (times in UTC). When older entries exist, the `Link` "
    "header's `next` address gives the following page.",
)
def history(
    request: Request,
    response: Response,
    c: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = PAGE,
    before: Annotated[str | None, Query(max_length=80)] = None,
) -> list[dict[str, str]]:
    from easeback.web.paging import link_next
    from easeback.wording import entry_details

    st = practice_state(request)
    page, older = _run(practice.history_page, st.engine, c.user, c.user.id, now(), limit, before)
    link_next(response, "/api/history", page, older, limit=limit)
    rows = [(e.at, *entry_details(e.kind, e.record)) for e in page]
    return [{"at": at.isoformat() + "Z", "kind": k, "details": d} for at, k, d in rows]


@router.get("/progress", summary="My progress: pain change, advice, adherence")
def progress(request: Request) -> dict[str, Any]:
    c = caller(request)  # here, not as a dependency: one hop to a thread, not two
    st = practice_state(request)
    return dict(_run(practice.progress, st.engine, c.user, c.user.id, now()))


@router.post("/screenings", status_code=201, summary="Answer the safety check")
def screen(request: Request, body: ScreeningIn, c: Writer) -> dict[str, Any]:
    st = practice_state(request)
    return dict(_run(practice.screen, st.engine, st.catalogue, c.user, body.answers, now()))


@router.get("/programme", summary="My programme: what I may do now")
def programme(request: Request) -> dict[str, Any]:
    c = caller(request)  # here, not as a dependency: one hop to a thread, not two
    st = practice_state(request)
    return dict(_run(practice.programme_view, st.engine, st.catalogue, c.user, c.user.id, now()))


@router.post("/sessions", status_code=201, summary="Log a session of my programme")
def log_session(
    request: Request, body: SessionIn, c: Writer, key: DeviceKey = None
) -> dict[str, Any]:
    st = practice_state(request)
    sid = _run(
        practice.log_session,
        st.engine,
        st.catalogue,
        c.user,
        body.pain_before,
        body.pain_after,
        now(),
        body.stopped,
        body.skipped,
        key,
    )
    return {"saved": True, "session": sid}


@router.post("/outcomes/peg", status_code=201, summary="Record my weekly PEG (each item 0-10)")
def record_peg(request: Request, body: PegIn, c: Writer) -> dict[str, Any]:
    st = practice_state(request)
    oid = _run(practice.record_outcome, st.engine, c.user, "peg", body.model_dump(), now())
    return {"saved": True, "outcome": oid}


@router.post(
    "/outcomes/psfs", status_code=201, summary="Record my PSFS: up to three activities, 0-10"
)
def record_psfs(request: Request, body: PsfsIn, c: Writer) -> dict[str, Any]:
    st = practice_state(request)
    rows = [[a.name, a.score] for a in body.activities]
    oid = _run(practice.record_outcome, st.engine, c.user, "psfs", rows, now())
    return {"saved": True, "outcome": oid}


@router.get("/outcomes/due", summary="Which outcome measures I should record now")
def outcomes_due(request: Request, c: Reader) -> dict[str, Any]:
    return dict(_run(practice.outcomes_due, practice_state(request).engine, c.user, now()))


@router.get("/export/fhir", summary="All my data as a FHIR R4 bundle")
def my_export(request: Request, c: Reader) -> Response:
    return _fhir(request, c, c.user.id)


@router.get("/audit", summary="Who read or changed my data")
def my_audit(request: Request, c: Reader) -> list[dict[str, Any]]:
    st = practice_state(request)
    return list(_run(practice.audit_trail, st.engine, c.user, c.user.id))


@router.delete("/account", summary="Delete my account and all my data (send my password)")
def delete_account(request: Request, body: ConfirmIn, c: Writer) -> Response:
    if c.user.role != "person":
        raise HTTPException(404, "Not found.")
    st = practice_state(request)
    try:
        accounts.delete_account(st.engine, c.user, body.password, address(request), now())
    except accounts.TooManyAttempts:
        return _too_many()
    except accounts.SignInRefused:
        return JSONResponse({"detail": "Wrong password: the account is kept."}, status_code=403)
    resp = JSONResponse({"deleted": True})
    clear_session(request, resp)
    return resp


# ---- clinicians ----


@router.get("/users", summary="Admin: the accounts of my clinic (the owner: every clinic's staff)")
def list_users(request: Request, c: Reader) -> list[dict[str, Any]]:
    return list(_run(accounts.users, practice_state(request).engine, c.user, now()))


@router.post("/users", status_code=201, summary="Admin: add a user; answers a one-time invite")
def add_user(request: Request, body: UserIn, c: Writer) -> dict[str, Any]:
    st = practice_state(request)
    uid, invite = _run(
        accounts.admin_add_user, st.engine, c.user, body.email, body.role, body.clinic, now()
    )
    return {"id": uid, "invite": f"/invite/{invite}", "valid_days": accounts.INVITE_DAYS}


@router.post("/users/{user_id}/lock", summary="Admin: lock an account (signed out everywhere)")
def lock_user(request: Request, user_id: int, c: Writer) -> dict[str, Any]:
    user = _run(accounts.lock_user, practice_state(request).engine, c.user, user_id, now())
    return {"id": user.id, "can_sign_in": False}


@router.post(
    "/users/{user_id}/invite",
    status_code=201,
    summary="Admin: a new one-time invite link, for an account that has never signed in",
)
def invite_user(request: Request, user_id: int, c: Writer) -> dict[str, Any]:
    invite = _run(accounts.invite_again, practice_state(request).engine, c.user, user_id, now())
    return {"id": user_id, "invite": f"/invite/{invite}", "valid_days": accounts.INVITE_DAYS}


@router.post(
    "/users/{user_id}/reset", summary="Admin: email the account holder a password-reset link"
)
def reset_user(request: Request, user_id: int, c: Writer) -> dict[str, Any]:
    st = practice_state(request)
    try:
        user = _run(
            accounts.send_reset, st.engine, c.user, user_id, now(), mailer(request),
            base_url(request),
        )  # fmt: skip
    except MailError as exc:
        raise HTTPException(502, str(exc)) from None
    return {"id": user.id, "sent_to": user.email}


@router.get(
    "/people", summary="My clinic's people, most in need first, with their reasons and trends"
)
def people(
    request: Request,
    c: Reader,
    need: Annotated[str | None, Query(max_length=20)] = None,
) -> list[dict[str, Any]]:
    st = practice_state(request)
    return list(_run(practice.people, st.engine, st.catalogue, c.user, now(), need))


@router.get("/people/{person_id}/progress", summary="One person's progress")
def person_progress(request: Request, person_id: int, c: Reader) -> dict[str, Any]:
    st = practice_state(request)
    if c.user.role == "person":
        raise HTTPException(404, "Not found.")
    return dict(_run(practice.progress, st.engine, c.user, person_id, now()))


@router.get(
    "/people/{person_id}/programme", summary="One person's programme, with what is held back"
)
def person_programme(request: Request, person_id: int, c: Reader) -> dict[str, Any]:
    st = practice_state(request)
    if c.user.role == "person":
        raise HTTPException(404, "Not found.")
    return dict(_run(practice.programme_view, st.engine, st.catalogue, c.user, person_id, now()))


@router.post("/people/{person_id}/programme", status_code=201, summary="Prescribe a programme")
def prescribe(request: Request, person_id: int, body: ProgrammeIn, c: Writer) -> dict[str, Any]:
    st = practice_state(request)
    items = [i.model_dump(exclude_none=True) for i in body.techniques]
    return dict(
        _run(
            practice.prescribe,
            st.engine,
            st.catalogue,
            c.user,
            person_id,
            items,
            body.per_week,
            now(),
        )
    )


@router.get("/people/{person_id}/export/fhir", summary="One person's data as a FHIR bundle")
def person_export(request: Request, person_id: int, c: Reader) -> Response:
    if c.user.role == "person":
        raise HTTPException(404, "Not found.")
    return _fhir(request, c, person_id)


def _fhir(request: Request, c: Caller, person_id: int) -> Response:
    st = practice_state(request)
    pieces = _run(practice.export_fhir, st.engine, st.catalogue, c.user, person_id, now())
    # streamed: a long journal is never held whole in a worker's memory
    return StreamingResponse(
        pieces,
        media_type="application/fhir+json",
        headers={"content-disposition": 'attachment; filename="easeback-fhir.json"'},
    )


# ---- the clinician's day: a person's record, care, templates, CSV ----


@router.get("/people/{person_id}/record", summary="One person's dated timeline and chart series")
def person_record(request: Request, person_id: int, c: Reader) -> dict[str, Any]:
    st = practice_state(request)
    found = dict(_run(practice.record_view, st.engine, st.catalogue, c.user, person_id, now()))
    for e in found["timeline"]:
        e["at"] = e["at"].isoformat()
    for key in ("pain", "peg", "psfs"):
        found[key] = [{"at": at.isoformat(), "value": v} for at, v in found[key]]
    return found


@router.get("/people/{person_id}/care", summary="One person's episodes of care and notes")
def person_care(request: Request, person_id: int, c: Reader) -> dict[str, Any]:
    engine = practice_state(request).engine
    found = dict(_run(practice.care_view, engine, c.user, person_id, now()))
    return dict(jsonable_encoder(found))


@router.post("/people/{person_id}/notes", status_code=201, summary="Add a clinician's note")
def add_note(request: Request, person_id: int, body: NoteIn, c: Writer) -> dict[str, Any]:
    engine = practice_state(request).engine
    nid = _run(practice.add_note, engine, c.user, person_id, body.text, now())
    return {"saved": True, "note": nid}


@router.put("/people/{person_id}/clinician", summary="Assign a clinician of the clinic")
def assign(request: Request, person_id: int, body: ClinicianIn, c: Writer) -> dict[str, bool]:
    engine = practice_state(request).engine
    _run(practice.assign_clinician, engine, c.user, person_id, body.clinician_id, now())
    return {"saved": True}


@router.post("/people/{person_id}/discharge", summary="Discharge: the programme ends")
def discharge(request: Request, person_id: int, c: Writer) -> dict[str, bool]:
    _run(practice.discharge, practice_state(request).engine, c.user, person_id, now())
    return {"discharged": True}


@router.post("/moves", summary="Owner: move a person to another clinic")
def move(request: Request, body: MoveIn, c: Writer) -> dict[str, Any]:
    engine = practice_state(request).engine
    return dict(_run(practice.move_person, engine, c.user, body.person_id, body.clinic, now()))


@router.get("/templates", summary="My clinic's programme templates")
def list_templates(request: Request, c: Reader) -> list[dict[str, Any]]:
    return list(_run(practice.templates, practice_state(request).engine, c.user, now()))


@router.post(
    "/people/{person_id}/templates", status_code=201, summary="Save a programme as a template"
)
def save_template(request: Request, person_id: int, body: TemplateIn, c: Writer) -> dict[str, Any]:
    engine = practice_state(request).engine
    tid = _run(practice.save_template, engine, c.user, person_id, body.name, now())
    return {"saved": True, "template": tid}


@router.post(
    "/people/{person_id}/programme/from-template",
    status_code=201,
    summary="Start a programme from one of the clinic's templates",
)
def from_template(
    request: Request, person_id: int, body: FromTemplateIn, c: Writer
) -> dict[str, Any]:
    st = practice_state(request)
    return dict(
        _run(
            practice.prescribe_template,
            st.engine,
            st.catalogue,
            c.user,
            person_id,
            body.template_id,
            now(),
        )
    )


@router.get("/people/{person_id}/export/csv", summary="One person's data as CSV files (zip)")
def person_csv(request: Request, person_id: int, c: Reader) -> Response:
    if c.user.role == "person":
        raise HTTPException(404, "Not found.")
    st = practice_state(request)
    data = _run(practice.export_csv, st.engine, c.user, person_id, now())
    return Response(
        data,
        media_type="application/zip",
        headers={"content-disposition": 'attachment; filename="easeback-csv.zip"'},
    )


# ---- the requests a practice's day is made of, answered before FastAPI ----

_ONE = TypeAdapter(dict[str, Any])  # as FastAPI serializes a route's dict[str, Any]
_MANY = TypeAdapter(list[dict[str, Any]])


def _answer(content: Any, adapter: TypeAdapter[Any], status: int = 200) -> Response:
    """The bytes FastAPI's route answers (it serializes with pydantic the same way)."""
    return Response(adapter.dump_json(content), status_code=status, media_type="application/json")


def _json_body(request: Request, raw: bytes, model: type[BaseModel]) -> Any:
    """The body as the route's model reads it, or None for anything it may refuse (handed on:
    the FastAPI route then checks the caller first and answers as it always has)."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind != "application/json" or request.scope.get("query_string"):
        return None
    try:
        return model.model_validate_json(raw)
    except ValueError:  # ValidationError is a ValueError
        return None


def _device_key(request: Request) -> tuple[bool, str | None]:
    key = request.headers.get("idempotency-key")
    return (key is None or len(key) <= 64), key


async def programme_at_once(request: Request, raw: bytes) -> Response | None:
    if request.scope.get("query_string"):
        return None
    return await run_in_threadpool(lambda: _answer(programme(request), _ONE))


async def progress_at_once(request: Request, raw: bytes) -> Response | None:
    if request.scope.get("query_string"):
        return None
    return await run_in_threadpool(lambda: _answer(progress(request), _ONE))


async def people_at_once(request: Request, raw: bytes) -> Response | None:
    if request.scope.get("query_string"):
        return None
    return await run_in_threadpool(lambda: _answer(people(request, caller(request)), _MANY))


async def check_in_at_once(request: Request, raw: bytes) -> Response | None:
    body = _json_body(request, raw, CheckInIn)
    fits, key = _device_key(request)
    if body is None or not fits:
        return None
    return await run_in_threadpool(
        lambda: _answer(check_in(request, body, writer(request), key), _ONE, 201)
    )


async def session_at_once(request: Request, raw: bytes) -> Response | None:
    body = _json_body(request, raw, SessionIn)
    fits, key = _device_key(request)
    if body is None or not fits:
        return None
    return await run_in_threadpool(
        lambda: _answer(log_session(request, body, writer(request), key), _ONE, 201)
    )


async def person_progress_at_once(request: Request, raw: bytes) -> Response | None:
    given = request.path_params["person_id"]
    if request.scope.get("query_string") or not (given.isascii() and given.isdigit()):
        return None  # FastAPI's route reads (or refuses) what is not plain digits
    return await run_in_threadpool(
        lambda: _answer(person_progress(request, int(given), caller(request)), _ONE)
    )


_PERSON_PROGRESS = HotRoute("/api/people/{person_id}/progress", "GET", person_progress_at_once)


def find_hot(app: Any, scope: Any) -> Route | None:
    """A clinician's look at one person's progress, answered as the hot routes are (its path
    has the person's id, so it is found per request rather than by its exact path)."""
    path = scope["path"]
    if scope["method"] != "GET" or not path.startswith("/api/people/"):
        return None
    return _PERSON_PROGRESS if _PERSON_PROGRESS.matches(scope)[0] is Match.FULL else None


def hot_routes() -> list[Route]:
    """The API requests most of a practice's traffic is, answered by the same functions
    without FastAPI's per-request layers (easeback.web.fast): one hop to a thread, the caller
    checked there first, the body read by the same model; anything else (a query, a body the
    model refuses, another method) goes to the FastAPI route, which answers as before."""
    return [
        HotRoute("/api/programme", "GET", programme_at_once),
        HotRoute("/api/progress", "GET", progress_at_once),
        HotRoute("/api/people", "GET", people_at_once),
        HotRoute("/api/check-ins", "POST", check_in_at_once),
        HotRoute("/api/sessions", "POST", session_at_once),
    ]

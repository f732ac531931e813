"""What every route needs, built once by create_app and kept on app.state."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from easeback.content.loader import Catalogue
from easeback.domain.screening import AnswerValue, ScreeningResult
from easeback.settings import Settings
from easeback.usecases.screening import screen_answers
from easeback.web.kept import KeptAnswers, PlanAnswers
from easeback.web.store import COOKIE, SESSION_ID, Sessions, WebSession


@dataclass(frozen=True)
class WebState:
    settings: Settings
    catalogue: Catalogue
    sessions: Sessions
    templates: Jinja2Templates
    allow_speed: bool  # tests may run the player at accelerated time
    journal: Any = None  # the journal door, when the journal part is installed
    # pages the same for every visitor, rendered once: path -> (html, etag)
    shared_pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    # player timelines by routine (canonical JSON of the planned routine -> JSON body): the cues
    # of one routine are the same for every visitor who planned it; bounded, oldest dropped
    timelines: dict[str, bytes] = field(default_factory=dict)
    # id of a routine object -> (that routine, its canonical JSON): the timeline's key
    routine_keys: dict[int, tuple[Any, str]] = field(default_factory=dict)
    # screenings by answers: a pure function of the (fixed) catalogue and the answers, worked
    # out once for the answers every page's safety gate checks; bounded, oldest dropped
    screenings: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    # the welcome and player pages ((template, what they show, or the session id when that is
    # not hashable) -> (what they show, html)): made again only when what they show changed
    visitor_pages: dict[tuple[str, Any], tuple[Any, bytes]] = field(default_factory=dict)
    # the finished answers of those pages and the player's timeline (easeback.web.kept)
    kept: KeptAnswers = field(default_factory=KeptAnswers)
    # POST /api/plan's planned answers by the request's body (easeback.web.kept)
    plans: PlanAnswers = field(default_factory=PlanAnswers)


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def session_of(request: Request) -> WebSession:
    """The visitor's session, opened once per request; `remember` keeps what changed and sets the
    cookie."""
    sess: WebSession | None = getattr(request.state, "easeback_session", None)
    if sess is None:
        sess = web_state(request).sessions.open(request.cookies.get(COOKIE))
        request.state.easeback_session = sess
    return sess


def remember(request: Request, response: Response, sess: WebSession) -> Response:
    web_state(request).sessions.keep(sess)
    response.raw_headers.append(_cookie_header(sess.id))
    return response


def _set_cookie(sid: str) -> tuple[bytes, bytes]:
    """The session cookie's Set-Cookie header as Response.set_cookie writes it."""
    resp = Response()
    resp.set_cookie(COOKIE, sid, httponly=True, samesite="strict", path="/", max_age=7 * 24 * 3600)
    return resp.raw_headers[-1]


# a session id (secrets.token_urlsafe(32): letters, digits, - and _, which a cookie value holds
# as they are) stands in the header made once; each response's id is put in its place
_SID_MARK = "S" * 43
_SET_COOKIE = _set_cookie(_SID_MARK)


def _cookie_header(sid: str) -> tuple[bytes, bytes]:
    """_set_cookie(sid), without making a cookie per response (a first visit's id is new)."""
    if not SESSION_ID.fullmatch(sid):
        return _set_cookie(sid)
    return _SET_COOKIE[0], _SET_COOKIE[1].replace(_SID_MARK.encode(), sid.encode())


MAX_SCREENINGS = 1024  # distinct sets of answers whose screening is kept


def screened(st: WebState, answers: Mapping[str, AnswerValue]) -> ScreeningResult:
    """screen_answers for these answers, kept per set of answers (the result is immutable)."""
    key = tuple((k, type(v).__name__, v) for k, v in sorted(answers.items()))
    try:
        result: ScreeningResult | None = st.screenings.get(key)
    except TypeError:  # a value that is no answer (kept by something else): screen as it is
        return screen_answers(st.catalogue, answers)
    if result is None:
        result = screen_answers(st.catalogue, answers)
        while len(st.screenings) >= MAX_SCREENINGS:  # dicts keep insertion order: oldest first
            with contextlib.suppress(KeyError, StopIteration, RuntimeError):  # another thread
                del st.screenings[next(iter(st.screenings))]
        st.screenings[key] = result
    return result

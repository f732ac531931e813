"""Finished answers, kept and sent again as they are while nothing they were made from can have
changed: POST /api/plan's by the request's body (PlanAnswers), and per visitor those of the pages
every visit asks for (welcome, player, its timeline).

A page made on the event loop from the visitor's kept state and the journal's kept stops, with
nothing to write (pages.on_loop_or_thread), depends only on the request's path, query and
cookie, on that state and those stops, and on the time (the screening's 7 days, the stored
state's idleness). Its status, headers and body are kept under the first three, with the store's
`generation` read before the page was made (it changes whenever a state or the stops may have)
and the moment the time could change the page (KEEP_SECONDS from now at the latest). They are sent
again only while the generation is the same and that moment has not come: anything that would
make a safety gate answer otherwise changes the generation, or comes with the time. The security
middleware adds its headers to a kept answer as to any other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from time import time
from typing import Any

from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

KEEP_SECONDS = 10.0  # the longest an answer is kept, whatever else holds
MAX_ANSWERS = 2048  # answers kept (a few kB to ~40 kB each); the oldest go first
KEEP = "easeback_keep"  # in the request's state: until when its answer may be kept (epoch s)


@dataclass(frozen=True, slots=True)
class Kept:
    generation: Any
    until: float  # time() after which it is made again
    status: int
    headers: tuple[tuple[bytes, bytes], ...]  # without the security middleware's
    body: bytes


class KeptAnswers:
    """Answers by (path, query, cookie header); used from the event loop only."""

    def __init__(self, max_answers: int = MAX_ANSWERS) -> None:
        self.max_answers = max_answers
        self._items: dict[tuple[str, bytes, bytes], Kept] = {}

    def get(self, key: tuple[str, bytes, bytes], generation: Any, now: float) -> Kept | None:
        kept = self._items.get(key)
        if kept is None or kept.generation != generation or now >= kept.until:
            return None
        return kept

    def put(self, key: tuple[str, bytes, bytes], kept: Kept) -> None:
        self._items.pop(key, None)
        while len(self._items) >= self.max_answers:  # dicts keep insertion order: oldest first
            del self._items[next(iter(self._items))]
        self._items[key] = kept

    def __len__(self) -> int:
        return len(self._items)


def keep_until(now: datetime, *moments: datetime | None) -> float:
    """Until when an answer made `now` may be kept: KEEP_SECONDS, or the first of `moments`
    (when the page would change by the time alone) if sooner; as time() counts."""
    until = now + timedelta(seconds=KEEP_SECONDS)
    for moment in moments:
        if moment is not None and moment < until:
            until = moment
    return until.timestamp()


def _cookie(scope: Scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name == b"cookie":  # the first, which Starlette's request.cookies reads
            return bytes(value)
    return None


_WHOLE = [("http.response.start", False), ("http.response.body", False)]  # an answer in one piece


def kept_route(path: str, endpoint: Callable[..., Any]) -> Route:
    """A GET route for `endpoint` whose answers are kept when the endpoint allows it (by
    setting KEEP in the request's state), for requests with a cookie and a known generation."""
    route = Route(path, endpoint, methods=["GET"], include_in_schema=False)
    assert route.methods is not None
    route.methods.discard("HEAD")
    make = route.app

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        cookie = _cookie(scope)
        st = scope["app"].state.web
        generation = None if cookie is None else st.sessions.generation()
        if generation is None:  # a first visit (a new cookie each time), or not known at once
            await make(scope, receive, send)
            return
        key = (scope["path"], scope["query_string"], cookie)
        kept = st.kept.get(key, generation, time())
        if kept is not None:
            headers = list(kept.headers)
            await send({"type": "http.response.start", "status": kept.status, "headers": headers})
            await send({"type": "http.response.body", "body": kept.body})
            return
        sent: list[tuple[str, Any, Any, bool]] = []  # (type, status or body, headers, more)

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = tuple(message.get("headers", ()))
                sent.append((message["type"], message["status"], headers, False))
            else:
                more = bool(message.get("more_body", False))
                sent.append((message["type"], message.get("body", b""), None, more))
            await send(message)

        await make(scope, receive, capture)
        until = scope.get("state", {}).get(KEEP)
        if until is None or [(kind, more) for kind, _, _, more in sent] != _WHOLE:
            return
        (_, status, headers, _), (_, body, _, _) = sent
        st.kept.put(key, Kept(generation, until, status, headers, bytes(body)))

    route.app = app
    return route


MAX_PLANS = 256  # POST /api/plan answers kept
MAX_PLAN_BODY = 8192  # bytes of a request body kept as a key; longer ones are planned each time


class Finished(Response):
    """A response whose status, headers and body were all worked out before."""

    def __init__(self, status: int, headers: tuple[tuple[bytes, bytes], ...], body: bytes) -> None:
        self.status_code = status
        self.raw_headers = list(headers)
        self.body = body
        self.background = None


class Inputs:
    """plan_inputs' key, hashed once (its screening constraints hash field by field)."""

    __slots__ = ("_hash", "key")

    def __init__(self, key: tuple[object, ...]) -> None:
        self.key = key
        self._hash = hash(key)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Inputs) and self._hash == other._hash and self.key == other.key


class PlanAnswers:
    """POST /api/plan's planned answers, kept two ways (JSON bodies only; the route checks the
    content type first), the oldest going first; used from the event loop only.

    By the request body's bytes: a plan is a pure function of that body (answers, place,
    minutes, equipment, goal) and the app's catalogue, which does not change while the app runs:
    the API keeps no screening and reads neither the journal, the visitor nor the time, so the
    same bytes get the same answer.

    By what the planner reads (easeback.domain.planning.plan_inputs: the screening's disposition
    and constraints, and the request): other bytes are validated and screened afresh, and when
    their screening allows a routine with the same constraints as one planned before (other
    answers, or the same ones written otherwise), for the same request, the routine is that
    one, and so is its answer."""

    def __init__(self, max_plans: int = MAX_PLANS) -> None:
        self.max_plans = max_plans
        self._items: dict[bytes, tuple[int, tuple[tuple[bytes, bytes], ...], bytes]] = {}
        self._planned: dict[Inputs, tuple[int, tuple[tuple[bytes, bytes], ...], bytes]] = {}

    def get(self, body: bytes) -> Response | None:
        kept = self._items.get(body)
        return None if kept is None else Finished(*kept)

    def put(self, body: bytes, answer: Response) -> None:
        if len(body) > MAX_PLAN_BODY:
            return
        _put(self._items, body, answer, self.max_plans)

    def planned(self, inputs: Inputs) -> Response | None:
        """The answer kept for these plan inputs, if any."""
        kept = self._planned.get(inputs)
        return None if kept is None else Finished(*kept)

    def put_planned(self, inputs: Inputs, answer: Response) -> None:
        _put(self._planned, inputs, answer, self.max_plans)

    def __len__(self) -> int:
        return len(self._items)


def _put(items: dict[Any, Any], key: object, answer: Response, most: int) -> None:
    items.pop(key, None)
    while len(items) >= most:
        del items[next(iter(items))]
    items[key] = (answer.status_code, tuple(answer.raw_headers), bytes(answer.body))

"""Hot routes in front of FastAPI's router: plain Starlette routes that create_app puts first.

FastAPI's per-request route matching, dependency solving and body validation cost more than the
pages themselves. A hot route answers the ordinary request directly; anything else (input to
refuse, a refusal to explain) goes on to the FastAPI route of the same path, which answers it
exactly as before. The middleware (security headers, host and origin checks, error handling) is
the same for both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from easeback.web.security import replay

# set in the scope when a hot route hands its request on, so the router passes it by
HANDED_ON = "easeback.handed_on"

# the answer to a request, or None to hand it on to the FastAPI route
Answer = Callable[[Request, bytes], Awaitable[Response | None]]


class HotRoute(Route):
    """A route for one path and method whose endpoint may hand the request on to `router`
    (the app's FastAPI router), which then matches it without this route."""

    def __init__(self, path: str, method: str, answer: Answer, router: ASGIApp) -> None:
        self._answer = answer
        self._router = router
        super().__init__(path, answer, methods=[method], include_in_schema=False)
        self.app = self._serve  # an ASGI app: it reads the body itself, to hand it on
        assert self.methods is not None
        self.methods.discard("HEAD")

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope.get(HANDED_ON):
            return Match.NONE, {}
        match, child = super().matches(scope)
        # another method on this path is the FastAPI route's to answer (or refuse with 405)
        return (Match.NONE, {}) if match is Match.PARTIAL else (match, child)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        body = await request.body()
        response = await self._answer(request, body)
        if response is None:
            scope[HANDED_ON] = True
            await self._router(scope, replay(body, receive), send)
            return
        await response(scope, receive, send)

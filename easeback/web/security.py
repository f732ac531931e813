"""Security middleware: strict headers, a request size limit, host and origin checks.

easeback serves one person on their own machine, so the threats are other web pages in the same
browser (cross-site requests, DNS rebinding) rather than remote attackers; the checks aim there.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 64 * 1024

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",  # the in-page pose model is WebAssembly
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Pictures are SVG documents shown through <img>, where no script can run; their own animation
# styles are inline, so they get a policy of their own.
PICTURE_CSP = "default-src 'none'; style-src 'unsafe-inline'"

HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(self), microphone=(), geolocation=(), payment=()",
}

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# encoded once: every response start adds the ones the route did not set itself
_ENCODED = tuple((k.encode(), v.encode()) for k, v in HEADERS.items())


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


class SecurityMiddleware:
    """Adds the headers, limits request bodies, and refuses foreign hosts and cross-site writes."""

    def __init__(
        self,
        app: ASGIApp,
        allowed_hosts: Iterable[str],
        max_body: int = MAX_BODY_BYTES,
        *,
        origins: Iterable[str] = (),
        refuse_null_origin: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        """`origins` are accepted on writes besides the request's own host (the public address
        a proxy serves); `refuse_null_origin` refuses writes whose Origin is `null` (sandboxed
        frames, data: pages), for an app whose pages send their real origin (referrer policy
        `same-origin`); `headers` replace some of the default headers."""
        self.app = app
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.max_body = max_body
        self.origins = frozenset(o.lower() for o in origins)
        self.refuse_null_origin = refuse_null_origin
        self.encoded = _ENCODED
        if headers:
            merged = HEADERS | {k.lower(): v for k, v in headers.items()}
            self.encoded = tuple((k.encode(), v.encode()) for k, v in merged.items())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            await refusal(scope, receive, _add_headers(send, self.encoded))
            return
        if (
            scope.get("http_version") in ("1.0", "1.1")
            and "content-length" not in headers
            and "transfer-encoding" not in headers
        ):  # HTTP/1: a request with neither has no body; nothing to read ahead or replay
            await self.app(scope, receive, _add_headers(send, self.encoded))
            return
        body, too_big = await _read_body(receive, self.max_body, headers)
        if too_big:
            resp = PlainTextResponse("Request too large.", status_code=413)
            await resp(scope, receive, _add_headers(send, self.encoded))
            return
        await self.app(scope, replay(body, receive), _add_headers(send, self.encoded))

    def _refusal(self, scope: Scope, headers: Headers) -> PlainTextResponse | None:
        host = _hostname(headers.get("host", ""))
        if "*" not in self.allowed_hosts and host not in self.allowed_hosts:
            return PlainTextResponse("Unknown host.", status_code=400)
        if scope["method"] in SAFE_METHODS:
            return None
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return PlainTextResponse("Cross-site request refused.", status_code=403)
        origin = headers.get("origin")
        if origin == "null":
            if self.refuse_null_origin:
                return PlainTextResponse("Cross-origin request refused.", status_code=403)
            return None
        if (
            origin
            and urlsplit(origin).netloc != headers.get("host")
            and origin.lower() not in self.origins
        ):
            return PlainTextResponse("Cross-origin request refused.", status_code=403)
        return None


def _hostname(host: str) -> str:
    host = host.lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


async def _read_body(receive: Receive, limit: int, headers: Headers) -> tuple[bytes, bool]:
    declared = headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                return b"", True
        except ValueError:
            return b"", True
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), False


def replay(body: bytes, receive: Receive) -> Receive:
    """`receive` giving `body` (already read) first, as one message."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


def _add_headers(send: Send, encoded: tuple[tuple[bytes, bytes], ...] = _ENCODED) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            present = {k.lower() for k, _ in headers}
            headers.extend(kv for kv in encoded if kv[0] not in present)
            message["headers"] = headers
        await send(message)

    return wrapped


NO_STORE = ((b"cache-control", b"no-store"),)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer that sets no caching of its own, except under
    the given path prefixes (the static files): the practice's pages and API are a person's
    health data behind a sign-in, which a shared clinic computer or a phone must not keep."""

    def __init__(self, app: ASGIApp, keep: tuple[str, ...] = ("/static/",)) -> None:
        self.app = app
        self.keep = keep

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope["path"]).startswith(self.keep):
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, _add_headers(send, NO_STORE))

"""A live server in a thread and a Chromium that may reach nothing but it, for the browser tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from fastapi.staticfiles import StaticFiles

CHROMIUM = Path("/usr/bin/chromium")
ASSETS = Path(__file__).parent / "assets"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """Serve app on a free loopback port in a thread; yields its base URL."""
    app.mount("/__test__", StaticFiles(directory=ASSETS), name="test-assets")
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class Network:
    """Lets requests to the test server through; records and aborts every other one."""

    def __init__(self, base: str) -> None:
        self.netloc = urlsplit(base).netloc
        self.foreign: list[str] = []
        self.csp_errors: list[str] = []

    def attach(self, context: Any) -> None:
        context.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc != self.netloc:
            self.foreign.append(url)
            route.abort()
        else:
            route.continue_()

    def watch(self, page: Any) -> None:
        def on_console(msg: Any) -> None:
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text:
                self.csp_errors.append(msg.text)

        page.on("console", on_console)


def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the current page (axe served by the test server itself)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url="/__test__/axe.min.js")
    result: dict[str, Any] = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]

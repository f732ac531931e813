"""The web door: `create_app(settings)` builds the FastAPI app. Nothing is built at import time,
and importing this package stays light (`easeback serve` checks the extra is installed first)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from easeback.settings import Settings


# uvicorn's options for `easeback serve`, which bench/web serves with too: warnings only, and no
# access log (at that level it prints nothing, yet uvicorn would still format every request's line)
SERVE_OPTIONS: dict[str, Any] = {"log_level": "warning", "access_log": False}


def create_app(settings: Settings, **options: Any) -> FastAPI:
    """See easeback.web.app.create_app."""
    from easeback.web.app import create_app as build

    return build(settings, **options)


__all__ = ["SERVE_OPTIONS", "create_app"]

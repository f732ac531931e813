"""The Jinja templates of the personal app and of the practice, with the filters both share."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from easeback.wording import count_text


def counted(n: int, one: str, many: str) -> str:
    """`{{ n|count("session", "sessions") }}`: "1 session", "3 sessions"."""
    return count_text(n, n, one, many)


def templates(directory: Path) -> Jinja2Templates:
    found = Jinja2Templates(directory=directory)
    found.env.filters["count"] = counted
    return found

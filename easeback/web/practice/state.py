"""What the practice routes need, built once by create_practice_app: settings, catalogue, the
database engine and templates. Nothing here changes after start-up."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from easeback.content.loader import Catalogue
from easeback.settings import Settings


@dataclass(frozen=True)
class PracticeState:
    settings: Settings
    catalogue: Catalogue
    engine: Engine
    templates: Jinja2Templates
    tls: bool


def practice_state(request: Request) -> PracticeState:
    state: PracticeState = request.app.state.practice
    return state

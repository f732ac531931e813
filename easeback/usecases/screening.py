"""Screening use cases: answers in, a result and its public shape out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from easeback.content.loader import Catalogue
from easeback.domain.screening import ScreeningResult, screen
from easeback.usecases.errors import InputError


def screen_answers(cat: Catalogue, raw: object) -> ScreeningResult:
    if not isinstance(raw, Mapping):
        raise InputError("answers must be a JSON object keyed by question id")
    try:
        return screen(cat.screening, raw)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def screening_public(result: ScreeningResult) -> dict[str, Any]:
    return {
        "complete": result.complete,
        "disposition": result.disposition.value if result.disposition else None,
        "missing": list(result.missing),
        "not_asked": list(result.not_asked),
        "reasons": [
            {
                "question": r.question,
                "answer": r.answer,
                "disposition": r.disposition.value if r.disposition else None,
                "advice": r.advice,
                "rule": r.rule,
                "cleared": r.cleared,
                "see": list(r.see),
                "learn": list(r.learn),
            }
            for r in result.reasons
        ],
    }

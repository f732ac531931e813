"""Answer sets for the web tests, keyed by the question ids of shared/spec/safety.md."""

from __future__ import annotations

from easeback.content.loader import default_catalogue
from easeback.domain.screening import QuestionKind


def clear_answers(**overrides: object) -> dict[str, object]:
    """Every red flag no, no pain right now, a short episode, no context problems."""
    out: dict[str, object] = {}
    for q in default_catalogue().screening.questions:
        if q.kind is QuestionKind.INTEGER:
            if not q.optional:
                out[q.id] = 2
        else:
            out[q.id] = "no"
    out["pain_now"] = 0  # any pain leaves out the tummy draw-in (safety.md v3)
    out.update(overrides)
    return out

"""The camera coach's signals (content/motion/*.yaml): shape, defaults from dosage, and loading.

Refuses bad entries the way the catalogue loader does, naming the file, the entry and the field.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from easeback.content.loader import CONTENT_DIR, Catalogue, ContentError, read_yaml
from easeback.domain.models import Technique
from easeback.domain.motion import Signal
from easeback.domain.values import Check, Frozen, value

MOTION_DIR = CONTENT_DIR / "motion"
TEMPO_FRACTION = 0.5  # faster than half the instructed move time earns "slow down"


@value
class SignalsFile(Frozen):
    signals: Annotated[tuple[dict[str, Any], ...], Check(min_length=1)]


_SIGNAL = TypeAdapter(Signal)
_SIGNALS_FILE = TypeAdapter(SignalsFile)


def _with_dosage(raw: dict[str, Any], technique: Technique) -> dict[str, Any]:
    data = dict(raw)
    data.setdefault("min_move_seconds", technique.dosage.move_seconds * TEMPO_FRACTION)
    data.setdefault("holds", technique.dosage.hold_seconds is not None)
    return data


def _parse_entry(path: Path, raw: Any, index: int, cat: Catalogue) -> Signal:
    if not isinstance(raw, dict):
        raise ContentError(path, f"signals[{index}]", None, "each signal must be a mapping")
    tid = raw.get("technique")
    entry = str(tid) if tid else f"signals[{index}]"
    try:
        technique = cat.technique(str(tid))
    except KeyError:
        raise ContentError(path, entry, "technique", f"unknown technique id {tid!r}") from None
    try:
        return _SIGNAL.validate_python(_with_dosage(raw, technique))
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        raise ContentError(path, entry, field, err["msg"].removeprefix("Value error, ")) from exc


def load_signals(cat: Catalogue, root: Path | None = None) -> dict[str, Signal]:
    """Every signal under root (default: the packaged content/motion), by technique id."""
    root = root or MOTION_DIR
    signals: dict[str, Signal] = {}
    for path in sorted(root.glob("*.yaml")):
        data = read_yaml(path)
        try:
            parsed = _SIGNALS_FILE.validate_python(data)
        except ValidationError as exc:
            loc = ".".join(str(p) for p in exc.errors()[0]["loc"]) or None
            raise ContentError(path, None, loc, exc.errors()[0]["msg"]) from exc
        for i, raw in enumerate(parsed.signals):
            sig = _parse_entry(path, raw, i, cat)
            if sig.technique in signals:
                raise ContentError(path, sig.technique, "technique", "duplicate signal")
            signals[sig.technique] = sig
    return signals


@cache
def default_signals() -> dict[str, Signal]:
    from easeback.content.loader import default_catalogue

    return load_signals(default_catalogue())

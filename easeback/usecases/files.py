"""Reading and writing the JSON files a person hands to easeback (answers, plans)."""

from __future__ import annotations

import json
from pathlib import Path

from easeback.usecases.errors import InputError

TYPE_CHECKING = False  # typing costs start-up time; only the type checker reads it
if TYPE_CHECKING:
    from typing import Any


def read_json_file(path: str | Path, what: str) -> Any:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{what} file not found: {path}") from None
    except OSError as exc:
        raise InputError(f"cannot read {what} file {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{what} file {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8 JSON"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{what} file {path} is not valid JSON: {exc.msg} at line {exc.lineno}"
        ) from None


def write_json_file(path: str | Path, data: Any) -> None:
    try:
        Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None

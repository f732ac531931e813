"""Persistence for the journal: SQLAlchemy tables, engine, migrations and repository functions.

The engine's names load SQLAlchemy when first used, not on `import easeback.storage`: the
everyday commands' sqlite3 door (storage/lite.py) lives here too and must not pay for it."""

from __future__ import annotations

from easeback.storage.sqlite_file import JournalDamaged, StorageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from easeback.storage.engine import (
        HEAD_REVISION,
        default_url,
        make_engine,
        open_engine,
    )

__all__ = [
    "HEAD_REVISION",
    "JournalDamaged",
    "StorageError",
    "default_url",
    "make_engine",
    "open_engine",
]


def __getattr__(name: str) -> object:
    if name in __all__:  # the engine's
        from easeback.storage import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

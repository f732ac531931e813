"""Persistence for the journal: SQLAlchemy tables, engine, migrations and repository functions."""

from easeback.storage.engine import (
    HEAD_REVISION,
    JournalDamaged,
    StorageError,
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

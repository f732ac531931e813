"""Alembic environment: always run programmatically with a connection handed in by open_engine."""

from __future__ import annotations

from alembic import context

from easeback.storage.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

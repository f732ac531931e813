"""CSV export: every record, one file per kind, in a folder."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from easeback.export import ExportError

if TYPE_CHECKING:
    from sqlalchemy import Engine


def write_csv(engine: Engine, out: Path, person: str | None = None) -> Path:
    """Write <kind>.csv for each kind of record of one person (the single person by default)
    into the folder out (created if needed)."""
    from easeback.storage.repository import EXPORT_TABLES, rows
    from easeback.storage.tables import DEFAULT_PERSON

    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {out} is a file; csv export writes a folder of files")
    out.mkdir(exist_ok=True)
    for kind, table in EXPORT_TABLES.items():
        cols = [c.name for c in table.__table__.columns]
        with (out / f"{kind}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=cols)
            writer.writeheader()
            for row in rows(engine, kind, person or DEFAULT_PERSON):
                writer.writerow(
                    {
                        k: (v.isoformat() + "Z" if hasattr(v, "isoformat") else v)
                        for k, v in row.items()
                    }
                )
    return out

"""Exports of the journal: CSV tables, a PDF summary for a clinician, a FHIR R4 bundle, a calendar.

Each format lives in its own module and is imported only when asked for.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from easeback.content.loader import Catalogue


class ExportError(ValueError):
    """The export cannot be written; the message says why."""


def export(
    fmt: str, engine: Engine, cat: Catalogue, out: Path, now: datetime, times: str = "08:00"
) -> Path:
    """Write the journal in one format to out (a folder for csv) and return the path."""
    from easeback.usecases.errors import InputError

    if fmt != "csv" and out.is_dir():
        raise InputError(f"--out {out} is a folder; give a file name")
    if not out.parent.exists():
        raise InputError(f"folder {out.parent} does not exist")
    try:
        if fmt == "csv":
            from easeback.export.csv import write_csv

            return write_csv(engine, out)
        if fmt == "fhir":
            from easeback.export.fhir import write_fhir

            return write_fhir(engine, cat, out, now)
        if fmt == "pdf":
            from easeback.export.pdf import write_pdf

            return write_pdf(engine, cat, out, now)
        if fmt == "ics":
            from easeback.export.ics import write_ics

            return write_ics(engine, cat, out, now, times)
    except ExportError as exc:
        raise InputError(str(exc)) from None
    raise InputError(f"unknown export format {fmt!r}; use csv, pdf, fhir or ics")

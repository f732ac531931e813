"""An HL7 FHIR R4 Bundle of the journal: pain Observations (LOINC 72514-3), PEG panels
(91148-7, score 91147-9), PSFS Observations (a local code: LOINC has none) and a
QuestionnaireResponse per screening. Validated with fhir.resources (its R4B models, the 4.x
line) entry by entry as the bundle is written, so an export of any length is streamed in
constant memory."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from easeback.export import ExportError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from easeback.content.loader import Catalogue

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
PAIN = "72514-3"
PEG_PANEL = "91148-7"
PEG_SCORE = "91147-9"
# LOINC has no code for the Patient-Specific Functional Scale: a local code system names it.
LOCAL = "urn:easeback:outcome"
PSFS = "psfs"
NS = uuid.UUID("6d1f6f0a-2b7e-4c55-9a43-3f1a3e0c7b21")  # fixed, so exports are reproducible


def _urn(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(NS, '/'.join(map(str, parts)))}"


def _when(at: datetime) -> str:
    return at.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _score(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "{score}", "system": UCUM, "code": "{score}"}


def _loinc(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": LOINC, "code": code, "display": display}], "text": display}


def _survey() -> list[dict[str, Any]]:
    system = "http://terminology.hl7.org/CodeSystem/observation-category"
    return [{"coding": [{"system": system, "code": "survey", "display": "Survey"}]}]


def _pain(patient: str, key: str, at: datetime, value: int, note: str) -> dict[str, Any]:
    return {
        "fullUrl": _urn("pain", key),
        "resource": {
            "resourceType": "Observation",
            "status": "final",
            "category": _survey(),
            "code": _loinc(PAIN, "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
            "subject": {"reference": patient},
            "effectiveDateTime": _when(at),
            "valueQuantity": _score(value),
            "note": [{"text": note}],
        },
    }


def _peg(patient: str, row: dict[str, Any]) -> dict[str, Any]:
    items = [
        ("Average pain in the past week", row["peg_pain"]),
        ("Pain interference with enjoyment of life", row["peg_enjoyment"]),
        ("Pain interference with general activity", row["peg_activity"]),
    ]
    score = round(sum(v for _, v in items) / 3, 2)
    return {
        "fullUrl": _urn("peg", row["id"]),
        "resource": {
            "resourceType": "Observation",
            "status": "final",
            "category": _survey(),
            "code": _loinc(PEG_PANEL, "PEG pain, enjoyment of life and general activity panel"),
            "subject": {"reference": patient},
            "effectiveDateTime": _when(row["at"]),
            "component": [{"code": {"text": text}, "valueQuantity": _score(v)} for text, v in items]
            + [
                {
                    "code": _loinc(PEG_SCORE, "PEG 3-item pain scale score"),
                    "valueQuantity": _score(score),
                }
            ],
        },
    }


def _outcome(patient: str, row: dict[str, Any]) -> dict[str, Any]:
    """A PEG or PSFS recorded on its own (the `outcomes` table) as an Observation."""
    items = [(str(k), int(v)) for k, v in json.loads(row["items"])]
    if row["measure"] == "peg":
        values = dict(items)
        return _peg(
            patient,
            {
                "id": f"o{row['id']}",
                "at": row["at"],
                "peg_pain": values["pain"],
                "peg_enjoyment": values["enjoyment"],
                "peg_activity": values["activity"],
            },
        )
    code = {
        "coding": [{"system": LOCAL, "code": PSFS, "display": "Patient-Specific Functional Scale"}],
        "text": "Patient-Specific Functional Scale (0 unable to 10 as before the problem)",
    }
    return {
        "fullUrl": _urn("psfs", row["id"]),
        "resource": {
            "resourceType": "Observation",
            "status": "final",
            "category": _survey(),
            "code": code,
            "subject": {"reference": patient},
            "effectiveDateTime": _when(row["at"]),
            "valueQuantity": _score(round(float(row["score"]), 2)),
            "component": [
                {"code": {"text": name}, "valueQuantity": _score(value)} for name, value in items
            ],
        },
    }


def _answer(value: object) -> dict[str, Any]:
    if isinstance(value, bool) or not isinstance(value, int):
        return {"valueString": str(value)}
    return {"valueInteger": value}


def _screening(patient: str, cat: Catalogue, row: dict[str, Any]) -> dict[str, Any]:
    answers = json.loads(row["answers"])
    items = []
    for q in cat.screening.questions:
        if q.id in answers:
            items.append({"linkId": q.id, "text": q.text, "answer": [_answer(answers[q.id])]})
    reasons = json.loads(row["reasons"])
    outcome = row["disposition"] or "incomplete"
    items.append(
        {
            "linkId": "result",
            "text": "easeback screening result (not a diagnosis)",
            "answer": [{"valueString": outcome}]
            + [{"valueString": f"{r['question']}: {r['advice']}"} for r in reasons],
        }
    )
    return {
        "fullUrl": _urn("screening", row["id"]),
        "resource": {
            "resourceType": "QuestionnaireResponse",
            "status": "completed" if row["complete"] else "in-progress",
            "subject": {"reference": patient},
            "authored": _when(row["at"]),
            "item": items,
        },
    }


def entries(engine: Engine, cat: Catalogue, person: str | None = None) -> Iterator[dict[str, Any]]:
    """Every screening, check-in and session pain of one person (the single person by default),
    one bundle entry at a time, read from the journal in batches."""
    from easeback.storage.repository import iter_rows
    from easeback.storage.tables import DEFAULT_PERSON

    who = person or DEFAULT_PERSON
    patient = _urn("patient")
    yield {"fullUrl": patient, "resource": {"resourceType": "Patient", "active": True}}
    for row in iter_rows(engine, "screenings", who):
        yield _screening(patient, cat, row)
    for row in iter_rows(engine, "check_ins", who):
        yield _pain(patient, f"c{row['id']}", row["at"], row["pain"], "Daily check-in")
        if row["peg_pain"] is not None:
            yield _peg(patient, row)
    for row in iter_rows(engine, "outcomes", who):
        yield _outcome(patient, row)
    for row in iter_rows(engine, "sessions", who):
        for when, key, note in (("pain_before", "b", "before"), ("pain_after", "a", "after")):
            if row[when] is not None:
                at = row["started_at"] if key == "b" else row["ended_at"] or row["started_at"]
                yield _pain(patient, f"s{row['id']}{key}", at, row[when], f"{note} a session")


def build_bundle(
    engine: Engine, cat: Catalogue, now: datetime, person: str | None = None
) -> dict[str, Any]:
    """The whole bundle as one dict (for tests and small journals; exports stream instead)."""
    return _bundle(now) | {"entry": list(entries(engine, cat, person))}


def _bundle(now: datetime) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }


def _entry_model() -> Any:
    try:
        from fhir.resources.R4B.bundle import BundleEntry
    except ImportError:
        raise ExportError(
            "fhir export needs fhir.resources: pip install 'easeback[journal]'"
        ) from None
    return BundleEntry


def stream(
    engine: Engine, cat: Catalogue, now: datetime, person: str | None = None
) -> Iterator[str]:
    """The bundle as JSON text in pieces, each entry validated by fhir.resources before it is
    given out. Memory stays at one batch of rows whatever the journal's length: validating the
    bundle as one model held every entry three times over (dict, model, text), 2.4 GB at 100k
    check-ins. An entry's text is our own dict's, dumped after the model accepted it; the model's
    own serializer cost more than its validation and wrote the same resource. The library is
    looked for at once, so a missing extra is an error before the first byte goes out."""
    return _pieces(_entry_model(), engine, cat, now, person)


def _pieces(
    model: Any, engine: Engine, cat: Catalogue, now: datetime, person: str | None
) -> Iterator[str]:
    head = json.dumps(_bundle(now), indent=2)
    yield head[: head.rindex("}")].rstrip() + ',\n  "entry": [\n'
    first = True
    for entry in entries(engine, cat, person):
        try:
            model.model_validate(entry)
        except ValueError as exc:
            raise ExportError(f"the FHIR bundle did not validate: {exc}") from None
        yield ("" if first else ",\n") + json.dumps(entry, separators=(",", ":"))
        first = False
    yield "\n  ]\n}\n"


def validate(bundle: dict[str, Any]) -> str:
    """The bundle as JSON text, after fhir.resources has validated every resource in it."""
    try:
        from fhir.resources.R4B.bundle import Bundle
    except ImportError:
        raise ExportError(
            "fhir export needs fhir.resources: pip install 'easeback[journal]'"
        ) from None
    try:
        model = Bundle.model_validate(bundle)
    except ValueError as exc:
        raise ExportError(f"the FHIR bundle did not validate: {exc}") from None
    return str(model.model_dump_json(indent=2, exclude_none=True))


def write_fhir(engine: Engine, cat: Catalogue, out: Path, now: datetime) -> Path:
    """Stream the bundle into a file beside `out`, then move it into place: a failure leaves any
    earlier export at `out` as it was."""
    part = out.with_name(f".{out.name}.part")
    try:
        with part.open("w", encoding="utf-8") as f:
            for piece in stream(engine, cat, now):
                f.write(piece)
        part.replace(out)
    finally:
        part.unlink(missing_ok=True)
    return out

"""Every export format from a small real journal: csv, FHIR R4 bundle, PDF, iCalendar, plots."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta

import pytest

from easeback.domain.planning import PlanRequest, build_plan
from easeback.domain.screening import screen
from easeback.export import export
from easeback.storage import open_engine
from easeback.usecases import journal
from easeback.usecases.errors import InputError
from tests.domain.answers import clear_answers

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path, catalogue):
    e = open_engine(f"sqlite:///{tmp_path / 'j.sqlite3'}")
    result = screen(catalogue.screening, clear_answers(pain_days=10))
    journal.save_screening(e, result, NOW - timedelta(days=10))
    routine = build_plan(
        result.plannable(), PlanRequest(place="floor", minutes=10), catalogue.techniques
    )
    for n in range(4):
        at = NOW - timedelta(days=9 - n)
        journal.log_check_in(e, journal.make_check_in(6 - n, 5, at, (6, 5, 4) if n == 0 else None))
        journal.log_session(e, routine, 6 - n, 4 - n, at + timedelta(hours=1))
    first = routine.items[0].technique.id
    journal.log_session(e, routine, 3, 5, NOW - timedelta(days=2), f"{first}:sharp_pain", "high")
    yield e
    e.dispose()


def test_csv_writes_one_file_per_kind_with_every_row(engine, catalogue, tmp_path):
    out = export("csv", engine, catalogue, tmp_path / "csv", NOW)
    files = sorted(p.name for p in out.iterdir())
    kinds = (
        "screenings",
        "check_ins",
        "sessions",
        "technique_results",
        "stops",
        "restores",
        "outcomes",
    )
    assert files == sorted(f"{k}.csv" for k in kinds)
    with (out / "check_ins.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["pain"]) for r in rows] == [6, 5, 4, 3]
    assert rows[0]["at"].endswith("Z")
    with (out / "stops.csv").open() as fh:
        assert [r["reason"] for r in csv.DictReader(fh)] == ["sharp_pain"]


def test_fhir_bundle_validates_and_carries_the_codes(engine, catalogue, tmp_path):
    from fhir.resources.R4B.bundle import Bundle

    path = export("fhir", engine, catalogue, tmp_path / "bundle.json", NOW)
    data = json.loads(path.read_text())
    Bundle.model_validate(data)  # what we wrote reads back as a valid bundle
    kinds = [e["resource"]["resourceType"] for e in data["entry"]]
    assert kinds.count("QuestionnaireResponse") == 1 and kinds.count("Patient") == 1
    codes = [
        c["code"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "Observation"
        for c in e["resource"]["code"]["coding"]
    ]
    assert codes.count("72514-3") == 4 + 2 * 5  # check-ins, and before/after each session
    assert codes.count("91148-7") == 1
    peg = next(e["resource"] for e in data["entry"] if "component" in e["resource"])
    score = next(c for c in peg["component"] if c["code"].get("coding"))
    assert score["code"]["coding"][0]["code"] == "91147-9" and score["valueQuantity"]["value"] == 5
    qr = next(
        e["resource"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    )
    assert {"linkId": "pain_days"}.items() <= next(
        i for i in qr["item"] if i["linkId"] == "pain_days"
    ).items()


def test_an_invalid_bundle_is_refused_before_writing(tmp_path):
    from easeback.export import ExportError
    from easeback.export.fhir import validate

    with pytest.raises(ExportError, match="did not validate"):
        validate(
            {
                "resourceType": "Bundle",
                "type": "collection",
                "entry": [{"resource": {"resourceType": "Observation", "valueQuantity": "seven"}}],
            }
        )


def test_fhir_stream_writes_the_whole_bundle_in_pieces_with_every_entry_validated(
    engine, catalogue
):
    from fhir.resources.R4B.bundle import Bundle

    from easeback.export.fhir import build_bundle, stream

    pieces = list(stream(engine, catalogue, NOW))
    whole = build_bundle(engine, catalogue, NOW)
    # one piece per entry, plus the head and the tail: nothing is held back until the end
    assert len(pieces) == len(whole["entry"]) + 2
    data = json.loads("".join(pieces))
    Bundle.model_validate(data)
    assert data == whole


def test_a_failed_fhir_export_leaves_the_earlier_file_as_it_was(engine, catalogue, tmp_path):
    from sqlalchemy import text

    out = tmp_path / "bundle.json"
    export("fhir", engine, catalogue, out, NOW)
    before = out.read_bytes()
    with engine.begin() as conn:  # a screening whose stored answers are not JSON any more
        conn.execute(text("UPDATE screenings SET answers = 'not json'"))
    with pytest.raises(ValueError):
        export("fhir", engine, catalogue, out, NOW)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_pdf_is_a_pdf_with_the_sections(engine, catalogue, tmp_path):
    path = export("pdf", engine, catalogue, tmp_path / "summary.pdf", NOW)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert len(data) > 3000


def test_ics_has_a_daily_reminder_per_chosen_time(engine, catalogue, tmp_path):
    from icalendar import Calendar

    # the reminders describe the routine only while a screening is valid (7 days)
    journal.save_screening(engine, screen(catalogue.screening, clear_answers()), NOW)
    path = export("ics", engine, catalogue, tmp_path / "r.ics", NOW, times="07:30,21:00")
    cal = Calendar.from_ical(path.read_bytes())
    events = [c for c in cal.walk("VEVENT")]
    assert [e.decoded("dtstart").strftime("%H:%M") for e in events] == ["07:30", "21:00"]
    assert all(e["rrule"]["FREQ"] == ["DAILY"] for e in events)
    assert all(len(e.walk("VALARM")) == 1 for e in events)
    assert "reps" in str(events[0]["description"])
    with pytest.raises(InputError, match="not a time"):
        export("ics", engine, catalogue, tmp_path / "r2.ics", NOW, times="7 o'clock")


def test_export_refuses_a_missing_folder(engine, catalogue, tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        export("pdf", engine, catalogue, tmp_path / "nope" / "x.pdf", NOW)


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_plot_writes_png_or_svg(engine, tmp_path, suffix):
    from easeback.export.plot import save_plot

    out = save_plot(journal.chart(engine), tmp_path / f"chart.{suffix}")
    head = out.read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if suffix == "png" else b"<svg" in out.read_bytes()[:2000]


def test_plot_has_a_date_axis_and_pain_ticks_0_to_10(engine, tmp_path):
    import matplotlib

    from easeback.export.plot import save_plot

    matplotlib.rcParams["svg.fonttype"] = "none"  # keep tick labels as text
    try:
        svg = save_plot(journal.chart(engine), tmp_path / "chart.svg").read_text()
    finally:
        matplotlib.rcParams["svg.fonttype"] = "path"
    for k in range(11):
        assert f">{k}</text>" in svg, k
    assert "May</text>" in svg and "Date" in svg


def test_export_command_prints_the_path(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, EASEBACK_DATA_DIR=str(tmp_path))
    cmd = [sys.executable, "-m", "easeback"]
    subprocess.run(
        [*cmd, "checkin", "--pain", "4", "--stiffness", "3"],
        env=env,
        check=True,
        capture_output=True,
    )
    for fmt, name in (("fhir", "b.json"), ("csv", "folder"), ("ics", "r.ics"), ("pdf", "s.pdf")):
        out = tmp_path / name
        r = subprocess.run(
            [*cmd, "export", "--format", fmt, "--out", str(out)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0, r.stderr
        first, *rest = r.stdout.strip().splitlines()
        assert first == str(out) and out.exists()
        # csv writes a folder and lists the tables in it; the other formats print the path only
        assert [line.strip() for line in rest] == sorted(p.name for p in out.glob("*.csv"))
        assert bool(rest) == (fmt == "csv")


def _pdf_text(data: bytes) -> str:
    """The text drawn on the pages: reportlab's content streams, inflated, (string) Tj operands."""
    import base64
    import re
    import zlib

    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = stream.strip()
        try:  # reportlab writes /ASCII85Decode /FlateDecode
            body = zlib.decompress(base64.a85decode(raw.removesuffix(b"~>")))
        except (ValueError, zlib.error):
            continue
        out += [m.decode("latin-1") for m in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", body)]
    return "\n".join(out).replace("\\(", "(").replace("\\)", ")")


def test_pdf_shows_labels_not_codes(engine, catalogue, tmp_path):
    data = export("pdf", engine, catalogue, tmp_path / "summary.pdf", NOW).read_bytes()
    text = _pdf_text(data)
    assert "Gentle self-care is fine" in text, text[:2000]
    assert "Sharp, shooting or unfamiliar pain" in text
    for code in ("sharp_pain", "professional_first", "in_progress", "rest_day", "see_professional"):
        assert code not in text
    assert "?" not in text.replace("(", "").split("Pain over time")[-1].split("What helped")[0]
    # the date axis names days, not "days since"
    assert "days since" not in text and "May" in text


def test_pdf_pain_change_says_what_was_not_rated():
    from easeback.export.pdf import _pain_change

    assert _pain_change(None, None) == "not rated"
    assert _pain_change(4, None) == "before 4 (after not rated)"
    assert _pain_change(5, 3) == "5 → 3"


def test_plot_of_an_empty_journal_says_there_is_nothing_yet(tmp_path):
    import matplotlib

    from easeback.export.plot import save_plot

    matplotlib.rcParams["svg.fonttype"] = "none"
    try:
        empty = open_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
        svg = save_plot(journal.chart(empty), tmp_path / "chart.svg").read_text()
    finally:
        matplotlib.rcParams["svg.fonttype"] = "path"
    assert "Nothing to draw yet" in svg and "Jan</text>" not in svg


def test_plot_of_sessions_without_check_ins_says_where_pain_lines_come_from(tmp_path, catalogue):
    import matplotlib

    from easeback.export.plot import save_plot

    e = open_engine(f"sqlite:///{tmp_path / 'sessions.sqlite3'}")
    result = screen(catalogue.screening, clear_answers(pain_days=10))
    routine = build_plan(
        result.plannable(), PlanRequest(place="floor", minutes=10), catalogue.techniques
    )
    journal.log_session(e, routine, 6, 4, NOW - timedelta(days=1))
    matplotlib.rcParams["svg.fonttype"] = "none"
    try:
        svg = save_plot(journal.chart(e), tmp_path / "chart.svg").read_text()
    finally:
        matplotlib.rcParams["svg.fonttype"] = "path"
    assert "No check-ins yet" in svg and "May</text>" in svg


def test_plot_of_a_long_journal_bins_by_month_and_names_years(tmp_path):
    import matplotlib

    from easeback.export.plot import save_plot

    e = open_engine(f"sqlite:///{tmp_path / 'long.sqlite3'}")
    for d in range(0, 4 * 365, 3):
        at = NOW - timedelta(days=d)
        journal.log_check_in(e, journal.make_check_in(d % 11, 3, at))
    chart = journal.chart(e)
    assert chart is not None and chart.days == 30 and len(chart.bins()) <= 50
    matplotlib.rcParams["svg.fonttype"] = "none"
    try:
        svg = save_plot(chart, tmp_path / "chart.svg").read_text()
    finally:
        matplotlib.rcParams["svg.fonttype"] = "path"
    assert "mean of a month" in svg and "2022</text>" in svg


def test_pdf_pain_chart_draws_the_mean_of_each_week_of_a_long_journal():
    from reportlab.graphics.charts.lineplots import LinePlot

    from easeback.export.pdf import _chart

    start = datetime(2023, 1, 2, 8)
    readings = [(start + timedelta(hours=12 * k), k % 2 * 8) for k in range(2 * 400)]
    plot = next(c for c in _chart(readings).contents if isinstance(c, LinePlot))
    means = [y for _, y in plot.data[0]]
    assert len(means) == 58 and means[:-1] == [4.0] * 57  # 400 days, a week a point
    assert plot.xValueAxis.labelTextFormat(0) == "Jan 2023"

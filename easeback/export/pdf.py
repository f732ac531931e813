"""A PDF summary for a clinician: latest screening and its reasons, the pain chart, PEG and PSFS,
sessions (all skipped reads skipped), stops, what helped, and the current routine with dosage.
Drawn with reportlab alone."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from easeback.domain.adherence import session_status
from easeback.export import ExportError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from easeback.content.loader import Catalogue

DISCLAIMER = (
    "Self-reported with easeback, a self-care app. Pain is rated 0 (none) to 10 (worst). "
    "easeback screens for red flags but does not diagnose."
)


def _chart(readings: list[tuple[datetime, int]]) -> Any:
    """Every pain rating (check-ins and sessions), as the mean of each day, week or month by
    the journal's span (easeback.domain.chart), so a long journal stays readable."""
    from reportlab.graphics.charts.lineplots import LinePlot  # type: ignore[import-untyped]
    from reportlab.graphics.shapes import Drawing, String  # type: ignore[import-untyped]

    from easeback.domain.chart import Chart, bin_name

    d = Drawing(460, 170)
    if not readings:
        d.add(String(10, 80, "No pain ratings yet."))
        return d
    chart = Chart(readings[0][0].date(), readings[-1][0].date())
    for at, pain in readings:
        chart.add_rating(at, pain)
    t0 = datetime.combine(chart.first, datetime.min.time())
    points = [((chart.middle(b) - t0).total_seconds() / 86400, b.pain) for b in chart.bins()]
    span = (chart.last - chart.first).days + 1
    lp = LinePlot()
    lp.x, lp.y, lp.width, lp.height = 40, 30, 400, 125
    lp.data = [points]
    lp.yValueAxis.valueMin, lp.yValueAxis.valueMax, lp.yValueAxis.valueStep = 0, 10, 1
    lp.yValueAxis.labels.fontSize = 7
    lp.xValueAxis.valueMin, lp.xValueAxis.valueMax = 0, span
    lp.xValueAxis.valueStep = max(1, math.ceil(span / 6))  # whole days, at most about 7 labels
    lp.xValueAxis.labels.fontSize = 7
    shown = "%b %Y" if span > 300 else "%d %b"
    lp.xValueAxis.labelTextFormat = lambda v: f"{(t0 + timedelta(days=v)):{shown}}"
    if len(points) <= 120:
        from reportlab.graphics.widgets.markers import makeMarker  # type: ignore[import-untyped]

        lp.lines[0].symbol = makeMarker("FilledCircle", size=2.5)
    d.add(lp)
    d.add(String(4, 90, "pain", fontSize=7))
    d.add(String(40, 4, f"Mean pain of each {bin_name(chart.days)}, 0 (none) to 10 (worst).",
                 fontSize=7))  # fmt: skip
    return d


def _pain_change(before: int | None, after: int | None) -> str:
    if before is None and after is None:
        return "not rated"
    if before is None:
        return f"after {after} (before not rated)"
    if after is None:
        return f"before {before} (after not rated)"
    return f"{before} → {after}"


def _words(code: str) -> str:
    return code.replace("_", " ").replace("-", " ")


def _table(rows: list[list[str]], widths: list[float] | None = None) -> Any:
    from reportlab.lib import colors  # type: ignore[import-untyped]
    from reportlab.platypus import Table, TableStyle  # type: ignore[import-untyped]

    t = Table(rows, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


def write_pdf(engine: Engine, cat: Catalogue, out: Path, now: datetime) -> Path:
    try:
        from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
        from reportlab.lib.styles import getSampleStyleSheet  # type: ignore[import-untyped]
        from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    except ImportError:
        raise ExportError("pdf export needs reportlab: pip install 'easeback[journal]'") from None
    from xml.sax.saxutils import escape

    from easeback.domain.models import Disposition, StopReason
    from easeback.storage import repository
    from easeback.usecases import journal

    styles = getSampleStyleSheet()
    h = repository.load_history(engine)
    report = journal.progress(h, cat.techniques, journal.local(now))
    story: list[Any] = [
        Paragraph("easeback summary for a clinician", styles["Title"]),
        Paragraph(f"Prepared {journal.local(now):%Y-%m-%d %H:%M}. {DISCLAIMER}", styles["Normal"]),
        Spacer(1, 8),
        Paragraph("Latest screening", styles["Heading2"]),
    ]
    scr = repository.latest_screening(engine)
    if scr is None:
        story.append(Paragraph("No screening recorded.", styles["Normal"]))
    else:
        verdict = cat.dispositions[Disposition(scr["disposition"])].title
        story.append(
            Paragraph(
                f"{journal.local(scr['at']):%Y-%m-%d}: <b>{escape(verdict)}</b>.",
                styles["Normal"],
            )
        )
        for r in scr["reasons"]:
            story.append(
                Paragraph(
                    f"• {escape(_question(cat, str(r['question'])))} "
                    f"Answer: {escape(_answer(r['answer']))}. {escape(str(r['advice']))}",
                    styles["Normal"],
                )
            )
    story += [Paragraph("Pain over time", styles["Heading2"]), _chart(h.pain_readings())]
    change = "" if report.change is None else f" (change {report.change:+d})"
    meaningful = "meaningful" if report.meaningful_improvement else "not a meaningful"
    story.append(
        Paragraph(
            f"First rating {report.baseline_pain}, latest {report.latest_pain}{change}: "
            f"{meaningful} improvement by the 2-point / 30% rule.",
            styles["Normal"],
        )
    )
    for a in report.advice:
        story.append(Paragraph(f"• {escape(a.text)}", styles["Normal"]))
    story += _outcomes(engine, styles)
    story.append(Paragraph("Sessions (latest 30)", styles["Heading2"]))
    rows = [["Date", "Status", "Pain before → after", "Soreness", "Done / planned"]]
    for s in h.sessions[-30:]:
        done = sum(1 for r in s.results if r.outcome == "done")
        pain = _pain_change(s.pain_before, s.pain_after)
        rows.append(
            [
                f"{s.at:%Y-%m-%d %H:%M}",
                _words(session_status(s.status, [r.outcome for r in s.results])),
                pain,
                s.soreness or "",
                f"{done}/{len(s.results)}",
            ]
        )
    story.append(_table(rows) if len(rows) > 1 else Paragraph("None.", styles["Normal"]))
    story.append(Paragraph("Stops", styles["Heading2"]))
    names = {t.id: t.name for t in cat.techniques}
    stop_rows = [["Date", "Technique", "Reason"]] + [
        [
            f"{e.at:%Y-%m-%d %H:%M}",
            names.get(e.technique_id or "", e.technique_id or "before the first technique"),
            cat.stops[StopReason(e.reason)].label,
        ]
        for e in h.stops()
    ]
    story.append(_table(stop_rows) if len(stop_rows) > 1 else Paragraph("None.", styles["Normal"]))
    story.append(Paragraph("What helped (mean change in pain, 95% interval)", styles["Heading2"]))
    eff = [["Technique", "Sessions", "Mean change", "Interval"]] + [
        [
            names.get(e.technique_id, e.technique_id),
            str(e.sessions),
            f"{e.mean_change:+.1f}" if e.mean_change is not None else "needs 3 sessions",
            f"{e.interval[0]:+.1f} to {e.interval[1]:+.1f}" if e.interval else "",
        ]
        for e in report.techniques
    ]
    story.append(_table(eff) if len(eff) > 1 else Paragraph("Not enough data.", styles["Normal"]))
    story.append(Paragraph("Current routine", styles["Heading2"]))
    routine = repository.latest_routine(engine)
    if not routine or not routine.get("techniques"):
        story.append(Paragraph("No routine recorded.", styles["Normal"]))
    else:
        dose = [["Technique", "Reps", "Sets", "Hold", "Per side"]] + [
            [t["name"], str(t["reps"]), str(t["sets"]), _hold(t.get("hold_seconds")),
             "yes" if t.get("per_side") else "no"]
            for t in routine["techniques"]
        ]  # fmt: skip
        story.append(_table(dose))
    try:
        SimpleDocTemplate(str(out), pagesize=A4, title="easeback summary").build(story)
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror}") from None
    return out


def _outcomes(engine: Engine, styles: Any) -> list[Any]:
    """PEG and PSFS: each recording, and what the change from the first means."""
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    from easeback.domain.outcomes import Measure, summary
    from easeback.storage.outcomes import outcomes

    found = [o for _i, o in outcomes(engine)]
    out: list[Any] = [Paragraph("PEG and PSFS", styles["Heading2"])]
    if not found:
        return [*out, Paragraph("None recorded.", styles["Normal"])]
    for part in summary(found).values():
        out.append(Paragraph(escape(str(part["text"])) + ".", styles["Normal"]))
    rows = [["Date", "Measure", "Score", "Items"]] + [
        [
            f"{o.at:%Y-%m-%d}",
            "PEG" if o.measure is Measure.PEG else "PSFS",
            f"{o.score:.1f}",
            "; ".join(f"{k} {v}" for k, v in o.items),
        ]
        for o in found[-20:]
    ]
    out.append(_table(rows))
    return out


def _question(cat: Catalogue, qid: str) -> str:
    try:
        return str(cat.screening.question(qid).text)
    except (KeyError, ValueError):
        return _words(qid)


def _answer(answer: object) -> str:
    return {"unsure": "not sure"}.get(str(answer), str(answer))


def _hold(seconds: object) -> str:
    if not isinstance(seconds, int) or seconds <= 0:
        return "-"
    return f"{seconds} s" if seconds < 90 else f"{seconds / 60:g} min"

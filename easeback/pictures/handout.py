"""A printable PDF handout for a routine: each technique's key poses, steps, dosage and stop signs.

Pictures are drawn by cairosvg (to PNG, embedded at print resolution) and pages are laid out by
reportlab; both are optional extras, imported only here.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from easeback.domain.models import Technique
from easeback.domain.planning import Routine
from easeback.wording import dose_lines, seconds_text


@dataclass(frozen=True)
class HandoutItem:
    technique: Technique
    dosage: str


STOP_NOTE = (
    "Stop at once and seek advice if you feel sharp, shooting or unfamiliar pain, pain, numbness "
    "or tingling spreading into a leg, or dizziness. Get urgent help for loss of bladder or bowel "
    "control, numbness around the groin, or weakness in a leg."
)


def _dosage(t: Technique, hold: int | None, reps: int, sets: int) -> str:
    parts = [f"{reps} repetition{'s' if reps != 1 else ''}"]
    if t.dosage.per_side:
        parts[0] += " each side"
    if hold:
        each = seconds_text(hold)
        parts.append(f"{each} each" if t.dosage.rep_means else f"hold {each}")
    if sets > 1:
        parts.append(f"{sets} sets")
    if t.dosage.rep_means:
        parts.append(t.dosage.rep_means)
    parts.append(t.dosage.times_per_day)
    return " · ".join(parts)


def items_from_routine(routine: Routine) -> list[HandoutItem]:
    return [
        HandoutItem(i.technique, _dosage(i.technique, i.hold_seconds, i.reps, i.sets))
        for i in routine.items
    ]


def items_from_techniques(techniques: Sequence[Technique]) -> list[HandoutItem]:
    # the same dose lines as `easeback show` and the technique page: minutes for long holds
    return [HandoutItem(t, " · ".join(dose_lines(t.dosage))) for t in techniques]


def _reportlab() -> Any:
    try:
        return importlib.import_module("reportlab.platypus")
    except ImportError:
        from easeback.pictures import PicturesUnavailable

        raise PicturesUnavailable(
            "the handout needs reportlab: pip install 'easeback[pictures]'"
        ) from None


def write_handout(
    items: Sequence[HandoutItem], path: Path, title: str, notes: Sequence[str]
) -> list[float]:
    """Write the handout PDF: per technique its name, key poses, dose, steps, what to feel, when
    to stop and its cautions, kept together on one page. Returns how much of each page's column
    is filled (0-1), page by page."""
    from easeback.pictures import png_bytes
    from easeback.pictures.figures import figure_for, key_rows
    from easeback.pictures.svg import key_poses_svg

    platypus = _reportlab()
    a4: tuple[float, float] = importlib.import_module("reportlab.lib.pagesizes").A4
    mm: float = importlib.import_module("reportlab.lib.units").mm
    styles = importlib.import_module("reportlab.lib.styles").getSampleStyleSheet()
    story: list[Any] = [
        platypus.Paragraph(title, styles["Title"]),
        platypus.Paragraph(STOP_NOTE, styles["Italic"]),
    ]
    story += [platypus.Paragraph(_esc(n), styles["BodyText"]) for n in notes]
    story.append(platypus.Spacer(1, 4 * mm))
    width = a4[0] - 40 * mm
    page_height = a4[1] - 36 * mm  # the page less its top and bottom margins (as built below)
    for n, item in enumerate(items, 1):
        t = item.technique
        head: list[Any] = [platypus.Paragraph(f"{n}. {_esc(t.name)}", styles["Heading2"])]
        # the key poses fill the column two to a row: each is half the column wide, so a
        # lying figure is drawn long enough to read, cropped to the rows it fills; a
        # technique with more key poses prints more rows, one under the other.
        rows = [key_poses_svg(t, crop=True, part=part)
                for part in range(key_rows(figure_for(t.id)))]  # fmt: skip
        sizes = [tuple(float(v) for v in svg.split('viewBox="', 1)[1].split('"', 1)[0].split()[2:])
                 for svg in rows]  # fmt: skip
        text = [
            platypus.Paragraph(f"<b>Dose:</b> {_esc(item.dosage)}", styles["BodyText"]),
            platypus.ListFlowable(
                [platypus.Paragraph(_esc(s.text), styles["BodyText"]) for s in t.steps],
                bulletType="1",
            ),
            platypus.Paragraph(f"<b>You should feel:</b> {_esc(t.feel)}", styles["BodyText"]),
            platypus.Paragraph(
                "<b>Stop if:</b> " + " ".join(_esc(s) for s in t.stop_if), styles["BodyText"]
            ),
        ]
        if t.cautions:  # who should not do it, or do it with care: as the technique page says
            text.append(
                platypus.Paragraph(
                    "<b>Take care:</b> " + " ".join(_esc(c) for c in t.cautions),
                    styles["BodyText"],
                )
            )
        # the pictures as wide as the column unless the exercise would then not fit on one
        # page: only as much narrower as it must be (review 11a: the foam rolling and the
        # knee rock, three rows each, were printed at 0.79 and 0.83 of the column by a fixed
        # cap, the smallest pictures in the handout), and never under half of it (a text too
        # long for one page runs on, its pictures still readable)
        room = _room(page_height, width, [*head, *text])
        k = min(1.0, max(MIN_WIDTH, room / sum(width * h / w for w, h in sizes)))
        for svg, (w, h) in zip(rows, sizes, strict=True):
            png = png_bytes(svg, scale=1.5)
            head.append(platypus.Image(io.BytesIO(png), width=k * width, height=k * width * h / w))
        head += text
        # picture, dose, steps and when to stop on one page: a reader holding the page mid-
        # exercise has the stop signs in front of them
        story += [platypus.KeepTogether(head), platypus.Spacer(1, 5 * mm)]
    doc = platypus.SimpleDocTemplate(
        str(path),
        pagesize=a4,
        title=title,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    fills: dict[int, float] = {}

    drawn = (platypus.Paragraph, platypus.Image, platypus.ListFlowable)

    def record(flowable: Any) -> None:
        frame = doc.frame
        if frame is not None and isinstance(flowable, drawn):  # not breaks or spacers
            fills[doc.page] = (frame._y1 + frame._height - frame._y) / frame._height

    doc.afterFlowable = record
    doc.build(story)
    return [fills[p] for p in sorted(fills)]


FRAME_PADDING = 12.0  # points: a page frame's padding, top and bottom together
SLACK = 0.02  # of the page: room left over for what the measure above may miss
MIN_WIDTH = 0.5  # of the column: the narrowest a row of key poses is printed


def _room(page_height: float, width: float, flowables: Sequence[Any]) -> float:
    """The height (points) left on an empty page for the pictures, after the flowables of
    text (wrapped to `width`) and the spaces around them."""
    canvas = importlib.import_module("reportlab.pdfgen.canvas").Canvas(io.BytesIO())
    used: float = sum(f.wrapOn(canvas, width, page_height)[1] + f.getSpaceBefore()
                      + f.getSpaceAfter()
                      for f in flowables)  # fmt: skip
    return page_height - FRAME_PADDING - used - SLACK * page_height


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

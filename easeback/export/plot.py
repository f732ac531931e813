"""A chart of pain and stiffness over time with sessions and stops marked, as PNG or SVG,
from the binned figures of easeback.domain.chart (a long journal stays readable).
matplotlib is imported only here, with the Agg backend (no display needed)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from easeback.domain.chart import Bin, Chart, bin_name

EPOCH = datetime(1970, 1, 1)  # matplotlib's date epoch


def date2num(at: datetime) -> float:
    return (at - EPOCH).total_seconds() / 86400


def save_plot(chart: Chart | None, out: Path) -> Path:
    """Draw the journal's binned chart (None: an empty journal) as PNG or SVG: pain and
    stiffness above, the sessions' mean change in pain below, stops marked."""
    from easeback.usecases.errors import InputError

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise InputError(f"--plot {out}: the file name must end in .png or .svg")
    if not out.parent.exists():
        raise InputError(f"folder {out.parent} does not exist")
    try:
        import matplotlib
    except ImportError:
        raise InputError("plots need matplotlib: pip install 'easeback[journal]'") from None
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 5.2), dpi=100)
    ax, fx = fig.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    bins = chart.bins() if chart is not None else []
    days = chart.days if chart is not None else 1
    each = bin_name(days)

    def x(b: Bin) -> float:
        assert chart is not None
        return date2num(chart.middle(b))

    rated = [b for b in bins if b.ratings]
    if rated:
        xs = [x(b) for b in rated]
        marker = len(rated) <= 120
        if any(b.pain_hi > b.pain_lo for b in rated):
            ax.fill_between(
                xs, [b.pain_lo for b in rated], [b.pain_hi for b in rated], color="tab:blue",
                alpha=0.12, linewidth=0, label=f"pain, lowest to highest in a {each}",
            )  # fmt: skip
        ax.plot(xs, [b.pain for b in rated], "o-" if marker else "-", color="tab:blue",
                markersize=4, label=f"pain, mean of a {each}")  # fmt: skip
        ax.plot(xs, [b.stiffness for b in rated], "s--" if marker else "--", color="tab:orange",
                markersize=3, alpha=0.8, label=f"stiffness, mean of a {each}")  # fmt: skip
    stopped = [b for b in bins if b.stops]
    if stopped:
        ax.plot(
            [x(b) for b in stopped], [10.25] * len(stopped),
            "v", color="tab:red", markersize=6, clip_on=False,
            label=f"a {each} with a stop",
        )  # fmt: skip
    sessions = [b for b in bins if b.sessions]
    if sessions:
        changes = [b.change or 0.0 for b in sessions]
        fx.bar(
            [x(b) for b in sessions], changes, width=0.8 * days,
            color=["tab:green" if c <= 0 else "tab:purple" for c in changes],
        )  # fmt: skip
    fx.axhline(0, color="#888888", linewidth=0.6)
    low = min([-3.0, *(b.change or 0.0 for b in sessions)])
    high = max([3.0, *(b.change or 0.0 for b in sessions)])
    fx.set_ylim(low - 0.5, high + 0.5)
    fx.set_ylabel("Pain change\nin sessions")
    fx.set_title(
        f"Sessions: mean change in pain, after minus before, per {each} (below 0: relief)",
        fontsize="small",
    )
    from matplotlib.dates import AutoDateLocator, DateFormatter

    if chart is not None and not rated:
        ax.text(0.5, 0.5, "No check-ins yet: pain and stiffness come from `easeback checkin`.",
                transform=ax.transAxes, ha="center", va="center")  # fmt: skip
    if chart is None:
        ax.text(0.5, 0.5, "Nothing to draw yet: no check-in or rated session in the journal.",
                transform=ax.transAxes, ha="center", va="center")  # fmt: skip
        fx.set_xticks([])
    else:
        fx.xaxis_date()
        locator = AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
        locator.intervald[3] = [1, 2, 7, 14]  # DAILY: whole days or weeks, never hours
        fx.xaxis.set_major_locator(locator)
        long = (chart.last - chart.first).days > 300
        label = DateFormatter("%b %Y" if long else "%d %b")  # type: ignore[no-untyped-call]
        fx.xaxis.set_major_formatter(label)
    fx.set_xlabel("Date")
    ax.set_ylim(-0.5, 10.5)
    ax.set_yticks(range(11))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_ylabel("Pain and stiffness, 0 (none) to 10 (worst)")
    ax.set_title("Pain and stiffness over time")
    if rated or stopped:
        ax.legend(loc="best", fontsize="small")
    fig.autofmt_xdate()
    fig.savefig(out, format=fmt, bbox_inches="tight")
    return out

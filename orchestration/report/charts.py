"""The report's charts: matplotlib (Agg backend, no display), one PNG per chart.

Each function takes a :class:`~orchestration.report.data.Series` (x = months 'YYYY-MM' or month-ends)
and returns PNG bytes. A chart built from synthetic input carries a "SYNTHETIC INPUT" watermark, so the
PNG files beside the report say so on their own too.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt

from orchestration.report.data import Series

_FIGSIZE = (10, 4.6)
_PALETTE = ["#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#4bacc6", "#f79646", "#7f7f7f", "#2c7fb8", "#d95f0e",
            "#31a354", "#756bb1", "#636363", "#e6550d"]


def _month(label: str) -> dt.date:
    return dt.date.fromisoformat(label + "-01") if len(label) == 7 else dt.date.fromisoformat(label)


def _finish(fig: Any, ax: Any, title: str, synthetic: bool, ylabel: str = "count") -> bytes:
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=4, frameon=False)
    if synthetic:
        fig.text(0.5, 0.5, "SYNTHETIC INPUT", fontsize=40, color="#c00000", alpha=0.12, ha="center", va="center",
                 rotation=20)
    fig.autofmt_xdate()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def stacked_bars(series: Series, title: str, width_days: int = 25) -> bytes:
    """Monthly stacked bars, one layer per series (in the Series' order)."""
    fig, ax = plt.subplots(figsize=_FIGSIZE)
    xs = [_month(x) for x in series.x]
    bottom = [0.0] * len(xs)
    for i, (name, ys) in enumerate(series.ys.items()):
        ax.bar(xs, ys, bottom=bottom, width=width_days, label=name.replace("_", " "), color=_PALETTE[i % len(_PALETTE)])
        bottom = [b + y for b, y in zip(bottom, ys)]
    return _finish(fig, ax, title, series.synthetic)


def lines(series: Series, title: str) -> bytes:
    """One line per series."""
    fig, ax = plt.subplots(figsize=_FIGSIZE)
    xs = [_month(x) for x in series.x]
    for i, (name, ys) in enumerate(series.ys.items()):
        ax.plot(xs, ys, label=name.replace("_", " "), color=_PALETTE[i % len(_PALETTE)], linewidth=1.8)
    return _finish(fig, ax, title, series.synthetic)


_PHASE_SHADES = {"active": "#fff2cc", "enrollments_suspended": "#e2efda", "terminated": "#f2f2f2",
                 "mpp_2_0": "#fce4d6"}


def _shade_phases(ax: Any, phases: list[dict], lo: dt.date, hi: dt.date) -> None:
    """Shade the MPP phases (seed mpp_phases) that fall between lo and hi, labelled in the legend."""
    for phase in phases:
        start, end = max(phase["start_date"], lo), min(phase["end_date"], hi)
        if phase["phase"] in _PHASE_SHADES and start < end:
            ax.axvspan(start, end, color=_PHASE_SHADES[phase["phase"]], alpha=0.6, zorder=0,
                       label=f"MPP phase: {phase['phase'].replace('_', ' ')}")


def lines_with_phases(series: Series, phases: list[dict], title: str, ylabel: str = "count") -> bytes:
    """One line per series with markers, MPP phases shaded; NaN points (months without a figure) are gaps."""
    fig, ax = plt.subplots(figsize=_FIGSIZE)
    xs = [_month(x) for x in series.x]
    if xs:
        _shade_phases(ax, phases, xs[0], xs[-1] + dt.timedelta(days=31))
    for i, (name, ys) in enumerate(series.ys.items()):
        ax.plot(xs, ys, label=name.replace("_", " "), color=_PALETTE[i % len(_PALETTE)], linewidth=1.6,
                marker="o", markersize=3)
    return _finish(fig, ax, title, series.synthetic, ylabel=ylabel)


def encounters_with_timeline(series: Series, timeline: list[dict], phases: list[dict], title: str) -> bytes:
    """SWB encounters by component (stacked bars, Title 42 as a line) with MPP phases shaded and the
    timeline's events marked (seeds mpp_timeline, mpp_phases)."""
    fig, ax = plt.subplots(figsize=(10, 5.2))
    xs = [_month(x) for x in series.x]
    usbp, ofo = series.ys["USBP"], series.ys["OFO"]
    ax.bar(xs, usbp, width=25, label="USBP apprehensions", color=_PALETTE[0])
    ax.bar(xs, ofo, bottom=usbp, width=25, label="OFO inadmissibles", color=_PALETTE[4])
    ax.plot(xs, series.ys["Title 42 (of total)"], color=_PALETTE[1], linewidth=1.5, label="of which Title 42")
    if xs:
        lo, hi = xs[0], xs[-1] + dt.timedelta(days=31)
        _shade_phases(ax, phases, lo, hi)
        top = max((u + o for u, o in zip(usbp, ofo)), default=0) * 1.3
        ax.set_ylim(0, top * 1.02)
        for i, event in enumerate(e for e in timeline if lo <= e["event_date"] <= hi):
            ax.axvline(event["event_date"], color="#555555", linestyle=":", linewidth=0.8)
            ax.text(event["event_date"], top * (0.98 - 0.07 * (i % 4)), event["event_id"].replace("_", " "),
                    fontsize=6.5, rotation=0, ha="left" if event["event_date"] < hi - dt.timedelta(days=90) else "right", va="top", color="#333333")
    return _finish(fig, ax, title, series.synthetic, ylabel="encounters (events)")

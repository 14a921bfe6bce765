"""The documents' charts drawn with matplotlib on its Agg backend (no display, no network):
bars, lines over months and box plots, as 300-dpi PNG or SVG bytes, with the CJK title font
so that Chinese labels draw."""

from __future__ import annotations

import io
from functools import cache
from typing import Any, Literal

import matplotlib

matplotlib.use("Agg")  # before pyplot: never a display

import matplotlib.pyplot as plt  # noqa: E402 - the backend is chosen first
from matplotlib import font_manager  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from evaluation.reports.content import Chart  # noqa: E402
from evaluation.reports.fonts import TITLE, installed  # noqa: E402

WIDTH, HEIGHT = 6.3, 2.6  # inches: the text width of A4 with 2.5 cm margins
DPI = 300
LINE_COLOURS = ("#1f4e79", "#2e7d32", "#c62828", "#6d4c41")
Format = Literal["png", "svg"]


@cache
def _family() -> str:
    """The CJK face registered with matplotlib, by its family name."""
    path = installed(TITLE)
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _rc() -> dict[Any, Any]:
    """matplotlib settings for the documents: the CJK face at the weight it has (medium)."""
    medium = "medium"  # i18n: not text
    return {
        "font.family": [_family()],
        "font.weight": medium,
        "axes.titleweight": medium,
        "axes.labelweight": medium,
        "svg.hashsalt": "evaluation",  # i18n: not text
    }


def _bars(axes: Axes, chart: Chart) -> None:
    """One bar per category, each labelled with its value."""
    _name, values = chart.series[0]
    colours = list(chart.colours) or [LINE_COLOURS[0]]
    bars = axes.bar(chart.labels, values, color=colours, edgecolor="black", linewidth=0.6)
    axes.bar_label(bars, labels=[f"{v:g}" for v in values], fontsize=8)
    axes.set_ylim(0, max([*values, 1.0]) * 1.2)


def _lines(axes: Axes, chart: Chart) -> None:
    """One line per series over the months, markers of different shapes for print."""
    for k, (name, values) in enumerate(chart.series):
        axes.plot(
            chart.labels,
            values,
            marker="osD^"[k % 4],
            color=LINE_COLOURS[k % len(LINE_COLOURS)],
            linestyle=("-", "--", ":", "-.")[k % 4],
            label=name,
        )
    axes.legend(fontsize=7, frameon=False)
    axes.tick_params(axis="x", labelrotation=45, labelsize=7)


def _boxes(axes: Axes, chart: Chart) -> None:
    """One box of scores per category."""
    if chart.series:
        axes.boxplot([list(v) for _n, v in chart.series], tick_labels=list(chart.labels))
    axes.tick_params(axis="x", labelsize=7)


DRAW = {"bars": _bars, "lines": _lines, "boxes": _boxes}


def figure(chart: Chart) -> Figure:
    """The chart drawn on a figure of the text's width."""
    with plt.rc_context(_rc()):
        fig = Figure(figsize=(WIDTH, HEIGHT), layout="constrained")
        axes = fig.add_subplot()
        DRAW[chart.kind](axes, chart)
        axes.set_title(chart.title, fontsize=10)
        if chart.unit:
            axes.set_ylabel(chart.unit, fontsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        axes.grid(axis="y", linewidth=0.3, color="#bbbbbb")
    return fig


def image(chart: Chart, kind: Format = "png") -> bytes:
    """The chart as 300-dpi PNG or SVG bytes, the same bytes for the same chart."""
    fig = figure(chart)
    buffer = io.BytesIO()
    metadata = {"Software": None} if kind == "png" else {"Date": None, "Creator": None}
    with plt.rc_context(_rc()):
        fig.savefig(buffer, format=kind, dpi=DPI, metadata=metadata)
    return buffer.getvalue()

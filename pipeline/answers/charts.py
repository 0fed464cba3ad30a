"""Charts of the corpus report, drawn with matplotlib (the optional ``report`` extra).

Every function takes plain data (DataFrames from the canned queries) and returns a Figure;
:func:`to_svg` and :func:`to_png` turn it into bytes that are the same on every run: the Agg
backend, fixed rcParams, a fixed ``svg.hashsalt`` per chart, text drawn as paths (no fonts
needed to view it), and no date or software version in the metadata. matplotlib is imported
inside the functions, so that nothing else in synthwatch needs it. Draw inside
``with style():``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipeline.errors import SynthwatchError
from pipeline.install import install_hint

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_IN = 9.0
DPI = 110
INK = "#1d2330"
MUTED = "#5b6475"
GRID = "#d9dde5"
BLUE = "#1f5fa8"
CORRECTED = "#b9770e"
CONCERN_COLOURS = {"high": "#c0392b", "medium": "#b9770e", "low": "#1e8449", "none": "#7f8794"}
RC = {
    "svg.fonttype": "path",
    "svg.image_inline": True,
    "path.simplify": False,
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "text.color": INK,
    "text.parse_math": False,  # "$" in a venue name is a dollar sign, not mathtext
    "text.usetex": False,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}
# A bar of the venue and field charts needs this many papers.
MIN_CHART_PAPERS = 5
_XML_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)


@dataclass(frozen=True)
class Chart:
    """A chart of the report: a file-name part, a caption and the figure."""

    name: str
    caption: str
    figure: Figure


def corpus_charts(
    frames: Mapping[str, pd.DataFrame],
    concern: Sequence[tuple[str, int]],
    min_period_papers: int,
) -> list[Chart]:
    """The corpus report's charts, from the frames its data were read into.

    ``frames`` holds ``by_category``, ``by_venue``, ``by_field`` and one ``by_period:<label>``
    per panel of the chart over time. Call inside ``style()``.
    """
    by_period = {k.split(":", 1)[1]: v for k, v in frames.items() if k.startswith("by_period:")}
    out = [
        Chart(
            "prevalence-by-year",
            "Share of assessed papers that use synthetic data, per period of publication years "
            f"(years pooled until a period has {min_period_papers} papers): any synthetic data, "
            "model-generated data (a use of a category other than simulation), and each "
            "category, with 95% Wilson intervals; each panel has its own scale. Papers without "
            "a year are left out (see the table).",
            prevalence_over_time(by_period),
        ),
        Chart(
            "prevalence-by-category",
            "Share of assessed papers with a use finding of each category (a paper can count in "
            "several), with 95% Wilson intervals.",
            prevalence_bars(frames["by_category"], "category", "by category"),
        ),
    ]
    venues = frames["by_venue"]
    if (venues["n"] >= MIN_CHART_PAPERS).any():
        out.append(
            Chart(
                "prevalence-by-venue",
                f"Venues with at least {MIN_CHART_PAPERS} assessed papers, with 95% Wilson "
                "intervals (all of the top venues are in the table).",
                prevalence_bars(venues, "venue", "by venue", min_papers=MIN_CHART_PAPERS),
            )
        )
    fields = frames["by_field"]
    named = fields["field"].notna() & (fields["field"] != "")
    if (named & (fields["n"] >= MIN_CHART_PAPERS)).any():
        out.append(
            Chart(
                "prevalence-by-field",
                "Research fields (the field column of the scan manifest) with at least "
                f"{MIN_CHART_PAPERS} assessed papers, with 95% Wilson intervals.",
                prevalence_bars(fields, "field", "by field", min_papers=MIN_CHART_PAPERS),
            )
        )
    out.append(
        Chart(
            "concern",
            "Papers read, by concern level (TAXONOMY.md rules).",
            concern_bars(concern),
        )
    )
    return out


def _pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend, or a SynthwatchError that says what to install."""
    try:
        import matplotlib
    except ImportError:
        raise SynthwatchError(
            f"the charts need matplotlib: install the report extra with {install_hint('report')}"
        ) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def require_matplotlib() -> None:
    """Raise SynthwatchError with the install hint when matplotlib is missing."""
    _pyplot()


@contextmanager
def style() -> Iterator[None]:
    """Draw and save charts inside this block: matplotlib's defaults plus RC, whatever the
    user's matplotlibrc says; the user's settings come back afterwards."""
    plt = _pyplot()
    with plt.rc_context():
        plt.rcdefaults()
        plt.rcParams.update(RC)
        yield


def to_svg(fig: Figure, salt: str) -> str:
    """The figure as an inline ``<svg>`` element (no XML prologue); closes the figure."""
    plt = _pyplot()
    with plt.rc_context({"svg.hashsalt": f"synthwatch-{salt}", "svg.id": f"chart-{salt}"}):
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return _XML_PROLOGUE.sub("", buf.getvalue(), count=1)


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes without a software stamp; closes the figure."""
    plt = _pyplot()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _pct(ax: Any, axis: str = "y") -> None:
    from matplotlib.ticker import PercentFormatter

    getattr(ax, f"{axis}axis").set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))


def prevalence_over_time(by_category: Mapping[str, pd.DataFrame]) -> Figure:
    """Small multiples: one panel per category, share of papers per period with 95% intervals.

    ``by_category`` maps a label ("any synthetic data", "llm_text", ...) to rows with
    ``year_from``, ``year_to``, ``n``, ``count``, ``proportion``, ``wilson_low``,
    ``wilson_high`` and ``corrected``: one row per period of publication years. Each period is
    a line at its share, as wide as the period, over a box that spans its Wilson interval.
    """
    plt = _pyplot()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    panels = [(label, df[df["n"] > 0]) for label, df in by_category.items()]
    # a category with no dated paper would be an empty panel
    panels = [(label, df) for label, df in panels if not df.empty and df["count"].sum() > 0]
    if not panels:
        return _empty("no paper has a publication year")
    ncols = 3 if len(panels) > 4 else min(2, len(panels))
    nrows = -(-len(panels) // ncols)
    first = min(int(df["year_from"].min()) for _, df in panels)
    last = max(int(df["year_to"].max()) for _, df in panels)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(WIDTH_IN, 2.3 * nrows + 0.5),
        sharex=True,
        squeeze=False,
        layout="constrained",
    )
    for ax in axes.flat[len(panels) :]:
        ax.set_visible(False)
    for i, (ax, (label, df)) in enumerate(zip(axes.flat, panels, strict=False)):
        high_max = 0.0
        for row in df.itertuples(index=False):
            left, width = row.year_from - 0.5, row.year_to - row.year_from + 1
            ax.add_patch(
                Rectangle(
                    (left, row.wilson_low),
                    width,
                    row.wilson_high - row.wilson_low,
                    facecolor=BLUE,
                    alpha=0.14,
                    linewidth=0,
                )
            )
            ax.hlines(row.proportion, left, left + width, color=BLUE, linewidth=2.2)
            if row.corrected == row.corrected and row.corrected is not None:
                ax.hlines(
                    row.corrected,
                    left,
                    left + width,
                    color=CORRECTED,
                    linewidth=1.2,
                    linestyles=(0, (3, 2)),
                )
            high_max = max(high_max, float(row.wilson_high))
        if i == 0:
            handles = [
                Line2D([], [], color=BLUE, linewidth=2.2, label="share of papers"),
                Patch(facecolor=BLUE, alpha=0.14, label="95% Wilson interval"),
            ]
            if df["corrected"].notna().any():
                handles.append(
                    Line2D(
                        [],
                        [],
                        color=CORRECTED,
                        linewidth=1.2,
                        linestyle=(0, (3, 2)),
                        label="corrected for detector error",
                    )
                )
            fig.legend(handles=handles, loc="outside upper right", ncol=3, frameon=False)
        ax.set_title(label, loc="left")
        ax.text(
            0.99,
            0.97,
            f"{int(df['count'].sum())} of {int(df['n'].sum())} papers",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=8,
            color=MUTED,
        )
        ax.set_ylim(0, max(0.1, min(1.0, high_max * 1.15)))
        _pct(ax)
        ax.set_xlim(first - 1, last + 1)
    for ax in axes.flat[: len(panels)]:
        ax.tick_params(axis="x", labelbottom=True)  # sharex hides them above an empty slot
    for ax in axes.flat[len(panels) - ncols : len(panels)]:
        ax.set_xlabel("publication year")
    for row in axes:
        row[0].set_ylabel("share of papers")
    return fig


def prevalence_bars(
    df: pd.DataFrame, label_column: str, title: str, max_bars: int = 15, min_papers: int = 1
) -> Figure:
    """Horizontal bars: share of papers per group with Wilson 95% whiskers (and corrected).

    Groups with fewer than ``min_papers`` assessed papers are left out: their interval spans
    most of the axis and says nothing.
    """
    plt = _pyplot()
    rows = df[df["n"] >= max(1, min_papers)].head(max_bars)
    if rows.empty:
        return _empty(f"no assessed paper for {title.lower()}")
    labels = [
        _short(v, label_column) + f"  (n={int(n)})"
        for v, n in zip(rows[label_column], rows["n"], strict=True)
    ]
    p = rows["proportion"].astype(float).to_numpy()
    low = rows["wilson_low"].astype(float).to_numpy()
    high = rows["wilson_high"].astype(float).to_numpy()
    height = 0.32 * len(rows) + 0.9
    fig, ax = plt.subplots(figsize=(WIDTH_IN, height), layout="constrained")
    y = list(range(len(rows)))[::-1]
    ax.barh(y, p, color=BLUE, height=0.62, zorder=2)
    ax.errorbar(p, y, xerr=[p - low, high - p], fmt="none", ecolor=INK, elinewidth=1, capsize=2.5)
    if rows["corrected"].notna().any():
        ax.scatter(
            rows["corrected"].astype(float).to_numpy(),
            y,
            marker="D",
            s=18,
            color=CORRECTED,
            zorder=3,
            label="corrected for detector error",
        )
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False, ncol=2)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, min(1.0, max(0.1, float(high.max()) * 1.05)))
    _pct(ax, "x")
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"{title}: share of assessed papers (95% Wilson interval)")
    return fig


def concern_bars(counts: Sequence[tuple[str, int]]) -> Figure:
    """Papers per concern level, coloured like the traffic lights."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.35 * len(counts) + 0.9), layout="constrained")
    y = list(range(len(counts)))[::-1]
    values = [c for _, c in counts]
    ax.barh(y, values, color=[CONCERN_COLOURS.get(k, MUTED) for k, _ in counts], height=0.62)
    for yi, v in zip(y, values, strict=True):
        ax.annotate(
            str(v),
            (v, yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            color=INK,
        )
    ax.set_yticks(y, [k for k, _ in counts])
    ax.set_xlim(0, max([*values, 1]) * 1.12)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("papers read, by concern level")
    return fig


def _short(value: object, column: str, limit: int = 48) -> str:
    text = "(none)" if value is None or value != value or value == "" else str(value)
    if column in ("venue", "field") and text == "(none)":
        text = f"no {column}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _empty(message: str) -> Figure:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 1.2), layout="constrained")
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", color=MUTED, transform=ax.transAxes)
    return fig

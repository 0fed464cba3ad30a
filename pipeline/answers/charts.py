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
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipeline.errors import SynthwatchError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INSTALL_HINT = "install the report extra: pip install 'synthwatch[report]'"
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
_XML_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)


def _pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend, or a SynthwatchError that says what to install."""
    try:
        import matplotlib
    except ImportError:
        raise SynthwatchError(INSTALL_HINT) from None
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
    """Small multiples: one panel per category, share of papers per year with Wilson 95% bars.

    ``by_category`` maps a label ("any synthetic data", "llm_text", ...) to the rows of the
    prevalence_by_year query; rows without a year are left out (the table lists them).
    """
    plt = _pyplot()
    panels = [(label, df[df["year"].notna() & (df["n"] > 0)]) for label, df in by_category.items()]
    panels = [(label, df) for label, df in panels if not df.empty]
    if not panels:
        return _empty("no paper has a publication year")
    ncols = 3 if len(panels) > 4 else min(2, len(panels))
    nrows = -(-len(panels) // ncols)
    years = sorted({int(y) for _, df in panels for y in df["year"]})
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(WIDTH_IN, 2.35 * nrows + 0.4),
        sharex=True,
        squeeze=False,
        layout="constrained",
    )
    for ax in axes.flat[len(panels) :]:
        ax.set_visible(False)
    for ax, (label, df) in zip(axes.flat, panels, strict=False):
        x = df["year"].astype(int).to_numpy()
        p = df["proportion"].astype(float).to_numpy()
        low = df["wilson_low"].astype(float).to_numpy()
        high = df["wilson_high"].astype(float).to_numpy()
        ax.fill_between(x, low, high, color=BLUE, alpha=0.13, linewidth=0, step=None)
        ax.plot(x, p, color=BLUE, linewidth=1.2, marker="o", markersize=3.2)
        if "corrected" in df and df["corrected"].notna().any():
            ax.plot(
                x,
                df["corrected"].astype(float).to_numpy(),
                color=CORRECTED,
                linewidth=1,
                linestyle="--",
                label="corrected",
            )
        positive = int(df["count"].sum())
        ax.set_title(f"{label}  ({positive} of {int(df['n'].sum())})", loc="left")
        ax.set_ylim(0, max(0.25, min(1.0, float(high.max()) * 1.08)))
        _pct(ax)
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
        ax.tick_params(axis="x", labelrotation=0)
    for ax in axes[-1]:
        ax.set_xlabel("publication year")
    for row in axes:
        row[0].set_ylabel("share of papers")
    return fig


def prevalence_bars(df: pd.DataFrame, label_column: str, title: str, max_bars: int = 15) -> Figure:
    """Horizontal bars: share of papers per group with Wilson 95% whiskers (and corrected)."""
    plt = _pyplot()
    rows = df[df["n"] > 0].head(max_bars)
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
    ax.barh(y, p, color=BLUE, alpha=0.85, height=0.62)
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
        ax.legend(loc="lower right", frameon=False)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, min(1.0, max(0.1, float(high.max()) * 1.05)))
    _pct(ax, "x")
    ax.grid(axis="y", visible=False)
    ax.set_title(title, loc="left")
    ax.set_xlabel("share of assessed papers that use synthetic data (95% Wilson interval)")
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
    ax.set_title("papers by concern level", loc="left")
    ax.set_xlabel("papers")
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

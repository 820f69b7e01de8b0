"""Paper-figure style: venue sizes, fonts, a colour-blind palette and a PDF+PNG saver.

Nothing here changes matplotlib's global state on import. Use the style as a
context manager (``with paper_style("icml"):``), or call :func:`set_style`
explicitly once at the top of a notebook.

Fonts are embedded as TrueType (Type 42) in PDF and PS files, which venues
require and which keeps the text editable; no LaTeX installation is needed.

Multi-panel figures are laid out by ``plt.subplots`` with constrained layout
rather than by seaborn's ``FacetGrid``, which sizes a figure from its panels'
height and aspect and then tightens it: a paper figure must keep the venue
width it was made at. seaborn's axes-level functions (``histplot``,
``violinplot``, ``lineplot``) draw into those panels and take the style's
palette from the axes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import numbers
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.text import Text

from ._validation import check_choice, check_integer, check_number, check_path
from .errors import AnalysisInputError, FigureStyleWarning

__all__ = [
    "MIN_FONT_SIZE",
    "PALETTE",
    "VENUES",
    "Venue",
    "figsize",
    "hide_unused",
    "outer_labels",
    "panel_labels",
    "paper_figure",
    "paper_style",
    "rc_params",
    "savefig",
    "readable_columns",
    "readable_number",
    "sci",
    "set_number_format",
    "set_style",
    "small_text",
]

#: Okabe & Ito (2008) colour-blind-safe palette, ordered for line plots.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",  # black
)

GOLDEN = (5**0.5 - 1) / 2  # height / width of a golden-ratio panel

#: Smallest legible text in print, in points.
MIN_FONT_SIZE = 6.0


@dataclasses.dataclass(frozen=True)
class Venue:
    """Page geometry and figure font sizes of a venue (inches and points)."""

    text_width: float
    column_width: float
    font_size: float
    small_font_size: float


#: Style files of NeurIPS and ICLR set a 5.5 in text block in one column; ICML
#: sets two 3.25 in columns on a 6.75 in text block.
VENUES = {
    "neurips": Venue(text_width=5.5, column_width=5.5, font_size=9, small_font_size=8),
    "iclr": Venue(text_width=5.5, column_width=5.5, font_size=9, small_font_size=8),
    "icml": Venue(text_width=6.75, column_width=3.25, font_size=8, small_font_size=7),
}


def _venue(venue: str) -> Venue:
    return VENUES[check_choice(venue, "venue", tuple(VENUES))]


def figsize(venue: str = "neurips", width: str | float = "column", aspect: float = GOLDEN) -> tuple[float, float]:
    """Figure size ``(width, height)`` in inches for a venue.

    Parameters
    ----------
    venue : {'neurips', 'iclr', 'icml'}
    width : 'column', 'text' or float
        One column, the full text width (a figure spanning both ICML columns),
        or a fraction of the text width (0.5 for one of two side-by-side panels).
    aspect : float
        Height divided by width.
    """
    v = _venue(venue)
    if width == "column":
        inches = v.column_width
    elif width == "text":
        inches = v.text_width
    elif isinstance(width, int | float) and not isinstance(width, bool) and 0 < width <= 1:
        inches = width * v.text_width
    else:
        raise AnalysisInputError.about(
            "width", "'column', 'text' or a fraction of the text width in (0, 1]", repr(width),
            "Pass e.g. width='column' or width=0.5.",
        )
    aspect = check_number(aspect, "aspect", minimum=0, strict=True, fix="Pass a height/width ratio, e.g. 0.6.")
    return inches, inches * aspect


def rc_params(venue: str = "neurips") -> dict:
    """The matplotlib rcParams of the paper style for ``venue``."""
    v = _venue(venue)
    return {
        "figure.figsize": figsize(venue),
        "figure.dpi": 150,
        "figure.constrained_layout.use": True,
        "savefig.dpi": 300,
        "savefig.bbox": None,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "text.usetex": False,
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],
        "mathtext.fontset": "dejavusans",
        "font.size": v.font_size,
        "axes.titlesize": v.font_size,
        "axes.labelsize": v.font_size,
        "xtick.labelsize": v.small_font_size,
        "ytick.labelsize": v.small_font_size,
        "legend.fontsize": v.small_font_size,
        "legend.frameon": False,
        "axes.prop_cycle": cycler(color=PALETTE),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.linewidth": 0.6,
        "axes.grid": False,
        "lines.linewidth": 1.2,
        "lines.markersize": 4,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "image.cmap": "viridis",
    }


@contextlib.contextmanager
def paper_style(venue: str = "neurips") -> Iterator[None]:
    """Context manager applying the paper style for ``venue``; restores rcParams on exit.

    Interactive mode is the one exception: a notebook's inline backend, loaded by
    the first figure drawn inside the context, switches it on, and restoring it
    would stop every later figure from being shown.
    """
    with mpl.rc_context(rc_params(venue)):
        try:
            yield
        finally:
            interactive = mpl.is_interactive()
    mpl.interactive(interactive)


def set_style(venue: str = "neurips") -> None:
    """Apply the paper style globally (for the rest of a notebook session)."""
    mpl.rcParams.update(rc_params(venue))


def readable_number(value: float) -> str:
    """A float as a reader wants it: whole numbers and numbers from 1000 on with thousands separators
    (rounded to whole), others to 4 significant digits.

    ``215.0`` is ``'215'``, ``1247.6`` is ``'1,248'``, ``162783.0`` is
    ``'162,783'``, ``18.326961`` is ``'18.33'``, ``5.88e23`` is ``'5.88e+23'``.
    """
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise AnalysisInputError.about("value", "a number", repr(value)[:40], "Format numbers only.")
    if value != value or value in (float("inf"), float("-inf")):  # a table cell may hold them: shown as they are
        return str(value)
    if (value == round(value) or abs(value) >= 1000) and abs(value) < 1e12:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def set_number_format() -> None:
    """Show floats in pandas tables with :func:`readable_number` (for the rest of a notebook session)."""
    import pandas as pd

    pd.set_option("display.float_format", readable_number)


_ACRONYMS = {"ece": "ECE", "auc": "AUC", "aurc": "AURC", "corp": "(CORP)", "l2": "L2", "ci": "CI"}


def readable_columns(frame):
    """``frame`` with column names in words: ``smooth_ece_low`` reads "smooth ECE low"; returns a copy.

    For tables the package returns with code-style column names, when a page shows them to readers.
    """
    def words(name) -> str:
        return " ".join(_ACRONYMS.get(part, part) for part in str(name).split("_"))

    if not isinstance(frame, pd.DataFrame):
        raise AnalysisInputError.about("frame", "a pandas DataFrame", type(frame).__name__,
                                       "Pass a table the package returned (e.g. result.to_frame()).")
    return frame.rename(columns=words)


def savefig(fig, path: str | Path, formats: Sequence[str] = ("pdf", "png"), *, dpi: int = 300) -> list[Path]:
    """Save ``fig`` as ``path.pdf`` and ``path.png`` (creating folders); return the paths.

    Any suffix on ``path`` is replaced. The page is the figure's own size (no
    tight bounding box), so a figure made at a venue's width drops into it
    exactly; constrained layout keeps the labels inside. Fonts are embedded as
    TrueType and the PDF carries no creation date, so the same figure gives the
    same bytes.

    The figure's visible text is checked once it is drawn: text below
    :data:`MIN_FONT_SIZE` gives a :class:`~analysis.errors.FigureStyleWarning`.
    """
    _check_figure(fig)
    formats = (formats,) if isinstance(formats, str) else formats
    if not isinstance(formats, Sequence) or not formats:
        raise AnalysisInputError.about("formats", "file formats such as ('pdf', 'png')", repr(formats),
                                       "Pass a sequence of 'pdf', 'png', 'svg' or 'eps'.")
    for fmt in formats:
        check_choice(fmt, "formats", ("pdf", "png", "svg", "eps"))
    dpi = check_integer(dpi, "dpi")
    base = check_path(path)
    base.parent.mkdir(parents=True, exist_ok=True)
    written = []
    metadata = {"pdf": {"CreationDate": None}, "png": {"Software": None}, "svg": {"Date": None}, "eps": {}}
    with mpl.rc_context({"pdf.fonttype": 42, "ps.fonttype": 42, "svg.hashsalt": "analysis"}):
        for fmt in formats:
            target = base.with_suffix(f".{fmt}")
            fig.savefig(target, format=fmt, dpi=dpi, metadata=metadata[fmt])
            written.append(target)
    small = small_text(fig)
    if small:
        warnings.warn(f"{base.name}: text below {MIN_FONT_SIZE:g} pt in print: {', '.join(small)}",
                      FigureStyleWarning, stacklevel=2)
    return written


def _axes_grid(axes) -> np.ndarray:
    """``axes`` (one Axes, or a 1-d or 2-d array of them, as ``plt.subplots`` returns) as a 2-d object array."""
    grid = np.asarray(axes, dtype=object)
    if grid.ndim > 2 or grid.size == 0 or not all(isinstance(ax, mpl.axes.Axes) for ax in grid.flat):
        raise AnalysisInputError.about("axes", "matplotlib Axes (one, or the array plt.subplots returns)",
                                       repr(axes)[:80], "Pass the axes of the figure's panels.")
    return grid.reshape(grid.shape if grid.ndim == 2 else (1, -1))


def _check_figure(fig) -> None:
    if not isinstance(fig, mpl.figure.Figure):
        raise AnalysisInputError.about("fig", "a matplotlib Figure", type(fig).__name__,
                                       "Pass the figure, e.g. the first value plt.subplots returns.")


def outer_labels(axes, *, xlabel: str, ylabel: str) -> None:
    """Label the x axes of the bottom row and the y axes of the left column of a grid of panels; clear the rest."""
    grid = _axes_grid(axes)
    for (row, col), ax in np.ndenumerate(grid):
        ax.set(xlabel=xlabel if row == grid.shape[0] - 1 else "", ylabel=ylabel if col == 0 else "")


def hide_unused(axes, n_used: int) -> None:
    """Hide the panels of a grid after the first ``n_used`` (row by row).

    The lowest panel left in each column then shows the x tick labels and x
    label that the hidden one below it carried.
    """
    grid = _axes_grid(axes)
    n_used = check_integer(n_used, "n_used", minimum=0)
    xlabel = grid[-1, 0].get_xlabel()
    for k, ax in enumerate(grid.flat):
        if k >= n_used:
            ax.set_visible(False)
            row, col = divmod(k, grid.shape[1])
            if row > 0 and k - grid.shape[1] < n_used:
                above = grid[row - 1, col]
                above.xaxis.set_tick_params(labelbottom=True)
                above.set_xlabel(xlabel)


def panel_labels(axes, titles: Sequence[str] | None = None) -> None:
    """Title the panels of a multi-panel figure (a), (b), ... at their top left, after any ``titles``."""
    axes = _axes_grid(axes).ravel()
    titles = [""] * len(axes) if titles is None else list(titles)
    if len(titles) > len(axes) or not all(isinstance(t, str) for t in titles):
        raise AnalysisInputError.about("titles", f"at most {len(axes)} strings, one per panel", repr(titles)[:80],
                                       "Pass one title per panel, or None for the letters alone.")
    for ax, letter, title in zip(axes, "abcdefghijklmnopqrstuvwxyz", titles):
        ax.set_title(f"({letter}) {title}".rstrip(), loc="left")


def sci(value: float, *, symbol: str | None = None, digits: int = 1) -> str:
    r"""``value`` in mathtext scientific notation: ``sci(3e6, symbol="N")`` is ``'$N = 3 \times 10^{6}$'``."""
    value = check_number(value, "value", fix="Pass a finite number.")
    digits = check_integer(digits, "digits")
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    power = f"10^{{{int(exponent)}}}"
    number = power if mantissa.rstrip("0").rstrip(".") == "1" else rf"{mantissa} \times {power}"
    return f"${symbol} = {number}$" if symbol else f"${number}$"


def small_text(fig, *, min_size: float = MIN_FONT_SIZE) -> list[str]:
    """The visible texts of a drawn ``fig`` set below ``min_size`` points, as ``'text' at N pt``."""
    _check_figure(fig)
    min_size = check_number(min_size, "min_size", minimum=0, strict=True)
    return [
        f"{t.get_text()!r} at {t.get_fontsize():g} pt"
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_fontsize() < min_size
    ]


@contextlib.contextmanager
def paper_figure(
    path: str | Path | None = None, *, venue: str = "neurips", width="column", aspect=GOLDEN, **subplots_kw
) -> Iterator:
    """Yield ``(fig, axes)`` from ``plt.subplots`` with the style active while you draw.

    The figure is sized by :func:`figsize`; if ``path`` is given it is saved there
    as PDF and PNG when the block ends.
    """
    with paper_style(venue):
        fig, axes = plt.subplots(figsize=figsize(venue, width, aspect), **subplots_kw)
        yield fig, axes
        if path is not None:
            savefig(fig, path)

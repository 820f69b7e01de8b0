"""Paper-figure style: venue sizes, fonts, a colour-blind palette and a PDF+PNG saver.

Nothing here changes matplotlib's global state on import. Use the style as a
context manager (``with paper_style("icml"):``), or call :func:`set_style`
explicitly once at the top of a notebook.

Fonts are embedded as TrueType (Type 42) in PDF and PS files, which venues
require and which keeps the text editable; no LaTeX installation is needed.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
from cycler import cycler

from ._validation import check_choice
from .errors import AnalysisInputError

__all__ = [
    "PALETTE",
    "VENUES",
    "Venue",
    "figsize",
    "paper_figure",
    "paper_style",
    "rc_params",
    "savefig",
    "set_style",
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
    if not aspect > 0:
        raise AnalysisInputError.about("aspect", "a positive height/width ratio", repr(aspect), "Pass e.g. 0.6.")
    return inches, inches * aspect


def rc_params(venue: str = "neurips") -> dict:
    """The matplotlib rcParams of the paper style for ``venue``."""
    v = _venue(venue)
    return {
        "figure.figsize": figsize(venue),
        "figure.dpi": 150,
        "figure.constrained_layout.use": True,
        "savefig.dpi": 300,
        "savefig.bbox": "tight",
        "savefig.pad_inches": 0.02,
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


def paper_style(venue: str = "neurips") -> contextlib.AbstractContextManager:
    """Context manager applying the paper style for ``venue``; restores rcParams on exit."""
    return mpl.rc_context(rc_params(venue))


def set_style(venue: str = "neurips") -> None:
    """Apply the paper style globally (for the rest of a notebook session)."""
    mpl.rcParams.update(rc_params(venue))


def savefig(fig, path: str | Path, formats: Sequence[str] = ("pdf", "png"), *, dpi: int = 300) -> list[Path]:
    """Save ``fig`` as ``path.pdf`` and ``path.png`` (creating folders); return the paths.

    Any suffix on ``path`` is replaced. Fonts are embedded as TrueType and the
    PDF carries no creation date, so the same figure gives the same bytes.
    """
    for fmt in formats:
        check_choice(fmt, "formats", ("pdf", "png", "svg", "eps"))
    base = Path(path)
    base.parent.mkdir(parents=True, exist_ok=True)
    written = []
    metadata = {"pdf": {"CreationDate": None}, "png": {"Software": None}, "svg": {"Date": None}, "eps": {}}
    with mpl.rc_context({"pdf.fonttype": 42, "ps.fonttype": 42, "svg.hashsalt": "analysis"}):
        for fmt in formats:
            target = base.with_suffix(f".{fmt}")
            fig.savefig(target, format=fmt, dpi=dpi, metadata=metadata[fmt], bbox_inches="tight", pad_inches=0.02)
            written.append(target)
    return written


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

import subprocess
import sys

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest

from analysis import AnalysisInputError, style


def test_import_leaves_matplotlib_state_alone():
    code = (
        "import matplotlib as mpl; before = dict(mpl.rcParams); "
        "import analysis, analysis.style, analysis.datasets, analysis.widgets, analysis.notebooks; "
        "assert dict(mpl.rcParams) == before, 'rcParams changed on import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("venue", "width", "inches"),
    [("neurips", "column", 5.5), ("iclr", "text", 5.5), ("icml", "column", 3.25), ("icml", "text", 6.75),
     ("icml", 0.5, 3.375)],
)
def test_figure_sizes(venue, width, inches):
    w, h = style.figsize(venue, width, aspect=0.5)
    assert w == inches and h == inches / 2


def test_bad_venue_and_width():
    with pytest.raises(AnalysisInputError, match="one of 'neurips', 'iclr', 'icml'"):
        style.figsize("cvpr")
    with pytest.raises(AnalysisInputError, match="width"):
        style.figsize("icml", 2)


def test_context_manager_restores_rcparams():
    before = mpl.rcParams["font.size"]
    with style.paper_style("icml"):
        assert mpl.rcParams["font.size"] == 8
        assert mpl.rcParams["pdf.fonttype"] == 42
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == style.PALETTE[0]
    assert mpl.rcParams["font.size"] == before


def test_paper_figure_draws_inside_the_style(tmp_path):
    with style.paper_figure(tmp_path / "fig", venue="icml") as (fig, ax):
        (line,) = ax.plot([0, 1], [0, 1])
        assert line.get_linewidth() == 1.2
    assert fig.get_size_inches()[0] == pytest.approx(3.25)
    assert (tmp_path / "fig.pdf").is_file() and (tmp_path / "fig.png").is_file()
    plt.close(fig)


def _figure():
    fig, ax = plt.subplots(figsize=style.figsize("neurips"))
    ax.plot([1, 2, 3], [3, 1, 2], label="loss")
    ax.set(xlabel="compute (FLOP)", ylabel=r"$L(N, D)$", title="Title")
    ax.legend()
    return fig


def test_savefig_writes_pdf_with_truetype_fonts_and_png(tmp_path):
    fig = _figure()
    paths = style.savefig(fig, tmp_path / "sub" / "figure.svg")  # suffix replaced, folders made
    assert [p.name for p in paths] == ["figure.pdf", "figure.png"]
    pdf = paths[0].read_bytes()
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf  # embedded TrueType program
    assert b"/Type3" not in pdf and b"/Subtype /Type1" not in pdf
    assert paths[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plt.close(fig)


def test_same_figure_same_bytes(tmp_path):
    first = style.savefig(_figure(), tmp_path / "a")
    second = style.savefig(_figure(), tmp_path / "b")
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()
    plt.close("all")


def test_savefig_rejects_unknown_format(tmp_path):
    with pytest.raises(AnalysisInputError, match="formats"):
        style.savefig(_figure(), tmp_path / "x", formats=("jpg",))
    plt.close("all")


def test_leaving_the_style_keeps_interactive_mode_switched_on_inside_it():
    # a notebook's inline backend switches interactive mode on when the first figure loads it
    was = mpl.is_interactive()
    try:
        mpl.interactive(False)
        with style.paper_style("icml"):
            mpl.interactive(True)
        assert mpl.is_interactive()
        with style.paper_style("icml"):
            pass
        assert mpl.is_interactive()
    finally:
        mpl.interactive(was)


def test_saved_figures_keep_their_venue_width_and_flag_small_text(tmp_path):
    from analysis.errors import FigureStyleWarning

    with style.paper_figure(tmp_path / "ok", venue="icml", width="text") as (fig, ax):
        ax.set(xlabel="a label long enough to spill out of a tight box " * 2)
    assert plt.imread(tmp_path / "ok.png").shape[1] == round(6.75 * 300)
    with pytest.warns(FigureStyleWarning, match=r"'tiny' at 5 pt"):
        with style.paper_figure(tmp_path / "small", venue="icml") as (fig, ax):
            ax.text(0.5, 0.5, "tiny", fontsize=5)
            ax.text(0.5, 0.2, "hidden", fontsize=5, visible=False)
    assert style.small_text(fig) == ["'tiny' at 5 pt"]
    plt.close("all")


@pytest.mark.parametrize(
    ("value", "text"),
    [(215.0, "215"), (162783.0, "162,783"), (1247.6, "1,248"), (12345.67, "12,346"), (18.326961, "18.33"),
     (5.88e23, "5.88e+23"), (0.0157, "0.0157"),
     (-3.0, "-3"), (float("nan"), "nan"), (float("inf"), "inf"), (0.5, "0.5")],
)
def test_readable_numbers(value, text):
    assert style.readable_number(value) == text


def test_number_format_reaches_pandas_tables():
    import pandas as pd

    with pd.option_context("display.float_format", None):
        style.set_number_format()
        table = pd.DataFrame({"x": [215.0, 18.326961]})
        assert "215" in table.to_string() and "18.33" in table.to_html() and "215.000000" not in table.to_string()


def test_outer_labels_name_only_the_outer_axes():
    fig, axes = plt.subplots(2, 3)
    axes[0, 1].set(xlabel="stale", ylabel="stale")
    style.outer_labels(axes, xlabel="x (unit)", ylabel="y")
    assert [ax.get_xlabel() for ax in axes.flat] == ["", "", "", "x (unit)", "x (unit)", "x (unit)"]
    assert [ax.get_ylabel() for ax in axes.flat] == ["y", "", "", "y", "", ""]
    fig, row = plt.subplots(1, 2)
    style.outer_labels(row, xlabel="x", ylabel="y")
    assert [(ax.get_xlabel(), ax.get_ylabel()) for ax in row] == [("x", "y"), ("x", "")]
    plt.close("all")


@pytest.mark.parametrize(
    ("value", "kw", "text"),
    [(3e6, {"symbol": "N"}, r"$N = 3 \times 10^{6}$"), (1e9, {"symbol": "N"}, "$N = 10^{9}$"),
     (2.5e21, {"digits": 2}, r"$2.5 \times 10^{21}$"), (5.88e23, {}, r"$6 \times 10^{23}$"),
     (1e-3, {}, "$10^{-3}$")],
)
def test_scientific_labels_in_mathtext(value, kw, text):
    assert style.sci(value, **kw) == text


def test_readable_columns():
    import pandas as pd

    frame = pd.DataFrame(columns=["ece_low", "smooth_ece", "selective_auc", "miscalibration_corp", "n"])
    assert list(style.readable_columns(frame).columns) == ["ECE low", "smooth ECE", "selective AUC",
                                                         "miscalibration (CORP)", "n"]
    assert list(frame.columns)[0] == "ece_low"  # a copy


def test_hide_unused_moves_the_x_labels_up_to_the_last_panel_of_a_column():
    fig, axes = plt.subplots(2, 3, sharex=True)
    for ax in axes[-1]:
        ax.set_xlabel("confidence")
    style.hide_unused(axes, 5)
    fig.canvas.draw()
    assert [ax.get_visible() for ax in axes.flat] == [True] * 5 + [False]
    assert axes[0, 2].get_xlabel() == "confidence" and axes[0, 1].get_xlabel() == ""
    assert any(t.get_visible() and t.get_text() for t in axes[0, 2].get_xticklabels())
    assert not any(t.get_visible() and t.get_text() for t in axes[0, 1].get_xticklabels())
    plt.close(fig)

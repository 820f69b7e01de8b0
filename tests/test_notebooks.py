"""Execute every notebook in a fresh kernel on small settings and read it as its reader would."""

import os
import re
import zlib
from pathlib import Path

import pytest

from analysis import FigureStyleWarning, style
from analysis.notebooks import (
    NOTEBOOK_DIR,
    execute_notebook,
    find_notebooks,
    inject_parameters,
    read_notebook,
    student_version,
    widget_manager_script,
    write_html,
)

NOTEBOOKS = find_notebooks()
# small settings for the parameters cells; a name a notebook lacks is harmless
SMALL = {"n_boot": 200, "start_step": 9, "n_splits": 2, "n_draws": 20, "n_members": 500}


def test_harness_finds_every_notebook():
    sources = sorted(p for p in NOTEBOOK_DIR.iterdir() if p.suffix in (".py", ".ipynb", ".md") and p.is_file())
    sources = [p for p in sources if not (p.suffix == ".ipynb" and p.with_suffix(".py").exists())]
    assert sources, "notebooks/ holds no notebook"
    assert NOTEBOOKS == sources, "every notebook source must be named NN_topic.py so the harness runs it"


def test_parameters_are_injected_after_the_tagged_cell():
    import jupytext

    nb = inject_parameters(jupytext.read(NOTEBOOKS[0]), {"n_boot": 7})
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    i = next(i for i, t in enumerate(tags) if "parameters" in t)
    assert tags[i + 1] == ["injected-parameters"] and nb.cells[i + 1].source == "n_boot = 7"


BUILD = Path(__file__).resolve().parent.parent / "build"
CHROMIUM = "/usr/bin/chromium"
# widths a paper figure may have: a column or the text block of a venue, in points
PAGE_WIDTHS = sorted({72 * w for v in style.VENUES.values() for w in (v.column_width, v.text_width)})
MIN_FONT_PT = 6


def pdf_page_and_fonts(path):
    """Width of the PDF's page and every font size its text is set in (points)."""
    data = path.read_bytes()
    width = float(re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) [\d.]+\s*\]", data).group(1))
    sizes = []
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            content = zlib.decompress(stream.group(1))
        except zlib.error:
            continue
        sizes += [float(s) for s in re.findall(rb"/F\d+ ([\d.]+) Tf", content)]
    return width, sizes


def test_pdf_reader_sees_page_width_and_font_sizes(tmp_path):
    with pytest.warns(FigureStyleWarning), style.paper_figure(tmp_path / "fig", venue="icml") as (fig, ax):
        ax.set(xlabel=r"compute $C$ (FLOP)")
        ax.text(0.5, 0.5, "note", fontsize=5.5, rotation=30)
    width, sizes = pdf_page_and_fonts(tmp_path / "fig.pdf")
    assert width == pytest.approx(72 * 3.25)
    assert min(sizes) == 5.5 and 8 in sizes


THEMED = [p for p in NOTEBOOKS if not p.stem.startswith("00_")]


@pytest.mark.parametrize("path", THEMED, ids=[p.stem for p in THEMED])
def test_themed_notebook_teaches_and_its_student_version_hides_the_solutions(path):
    nb = read_notebook(path)
    heads = [c.source.splitlines()[0] if c.source else "" for c in nb.cells]
    assert "## Learning goals" in heads[:4], f"{path.name} must open with its learning goals"
    assert heads.index("## Summary") < heads.index("## Exercises"), f"{path.name} closes with a summary, then exercises"
    questions = [i for i, head in enumerate(heads) if head.startswith("**Exercise ")]
    assert 2 <= len(questions) <= 3, f"{path.name} needs two or three exercises"
    for i in questions:
        solution = nb.cells[i + 1]
        assert "solution" not in nb.cells[i].metadata.get("tags", []), "a question stays in the student version"
        assert solution.cell_type == "code" and "solution" in solution.metadata.get("tags", []), (
            f"{path.name}: {heads[i]} needs a solution cell right after it")
        assert "assert " in solution.source, f"{path.name}: the solution to {heads[i]} must check the answer it states"
    sections = [i for i, head in enumerate(heads) if head.startswith("## ")]
    for start, end in zip(sections, [*sections[1:], len(nb.cells)]):
        if heads[start] not in ("## Learning goals", "## Summary", "## Exercises"):
            assert nb.cells[end - 1].cell_type == "markdown", (
                f"{path.name}: section {heads[start]!r} must end with what it showed (a markdown cell)")
    student = student_version(nb)
    assert [c.source for c in student.cells if c.source.startswith("**Exercise ")] == [nb.cells[i].source
                                                                                       for i in questions]
    assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)
    assert len(student.cells) < len(nb.cells)


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_reads_cleanly(path, tmp_path):
    figure_dir = tmp_path / "figures"
    nb = execute_notebook(path, {**SMALL, "figure_dir": str(figure_dir)})
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors
    stderr = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, f"{path.name} writes to stderr (warnings, progress bars): {stderr}"
    shown = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)
    raw = re.findall(r"\d\.\d{6}e[+-]\d\d|\d\.000000\b", shown)
    assert not raw, f"{path.name} prints numbers unformatted: {raw[:5]}"

    saved = sorted(p.name for p in figure_dir.iterdir())
    assert saved, f"{path.name} saved no figure"
    stems = {re.sub(r"\.(pdf|png)$", "", name) for name in saved}
    assert saved == sorted(f"{s}.{ext}" for s in stems for ext in ("pdf", "png"))
    shown = sum("image/png" in o.get("data", {}) for o in outputs)
    assert shown == len(stems), f"{path.name} saved {len(stems)} figures but shows {shown}"

    for stem in sorted(stems):
        width, sizes = pdf_page_and_fonts(figure_dir / f"{stem}.pdf")
        assert any(width == pytest.approx(w, abs=0.01) for w in PAGE_WIDTHS), (
            f"{stem}: {width / 72:.2f} in wide, not a column or text width"
        )
        # mathtext sets super- and subscripts at 70% of their text's size, as TeX does
        small = [s for s in sizes if s < MIN_FONT_PT
                 and not any(s == pytest.approx(0.7 * b) for b in sizes if b >= MIN_FONT_PT)]
        assert not small, f"{stem}: text at {min(small)} pt, below {MIN_FONT_PT} pt at print size"

    page = tmp_path / f"{path.stem}.html"
    write_html(nb, page, widget_script=_widget_script())
    problems = page_problems(page, BUILD / "pages" / f"{path.stem}.png")
    assert not problems, f"{path.stem}.html, offline in Chromium: {problems}"


def _widget_script():
    script = widget_manager_script(BUILD / ".cache")
    if script is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs npm to fetch the widget manager the pages embed")
        pytest.skip("npm is not installed: the pages cannot embed the widget manager")
    return script


def page_problems(page: Path, screenshot: Path, *, widget_timeout_ms: int = 20_000) -> list[str]:
    """Open ``page`` in headless Chromium with the network off; list broken images and empty widgets."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must install Debian's chromium ({CHROMIUM}); see .ci/run")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                    "--disable-background-networking"])
        try:
            page_view = browser.new_context(offline=True, viewport={"width": 1200, "height": 900}).new_page()
            page_view.goto(page.as_uri())
            page_view.wait_for_load_state("load")
            views = page_view.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
            try:
                page_view.wait_for_function(
                    f"() => document.querySelectorAll('.widget-subarea .jupyter-widgets').length >= {views}",
                    timeout=widget_timeout_ms)
            except PlaywrightTimeout:
                pass  # the check below names the widgets left empty
            problems = page_view.evaluate("""() => {
                const broken = [...document.images].filter(i => !i.complete || i.naturalWidth === 0)
                    .map((i, k) => `image ${k} is broken`);
                const empty = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
                    .filter(s => { const area = s.previousElementSibling;
                                   return !area || !area.classList.contains('widget-subarea')
                                          || area.getBoundingClientRect().height < 10; })
                    .map((s, k) => `widget ${k} renders empty`);
                return [...broken, ...empty];
            }""")
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page_view.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return problems


def test_page_check_finds_a_widget_left_empty_and_a_broken_image(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import ipywidgets\nipywidgets.IntSlider(3)")])
    nb = execute_notebook_node(nb, tmp_path)
    page = tmp_path / "page.html"
    write_html(nb, page, widget_script=_widget_script())
    assert page_problems(page, tmp_path / "ok.png") == []
    write_html(nb, page)  # the manager from a CDN, which an offline reader cannot reach
    text = page.read_text().replace("</body>", '<img src="missing.png"></body>')
    page.write_text(text)
    problems = page_problems(page, tmp_path / "bad.png", widget_timeout_ms=2000)
    assert problems == ["image 0 is broken", "widget 0 renders empty"]


def execute_notebook_node(nb, folder):
    from nbclient import NotebookClient

    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return nb

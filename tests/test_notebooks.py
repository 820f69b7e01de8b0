"""Execute every notebook in a fresh kernel on small settings."""

import re

import pytest

from analysis.notebooks import NOTEBOOK_DIR, execute_notebook, find_notebooks, inject_parameters

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


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_saves_figures(path, tmp_path):
    figure_dir = tmp_path / "figures"
    nb = execute_notebook(path, {**SMALL, "figure_dir": str(figure_dir)})
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    saved = sorted(p.name for p in figure_dir.iterdir())
    assert saved, f"{path.name} saved no figure"
    stems = {re.sub(r"\.(pdf|png)$", "", name) for name in saved}
    assert saved == sorted(f"{s}.{ext}" for s in stems for ext in ("pdf", "png"))

"""Find, parameterise and execute the project's notebooks.

The committed source of each notebook is a jupytext ``py:percent`` file named
``NN_topic.py`` in ``notebooks/``. A cell tagged ``parameters`` holds its
defaults; :func:`execute_notebook` inserts a cell after it that overrides them
(papermill's convention), so tests can run a notebook on small settings.

``python -m analysis.notebooks [--output build] [names...]`` executes the
notebooks and writes ``build/notebooks/*.ipynb``, ``build/html/*.html`` and the
figures each notebook saves under ``build/figures/<notebook>/``. Executed pages
are for reading: the kernel runs without progress bars, and paths injected into
the parameters cell are relative to the notebook's folder.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from .errors import AnalysisInputError

__all__ = ["NOTEBOOK_DIR", "execute_notebook", "find_notebooks", "inject_parameters", "main", "read_notebook"]

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
_NAME = re.compile(r"^\d\d_[a-z0-9_]+\.py$")


def find_notebooks(directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """The notebook sources ``NN_topic.py`` in ``directory``, in order."""
    return sorted(p for p in Path(directory).glob("*.py") if _NAME.match(p.name))


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a notebook source, without jupytext's pairing metadata.

    Without it, an executed ``.ipynb`` copy opens on its own instead of asking
    JupyterLab for its paired text file.
    """
    notebook = jupytext.read(path)
    notebook.metadata.get("jupytext", {}).pop("formats", None)
    return notebook


def inject_parameters(notebook: nbformat.NotebookNode, parameters: dict) -> nbformat.NotebookNode:
    """Insert a cell tagged ``injected-parameters`` after the ``parameters`` cell."""
    tagged = [i for i, c in enumerate(notebook.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise AnalysisInputError.about(
            "notebook", "exactly one cell tagged 'parameters'", f"{len(tagged)}",
            "Tag the cell that holds the defaults with `# %% tags=[\"parameters\"]`.",
        )
    source = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    notebook.cells.insert(tagged[0] + 1, cell)
    return notebook


def execute_notebook(
    path: Path, parameters: dict | None = None, *, timeout: int = 900, kernel: str = "python3"
) -> nbformat.NotebookNode:
    """Execute the notebook source at ``path`` in a fresh kernel, in its own folder.

    Raises ``nbclient.exceptions.CellExecutionError`` naming the failing cell.
    """
    path = Path(path)
    notebook = read_notebook(path)
    if parameters:
        inject_parameters(notebook, parameters)
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name=kernel, resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute(env={**os.environ, "TQDM_DISABLE": "1"})
    return notebook


def _write_html(notebook: nbformat.NotebookNode, target: Path) -> None:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(notebook)
    target.write_text(body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Execute notebooks and write executed copies, HTML and figures under ``--output``."""
    parser = argparse.ArgumentParser(prog="python -m analysis.notebooks", description=main.__doc__)
    parser.add_argument("names", nargs="*", help="notebook names or stems to run (default: all)")
    parser.add_argument("--output", type=Path, default=Path("build"))
    args = parser.parse_args(argv)
    notebooks = [p for p in find_notebooks() if not args.names or p.stem in args.names or p.name in args.names]
    if not notebooks:
        print(f"no notebook matches {args.names} in {NOTEBOOK_DIR}", file=sys.stderr)
        return 1
    output = args.output.resolve()
    for sub in ("notebooks", "html"):
        (output / sub).mkdir(parents=True, exist_ok=True)
    for path in notebooks:
        print(f"executing {path.name}", flush=True)
        figure_dir = output / "figures" / path.stem
        notebook = execute_notebook(path, {"figure_dir": os.path.relpath(figure_dir, path.parent)})
        nbformat.write(notebook, output / "notebooks" / f"{path.stem}.ipynb")
        _write_html(notebook, output / "html" / f"{path.stem}.html")
        figures = sorted(figure_dir.glob("*")) if figure_dir.is_dir() else []
        print(f"  wrote {path.stem}.ipynb, {path.stem}.html and {len(figures)} figure files", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

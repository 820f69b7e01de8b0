"""Find, parameterise and execute the project's notebooks.

The committed source of each notebook is a jupytext ``py:percent`` file named
``NN_topic.py`` in ``notebooks/``. A cell tagged ``parameters`` holds its
defaults; :func:`execute_notebook` inserts a cell after it that overrides them
(papermill's convention), so tests can run a notebook on small settings.

``python -m analysis.notebooks [--output build] [names...]`` executes the
notebooks and writes ``build/notebooks/*.ipynb``, ``build/html/*.html``, the
figures each notebook saves under ``build/figures/<notebook>/``, and a student
version of each notebook, without the cells tagged ``solution``, to
``build/student/*.ipynb``. Executed pages are for reading: the kernel runs
without progress bars, and paths injected into the parameters cell are relative
to the notebook's folder.

Widgets in the HTML pages render without a network: the pages embed the pinned
widget manager of ``@jupyter-widgets/html-manager`` (its stand-alone
``embed.js``), which ``npm pack`` fetches once into a cache folder. Without npm,
the pages load the manager from nbconvert's default CDN instead.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from ._validation import check_path
from .errors import AnalysisInputError

__all__ = [
    "NOTEBOOK_DIR",
    "WIDGET_MANAGER",
    "execute_notebook",
    "find_notebooks",
    "inject_parameters",
    "main",
    "read_notebook",
    "run_notebook",
    "student_version",
    "widget_manager_script",
    "write_html",
]

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
_NAME = re.compile(r"^\d\d_[a-z0-9_]+\.py$")
#: The npm package and version whose stand-alone ``dist/embed.js`` renders widgets in the pages.
WIDGET_MANAGER = ("@jupyter-widgets/html-manager", "1.0.15")
_WIDGET_LOADER = re.compile(r"<script>\s*\(function\(\) \{\s*function addWidgetsRenderer\(\).*?</script>", re.S)


def _check_notebook(notebook) -> nbformat.NotebookNode:
    if not isinstance(notebook, nbformat.NotebookNode) or "cells" not in notebook:
        raise AnalysisInputError.about("notebook", "a notebook (nbformat.NotebookNode)", type(notebook).__name__,
                                       "Read it with read_notebook(path).")
    return notebook


def find_notebooks(directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """The notebook sources ``NN_topic.py`` in ``directory``, in order."""
    directory = check_path(directory, "directory")
    if not directory.is_dir():
        raise AnalysisInputError.about("directory", "a folder of notebook sources", f"nothing at {directory}",
                                       "Pass the folder that holds the NN_topic.py files.")
    return sorted(p for p in directory.glob("*.py") if _NAME.match(p.name))


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a notebook source, without jupytext's pairing metadata.

    Without it, an executed ``.ipynb`` copy opens on its own instead of asking
    JupyterLab for its paired text file.
    """
    path = check_path(path)
    if not path.is_file():
        raise AnalysisInputError.about("path", "a notebook source file", f"nothing at {path}",
                                       "Pass the path of a .py (percent format) or .ipynb notebook.")
    notebook = jupytext.read(path)
    notebook.metadata.get("jupytext", {}).pop("formats", None)
    return notebook


def inject_parameters(notebook: nbformat.NotebookNode, parameters: dict) -> nbformat.NotebookNode:
    """Insert a cell tagged ``injected-parameters`` after the ``parameters`` cell."""
    _check_notebook(notebook)
    if not isinstance(parameters, dict) or not all(isinstance(k, str) and k.isidentifier() for k in parameters):
        raise AnalysisInputError.about("parameters", "a dict of variable name -> value", repr(parameters)[:80],
                                       "Pass e.g. {'n_boot': 200}.")
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
    return run_notebook(read_notebook(path), path.parent, parameters, timeout=timeout, kernel=kernel)


def run_notebook(notebook: nbformat.NotebookNode, folder: Path, parameters: dict | None = None, *,
                 timeout: int = 900, kernel: str = "python3") -> nbformat.NotebookNode:
    """Execute ``notebook`` (in place) in a fresh kernel working in ``folder``; see :func:`execute_notebook`."""
    if parameters:
        inject_parameters(notebook, parameters)
    client = NotebookClient(notebook, timeout=timeout, kernel_name=kernel,
                            resources={"metadata": {"path": str(folder)}})
    client.execute(env={**os.environ, "TQDM_DISABLE": "1"})
    return notebook


def student_version(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``notebook`` without its cells tagged ``solution`` and without outputs."""
    student = nbformat.from_dict(_check_notebook(notebook))
    student.cells = [c for c in student.cells if "solution" not in c.get("metadata", {}).get("tags", [])]
    for cell in student.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return student


def widget_manager_script(cache: Path) -> str | None:
    """The pinned widget manager's ``embed.js``, from ``cache`` or fetched there by ``npm pack``.

    Returns None when npm is not installed.
    """
    name, version = WIDGET_MANAGER
    script = Path(cache) / f"html-manager-{version}-embed.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            return None
        script.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=script.parent) as folder:  # concurrent runs each pack their own
            packed = subprocess.run([npm, "pack", f"{name}@{version}", "--pack-destination", folder],
                                    check=True, capture_output=True, text=True).stdout.split()[-1]
            with tarfile.open(Path(folder) / packed) as archive:
                (Path(folder) / "embed.js").write_bytes(archive.extractfile("package/dist/embed.js").read())
            os.replace(Path(folder) / "embed.js", script)
    return script.read_text(encoding="utf-8")


def write_html(notebook: nbformat.NotebookNode, target: Path, *, widget_script: str | None = None) -> None:
    """Write the executed ``notebook`` as an HTML page, with ``widget_script`` inlined if given.

    The inlined manager replaces nbconvert's loader (which fetches one from a
    CDN) and the require.js it would need. It is a ``data:`` URL rather than an
    inline script, because its webpack bundle derives its base path from its
    own script's ``src``.
    """
    from nbconvert import HTMLExporter

    _check_notebook(notebook)
    target = check_path(target, "target")
    exporter = HTMLExporter()
    body, _ = exporter.from_notebook_node(notebook)
    if widget_script is not None:
        body = body.replace(f'<script src="{exporter.require_js_url}"></script>', "")
        encoded = base64.b64encode(widget_script.encode("utf-8")).decode("ascii")
        inline = f'<script src="data:text/javascript;base64,{encoded}"></script>'
        body, found = _WIDGET_LOADER.subn(lambda _: inline, body)
        has_widgets = "application/vnd.jupyter.widget-state+json" in notebook.metadata.get("widgets", {})
        if found != int(has_widgets):
            raise RuntimeError(f"nbconvert's widget loader was found {found} times in a page "
                               f"{'with' if has_widgets else 'without'} widgets; update write_html")
    Path(target).write_text(body, encoding="utf-8")


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
    for sub in ("notebooks", "html", "student"):
        (output / sub).mkdir(parents=True, exist_ok=True)
    widget_script = widget_manager_script(output / ".cache")
    if widget_script is None:
        print("npm not found: the pages will load the widget manager from a CDN", file=sys.stderr)
    for path in notebooks:
        nbformat.write(student_version(read_notebook(path)), output / "student" / f"{path.stem}.ipynb")
        print(f"executing {path.name}", flush=True)
        figure_dir = output / "figures" / path.stem
        notebook = execute_notebook(path, {"figure_dir": os.path.relpath(figure_dir, path.parent)})
        nbformat.write(notebook, output / "notebooks" / f"{path.stem}.ipynb")
        write_html(notebook, output / "html" / f"{path.stem}.html", widget_script=widget_script)
        figures = sorted(figure_dir.glob("*")) if figure_dir.is_dir() else []
        print(f"  wrote {path.stem}.ipynb, {path.stem}.html and {len(figures)} figure files", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

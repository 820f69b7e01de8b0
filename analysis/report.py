"""A report on your own evaluation results: the template notebook executed on them, written as HTML.

``python -m analysis.report RESULTS --format FORMAT [--sizes sizes.csv] [--output build/reports]``
reads ``RESULTS`` with :func:`analysis.io.read_results`, executes
``notebooks/templates/report.py`` with these as its parameters (papermill's convention,
see :mod:`analysis.notebooks`), and writes ``<output>/<name>.html``, the executed
``<name>.ipynb`` and the figures under ``<output>/<name>/``. The report covers
calibration per model with intervals and reliability diagrams, the
leaderboard under several aggregations with rank intervals over items and
over tasks and its stability to task subsets, and, given model sizes, a
downstream scaling fit backtested on the largest model.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import pandas as pd

from ._validation import check_choice
from .errors import AnalysisInputError
from .io import one_per_item, read_results
from .notebooks import NOTEBOOK_DIR, read_notebook, run_notebook, write_html

__all__ = ["REPORT_FORMATS", "TEMPLATE", "sections_for", "write_report"]

TEMPLATE = NOTEBOOK_DIR / "templates" / "report.py"
#: Formats with one row per (model, task, item): what the report's sections read.
REPORT_FORMATS = ("lm-eval", "inspect", "helm")


def write_report(results, *, format: str, output="build/reports", name: str | None = None,  # noqa: A002
                 sizes=None, n_boot: int = 1000, rng: int = 0) -> Path:
    """Execute the report template on ``results`` and write its HTML page; returns the page's path.

    ``sizes``: a CSV with columns ``model``, ``N`` (parameters) and ``D``
    (training tokens) for the downstream scaling section, or None to skip it.
    ``name`` defaults to the results' folder or file name.
    """
    check_choice(format, "format", REPORT_FORMATS)
    results = Path(results).resolve()
    if not results.exists():
        raise AnalysisInputError.about("results", f"a {format} output", f"nothing at {results}",
                                       "Check the path and the working directory.")
    if sizes is not None and not Path(sizes).is_file():
        raise AnalysisInputError.about("sizes", "a CSV of model, N and D", f"no file at {sizes}",
                                       "Check the path, or leave sizes out.")
    if not isinstance(rng, int):
        raise AnalysisInputError.about("rng", "an integer seed (it is written into the report)", repr(rng),
                                       "Pass e.g. rng=0.")
    output = Path(output).resolve()
    name = name or results.stem
    output.mkdir(parents=True, exist_ok=True)
    samples = one_per_item(read_results(results, format=format))
    notebook = sections_for(read_notebook(TEMPLATE), samples, sizes=sizes is not None)
    run_notebook(notebook, TEMPLATE.parent, {
        "results": str(results), "format": format, "sizes": str(Path(sizes).resolve()) if sizes else "",
        "n_boot": n_boot, "seed": rng, "figure_dir": str(output / name),
    })
    nbformat.write(notebook, output / f"{name}.ipynb")
    page = output / f"{name}.html"
    write_html(notebook, page)
    return page


def sections_for(notebook: nbformat.NotebookNode, samples: pd.DataFrame, *, sizes: bool) -> nbformat.NotebookNode:
    """The template without the sections the results cannot fill, each replaced by a note saying why.

    A cell tagged ``requires-<what>`` belongs to a section that needs it:
    ``confidence`` (a confidence per answer), ``tasks`` (two tasks or more) or
    ``sizes`` (model sizes, and multiple-choice log-likelihoods).
    """
    has = {"confidence": "confidence" in samples and bool(samples["confidence"].notna().any()),
           "tasks": samples["task"].nunique() >= 2,
           "sizes": sizes and "answer" in samples and bool(samples["answer"].notna().any())}
    cells, noted = [], set()
    for cell in notebook.cells:
        needs = [t.removeprefix("requires-") for t in cell.get("metadata", {}).get("tags", [])
                 if t.startswith("requires-")]
        missing = [what for what in needs if not has[what]]
        if not missing:
            cells.append(cell)
        elif missing[0] not in noted:
            noted.add(missing[0])
            cells.append(nbformat.v4.new_markdown_cell(f"*Skipped here: {_SKIPPED[missing[0]]}*"))
    notebook.cells = cells
    return notebook


_SKIPPED = {
    "confidence": "calibration needs a confidence per answer, which these results do not hold (lm-eval's "
                  "multiple-choice tasks give one, and Inspect's multiple_choice tasks run with logprobs=True).",
    "tasks": "resampling or subsetting tasks needs at least two tasks.",
    "sizes": "the downstream fit needs model sizes (--sizes model,N,D) and multiple-choice log-likelihoods.",
}


def main(argv: list[str] | None = None) -> int:
    """Write an HTML report on evaluation results."""
    parser = argparse.ArgumentParser(prog="python -m analysis.report", description=main.__doc__)
    parser.add_argument("results", type=Path, help="a results folder or file")
    parser.add_argument("--format", required=True, choices=REPORT_FORMATS)
    parser.add_argument("--sizes", type=Path, help="CSV of model, N (parameters), D (tokens)")
    parser.add_argument("--output", type=Path, default=Path("build/reports"))
    parser.add_argument("--name", help="file name of the report (default: the results' name)")
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        page = write_report(args.results, format=args.format, output=args.output, name=args.name,
                            sizes=args.sizes, n_boot=args.n_boot, rng=args.seed)
    except AnalysisInputError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"wrote {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

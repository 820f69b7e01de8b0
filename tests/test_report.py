"""The report notebook, executed on the example written by lm-evaluation-harness, shows the package's numbers."""

import shutil
from pathlib import Path

import nbformat
import pytest

from analysis import AnalysisInputError
from analysis.calibration import by_model
from analysis.io import read_results
from analysis.ranking import task_table
from analysis.report import main, write_report

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "examples"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    output = tmp_path_factory.mktemp("reports")
    page = write_report(EXAMPLE / "lm_eval", format="lm-eval", output=output, sizes=EXAMPLE / "lm_eval_sizes.csv",
                        n_boot=50, rng=0)
    return page, nbformat.read(output / "lm_eval.ipynb", as_version=4)


def _outputs(notebook) -> str:
    return "\n".join(o.get("text", "") + o.get("data", {}).get("text/html", "")
                     for c in notebook.cells if c.cell_type == "code" for o in c.outputs)


def test_the_report_is_written_with_every_figure(report):
    page, notebook = report
    assert page.exists() and page.suffix == ".html"
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    figures = {p.stem for p in (page.parent / "lm_eval").glob("*.png")}
    assert figures == {"reliability", "rank_intervals", "tasks", "downstream"}
    assert "Skipped here" not in _sources(notebook)


def _sources(notebook) -> str:
    return "\n".join(c.source for c in notebook.cells)


def test_sections_the_results_cannot_fill_are_replaced_by_a_note(tmp_path):
    (tmp_path / "inspect").mkdir()
    for log in (EXAMPLE / "inspect").glob("*add-generate*"):  # no confidences, one task
        shutil.copy(log, tmp_path / "inspect")
    page = write_report(tmp_path / "inspect", format="inspect", output=tmp_path, n_boot=20, rng=0)
    notebook = nbformat.read(tmp_path / "inspect.ipynb", as_version=4)
    sources = _sources(notebook)
    assert "Skipped here: calibration needs a confidence" in sources
    assert "Skipped here: resampling or subsetting tasks" in sources  # one task only
    assert "Skipped here: the downstream fit needs model sizes" in sources
    assert "reliability_diagram(" not in sources.split("Skipped here")[1]  # the calibration cells are gone
    assert {p.stem for p in (page.parent / "inspect").glob("*.png")} == {"rank_intervals"}
    assert "mockllm/sim-2.8b" in _outputs(notebook) and "0.85" in _outputs(notebook)


def test_inspect_logs_with_log_probabilities_get_the_calibration_section(tmp_path):
    page = write_report(EXAMPLE / "inspect", format="inspect", output=tmp_path, n_boot=20, rng=0)
    notebook = nbformat.read(tmp_path / "inspect.ipynb", as_version=4)
    assert "Skipped here: calibration" not in _sources(notebook)
    assert {p.stem for p in (page.parent / "inspect").glob("*.png")} == {"reliability", "rank_intervals", "tasks"}
    samples = read_results(EXAMPLE / "inspect", format="inspect").dropna(subset=["confidence"])
    ece = by_model(samples, n_boot=20, rng=0).loc["mockllm/sim-70m", "ece"]
    assert f"{ece:.4f}" in _outputs(notebook)


def test_the_report_shows_the_numbers_of_the_package(report):
    _, notebook = report
    shown = _outputs(notebook)
    samples = read_results(EXAMPLE / "lm_eval", format="lm-eval")
    calibration = by_model(samples.dropna(subset=["confidence"]))
    for model, row in calibration.iterrows():  # each model's smooth ECE, as the number format prints it
        assert f"{row['smooth_ece']:.4g}" in shown, model
    scores = task_table(samples)
    assert f"{scores.loc['sim-2.8b', 'add_generate']:.4g}" in shown
    assert "sim-2.8b" in shown and "predicted" in shown


def test_bad_report_requests_are_refused(tmp_path, capsys):
    with pytest.raises(AnalysisInputError, match="format"):
        write_report(EXAMPLE / "lm_eval", format="arena", output=tmp_path)
    with pytest.raises(AnalysisInputError, match="nothing at"):
        write_report(tmp_path / "missing", format="lm-eval", output=tmp_path)
    with pytest.raises(AnalysisInputError, match="sizes"):
        write_report(EXAMPLE / "lm_eval", format="lm-eval", output=tmp_path, sizes=tmp_path / "none.csv")
    assert main([str(tmp_path / "missing"), "--format", "lm-eval", "--output", str(tmp_path)]) == 2
    assert "nothing at" in capsys.readouterr().err
    assert not (tmp_path / "missing.html").exists()

"""The project's promises about set-up: README commands, CI, pyproject and environment.yml agree."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _requirement(spec: str) -> tuple[str, str]:
    """Name and version of a requirement; pip's extras (dask[dataframe]) are conda's package (dask)."""
    name, version = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", spec.strip()).groups()
    return name.lower().replace("_", "-"), version.replace(" ", "")


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert dict(_requirement(s) for s in project["dependencies"]) == dict(
        _requirement(s) for s in conda if not s.startswith(("python", "pip"))
    )
    assert next(s for s in conda if s.startswith("python")) == "python" + project["requires-python"]
    assert pip == ["--editable .[forecasts]"]
    assert project["optional-dependencies"]["forecasts"][0] in project["optional-dependencies"]["test"]


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_command():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```(?:sh|bash)?\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["make notebooks", "make test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)
    makefile = (ROOT / "Makefile").read_text()
    for target in ("notebooks", "test", "lab"):
        assert re.search(rf"^{target}:", makefile, re.M)


def test_readme_points_to_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.py"):
        assert f"notebooks/{path.name}" in readme


def test_code_passes_the_linter():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "analysis", "tests", "benchmarks", "notebooks"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout

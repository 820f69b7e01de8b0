"""The tour notebook in a real browser: JupyterLab in headless Chromium, opened through its jupytext pairing as
``make lab`` sets it up, run all, move the slider, save back to the source."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import jupytext
import numpy as np
import pytest

from analysis import datasets
from analysis.notebooks import NOTEBOOK_DIR, inject_parameters, read_notebook
from analysis.widgets import IntervalExplorer, describe_interval

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = Path(__file__).resolve().parent.parent / "build" / "browser" / "00_tour.png"
N_BOOT, SEED = 300, 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab_root(tmp_path):
    """A folder for JupyterLab to serve, holding the tour paired with its .ipynb as ``make lab`` pairs it."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must install Debian's chromium ({CHROMIUM}); see .ci/run")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    nb = inject_parameters(
        read_notebook(NOTEBOOK_DIR / "00_tour.py"),
        {"n_boot": N_BOOT, "seed": SEED, "figure_dir": str(tmp_path / "figures")},
    )
    root = tmp_path / "root"
    root.mkdir()
    jupytext.write(nb, root / "00_tour.py", fmt="py:percent")
    shutil.copy(NOTEBOOK_DIR / "jupytext.toml", root)
    subprocess.run([sys.executable, "-m", "jupytext", "--sync", str(root / "00_tour.py")], check=True,
                   capture_output=True)
    return root


@pytest.fixture
def jupyterlab(lab_root, tmp_path):
    """A JupyterLab server on 127.0.0.1 serving ``lab_root``; yields ``(url of the lab, token)``, stopped by PID."""
    port, token = _free_port(), "analysis-browser-test"
    server = subprocess.Popen(
        [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
            "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={lab_root}",
            "--LabApp.expose_app_in_browser=True", "--LabServerApp.open_browser=False",
            f"--LabServerApp.workspaces_dir={tmp_path / 'workspaces'}",  # no tabs restored from an earlier run
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "server.log", "w"),
        start_new_session=True,
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("JupyterLab did not start:\n" + (tmp_path / "server.log").read_text()[-3000:])
                time.sleep(0.5)
        yield f"{url}/lab/tree", token
    finally:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        assert server.poll() is not None


@contextlib.contextmanager
def notebook_page(jupyterlab, name: str):
    """Chromium showing notebook ``name`` in JupyterLab, all its cells run."""
    from playwright.sync_api import sync_playwright

    lab, token = jupyterlab
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{lab}/{name}?token={token}")
            page.wait_for_selector(".jp-Notebook", timeout=60_000)
            page.wait_for_function(
                "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                " return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel"
                " && w.sessionContext.session.kernel.status === 'idle'; }",
                timeout=60_000,
            )
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            yield page
        finally:
            browser.close()


def slider(page, description: str):
    """The slider widget whose description is ``description``."""
    return page.locator(".widget-hslider").filter(has=page.locator("label.widget-label", has_text=description))


def press(page, description: str, key: str, times: int) -> None:
    handle = slider(page, description).locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(times):
        handle.press(key)


def wait_for_label(page, text: str, timeout: int = 60_000) -> None:
    """Wait until a label of some widget reads exactly ``text``."""
    try:
        page.wait_for_function(
            "text => [...document.querySelectorAll('.widget-label')].some(e => e.innerText === text)", arg=text,
            timeout=timeout,
        )
    except Exception:
        labels = page.evaluate("() => [...document.querySelectorAll('.widget-label')].map(e => e.innerText)")
        raise AssertionError(f"no widget label reads {text!r}; the labels read {labels}") from None


def test_tour_runs_in_jupyterlab_and_its_slider_works(jupyterlab, lab_root):
    runs = datasets.load_chinchilla()
    largest = runs.loc[np.isclose(np.log10(runs["C"]), np.log10(3e21), atol=0.1), "loss"].to_numpy()
    expected = IntervalExplorer(largest, label="mean loss", n_boot=N_BOOT, rng=SEED)

    with notebook_page(jupyterlab, "00_tour.ipynb") as page:
        readout = page.locator(".widget-label", has_text="interval")
        readout.wait_for(timeout=120_000)
        assert readout.inner_text() == describe_interval(expected.result, ci=0.95, label="mean loss")

        press(page, "level", "ArrowLeft", 15)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.widget-label')].some(e => e.innerText.includes('80%'))",
            timeout=30_000,
        )
        shown_level = float(slider(page, "level").locator(".widget-readout").inner_text())
        assert shown_level == pytest.approx(0.80)
        assert readout.inner_text() == describe_interval(expected.result, ci=shown_level, label="mean loss")
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))

        source = lab_root / "00_tour.py"
        before = source.stat().st_mtime_ns
        page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
        deadline = time.monotonic() + 30
        while source.stat().st_mtime_ns == before and time.monotonic() < deadline:
            time.sleep(0.2)
        assert source.stat().st_mtime_ns > before, "saving the notebook did not write its paired .py source"
        saved = jupytext.read(source)
        assert any("IntervalExplorer(" in c.source for c in saved.cells) and not any(
            c.get("outputs") for c in saved.cells)


WIDGETS = """\
import numpy as np
from analysis import datasets
from analysis.calibration.widgets import ECEExplorer
from analysis.ranking.widgets import LeaderboardExplorer
from analysis.rashomon import SparseTreeRashomonSet
from analysis.rashomon.widgets import TreeSetExplorer
from analysis.scaling import chinchilla
from analysis.scaling.widgets import ExtrapolationExplorer
{data}
display(ECEExplorer(y, p))
display(ExtrapolationExplorer(runs=datasets.load_chinchilla(), starts=chinchilla.start_grid()[::45], max_compute=1e21))
display(LeaderboardExplorer(datasets.load_leaderboard("helm_lite"), method="borda"))
display(TreeSetExplorer(SparseTreeRashomonSet(3, 0.01, 0.1).fit(X, labels)))
"""
DATA = """\
rng = np.random.default_rng(0)
p = rng.uniform(size=600)
y = (rng.uniform(size=600) < p**1.5).astype(int)
X = rng.integers(0, 2, (400, 6))
labels = (X[:, 0] ^ (X[:, 1] & X[:, 2]) ^ (rng.uniform(size=400) < 0.15)).astype(int)
"""


def test_every_themed_widget_drives_its_readout_in_jupyterlab(jupyterlab, lab_root):
    from analysis.calibration.widgets import describe_ece
    from analysis.ranking import leaderboard_change
    from analysis.rashomon import SparseTreeRashomonSet
    from analysis.rashomon.widgets import describe_tree_set
    from analysis.scaling import chinchilla
    from analysis.scaling.widgets import extrapolation_summary

    nb = jupytext.reads(WIDGETS.format(data=DATA), fmt="py:percent")
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    jupytext.write(nb, lab_root / "widgets.ipynb")
    data = {"np": np}
    exec(DATA, data)
    with notebook_page(jupyterlab, "widgets.ipynb") as page:
        # calibration: fewer bins, then equal-mass bins
        wait_for_label(page, describe_ece(data["y"], data["p"], 15, "uniform"), timeout=120_000)
        press(page, "bins", "ArrowLeft", 5)
        wait_for_label(page, describe_ece(data["y"], data["p"], 10, "uniform"))
        page.locator(".widget-toggle-button", has_text="quantile").click()
        wait_for_label(page, describe_ece(data["y"], data["p"], 10, "quantile"))

        # scaling: hold out the largest runs (the readout's 3 digits fall between the runs' compute budgets)
        runs, starts = datasets.load_chinchilla(), chinchilla.start_grid()[::45]
        press(page, "max C", "ArrowLeft", 10)
        page.wait_for_timeout(500)
        cutoff = float(slider(page, "max C").locator(".widget-readout").inner_text())
        assert cutoff < 1e21
        wait_for_label(page, extrapolation_summary(runs, cutoff, 1e-3, starts=starts))

        # ranking: drop the first scenario of HELM Lite
        helm = datasets.load_leaderboard("helm_lite")
        page.locator(".widget-select-multiple select").first.select_option(label=helm.columns[0])
        _, tau = leaderboard_change(helm, drop_tasks=[helm.columns[0]], method="borda")
        wait_for_label(page, f"{len(helm)} systems, {helm.shape[1] - 1} tasks: Kendall tau to the full ranking "
                             f"{tau:.3f}")

        # Rashomon: a smaller epsilon read off the same set
        rset = SparseTreeRashomonSet(3, 0.01, 0.1).fit(data["X"], data["labels"])
        press(page, "epsilon", "ArrowLeft", 5)
        shown = float(slider(page, "epsilon").locator(".widget-readout").inner_text())
        assert shown == pytest.approx(0.09)
        wait_for_label(page, describe_tree_set(rset, shown))
        page.screenshot(path=str(SCREENSHOT.with_name("widgets.png")), full_page=True)

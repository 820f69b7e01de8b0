"""The tour notebook in a real browser: JupyterLab in headless Chromium, opened through its jupytext pairing as
``make lab`` sets it up, run all, move the slider, save back to the source."""

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
def jupyterlab(tmp_path):
    """A JupyterLab server on 127.0.0.1 serving the tour notebook; stopped by its own PID."""
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
    port, token = _free_port(), "analysis-browser-test"
    server = subprocess.Popen(
        [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
            "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            "--LabApp.expose_app_in_browser=True", "--LabServerApp.open_browser=False",
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
        yield f"{url}/lab/tree/00_tour.ipynb?token={token}", root
    finally:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        assert server.poll() is not None


def test_tour_runs_in_jupyterlab_and_its_slider_works(jupyterlab):
    from playwright.sync_api import sync_playwright

    url, root = jupyterlab
    runs = datasets.load_chinchilla()
    largest = runs.loc[np.isclose(np.log10(runs["C"]), np.log10(3e21), atol=0.1), "loss"].to_numpy()
    expected = IntervalExplorer(largest, label="mean loss", n_boot=N_BOOT, rng=SEED)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.wait_for_selector(".jp-Notebook", timeout=60_000)
            page.wait_for_function(
                "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                " return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel"
                " && w.sessionContext.session.kernel.status === 'idle'; }",
                timeout=60_000,
            )
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            readout = page.locator(".widget-label", has_text="interval")
            readout.wait_for(timeout=120_000)
            assert readout.inner_text() == describe_interval(expected.result, 0.95, "mean loss")

            handle = page.locator(".widget-hslider .noUi-handle")
            handle.scroll_into_view_if_needed()
            handle.focus()
            for _ in range(15):
                handle.press("ArrowLeft")
            page.wait_for_function(
                "() => [...document.querySelectorAll('.widget-label')].some(e => e.innerText.includes('80%'))",
                timeout=30_000,
            )
            shown_level = float(page.locator(".widget-hslider .widget-readout").inner_text())
            assert shown_level == pytest.approx(0.80)
            assert readout.inner_text() == describe_interval(expected.result, shown_level, "mean loss")
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))

            source = root / "00_tour.py"
            before = source.stat().st_mtime_ns
            page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
            deadline = time.monotonic() + 30
            while source.stat().st_mtime_ns == before and time.monotonic() < deadline:
                time.sleep(0.2)
            assert source.stat().st_mtime_ns > before, "saving the notebook did not write its paired .py source"
            saved = jupytext.read(source)
            assert any("IntervalExplorer(" in c.source for c in saved.cells) and not any(
                c.get("outputs") for c in saved.cells)
        finally:
            browser.close()

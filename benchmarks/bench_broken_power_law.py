"""Grid search over a broken power law: vectorised batches against scipy.optimize.brute.

Same grid (6 values per parameter, 46,656 points), same objective (half the sum
of squared log-residuals), no polishing on either side; the difference reported
is between the best objectives found.
"""

import numpy as np
import pandas as pd
from scipy import optimize

from analysis.scaling import broken_power_law, grid_search

from run import Case, Growth

law = broken_power_law(1)
truth = {"a": 0.5, "b": 20.0, "c0": 0.2, "c1": 0.4, "d1": 1e5, "f1": 0.5}
x = np.geomspace(1e3, 1e7, 60)
y = law(truth, x=x) * np.exp(np.random.default_rng(0).normal(0, 0.005, x.size))
runs = pd.DataFrame({"x": x, "loss": y})
ranges = {
    "a": (0.1, 1.0, 0.15), "b": (5.0, 35.0, 5.0), "c0": (0.05, 0.35, 0.05),
    "c1": (0.1, 0.7, 0.1), "d1": (2e4, 2e5, 3e4), "f1": (0.2, 0.75, 0.1),
}
grid = {k: np.arange(*r) for k, r in ranges.items()}


def objective(p):
    a, b, c0, c1, d1, f1 = p
    pred = a + b * x**-c0 * (1 + (x / d1) ** (1 / f1)) ** (-c1 * f1)
    return 0.5 * np.sum((np.log(pred) - np.log(y)) ** 2)


def ours():
    return grid_search(runs, law, grid, x="x", loss="squared")["objective"].iloc[0]


def reference():
    return optimize.brute(objective, [slice(*r) for r in ranges.values()], finish=None, full_output=True)[1]


CASES = [Case("broken power law, 46,656-point grid (best objective; 5 runs of 5 calls)", ours, reference,
              "scipy.optimize.brute", repeat=5, number=5, warmup=1)]


def _axes(points):
    """``points ** (1/6)`` values per parameter over the same ranges: as arrays (ours) and as slices (brute)."""
    m = round(points ** (1 / 6))
    axes = {k: np.linspace(lo, hi - step, m) for k, (lo, hi, step) in ranges.items()}
    return axes, [slice(v[0], v[-1] + (v[1] - v[0]) / 2, v[1] - v[0]) for v in axes.values()]


GROWTH = [Growth("broken power law grid, time against grid points", [3**6, 4**6, 6**6, 8**6],
                 lambda n: grid_search(runs, law, _axes(n)[0], x="x", loss="squared"),
                 lambda n: optimize.brute(objective, _axes(n)[1], finish=None), "scipy.optimize.brute",
                 size_name="points")]

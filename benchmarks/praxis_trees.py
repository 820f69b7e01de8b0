"""Time PRAXIS and ArborEnum on 0/1 data read from stdin (JSON); print each setting's counts and seconds (JSON).

Runs in its own environment (``.venv-praxis``, made by ``make benchmarks``):
``tree-praxis`` and ``arborenum`` are compiled against the newest numpy and
pandas. Both print their progress from C++; it goes to /dev/null. Each fit is
timed at its best of three, after one warm-up fit.
"""

import json
import sys
import time

import numpy as np
from arborenum import ArborEnum
from praxis import PRAXIS

from run import quiet_stdout  # this folder's runner: numpy and pandas only


def fit(name, options):
    """A fitted model of tool ``name`` (ArborEnum's entry point for 0/1 features is ``fit_binarized``)."""
    if name == "PRAXIS":
        model = PRAXIS()
        model.fit(X, y, **options)
    else:
        model = ArborEnum()
        model.fit_binarized(X, y, **options)
    return model


request = json.load(sys.stdin)
X, y = np.asarray(request["X"], dtype=np.uint8), np.asarray(request["y"], dtype=np.int64)
results = []
with quiet_stdout():
    for depth, lam, mult in request["settings"]:
        options = dict(lambda_reg=lam, depth_budget=depth, rashomon_mult=mult, majority_leaf_only=False)
        row = {}
        for name in ("PRAXIS", "ArborEnum"):
            fit(name, options)
            times = []
            for _ in range(3):
                start = time.perf_counter()
                model = fit(name, options)
                times.append(time.perf_counter() - start)
            row[name] = {"count": int(model.count_trees()), "optimum": int(model.get_min_objective()),
                         "seconds": min(times)}
        results.append(row)
print(json.dumps(results))

"""Compute-optimal allocation as a function of the parameters."""

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis.scaling import compute_optimal, optimal_tokens_per_param


def test_optimal_tokens_per_param_is_compute_optimal_elementwise():
    params = {"A": 406.4, "B": 410.7, "E": 1.69, "alpha": 0.34, "beta": 0.28}
    table = compute_optimal(params, [1e21, 5.88e23])
    for C, expected in zip(table["C"], table["tokens_per_param"]):
        assert optimal_tokens_per_param(params, C) == pytest.approx(expected, rel=1e-12)
    # over rows of parameters, as a derived quantity of bootstrap draws or near-optimal members
    rows = pd.DataFrame([params, params | {"alpha": 0.30}])
    each = [optimal_tokens_per_param(dict(row), 5.88e23) for _, row in rows.iterrows()]
    np.testing.assert_allclose(optimal_tokens_per_param(rows, 5.88e23), each, rtol=1e-12)
    # D_opt / N_opt = (C / 6) / N_opt^2 with N_opt = G (C / 6)^a, in closed form
    G = (0.34 * 406.4 / (0.28 * 410.7)) ** (1 / 0.62)
    assert optimal_tokens_per_param(params, 6e22) == pytest.approx(1e22 / (G * 1e22 ** (0.28 / 0.62)) ** 2)
    with pytest.raises(AnalysisInputError, match="params"):
        optimal_tokens_per_param({"A": 1.0}, 1e22)

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis.scaling import backtest, chinchilla, fit_scaling_law

STARTS = chinchilla.start_grid()[::45]


@pytest.fixture(scope="module")
def runs():
    truth = {"A": 400.0, "B": 1800.0, "E": 1.8, "alpha": 0.34, "beta": 0.37}
    rng = np.random.default_rng(0)
    N = np.exp(rng.uniform(np.log(5e7), np.log(1e10), 120))
    D = np.exp(rng.uniform(np.log(1e9), np.log(3e11), 120))
    loss = chinchilla(truth, N=N, D=D) * np.exp(rng.normal(0, 0.01, 120))
    return pd.DataFrame({"N": N, "D": D, "C": 6 * N * D, "loss": loss})


def test_errors_equal_an_independent_fit_and_predict(runs):
    result = backtest(runs, [1e20, 1e21], starts=STARTS, loss="squared")
    for row in result.errors.itertuples():
        train, test = runs[runs["C"] <= row.cutoff], runs[runs["C"] > row.cutoff]
        predicted = fit_scaling_law(train, starts=STARTS, loss="squared").predict(test)
        error = np.abs(predicted - test["loss"].to_numpy())
        assert (row.n_train, row.n_test) == (len(train), len(test))
        assert row.mae == pytest.approx(error.mean(), rel=1e-9)
        assert row.mape == pytest.approx(100 * np.mean(error / test["loss"]), rel=1e-9)
    assert len(result.predictions) == result.errors["n_test"].sum()
    # noise is 1% in log space, so a good law extrapolates with about 1% error
    assert (result.errors["mape"] < 3).all()
    assert result.plot().get_ylabel() == "predicted / observed loss"
    plt.close("all")


def test_cutoffs_must_split_the_runs(runs):
    with pytest.raises(AnalysisInputError, match="leave runs to fit and runs to predict"):
        backtest(runs, [runs["C"].max()], starts=STARTS)

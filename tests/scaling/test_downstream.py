import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

from analysis import AnalysisInputError
from analysis.scaling import (
    chain_by_model,
    chain_predictability,
    chinchilla,
    choice_chain,
    fit_accuracy_curve,
    fit_two_step,
)


def test_accuracy_curve_recovers_a_sigmoid():
    loss = np.linspace(1.5, 4.0, 30)
    acc = 0.25 + 0.7 * special.expit(-4.0 * (loss - 2.6))
    fixed = fit_accuracy_curve(loss, acc, floor=0.25, ceiling=0.95)
    assert (fixed.slope, fixed.midpoint) == pytest.approx((4.0, 2.6), rel=1e-6)
    free = fit_accuracy_curve(loss, acc, floor=None, ceiling=None)
    assert (free.floor, free.ceiling, free.slope, free.midpoint) == pytest.approx((0.25, 0.95, 4.0, 2.6), rel=1e-5)
    np.testing.assert_allclose(free.predict(loss), acc, atol=1e-8)
    with pytest.raises(AnalysisInputError, match="percentages, divide by 100"):
        fit_accuracy_curve(loss, acc * 100)


def test_two_step_predicts_larger_models():
    truth = {"A": 400.0, "B": 1800.0, "E": 1.8, "alpha": 0.34, "beta": 0.37}
    rng = np.random.default_rng(0)
    N = np.exp(rng.uniform(np.log(5e7), np.log(2e10), 60))
    D = 20 * N * np.exp(rng.uniform(-1, 1, 60))
    task_loss = chinchilla(truth, N=N, D=D) * np.exp(rng.normal(0, 0.003, 60))
    acc = 0.25 + 0.75 * special.expit(-6 * (task_loss - 2.3)) + rng.normal(0, 0.005, 60)
    runs = pd.DataFrame({"N": N, "D": D, "C": 6 * N * D, "task_loss": task_loss, "accuracy": np.clip(acc, 0, 1)})
    small, large = runs[runs["C"] < 1e21], runs[runs["C"] >= 1e21]
    fit = fit_two_step(small, floor=0.25, ceiling=1.0, loss="squared", starts=chinchilla.start_grid()[::9])
    error = np.abs(fit.predict(large) - large["accuracy"])
    assert error.mean() < 0.02
    assert set(fit.to_frame()["step"]) == {"scale -> loss", "loss -> accuracy"}
    fig, axes = plt.subplots(1, 2)
    fit.plot(small, large, axes=axes)
    fitted, held_out, predicted = axes[0].collections
    np.testing.assert_allclose(held_out.get_offsets(), large[["C", "task_loss"]].to_numpy())
    np.testing.assert_allclose(predicted.get_offsets()[:, 1], fit.loss_fit.predict(large))
    grid, curve = axes[1].get_lines()[0].get_data()
    np.testing.assert_allclose(curve, fit.accuracy_curve.predict(grid))
    assert grid.min() == runs["task_loss"].min() and grid.max() == runs["task_loss"].max()
    plt.close(fig)


@pytest.fixture
def chain_inputs():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(5, 40, 4))
    logits[0, 0] = [1.0, 1.0, 0.0, -1.0]  # a tie between the correct choice 0 and choice 1
    logprobs = logits - 2.0  # unnormalised: choices do not exhaust the model's probability
    correct = rng.integers(0, 4, 40)
    correct[0] = 0
    return logprobs, correct


def test_choice_chain_equals_a_loop(chain_inputs):
    logprobs, correct = chain_inputs
    chain = choice_chain(logprobs, correct)
    for m in range(5):
        for i in range(40):
            lp, c = logprobs[m, i], correct[i]
            p = np.exp(lp) / np.exp(lp).sum()
            winners = np.flatnonzero(lp == lp.max())
            assert chain["nll"][m, i] == pytest.approx(-lp[c])
            assert chain["p_correct"][m, i] == pytest.approx(np.exp(lp[c]))
            assert chain["p_choice"][m, i] == pytest.approx(p[c])
            assert chain["accuracy"][m, i] == pytest.approx(1 / len(winners) if c in winners else 0.0)
            assert chain["brier"][m, i] == pytest.approx(np.sum((p - np.eye(4)[c]) ** 2))
    assert chain["accuracy"][0, 0] == 0.5


def test_chain_predictability_equals_scipy(chain_inputs):
    logprobs, correct = chain_inputs
    chain = choice_chain(logprobs, correct)
    compute = np.geomspace(1e19, 1e23, 5)
    result = chain_predictability(chain, compute)
    for i in (1, 7, 20):
        expected = stats.spearmanr(np.log(compute), chain["p_choice"][:, i]).statistic
        assert result.correlations.loc[i, "p_choice"] == pytest.approx(expected)
    pearson = chain_predictability(chain, compute, method="pearson")
    assert pearson.correlations.loc[3, "nll"] == pytest.approx(
        stats.pearsonr(np.log(compute), chain["nll"][:, 3]).statistic)
    assert list(result.to_frame()["quantity"]) == ["nll", "p_correct", "p_choice", "accuracy", "brier"]
    assert result.plot().get_ylim() == (-1.05, 1.05)
    plt.close("all")


def test_chain_input_errors(chain_inputs):
    logprobs, correct = chain_inputs
    with pytest.raises(AnalysisInputError, match="labels in 0"):
        choice_chain(logprobs, np.full(40, 4))
    with pytest.raises(AnalysisInputError, match="40 items"):
        choice_chain(logprobs, correct[:10])
    with pytest.raises(AnalysisInputError, match="5 models"):
        chain_predictability(choice_chain(logprobs, correct), [1e20, 1e21])


def test_simulated_benchmark_follows_its_stated_process():
    from analysis.scaling import simulate_multiple_choice

    compute = np.geomspace(1e19, 1e24, 6)
    logprobs, correct = simulate_multiple_choice(compute, n_items=2000, rng=0)
    chain = choice_chain(logprobs, correct)
    # mass on the offered choices is sigmoid(skill - 2): its log is the logsumexp over choices
    skill = 0.8 * np.log10(compute / compute.min())
    np.testing.assert_allclose(special.logsumexp(logprobs, axis=2), np.broadcast_to(
        special.log_expit(skill - 2)[:, None], (6, 2000)), atol=1e-12)
    accuracy = chain["accuracy"].mean(axis=1)
    assert accuracy[0] == pytest.approx(0.25, abs=0.03)  # the smallest model guesses
    assert accuracy[-1] > 0.85 and np.all(np.diff(accuracy) > 0)
    again, _ = simulate_multiple_choice(compute, n_items=2000, rng=0)
    assert np.array_equal(again, logprobs)


def test_chain_by_model_equals_the_chain_of_the_stacked_arrays():
    rng = np.random.default_rng(3)
    logprobs = -rng.exponential(size=(2, 30, 4))
    answer = rng.integers(0, 4, 30)
    table = pd.DataFrame({"model": np.repeat(["a", "b"], 30), "task": "t", "answer": np.tile(answer, 2),
                          "logprobs": [list(row) for row in logprobs.reshape(60, 4)]})
    mixed = pd.concat([table, pd.DataFrame({"model": "a", "task": "u", "answer": [1], "logprobs": [[-2.0, -0.5]]})])
    out = chain_by_model(mixed)
    chain = choice_chain(logprobs, answer)
    for k, model in enumerate("ab"):
        for name, values in chain.items():
            assert out.loc[(model, "t"), name] == pytest.approx(values[k].mean())
    assert out.loc[("a", "u"), "accuracy"] == 1 and out.loc[("a", "u"), "n"] == 1
    assert out.loc[("a", "u"), "p_choice"] == pytest.approx(np.exp(-0.5) / (np.exp(-0.5) + np.exp(-2.0)))
    with pytest.raises(AnalysisInputError, match="generation tasks"):
        chain_by_model(table.assign(logprobs=[None] + list(table["logprobs"][1:])))
    with pytest.raises(AnalysisInputError, match="answer"):
        chain_by_model(table.assign(answer=np.nan))

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis.scaling import KAPLAN_2020, KaplanLaw, fit_scaling_law, kaplan_steps, power_law, steps_tradeoff

K = KAPLAN_2020


def test_loss_matches_eq_5_6():
    N, S = np.array([1e7, 1e9]), np.array([1e4, 1e5])
    expected = (8.8e13 / N) ** 0.076 + (2.1e3 / S) ** 0.76
    np.testing.assert_allclose(K.loss(N, S), expected, rtol=1e-14)
    np.testing.assert_allclose(kaplan_steps({"A": 8.8e13**0.076, "B": 2.1e3**0.76, "alpha_N": 0.076,
                                             "alpha_S": 0.76}, N=N, S_min=S), expected, rtol=1e-12)


def test_steps_and_tokens_satisfy_kaplans_tradeoff():
    N, L = 1e8, 3.2
    for B in (1e4, 2e5, 5e6):
        S, E = K.steps(L, N, B), K.tokens(L, N, B)
        # eq. 5.4: (S / S_min - 1)(E / E_min - 1) = 1
        assert (S / K.min_steps(L, N) - 1) * (E / K.min_tokens(L, N) - 1) == pytest.approx(1.0, rel=1e-12)
    # reaching L in min_steps exactly inverts the law
    assert K.loss(N, K.min_steps(L, N)) == pytest.approx(L, rel=1e-12)
    assert np.isinf(K.min_steps(K.min_loss(N) - 0.01, N))


def test_plots_draw_the_trajectory_and_the_tradeoff():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    S = np.geomspace(1e3, 1e5, 9)
    K.plot_trajectory(1e8, 2**20, S, ax=ax, ls="--")
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), K.trajectory(1e8, 2**20, S))
    K.plot_tradeoff(3.2, 1e8, [2**16, 2**20], ax=ax)
    np.testing.assert_allclose(ax.get_lines()[1].get_xydata(), np.column_stack(
        [K.steps(3.2, 1e8, np.array([2**16, 2**20])), K.tokens(3.2, 1e8, np.array([2**16, 2**20]))]))
    # at B_crit both cost twice their minimum
    np.testing.assert_allclose(ax.collections[0].get_offsets()[0], [2 * K.min_steps(3.2, 1e8),
                                                                     2 * K.min_tokens(3.2, 1e8)], rtol=1e-12)
    plt.close(fig)


def test_critical_batch_size():
    assert K.critical_batch_size(2.0) == pytest.approx(2.1e8 / 2.0 ** (1 / 0.21))


def test_trajectory_solves_the_implicit_equation():
    S = np.geomspace(1e3, 1e6, 7)
    L = K.trajectory(1e8, 2**19, S)
    s_min = S / (1 + K.critical_batch_size(L) / 2**19)
    np.testing.assert_allclose(L, K.loss(1e8, s_min), rtol=1e-10)
    assert np.all(np.diff(L) < 0) and L[-1] > K.min_loss(1e8)
    # a larger batch needs fewer steps: lower loss at the same step
    assert np.all(K.trajectory(1e8, 2**22, S) < L)


def test_fitted_from_small_models_recovers_the_law():
    rng = np.random.default_rng(0)
    N = np.repeat(np.geomspace(1e6, 1e8, 6), 8)
    S_min = np.tile(np.geomspace(2e3, 2e5, 8), 6)
    runs = pd.DataFrame({"N": N, "S_min": S_min, "loss": K.loss(N, S_min) * np.exp(rng.normal(0, 0.002, N.size))})
    steps_fit = fit_scaling_law(runs, kaplan_steps, loss="squared")
    losses = np.linspace(2.5, 5, 10)
    batch = pd.DataFrame({"loss": losses, "B_crit": K.critical_batch_size(losses) * np.exp(rng.normal(0, 0.02, 10))})
    batch_fit = fit_scaling_law(batch, power_law, x="loss", y="B_crit", loss="squared")
    fitted = KaplanLaw.from_fits(steps_fit, batch_fit)
    assert fitted.alpha_N == pytest.approx(0.076, rel=0.05) and fitted.alpha_S == pytest.approx(0.76, rel=0.05)
    assert fitted.alpha_B == pytest.approx(0.21, rel=0.05)
    # extrapolated to a 10x larger model than any fitted
    assert fitted.min_loss(1e9) == pytest.approx(K.min_loss(1e9), rel=0.02)


def test_bad_input():
    with pytest.raises(AnalysisInputError, match="`N`: expected positive"):
        K.min_loss(0.0)


def test_steps_tradeoff_recovers_s_min_and_b_crit():
    N, L = 1e8, 3.0
    B = np.array([2**14, 2**16, 2**18, 2**20, 2**22])
    s_min, b_crit = steps_tradeoff(B, K.steps(L, N, B))
    assert s_min == pytest.approx(K.min_steps(L, N), rel=1e-9)
    assert b_crit == pytest.approx(K.critical_batch_size(L), rel=1e-9)
    with pytest.raises(AnalysisInputError, match="two distinct batch sizes"):
        steps_tradeoff([8, 8], [100, 110])
    with pytest.raises(AnalysisInputError, match="fall with batch size"):
        steps_tradeoff([8, 16, 32], [100, 200, 400])

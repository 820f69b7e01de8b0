import matplotlib.pyplot as plt
import numpy as np
import pytest

from analysis import AnalysisInputError
from analysis.rashomon import LogisticRashomonSet, interaction_cloud, interaction_halo


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 2, (60, 3)).astype(float)
    logit = X @ [1.5, -1.0, 0.5] + 2.0 * X[:, 0] * X[:, 1] - 0.5
    y = (rng.random(60) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


def brute_switch(w, X, y, columns, include_self):
    """Mean log-loss over all (ordered) pairs of rows with `columns` taken from the partner."""
    n, total, pairs = len(y), 0.0, 0
    for i in range(n):
        for k in range(n):
            if i == k and not include_self:
                continue
            x = X[i].copy()
            x[columns] = X[k, columns]
            z = x @ w[:-1] + w[-1]
            total += np.logaddexp(0, z) - y[i] * z
            pairs += 1
    return total / pairs


@pytest.mark.parametrize("include_self", [False, True])
def test_scores_equal_all_pairs_switching(data, include_self):
    X, y = data
    rset = LogisticRashomonSet(0.1, l2_penalty=0.01).fit(X, y)
    members = np.vstack([rset._w, rset.sample(3, rng=0, burn_in=20)])
    cloud = interaction_cloud(rset, members, X, y, include_self=include_self)
    for m, w in enumerate(members):
        z = X @ w[:-1] + w[-1]
        e_orig = np.mean(np.logaddexp(0, z) - y * z)
        phi = [brute_switch(w, X, y, [j], include_self) - e_orig for j in range(3)]
        np.testing.assert_allclose(cloud.main.iloc[m], phi, atol=1e-12)
        joint = brute_switch(w, X, y, [0, 1], include_self) - e_orig
        assert cloud.fis["x0 x x1"].iloc[m] == pytest.approx(joint - phi[0] - phi[1], abs=1e-12)
    triples = interaction_cloud(rset, members[:2], X, y, subsets=[(0, 1, 2)], include_self=include_self)
    for m, w in enumerate(members[:2]):
        z = X @ w[:-1] + w[-1]
        e_orig = np.mean(np.logaddexp(0, z) - y * z)
        phi = [brute_switch(w, X, y, [j], include_self) - e_orig for j in range(3)]
        joint = brute_switch(w, X, y, [0, 1, 2], include_self) - e_orig
        assert triples.fis["x0 x x1 x x2"].iloc[m] == pytest.approx(joint - sum(phi), abs=1e-12)
    assert cloud.inside.all() and cloud.reference == 0
    table = cloud.to_frame()
    assert (table.low <= table.reference).all() and (table.reference <= table.high).all()


def test_candidates_outside_are_flagged_and_plots_draw(data):
    X, y = data
    rset = LogisticRashomonSet(0.05).fit(X, y)
    far = rset._w * 3
    cloud = interaction_cloud(rset, np.vstack([rset._w, far]), X, y)
    np.testing.assert_array_equal(cloud.inside, [True, False])
    halo = interaction_halo(rset, X, y, 0, 1, n_angles=12)
    t = halo.table
    assert len(t) == 12 and np.isfinite(t.fis).all()
    # each boundary point is the model with those masks: its own FIS from the cloud equals the halo's
    masked = rset._w.copy()
    masked[[0, 1]] *= [t.m_i[3], t.m_j[3]]
    direct = interaction_cloud(rset, masked[None], X, y, subsets=[(0, 1)])
    assert direct.fis.iloc[0, 0] == pytest.approx(t.fis[3], rel=1e-9)
    fig, axes = plt.subplots(1, 2)
    assert cloud.plot_swarm(ax=axes[0]) is axes[0]
    assert halo.plot(ax=axes[1]) is axes[1]
    norm = axes[1].collections[0].norm
    assert norm.vcenter == 0 and norm.vmin == -norm.vmax  # diverging map centred on no interaction
    plt.close(fig)
    with pytest.raises(AnalysisInputError, match="columns"):
        interaction_cloud(rset, np.ones((2, 3)), X, y)


def test_same_scores_as_generalized_rashomon_set_permutations(data):
    grs = pytest.importorskip("generalized_rashomon_set")
    from sklearn.linear_model import LogisticRegression

    X, y = data
    model = LogisticRegression(tol=1e-12).fit(X, y)
    explainer = grs.RashomonExplainer(model, X, y, loss="log_loss", epsilon_rate=0.05, n_jobs=1, random_state=0,
                                      shuffle_times=500)
    theirs = explainer.explain_reference()
    rset = LogisticRashomonSet(0.05, l2_penalty=1 / len(y)).fit(X, y)
    ours = interaction_cloud(rset, rset._w, X, y, switch="independent", include_self=True)
    # theirs average 500 random permutations of 60 rows: Monte Carlo error ~ 2e-3
    np.testing.assert_allclose(ours.main.iloc[0], theirs.main_effects, atol=4e-3)
    np.testing.assert_allclose(ours.fis.iloc[0], theirs.fis, atol=6e-3)
    assert np.abs(ours.fis.iloc[0]).max() > 0.01  # the interaction is there to be found

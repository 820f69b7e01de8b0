import numpy as np
import pytest

from analysis.rashomon import SparseTreeRashomonSet, rashomon_importance_distribution


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 2, (150, 4))
    y = ((X[:, 0] & X[:, 1]) ^ (rng.random(150) < 0.15)).astype(int)
    return X, y


def test_rid_mixes_sets_of_bootstrap_data_equally(data):
    X, y = data
    rid = rashomon_importance_distribution(X, y, n_boot=4, max_depth=2, epsilon=0.1, rng=7)
    # the same computation by hand, with the same resamples
    indices = np.random.default_rng(7).integers(0, len(y), (4, len(y)))
    for j, name in enumerate(rid.values):
        pooled, pooled_w = [], []
        for idx in indices:
            rset = SparseTreeRashomonSet(2, 0.01, 0.1).fit(X[idx], y[idx])
            mr = rset.model_reliance(kind="difference").to_numpy()[:, j]
            pooled.append(mr)
            pooled_w.append(np.full(len(mr), 1 / len(mr) / 4))
        pooled, pooled_w = np.concatenate(pooled), np.concatenate(pooled_w)
        for t in np.quantile(pooled, [0.1, 0.5, 0.9]):
            assert rid.cdf(name, t)[0] == pytest.approx(pooled_w[pooled <= t].sum(), abs=1e-12)
        assert rid.to_frame().set_index("variable").loc[name, "mean"] == pytest.approx(pooled @ pooled_w)
    table = rid.to_frame()
    assert table.set_index("variable").loc["x0", "median"] > table.set_index("variable").loc["x3", "median"]
    assert len(rid.set_sizes) == 4 and rid.set_sizes.min() >= 1

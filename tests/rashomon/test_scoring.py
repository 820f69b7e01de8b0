import itertools
from fractions import Fraction

import numpy as np
import pytest

from analysis import AnalysisInputError
from analysis.rashomon import ScoringSystemRashomonSet


def brute_force(X, y, k, R, B, lam, eps, absolute=False):
    n, p = X.shape
    lam, eps = Fraction(str(lam)), Fraction(str(eps))
    models = []
    for coefs in itertools.product(range(-R, R + 1), repeat=p):
        used = sum(c != 0 for c in coefs)
        if used > k:
            continue
        for b in range(-B, B + 1):
            errors = int(np.sum(((X @ np.array(coefs) + b) > 0).astype(int) != y))
            models.append((coefs, b, Fraction(errors, n) + lam * used))
    best = min(m[2] for m in models)
    bound = best + eps if absolute else best * (1 + eps)
    return sorted((c, b) for c, b, o in models if o <= bound), len(models)


@pytest.mark.parametrize("seed, absolute", [(0, False), (1, False), (2, True)])
def test_same_systems_as_brute_force(seed, absolute):
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 2, (50, 4))
    y = ((X[:, 0] + X[:, 1] - X[:, 2] > 0) ^ (rng.random(50) < 0.15)).astype(int)
    eps = 0.04 if absolute else 0.3
    expected, n_all = brute_force(X, y, 2, 2, 3, 0.02, eps, absolute)
    rset = ScoringSystemRashomonSet(2, 2, intercept_range=3, regularization=0.02, epsilon=eps,
                                    epsilon_type="absolute" if absolute else "relative").fit(X, y)
    ours = sorted((tuple(int(c) for c in coefs), int(b)) for coefs, b in zip(rset.coefs_, rset.intercepts_))
    assert ours == expected
    assert rset.n_candidates_ == n_all
    np.testing.assert_allclose((rset.predict(X) != y).mean(axis=1), rset.losses_, atol=1e-15)
    assert np.all(np.diff(rset.objectives_) >= 0)
    stats = rset.multiplicity()
    assert 0 <= stats["discrepancy"] <= stats["ambiguity"] <= 1 and stats["n_patterns"] >= 1
    assert '"points"' in rset.to_json(limit=3) and len(rset.to_frame()) == rset.n_models_


def test_bad_input():
    with pytest.raises(AnalysisInputError, match="0/1"):
        ScoringSystemRashomonSet().fit([[0.5, 1]], [1])
    with pytest.raises(AnalysisInputError, match="both present"):
        ScoringSystemRashomonSet().fit([[0, 1], [1, 1]], [1, 1])

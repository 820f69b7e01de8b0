import numpy as np
import pytest
from scipy import stats

import analysis
from analysis import AnalysisInputError, bootstrap, bootstrap_counts, bootstrap_indices


def mean(x):
    return x.mean(axis=1)


def weighted_mean(x, weights):
    return weights @ x / weights.sum(axis=1)


@pytest.fixture
def skewed():
    return np.random.default_rng(42).exponential(size=60)


def test_indices_are_scipys_draw():
    idx = bootstrap_indices(7, n_boot=5, rng=3)
    assert np.array_equal(idx, np.random.default_rng(3).integers(0, 7, (5, 7)))


@pytest.mark.parametrize("method", ["percentile", "BCa"])
def test_matches_scipy_bootstrap_on_the_same_resamples(skewed, method):
    ours = bootstrap(mean, skewed, n_boot=999, ci=0.9, method=method, rng=np.random.default_rng(7))
    ref = stats.bootstrap(
        (skewed,), np.mean, n_resamples=999, confidence_level=0.9, method=method, rng=np.random.default_rng(7)
    )
    np.testing.assert_allclose(ours.replicates, ref.bootstrap_distribution, rtol=1e-13)
    np.testing.assert_allclose([ours.interval.low, ours.interval.high], ref.confidence_interval, rtol=1e-12)
    np.testing.assert_allclose(ours.standard_error, ref.standard_error, rtol=1e-12)
    assert ours.interval.method == ("BCa" if method == "BCa" else "percentile")


def test_bca_differs_from_percentile_on_skewed_data(skewed):
    pct = bootstrap(mean, skewed, n_boot=2000, rng=0)
    bca = bootstrap(mean, skewed, n_boot=2000, rng=0, method="bca")
    assert bca.interval.high > pct.interval.high  # right-skewed: BCa shifts the interval up


def test_paired_matches_scipy_paired(skewed):
    y = skewed + np.random.default_rng(1).normal(size=skewed.size)

    def corr(a, b, axis=-1):
        return np.array([np.corrcoef(ai, bi)[0, 1] for ai, bi in zip(np.atleast_2d(a), np.atleast_2d(b))])

    ours = bootstrap(lambda a, b: corr(a, b), skewed, y, n_boot=300, method="bca", rng=5)
    ref = stats.bootstrap(
        (skewed, y), corr, paired=True, vectorized=True, n_resamples=300, method="BCa", rng=np.random.default_rng(5)
    )
    np.testing.assert_allclose(ours.replicates, ref.bootstrap_distribution, rtol=1e-12)
    np.testing.assert_allclose([ours.interval.low, ours.interval.high], np.ravel(ref.confidence_interval), rtol=1e-10)


def test_weighted_and_indexed_forms_agree(skewed):
    a = bootstrap(mean, skewed, n_boot=500, rng=11, method="bca")
    b = bootstrap(weighted_mean, skewed, n_boot=500, rng=11, method="bca", weighted=True)
    np.testing.assert_allclose(a.replicates, b.replicates, rtol=1e-12)
    np.testing.assert_allclose([a.interval.low, a.interval.high], [b.interval.low, b.interval.high], rtol=1e-12)


def test_batch_size_and_executor_do_not_change_numbers(skewed):
    whole = bootstrap(mean, skewed, n_boot=100, rng=2)
    for kwargs in ({"batch_size": 7}, {"batch_size": 13, "n_jobs": 2}):
        np.testing.assert_array_equal(bootstrap(mean, skewed, n_boot=100, rng=2, **kwargs).replicates, whole.replicates)


def test_standard_error_of_mean_matches_closed_form():
    x = np.random.default_rng(0).normal(size=200)
    res = bootstrap(mean, x, n_boot=20000, rng=1)
    assert res.standard_error == pytest.approx(x.std() / np.sqrt(x.size), rel=0.03)
    assert res.estimate == pytest.approx(x.mean(), rel=1e-14)


def test_vector_statistic_gives_one_interval_per_component():
    x = np.random.default_rng(0).normal(size=(50, 3)) + [0.0, 5.0, 10.0]
    res = bootstrap(lambda a: a.mean(axis=1), x, n_boot=400, rng=0, method="bca")
    assert res.replicates.shape == (400, 3)
    assert res.interval.contains(x.mean(axis=0)).all()
    frame = res.to_frame()
    assert frame.shape == (3, 5) and np.allclose(frame["estimate"], x.mean(axis=0))


def test_stratified_resamples_keep_every_stratum():
    strata = np.array(["a"] * 5 + ["b"] * 3 + ["a"] * 2)
    idx = bootstrap_indices(10, n_boot=200, rng=0, strata=strata)
    assert (strata[idx] == strata).all()  # each column draws from its own stratum
    counts = bootstrap_counts(10, n_boot=200, rng=0, strata=strata)
    assert np.array_equal(counts.sum(axis=1), np.full(200, 10))
    assert np.array_equal(counts, np.stack([np.bincount(r, minlength=10) for r in idx]))


def test_cluster_bootstrap_equals_bootstrap_of_cluster_means():
    rng = np.random.default_rng(3)
    clusters = np.repeat(np.arange(12), 4)  # 12 clusters of 4 rows
    x = rng.normal(size=12)[clusters] + 0.1 * rng.normal(size=48)
    res = bootstrap(weighted_mean, x, n_boot=300, weighted=True, clusters=clusters, rng=9)
    cluster_means = x.reshape(12, 4).mean(axis=1)
    ref = bootstrap(mean, cluster_means, n_boot=300, rng=9)  # the same cluster draws
    np.testing.assert_allclose(res.replicates, ref.replicates, rtol=1e-12)
    assert res.scheme == "clusters"
    counts = bootstrap_counts(48, n_boot=5, rng=0, clusters=clusters)
    assert (counts.reshape(5, 12, 4).std(axis=2) == 0).all()
    assert np.array_equal(counts.sum(axis=1), np.full(5, 48))


def test_cluster_bca_leaves_out_whole_clusters():
    clusters = np.repeat(np.arange(10), 3)
    x = np.random.default_rng(0).normal(size=30)
    res = bootstrap(weighted_mean, x, n_boot=200, weighted=True, clusters=clusters, rng=1, method="bca")
    assert res.interval.low < x.mean() < res.interval.high


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"ci": 95}, r"use 0\.95"),
        ({"method": "basic"}, "one of 'percentile', 'bca'"),
        ({"clusters": np.arange(6)}, "weighted"),
        ({"n_boot": 0}, "n_boot"),
        ({"rng": -3}, "rng"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(AnalysisInputError, match=match):
        bootstrap(mean, np.arange(6.0), **kwargs)


def test_bad_data_and_statistic():
    with pytest.raises(AnalysisInputError, match="same number of rows"):
        bootstrap(lambda a, b: a.mean(axis=1), np.arange(5.0), np.arange(6.0))
    with pytest.raises(AnalysisInputError, match="axis 1"):
        bootstrap(lambda x: x.mean(), np.arange(6.0))
    with pytest.raises(AnalysisInputError, match="one label per row"):
        bootstrap(mean, np.arange(6.0), strata=[0, 1])
    with pytest.raises(AnalysisInputError, match="at least one array"):
        bootstrap(mean)


def test_progress_bar_only_when_asked_or_slow(capsys, skewed):
    bootstrap(mean, skewed, n_boot=50, batch_size=10, rng=0)
    assert capsys.readouterr().err == ""
    bootstrap(mean, skewed, n_boot=50, batch_size=10, rng=0, progress=True)
    assert "bootstrap" in capsys.readouterr().err


def test_result_summary_names_the_scheme(skewed):
    res = bootstrap(mean, skewed, n_boot=100, rng=0)
    assert isinstance(res, analysis.BootstrapResult) and res.n_boot == 100
    assert "Bootstrap (100 resamples of rows, percentile interval)" in repr(res)
    assert "<table" in res._repr_html_()


def test_progress_bar_appears_for_slow_runs(capsys, monkeypatch, skewed):
    import time

    from analysis import _resample

    monkeypatch.setattr(_resample, "_PROGRESS_DECIDE_S", 0.01)
    monkeypatch.setattr(_resample, "_PROGRESS_AFTER_S", 0.01)

    def slow_mean(x):
        time.sleep(0.02)
        return x.mean(axis=1)

    bootstrap(slow_mean, skewed, n_boot=50, batch_size=5, rng=0)
    assert "10/10" in capsys.readouterr().err


def test_plot_draws_the_replicates_and_the_bounds(skewed):
    import matplotlib.pyplot as plt

    result = bootstrap(mean, skewed, n_boot=500, rng=0)
    fig, ax = plt.subplots()
    result.plot(ax=ax, color="C1")
    bars = [patch.get_height() for patch in ax.patches]
    assert sum(bars) == 500 and len(bars) == 40
    low, high = (line.get_xdata()[0] for line in ax.get_lines()[:2])
    assert (low, high) == (result.interval.low, result.interval.high)
    assert ax.get_legend_handles_labels()[1] == ["percentile"]
    result.plot(ax=ax, show_replicates=False, label="again")
    assert len(ax.patches) == 40 and ax.get_legend_handles_labels()[1] == ["percentile", "again"]
    vector = bootstrap(lambda x: np.stack([x.mean(axis=1), x.std(axis=1)], axis=1), skewed, n_boot=50, rng=0)
    with pytest.raises(AnalysisInputError, match="scalar statistic"):
        vector.plot(ax=ax)
    plt.close(fig)

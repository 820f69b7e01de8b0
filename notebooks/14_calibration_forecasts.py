# ---
# jupyter:
#   jupytext:
#     notebook_metadata_filter: -jupytext.text_representation
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Real forecasts: how calibrated is a weather ensemble?
#
# Eleven GEFS ensemble members forecast the 3-day precipitation at Innsbruck
# airport 5 to 8 days ahead; the station observed what fell (crch's
# `RainIbk`, 2000-2013, 4971 forecasts). An ensemble gives two forecasts at
# once: a probability for an event (the share of members above a threshold)
# and quantiles (the sorted members). We measure how calibrated each is, repair
# both on 2000-2008, and check the repair on 2009-2013.

# %% [markdown]
# ## Learning goals
#
# - Read a real ensemble as two forecasts: an event probability and a set of
#   quantiles.
# - Measure both kinds of calibration (ECE with intervals, the CORP
#   decomposition, the signed Balance score, the rank histogram).
# - Repair each on past years and check the repair on later ones.

# %% tags=["parameters"]
threshold = 10.0  # mm in 3 days: the event forecast
n_boot = 500
seed = 0
figure_dir = "../build/figures/14_calibration_forecasts"

# %%
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import datasets, style
from analysis.calibration import (
    BetaCalibration,
    HistogramBinning,
    IsotonicCalibration,
    PlattScaling,
    balance_report,
    by_model,
    corp_decomposition,
    cqr_quantiles,
    interval_coverage,
    predictions_table,
    rank_histogram,
    reliability_diagram,
    weighted_interval_score,
)

figure_dir = Path(figure_dir)
style.set_number_format()  # tables show 215 and 18.33, not 215.000000 and 1.832696e+01
rain = datasets.load_innsbruck_rain()
observed = rain["rain"].to_numpy()
members = np.sort(rain.filter(like="member_").to_numpy(), axis=1)
fit = rain.index.year <= 2008  # recalibrators are fitted on these years, judged on the rest
test = ~fit
print(f"{fit.sum()} forecasts to fit on, {test.sum()} to test on; "
      f"observed mean {observed.mean():.1f} mm, ensemble mean {members.mean():.1f} mm")

# %% [markdown]
# ## The probability forecast
#
# The forecast probability that more than `threshold` mm fall is the share of
# members above it: one of only 12 values, k/11. Twelve equal-width bins put
# each value in a bin of its own, so the binned ECE below has no binning error.

# %%
event = (observed > threshold).astype(int)
above = (members > threshold).sum(axis=1)
raw = above / 11
score = (above + 0.5) / 12  # shrunk away from 0 and 1 for the maps that need logits
logit = np.log(score / (1 - score))
maps = {
    "Platt": (PlattScaling(), logit),
    "beta": (BetaCalibration(), score),
    "isotonic": (IsotonicCalibration(), raw),
    "histogram (12 bins)": (HistogramBinning(n_bins=12), raw),
}
forecasts = {"ensemble share": raw[test]}
forecasts |= {name: m.fit(x[fit], event[fit]).transform(x[test]) for name, (m, x) in maps.items()}
y_test = event[test]
summary = by_model(predictions_table(y_test, forecasts, mode="positive"), n_bins=12, n_boot=n_boot, rng=seed)
corp = {name: corp_decomposition(y_test, p) for name, p in forecasts.items()}
summary["miscalibration_corp"] = pd.Series({name: c.miscalibration for name, c in corp.items()})
summary["discrimination_corp"] = pd.Series({name: c.discrimination for name, c in corp.items()})
summary["balance"] = pd.Series({name: balance_report(y_test, p, n_bins=12).balance for name, p in forecasts.items()})
print(f"{y_test.mean():.0%} of the test windows exceed {threshold:g} mm")
style.readable_columns(summary.loc[list(forecasts), [
    "ece", "ece_low", "ece_high", "smooth_ece", "smooth_ece_low", "smooth_ece_high", "brier", "miscalibration_corp",
    "discrimination_corp", "balance"]]).round(4)

# %% [markdown]
# The raw ensemble is too wet: its share of members above the threshold
# overstates the chance of exceeding it. Every recalibration removes most of
# that, and none changes the discrimination much, since all of them are
# monotone maps of the same 12 values.

# %%
shown = ["ensemble share", "isotonic"]
with style.paper_figure(figure_dir / "event_reliability", venue="neurips", width="text", aspect=0.5,
                        ncols=2, sharey=True) as (fig, axes):
    for ax, name in zip(axes, shown):
        reliability_diagram(y_test, forecasts[name], n_bins=12, mode="positive", ci=0.9, n_boot=n_boot,
                            rng=seed).plot(ax=ax)
    style.outer_labels(axes, xlabel="forecast probability", ylabel="observed frequency")
    style.panel_labels(axes, [f"{name}, 2009-2013" for name in shown])
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2)

# %% [markdown]
# The raw share's bins fall below the diagonal from 0.4 up, far outside their
# bands. After isotonic recalibration every bin sits within its band, and no
# forecast exceeds 0.5: on these years, more than 10 mm never became more
# likely than not.

# %% [markdown]
# ## The quantile forecast
#
# Sorted, the members are quantile forecasts at levels 1/12, ..., 11/12. If
# they were calibrated, the observation would fall equally often in each of the
# 12 slots between and beyond them (the verification rank histogram).

# %%
histogram = rank_histogram(members[test], observed[test], rng=seed)
with style.paper_figure(figure_dir / "rank_histogram", venue="icml", width="column", aspect=0.6) as (fig, ax):
    histogram.plot(ax=ax)
    ax.legend()
print(f"{histogram.n_ties} observations tied with a member (ties broken at random); "
      f"chi-square {histogram.chi2:.0f} on 11 degrees of freedom")

# %% [markdown]
# Four in ten observations fall below every member, five times the 1 in 12 of
# a calibrated ensemble, while every slot from the fifth on holds only about
# 4%: the ensemble is too wet. Conformalised quantile regression (CQR) widens or shifts each
# central interval (members j and 12 - j, nominal coverage (12 - 2j)/12) by the
# correction that made it cover on 2000-2008. Precipitation cannot be negative,
# so corrected lower bounds are cut at 0, which changes no coverage.

# %%
levels = np.arange(1, 12) / 12
corrected = cqr_quantiles(observed[fit], members[fit], members[test], levels, lower_bound=0.0)
rows = []
for j, k in zip(range(5), range(10, 5, -1)):  # members j + 1 and k + 1 bound a central interval
    before = interval_coverage(observed[test], members[test, j], members[test, k])
    after = interval_coverage(observed[test], corrected[:, j], corrected[:, k])
    rows.append({"members": f"{j + 1} and {k + 1}", "nominal": 1 - 2 * levels[j],
                 "coverage, ensemble": before.coverage, "coverage, CQR": after.coverage,
                 "width, ensemble (mm)": before.mean_width, "width, CQR (mm)": after.mean_width})
pd.DataFrame(rows).set_index("members").round(3)

# %% [markdown]
# The weighted interval score judges all eleven quantiles at once (lower is
# better); `cqr_quantiles` sorts the corrected quantiles so that they do not cross.

# %%
pd.Series({
    "ensemble": weighted_interval_score(observed[test], members[test], levels),
    "CQR per interval": weighted_interval_score(observed[test], corrected, levels),
}, name="WIS (mm)").round(3)

# %% [markdown]
# CQR brings each central interval within 3 points of its nominal coverage
# (members 1 and 11: 0.579 to 0.837, for 0.833) by widening it by 16-26%, and
# lowers the weighted interval score from 7.44 to 7.23 mm.

# %% [markdown]
# ## Summary
#
# - The raw ensemble is too wet: it forecasts more than 10 mm in 3 days about
#   twice as often as it happens.
# - Any of the four recalibration maps, fitted on 2000-2008, removes most of
#   that on 2009-2013 without changing the discrimination.
# - As quantiles, the members are too narrow and too wet; CQR restores the
#   coverage of each central interval and lowers the weighted interval score.

# %% [markdown]
# ## Exercises
#
# Predict first, then run the solution. The student version of this notebook
# (`build/student/`) leaves the solutions out.

# %% [markdown]
# **Exercise 1.** Four in ten test observations fall below every member. How
# many of those windows were dry (0 mm observed)?

# %% tags=["solution"]
below_all = histogram.ranks == 0
dry_share = np.mean(observed[test][below_all] == 0)
assert 0.3 < dry_share < 0.5
print(f"{below_all.mean():.0%} of the test windows lie below every member; "
      f"{dry_share:.0%} of them were dry")

# %% [markdown] tags=["solution"]
# *Answer.* About four in ten. The members forecast exactly 0 mm in only 4%
# of the windows, so a dry window almost always lands below them; the other
# six in ten are wet windows with less rain than any member: the ensemble is
# too wet.

# %% [markdown]
# **Exercise 2.** Is the raw ensemble share more or less too wet for the event
# "more than 20 mm" than for "more than 10 mm"? Compare the signed Balance
# score and the two frequencies.

# %% tags=["solution"]
wet = {}
for mm in (10, 20):
    happened, share = (observed[test] > mm).astype(int), (members[test] > mm).sum(axis=1) / 11
    wet[f"> {mm} mm"] = {"Balance": balance_report(happened, share, n_bins=12).balance,
                         "observed frequency": happened.mean(), "mean forecast": share.mean()}
wet = pd.DataFrame(wet).T
assert wet["Balance"].abs().is_monotonic_decreasing and (wet["mean forecast"] > 1.8 * wet["observed frequency"]).all()
wet.round(3)

# %% [markdown] tags=["solution"]
# *Answer.* The Balance shrinks from about -0.18 to -0.05, yet the ensemble
# still forecasts the rarer event twice as often as it happens. A signed
# average in probability units shrinks with the event's base rate; compare the
# frequencies, not only the score.

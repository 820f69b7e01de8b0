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
# # Does the judge change the ranking? AlpacaEval under two judges and under length control
#
# AlpacaEval ranks chat models by how often an LLM judge prefers their answer
# to a baseline's on 805 instructions. The leaderboard is cheap and agrees
# well with human rankings, but the judge is a model with tastes of its own.
# This notebook reads the leaderboards that ship inside the `alpaca_eval`
# package and asks three questions of them. Does another judge order the
# models alike? How much of a win rate is the length of the answers, which
# AlpacaEval 2's length-controlled win rate removes? And how wide are the
# rank intervals that the published standard errors give, beside the moves
# that the judge and the length control cause?

# %% [markdown]
# ## Learning goals
#
# - Compare two rankings of the same systems with Kendall's tau and a
#   bootstrap interval over the systems, and read where they part.
# - See how an evaluator's bias (length) moves a leaderboard, and how a
#   constant-output "null model" can top a judge-based benchmark.
# - Turn published scores and standard errors into rank intervals, and set
#   them beside the rank changes a choice of judge causes.
# - Correct per-instance verdicts for length by a logistic length model and
#   by WildBench's margin, and check both against a known truth.

# %% tags=["parameters"]
n_boot = 2000  # bootstrap resamples of the models for Kendall's tau
n_draws = 10_000  # normal draws for the rank intervals
seed = 0
figure_dir = "../build/figures/43_ranking_judges"

# %%
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import datasets, style
from analysis.ranking import correlation_ci, kendall_tau, normal_rank_intervals

figure_dir = Path(figure_dir)
style.set_number_format()

# %% [markdown]
# ## The leaderboards
#
# Three files from the `alpaca_eval` wheel, read by
# `analysis.io.read_results(..., format="alpaca-eval")` through
# `datasets.load_alpaca_eval`: AlpacaEval 1 judged by GPT-4 (102 models) and
# by Claude (29 of them), both against `text_davinci_003`; and AlpacaEval 2,
# 223 models judged by GPT-4 Turbo against GPT-4 Turbo itself, with the
# length-controlled win rate beside the raw one. Win rates are in percent.

# %%
gpt4 = datasets.load_alpaca_eval("alpaca_eval_gpt4")
claude = datasets.load_alpaca_eval("alpaca_eval_claude")
v2 = datasets.load_alpaca_eval("alpaca_eval_2")
pd.DataFrame({"models": [len(gpt4), len(claude), len(v2)],
              "median win rate": [gpt4["win_rate"].median(), claude["win_rate"].median(), v2["win_rate"].median()],
              "median standard error": [gpt4["standard_error"].median(), claude["standard_error"].median(),
                                        v2["standard_error"].median()]},
             index=["AlpacaEval 1, GPT-4 judge", "AlpacaEval 1, Claude judge", "AlpacaEval 2, GPT-4 Turbo judge"])

# %% [markdown]
# A win rate on 805 instructions has a standard error of one to two points.
# Everything below asks whether the choices behind the number move it by more.

# %% [markdown]
# ## Two judges, one set of answers
#
# The 29 models that Claude judged were also judged by GPT-4, on the same
# answers. Kendall's tau between the two orders, with a bootstrap interval
# over the models:

# %%
both = claude.index
judges = pd.DataFrame({"GPT-4": gpt4.loc[both, "win_rate"], "Claude": claude.loc[both, "win_rate"]})
judges["rank by GPT-4"] = judges["GPT-4"].rank(ascending=False)
judges["rank by Claude"] = judges["Claude"].rank(ascending=False)
agreement = correlation_ci(judges["GPT-4"].to_numpy(), judges["Claude"].to_numpy(), n_boot=n_boot, rng=seed)
print(f"Kendall tau {kendall_tau(judges['GPT-4'], judges['Claude']):.2f}, 95% interval "
      f"[{agreement.interval.low:.2f}, {agreement.interval.high:.2f}]; Claude's win rates are "
      f"{(judges['GPT-4'] - judges['Claude']).mean():.1f} points lower on average")

# %%
movers = judges.assign(shift=judges["rank by Claude"] - judges["rank by GPT-4"]).sort_values("shift")
with style.paper_figure(figure_dir / "two_judges", venue="icml", width="text", aspect=0.42, ncols=2) as (fig, axes):
    axes[0].scatter(judges["GPT-4"], judges["Claude"], s=10)
    axes[0].plot([0, 100], [0, 100], color="0.6", lw=0.8, ls="--")
    axes[0].set(xlabel="win rate, GPT-4 judge (%)", ylabel="win rate, Claude judge (%)", xlim=(0, 100),
                ylim=(0, 100))
    for _, row in judges.iterrows():
        axes[1].plot([0, 1], [row["rank by GPT-4"], row["rank by Claude"]], color="0.75", lw=0.7)
    for name, row in pd.concat([movers.head(2), movers.tail(2)]).iterrows():
        axes[1].plot([0, 1], [row["rank by GPT-4"], row["rank by Claude"]], lw=1.4)
        axes[1].annotate(name, (1, row["rank by Claude"]), xytext=(4, 0), textcoords="offset points",
                         va="center", fontsize="small")
    axes[1].set(xticks=[0, 1], xticklabels=["GPT-4", "Claude"], ylabel="rank (1 = best)", xlim=(-0.1, 1.9))
    axes[1].invert_yaxis()
    style.panel_labels(axes, ["win rates", "ranks"])
movers[["GPT-4", "Claude", "rank by GPT-4", "rank by Claude", "shift"]].iloc[[0, 1, 2, -3, -2, -1]]

# %% [markdown]
# The two judges agree on the broad order (tau 0.81, interval 0.68 to 0.91)
# but not on the details, and Claude is the stricter judge, by 7.4 points on
# average. Claude puts Llama 2 Chat (13B) nine places lower than GPT-4 does,
# and Llama 2 Chat (7B) six; Vicuna (13B), Nous Hermes (13B) and Jina Chat
# rise four places each. A leaderboard judged by one model is that model's
# ranking; a one-place difference between neighbours says little about the
# models themselves.

# %% [markdown]
# ## Length: the judge's best-known taste
#
# LLM judges prefer longer answers. AlpacaEval 2's length-controlled win rate
# (Dubois et al. 2024) fits a regression of the judge's preference on the
# length difference and reports the win rate at equal length. How far does
# the control move each model, and does the move follow length?

# %%
v2 = v2.assign(raw_rank=v2["win_rate"].rank(ascending=False),
               lc_rank=v2["length_controlled_winrate"].rank(ascending=False))
v2["moved"] = v2["raw_rank"] - v2["lc_rank"]  # positive: better under length control
named = ["NullModel", "gpt4_gamed", "gpt4_0613_concise", "Nanbeige2-8B-Chat"]
with style.paper_figure(figure_dir / "length_control", venue="icml", width="text", aspect=0.42, ncols=2) as (
        fig, axes):
    axes[0].scatter(v2["avg_length"], v2["win_rate"] - v2["length_controlled_winrate"], s=6, alpha=0.6)
    axes[0].axhline(0, color="0.6", lw=0.8)
    axes[0].set(xscale="log", xlabel="average answer length (characters)",
                ylabel="raw minus length-controlled\nwin rate (points)")
    axes[1].scatter(v2["raw_rank"], v2["lc_rank"], s=6, alpha=0.6)
    axes[1].plot([1, len(v2)], [1, len(v2)], color="0.6", lw=0.8, ls="--")
    for name in named:
        for ax, (x, y) in zip(axes, [(v2.loc[name, "avg_length"],
                                      v2.loc[name, "win_rate"] - v2.loc[name, "length_controlled_winrate"]),
                                     (v2.loc[name, "raw_rank"], v2.loc[name, "lc_rank"])]):
            ax.scatter([x], [y], s=14, color="k")
            ax.annotate(name, (x, y), xytext=(4, 2), textcoords="offset points", fontsize="small")
    axes[1].set(xlabel="rank by raw win rate", ylabel="rank by length-controlled win rate")
    style.panel_labels(axes, ["the control against length", "ranks"])
print(f"Kendall tau raw vs length-controlled: {kendall_tau(v2['win_rate'], v2['length_controlled_winrate']):.2f}; "
      f"correlation of log length with the control's correction: "
      f"{np.corrcoef(np.log(v2['avg_length']), v2['win_rate'] - v2['length_controlled_winrate'])[0, 1]:.2f}")
v2.loc[named, ["avg_length", "win_rate", "length_controlled_winrate", "raw_rank", "lc_rank", "moved"]]

# %% [markdown]
# The control takes most from long answers (correlation 0.49 between log
# length and the correction) and reorders the board substantially (tau 0.84
# between the two rankings of 223 models). The extremes are AlpacaEval's own
# probes of short answers: `gpt4_0613_concise`, GPT-4 asked to be brief,
# rises 44 places, and `gpt4_gamed`, whose answers average 68 characters, 50.
# Nanbeige2-8B-Chat, with answers of 2,700 characters, falls 49.
#
# The `NullModel` of Zheng et al. (2024) answers every instruction with the
# same crafted text. Its raw win rate, 76.9%, ranks third; length control
# makes it first, at 86.5%. Controlling one bias of the judge does nothing
# against an answer built to exploit the judge.

# %% [markdown]
# ## How sure is the order, by its own standard errors?
#
# The published standard error covers the sampling of the 805 instructions,
# not the judge or the length. Drawing each raw win rate from a normal with
# its standard error gives rank intervals (`normal_rank_intervals`); on the
# 29 doubly-judged models, set them beside the move between judges.

# %%
by_se = normal_rank_intervals(gpt4.loc[both, "win_rate"], gpt4.loc[both, "standard_error"], n_draws=n_draws,
                              rng=seed)
table = by_se.table[["score", "rank", "rank_low", "rank_high"]].join(movers["shift"])
table["outside"] = ~judges.loc[table.index, "rank by Claude"].between(table["rank_low"], table["rank_high"])
with style.paper_figure(figure_dir / "rank_intervals", venue="icml", width="column", aspect=1.2) as (fig, ax):
    by_se.plot(ax=ax)
    ax.set_xlabel("rank by GPT-4 (95% interval)")
    ax.scatter(judges.loc[by_se.table.index, "rank by Claude"], np.arange(len(by_se.table)), marker="x",
               color="k", s=14, label="rank by Claude", zorder=3)
    ax.tick_params(axis="y", labelsize="small")
    fig.legend(loc="outside lower center", ncols=1)
print(f"median width of the 95% rank intervals: {(table['rank_high'] - table['rank_low']).median():.0f} places; "
      f"Claude's rank outside the GPT-4 interval for {int(table['outside'].sum())} of {len(table)} models")
table.head(10)

# %% [markdown]
# The intervals from the standard errors are narrow at the top, where the
# win rates are far apart, and widen in the crowded middle (median width 3
# places). Claude's rank falls outside GPT-4's interval for 9 of the 29
# models, Llama 2 Chat (13B) by nine places: the choice of judge moves these
# models by more than the sampling of instructions can explain, and no
# published error bar accounts for it.

# %% [markdown]
# ## Per-instance verdicts: two corrections for length against the truth
#
# A leaderboard gives one number per model; correcting it for the judge's
# taste needs the verdicts. `data/examples/alpaca_eval/` holds per-instance
# annotations that AlpacaEval itself wrote (`alpaca_eval.evaluate`) for four
# simulated models against a baseline on 200 sums, judged by a simulated
# judge whose taste is known: it prefers the right answer, and the longer
# one, by 0.8 on the logit scale per unit of log length ratio. So the win
# rate each model would get at equal length is known too: the judge's
# preference without its length term, averaged over the sums. Two published
# corrections estimate it from the verdicts alone: length control (Dubois et
# al. 2024), a logistic model of the verdict on the length difference read
# at equal length, in AlpacaEval's form (`tanh` of the standardised
# difference) and in the judge's own form (log ratio); and WildBench's
# margin (Lin et al. 2024), which counts a win by a much longer answer as a
# draw.

# %%
from analysis.io import read_results
from analysis.ranking import length_controlled_win_rate, length_margin_win_rate

judged = read_results(datasets.DATA_DIR / "examples" / "alpaca_eval", format="alpaca-eval")
sums = judged["item"].str.extract(r"What is (\d+) \+ (\d+)").astype(int).sum(axis=1)
right = {side: judged[column].str.extract(r"The sum is (-?\d+)")[0].astype(int).eq(sums)
         for side, column in (("model", "output"), ("baseline", "baseline_output"))}
gap = right["model"].astype(float) - right["baseline"]
equal_length = 1 / (1 + np.exp(-2 * gap))  # the judge's preference without its length term
controlled = {form: length_controlled_win_rate(judged, feature=form) for form in ("tanh", "log-ratio")}
by_model = judged["model"]
estimates = pd.DataFrame({
    "accuracy": 100 * right["model"].groupby(by_model).mean(),
    "mean length": judged.groupby("model")["length"].mean(),
    "truth at equal length": 100 * equal_length.groupby(by_model).mean(),
    "raw win rate": controlled["tanh"]["win_rate"],
    "length control (tanh)": controlled["tanh"]["length_controlled_win_rate"],
    "length control (log ratio)": controlled["log-ratio"]["length_controlled_win_rate"],
    "margin 100": length_margin_win_rate(judged, margin=100),
    "margin 300": length_margin_win_rate(judged, margin=300),
}).sort_values("truth at equal length", ascending=False)
truth = estimates["truth at equal length"]
methods = estimates.columns[3:]
with style.paper_figure(figure_dir / "length_corrections", venue="icml", width="column",
                        aspect=0.8) as (fig, ax):
    rows = np.arange(len(estimates))
    for k, (name, marker) in enumerate(zip(methods, "osD^v", strict=True)):
        ax.scatter(estimates[name], rows + 0.12 * (k - 2), marker=marker, s=16, label=name, zorder=3)
    ax.scatter(truth, rows, marker="|", s=400, color="k", lw=1.5, label="truth at equal length")
    labels = [f"{m}\n({length:.0f} chars)" for m, length in estimates["mean length"].items()]
    ax.set(yticks=rows, yticklabels=labels, xlabel="win rate against the baseline (%)")
    ax.invert_yaxis()
    fig.legend(loc="outside lower center", ncols=2, fontsize="small")
for name in methods:
    print(f"{name}: Kendall tau with the truth {kendall_tau(estimates[name], truth):.2f}, "
          f"mean absolute error {(estimates[name] - truth).abs().mean():.1f} points")
estimates.round(1)

# %% [markdown]
# The raw win rate ranks the verbose model, right on 55% of the sums, first,
# and the concise one, right on 77%, last (Kendall tau with the truth
# -0.33): the judge's taste for length outweighs correctness. Every
# correction moves the two the right way, by different amounts. AlpacaEval's
# `tanh` control ranks the concise model first but drops the verbose one to
# 28%, 18 points below the truth: a difference in characters is the wrong
# scale for a judge that weighs ratios, so it removes too much from answers
# that are always 400 characters longer. The log-ratio control, the judge's
# own form, is closest on average (4.2 points; its log likelihood is the
# higher of the two, which the verdicts show without the truth), yet it too
# leaves the verbose model a point below the weak one. WildBench's margin
# rests on one number: at 100 characters it orders the models as the truth
# does but for the last two; at 300 it leaves the balanced model's raw 59%
# untouched and corrects the concise one only to 42%. A correction is a
# model of the judge; it removes the length bias to the extent that model is
# right, and on 200 verdicts per model its noise is a few points.

# %% [markdown]
# ## Summary
#
# - Two judges on the same answers agree on the broad order (Kendall's tau
#   0.81) and disagree on neighbours; Claude judges 7 points more strictly.
# - Length control reorders AlpacaEval 2 (tau 0.84), mostly at the expense of
#   long answers, and still ranks a constant-output null model first.
# - Rank intervals from the published standard errors leave out the judge:
#   for 9 of 29 models the other judge's rank lies outside them.
# - On per-instance verdicts of a judge whose taste is known, length control
#   and WildBench's margin both move the verbose and the concise model the
#   right way; how far depends on whether their model of the judge is right.

# %% [markdown]
# ## Exercises
#
# **Exercise 1.** Predict: among the 29 doubly-judged models, does the model
# that GPT-4 ranks first keep its place under Claude? Check with `judges`.

# %% tags=["solution"]
first_by_gpt4 = judges["GPT-4"].idxmax()
print(first_by_gpt4, judges.loc[first_by_gpt4, "rank by Claude"])
assert judges.loc[first_by_gpt4, "rank by Claude"] == 1

# %% [markdown]
# **Exercise 2.** Predict how many of the 223 AlpacaEval 2 models have a
# length-controlled win rate above their raw win rate, then count them. Is
# the control a penalty for everyone?

# %% tags=["solution"]
helped = int((v2["length_controlled_winrate"] > v2["win_rate"]).sum())
print(f"{helped} of {len(v2)} models gain from the control")
assert 0 < helped < len(v2)

# %% [markdown]
# **Exercise 3.** The standard errors treat the models as independent, yet all
# answer the same instructions. Claude (v1) and Claude 2 are 0.2 points apart
# under GPT-4. Predict: is the chance that they are in the wrong order larger
# or smaller if their errors are perfectly correlated? Compute both from the
# normal distribution of their difference.

# %% tags=["solution"]
from scipy import stats

gap = gpt4.loc["claude", "win_rate"] - gpt4.loc["claude-2", "win_rate"]
se_a, se_b = gpt4.loc["claude", "standard_error"], gpt4.loc["claude-2", "standard_error"]
flip_independent = stats.norm.cdf(-gap / np.hypot(se_a, se_b))
flip_correlated = stats.norm.cdf(-gap / abs(se_a - se_b))  # the difference's s.e. when the errors move together
print(f"gap {gap:.2f} points; P(wrong order) {flip_independent:.2f} if independent, "
      f"{flip_correlated:.2f} if perfectly correlated")
assert flip_correlated < flip_independent

# %% [markdown]
# **Exercise 4.** AlpacaEval's minimal length control fits one length
# coefficient per model instead of one for the judge. Predict whether that
# works for `sim-verbose`, whose answers are never shorter than 300
# characters more than the baseline's, then try
# `length_controlled_win_rate(judged, slope="per-model")`.

# %% tags=["solution"]
from analysis import FitError

try:
    length_controlled_win_rate(judged, slope="per-model")
    identified = True
except FitError as error:
    identified = False
    print(error)
others = length_controlled_win_rate(judged[judged["model"] != "sim-verbose"], slope="per-model")
print(others[["win_rate", "length_controlled_win_rate", "length_coefficient"]].round(2))
assert not identified  # with no answer near equal length, equal length is pure extrapolation

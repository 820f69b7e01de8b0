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
# # Kaplan-style quantities from small models
#
# Kaplan et al. (2020) describe a model's loss with its size `N` and the steps
# it would need at a very large batch, `S_min`; the batch size that trades
# steps against data best, `B_crit`, depends only on the loss. Su et al. (2024,
# "Unraveling the Mystery of Scaling Laws") fit these laws on small models and
# predict what a larger model will do before training it.
#
# **The runs here are simulated**, and say so: they follow Kaplan et al.'s
# published law (Table 2) with 1% multiplicative noise on the steps and on the
# losses. Real training logs with several batch sizes per model are not
# available offline; with them, every cell below runs unchanged. Because the
# truth is known, the notebook can show how far each prediction lands from it.

# %% [markdown]
# ## Learning goals
#
# - Turn runs at several batch sizes into the minimum steps `S_min` and the
#   critical batch size `B_crit` (Kaplan et al., Eq. 5.4).
# - Fit Kaplan's laws on small models and predict a model ten times larger.
# - Read the trade-off between optimisation steps and training tokens.

# %% tags=["parameters"]
seed = 0
noise = 0.01  # relative noise on measured steps and losses
figure_dir = "../build/figures/02_scaling_kaplan"

# %%
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import style
from analysis.scaling import (
    KAPLAN_2020,
    KaplanLaw,
    critical_batch_size_law,
    fit_scaling_law,
    kaplan_steps,
    steps_tradeoff,
)

figure_dir = Path(figure_dir)
style.set_number_format()  # tables show 215 and 18.33, not 215.000000 and 1.832696e+01
rng = np.random.default_rng(seed)
truth = KAPLAN_2020
small_models = np.geomspace(3e6, 1e8, 5)
batch_sizes = 2.0 ** np.arange(15, 23)  # tokens per batch
target_losses = np.linspace(3.6, 4.6, 6)

# %% [markdown]
# ## Step 1: the critical batch size at each loss
#
# For each small model and each target loss, the simulated experiment records
# how many steps each batch size needs. Eq. 5.4 makes this a line in `1 / B`,
# whose intercept is `S_min` and whose slope gives `B_crit`.

# %%
rows = []
for n in small_models:
    for loss in target_losses[target_losses > truth.min_loss(n) + 0.1]:
        steps = truth.steps(loss, n, batch_sizes) * np.exp(rng.normal(0, noise, batch_sizes.size))
        s_min, b_crit = steps_tradeoff(batch_sizes, steps)
        rows.append({"N": n, "loss": loss, "S_min": s_min, "B_crit": b_crit})
tradeoffs = pd.DataFrame(rows)
tradeoffs.head()

# %%
batch_fit = fit_scaling_law(tradeoffs, critical_batch_size_law, x="loss", y="B_crit", loss="squared")
steps_fit = fit_scaling_law(
    tradeoffs.assign(loss=tradeoffs["loss"] * np.exp(rng.normal(0, noise, len(tradeoffs)))),
    kaplan_steps, loss="squared",
)
fitted = KaplanLaw.from_fits(steps_fit, batch_fit)
pd.DataFrame({"published (truth)": pd.Series(vars(truth)), "fitted on small models": pd.Series(vars(fitted))})

# %% [markdown]
# Fitted on five models up to 1e8 parameters, every exponent lands within 0.04
# of the published one (alpha_S, 0.797 against 0.76, is the farthest), B*
# within 1% and N_c within a third.

# %% [markdown]
# ## Step 2: predictions for a model 10x larger than any fitted
#
# The lowest loss it can reach, the steps and tokens it needs to reach a loss,
# the critical batch size there, and its loss curve at a given batch size.

# %%
big, batch = 1e9, 2.0**20
loss_target = 3.2
pd.DataFrame({
    "truth": [truth.min_loss(big), truth.min_steps(loss_target, big), truth.min_tokens(loss_target, big),
              truth.critical_batch_size(loss_target), truth.steps(loss_target, big, batch)],
    "predicted": [fitted.min_loss(big), fitted.min_steps(loss_target, big), fitted.min_tokens(loss_target, big),
                  fitted.critical_batch_size(loss_target), fitted.steps(loss_target, big, batch)],
}, index=["lowest reachable loss", f"S_min to reach {loss_target}", f"E_min to reach {loss_target} (tokens)",
          f"B_crit at {loss_target} (tokens)", f"steps to reach {loss_target} at B = 2^20"]).astype(float).assign(
    error_percent=lambda t: 100 * (t["predicted"] / t["truth"] - 1))

# %%
steps = np.geomspace(1e3, 3e5, 80)
with style.paper_figure(figure_dir / "loss_curves", venue="icml", width="column", aspect=0.75) as (fig, ax):
    for n, color in zip([*small_models[::2], big], style.PALETTE):
        truth.plot_trajectory(n, batch, steps, ax=ax, color=color, label=style.sci(n, symbol="N"))
        fitted.plot_trajectory(n, batch, steps, ax=ax, color=color, ls="--", lw=0.9)
    ax.set_xlabel("steps at batch size $2^{20}$ tokens")
    ax.legend(title="solid: truth; dashed: fitted")

# %% [markdown]
# Ten times beyond the largest fitted model, every prediction lands within 1%
# of the truth; the lowest reachable loss is the least accurate, 0.8% too high.

# %% [markdown]
# ## Steps against data
#
# Every batch size buys a point on the same hyperbola: fewer steps cost more
# tokens. `B_crit` sits at its knee, twice the minimum of each.

# %%
with style.paper_figure(figure_dir / "steps_tokens", venue="icml", width="column", aspect=0.75) as (fig, ax):
    for loss in [3.4, 3.2, 3.0]:
        fitted.plot_tradeoff(loss, big, ax=ax, label=f"$L$ = {loss} nats")
    ax.legend(title=r"$N = 10^9$; dots: $B = B_\mathrm{crit}$")

# %% [markdown]
# Each curve is one target loss: moving left along it buys fewer steps with
# more tokens. The dots sit at `B_crit`, where both cost twice their minimum.

# %% [markdown]
# ## Summary
#
# - Fitted on models up to 1e8 parameters, the laws predict a 1e9 model's
#   lowest loss, `S_min` and `B_crit` within a few percent of the truth.
# - The critical batch size depends on the loss alone and grows as the loss
#   falls.
# - Training at `B_crit` costs twice the minimum steps and twice the minimum
#   tokens: the knee of the hyperbola.

# %% [markdown]
# ## Exercises
#
# Predict first, then run the solution. The student version of this notebook
# (`build/student/`) leaves the solutions out.

# %% [markdown]
# **Exercise 1.** Is the critical batch size larger at a loss of 3.0 or of 3.4
# nats, and by roughly how much?

# %% tags=["solution"]
b_low, b_high = fitted.critical_batch_size(3.0), fitted.critical_batch_size(3.4)
assert b_low > 1.5 * b_high
print(f"B_crit: {b_low:.3g} tokens at 3.0 nats, {b_high:.3g} at 3.4 nats ({b_low / b_high:.2f}x)")

# %% [markdown] tags=["solution"]
# *Answer.* At 3.0, about 1.8 times larger: `B_crit = B* / L^(1 / alpha_B)`
# grows as the loss falls, so batches should grow during training.

# %% [markdown]
# **Exercise 2.** A 1e9-parameter model trained to 3.2 nats at `B = B_crit`:
# how many times `S_min` steps does it take, and how many times `E_min`
# tokens?

# %% tags=["solution"]
knee = fitted.critical_batch_size(3.2)
ratios = (fitted.steps(3.2, big, knee) / fitted.min_steps(3.2, big),
          fitted.tokens(3.2, big, knee) / fitted.min_tokens(3.2, big))
assert np.allclose(ratios, 2)
ratios

# %% [markdown] tags=["solution"]
# *Answer.* Exactly twice each. Eq. 5.4 says `(S / S_min - 1)(E / E_min - 1) = 1`,
# and `B_crit = E_min / S_min` is the point where both factors equal 1.

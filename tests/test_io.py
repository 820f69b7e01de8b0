"""Readers of the tools' outputs, on files written as each tool writes them."""

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError
from analysis.calibration import by_model
from analysis.io import _zip_member, one_per_item, read_results
from analysis.ranking import arena_ranking, bradley_terry, index_battles, win_matrix, win_table

DATE = "2024-05-13T12-34-56.123456"  # the harness's datetime.now().isoformat() with ':' replaced


def _lm_eval_folder(root, model="EleutherAI/pythia-70m"):
    """An lm-eval 0.4 output folder: results_<date>.json and samples_<task>_<date>.jsonl per task.

    As the harness writes them: responses through its sanitize_list (every number as text), the
    target as text, one line per (doc, filter), the sample's metric values beside the list of names.
    """
    folder = root / model.replace("/", "__")
    folder.mkdir(parents=True)
    results = {"results": {"arc_easy": {"acc,none": 0.5}, "gsm8k": {"exact_match,strict-match": 0.5}},
               "configs": {"arc_easy": {"output_type": "multiple_choice"},
                           "gsm8k": {"output_type": "generate_until"}},
               "config": {"model": "hf", "model_args": f"pretrained={model},dtype=float32"},
               "model_name": model, "model_name_sanitized": model.replace("/", "__")}
    (folder / f"results_{DATE}.json").write_text(json.dumps(results))
    arc = [
        {"doc_id": 0, "target": "1", "filter": "none", "metrics": ["acc", "acc_norm"], "acc": 1.0, "acc_norm": 1.0,
         "resps": [[["-2.5", "False"]], [["-0.5", "True"]], [["-3.0", "False"]], [["-1.5", "False"]]],
         "filtered_resps": [["-2.5", "False"], ["-0.5", "True"], ["-3.0", "False"], ["-1.5", "False"]]},
        {"doc_id": 1, "target": "0", "filter": "none", "metrics": ["acc", "acc_norm"], "acc": 0.0, "acc_norm": 1.0,
         "resps": [[["-1.0", "False"]], [["-0.9", "False"]], [["-4.0", "False"]], [["-2.0", "False"]]],
         "filtered_resps": [["-1.0", "False"], ["-0.9", "False"], ["-4.0", "False"], ["-2.0", "False"]]},
    ]
    gsm = [{"doc_id": k, "target": "42", "filter": "strict-match", "metrics": ["exact_match"],
            "exact_match": float(k == 0), "resps": [["The answer is 42"]], "filtered_resps": [["42", "41"][k]]}
           for k in range(2)]
    for task, lines in (("arc_easy", arc), ("gsm8k", gsm)):
        (folder / f"samples_{task}_{DATE}.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    return folder


def test_lm_eval_samples_become_one_row_per_item(tmp_path):
    _lm_eval_folder(tmp_path)
    _lm_eval_folder(tmp_path, model="EleutherAI/pythia-160m")
    table = read_results(tmp_path, format="lm-eval")
    assert len(table) == 8 and set(table["model"]) == {"EleutherAI/pythia-70m", "EleutherAI/pythia-160m"}
    arc = table[(table.task == "arc_easy") & (table.model == "EleutherAI/pythia-70m")].set_index("item")
    assert arc.loc[0, "logprobs"] == [-2.5, -0.5, -3.0, -1.5] and arc.loc[0, "n_choices"] == 4
    logprobs = np.array([-1.0, -0.9, -4.0, -2.0])
    assert arc.loc[1, "confidence"] == pytest.approx(np.exp(-0.9) / np.exp(logprobs).sum())  # softmax of the top
    assert arc["correct"].tolist() == [1.0, 0.0] and arc.loc[0, "target"] == "1"
    gsm = table[(table.task == "gsm8k") & (table.model == "EleutherAI/pythia-70m")]
    assert gsm["correct"].tolist() == [1.0, 0.0] and gsm["filter"].eq("strict-match").all()
    assert gsm["confidence"].isna().all()
    # the tidy table goes straight into the calibration summary
    summary = by_model(table.dropna(subset=["confidence"]), model=["model", "task"])
    assert summary.loc[("EleutherAI/pythia-70m", "arc_easy"), "accuracy"] == 0.5


def test_lm_eval_without_samples_or_results_is_refused(tmp_path):
    with pytest.raises(AnalysisInputError, match="no results file"):
        read_results(tmp_path, format="lm-eval")
    folder = _lm_eval_folder(tmp_path)
    for sample_file in folder.glob("samples_*"):
        sample_file.unlink()
    with pytest.raises(AnalysisInputError, match="--log_samples"):
        read_results(tmp_path, format="lm-eval")
    with pytest.raises(AnalysisInputError, match="format"):
        read_results(tmp_path, format="helm-lite")


EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "examples" / "lm_eval"


def test_lm_eval_output_written_by_the_harness_itself():
    table = read_results(EXAMPLE, format="lm-eval")
    assert len(table) == 5 * 3 * 80 and table["model"].nunique() == 5
    assert not table.duplicated(["model", "task", "item", "filter"]).any()
    for results_file in EXAMPLE.glob("*/results_*.json"):  # the harness's own aggregates
        results = json.loads(results_file.read_text())
        mine = table[table["model"] == results["model_name"]].groupby("task")["correct"].mean()
        for task, metrics in results["results"].items():
            value = metrics.get("acc,none", metrics.get("exact_match,none"))
            assert mine[task] == pytest.approx(value, abs=1e-12)
    choices = table.dropna(subset=["answer"])
    assert set(choices["task"]) == {"add_choice", "compare"} and (choices["answer"] < choices["n_choices"]).all()
    argmax = choices["logprobs"].map(np.argmax)  # the harness's acc is argmax == gold, so answer is gold
    assert ((argmax == choices["answer"]).astype(float) == choices["correct"]).all()
    compare = choices[choices["task"] == "compare"]
    assert set(compare["target"]) == {"yes", "no"} and (compare["answer"] == (compare["target"] == "no")).all()


def test_malformed_lm_eval_lines_are_refused_with_file_and_line(tmp_path):
    folder = _lm_eval_folder(tmp_path)
    sample_file = next(folder.glob("samples_arc_easy_*"))
    lines = sample_file.read_text().splitlines()
    sample_file.write_text(lines[0] + "\n" + lines[1][:40] + "\n")
    with pytest.raises(AnalysisInputError, match=r"samples_arc_easy_.*line 2"):
        read_results(tmp_path, format="lm-eval")
    sample_file.write_text(lines[0] + "\n" + lines[1].replace('"-0.9"', '"0.9"') + "\n")
    with pytest.raises(AnalysisInputError, match=r"line 2: field 'filtered_resps': log-likelihoods above 0"):
        read_results(tmp_path, format="lm-eval")
    sample_file.write_text(json.dumps({"target": "1"}) + "\n")
    with pytest.raises(AnalysisInputError, match=r"line 1: no field 'doc_id'"):
        read_results(tmp_path, format="lm-eval")


def _battles():
    """Battle records as FastChat writes them (no Arena tool runs offline, so they follow its source).

    The fields of ``fastchat/serve/monitor/clean_battle_data.py`` (fschat 0.2.36) in its "simple" mode:
    ``model_a``, ``model_b``, ``winner`` (its votes mapped to model_a, model_b, tie, tie (bothbad)),
    ``judge``, ``turn``, ``anony``, ``language``, ``tstamp``; and the style features of the Arena's
    released battles, ``conv_metadata`` with token sums and header/list/bold counts by kind.
    """
    meta = {"sum_assistant_a_tokens": 120, "sum_assistant_b_tokens": 300, "header_count_a": {"h1": 1, "h2": 2},
            "header_count_b": {"h1": 0, "h2": 0}, "list_count_a": {"ordered": 0, "unordered": 3},
            "list_count_b": {"ordered": 1, "unordered": 0}, "bold_count_a": {"**": 2, "__": 0},
            "bold_count_b": {"**": 0, "__": 0}}
    pairs = [("gpt", "llama", "model_a"), ("llama", "gpt", "model_b"), ("gpt", "mistral", "tie"),
             ("mistral", "llama", "tie (bothbad)"), ("llama", "mistral", "model_a"), ("mistral", "gpt", "model_a"),
             ("gpt", "llama", "model_b"), ("mistral", "llama", "model_b")]
    return [{"model_a": a, "model_b": b, "winner": w, "judge": f"arena_user_{k % 3}", "turn": 1, "anony": True,
             "language": "English", "tstamp": 1_700_000_000.0 + k, "conv_metadata": meta}
            for k, (a, b, w) in enumerate(pairs)]


@pytest.mark.parametrize("suffix", ["json", "jsonl", "csv"])
def test_arena_battles_read_into_the_bradley_terry_inputs(tmp_path, suffix):
    records = _battles()
    path = tmp_path / f"battles.{suffix}"
    if suffix == "json":
        path.write_text(json.dumps(records))
    elif suffix == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
    else:
        pd.DataFrame(records).drop(columns="conv_metadata").to_csv(path, index=False)
    battles = read_results(path, format="arena")
    assert battles["winner"].tolist()[:4] == ["gpt", "gpt", "gpt", "mistral"]
    assert battles["loser"].tolist()[:4] == ["llama", "llama", "mistral", "llama"]
    assert battles["tie"].tolist()[:4] == [False, False, True, True]
    assert battles["judge"].tolist()[:4] == [f"arena_user_{k}" for k in (0, 1, 2, 0)] and battles["anony"].all()
    if suffix != "csv":
        assert battles.loc[0, ["tokens_a", "tokens_b", "headers_a", "lists_b", "bold_a"]].tolist() == [
            120, 300, 3, 1, 2]
    inputs = index_battles(battles)
    assert inputs["systems"] == ["gpt", "llama", "mistral"] and inputs["n_items"] == 3
    ranking = arena_ranking(**inputs, n_boot=20, prior=1.0, rng=0)
    by_hand = bradley_terry(win_matrix(inputs["winner"], inputs["loser"], 3, ties=inputs["ties"]), prior=1.0,
                            systems=inputs["systems"])
    np.testing.assert_allclose(ranking.scores, by_hand.scores.loc[ranking.systems])


def test_arena_verdicts_outside_the_four_are_refused(tmp_path):
    path = tmp_path / "battles.json"
    path.write_text(json.dumps([{"model_a": "x", "model_b": "y", "winner": "model_c"}]))
    with pytest.raises(AnalysisInputError, match="winner"):
        read_results(path, format="arena")
    path.write_text(json.dumps([{"model_a": "x", "model_b": "x", "winner": "tie"}]))
    with pytest.raises(AnalysisInputError, match="self-battles"):
        read_results(path, format="arena")


def test_alpaca_eval_leaderboards_and_annotations(tmp_path):
    # the package's leaderboard CSV: models in an unnamed first column, win rates in percent
    package = tmp_path / "weighted_alpaca_eval_gpt4_turbo_leaderboard.csv"
    package.write_text(",win_rate,standard_error,n_wins,n_wins_base,n_draws,n_total,discrete_win_rate,mode,"
                       "avg_length,length_controlled_winrate,lc_standard_error\n"
                       "NullModel,76.9198,0.9090,676,129,0,805,83.9752,community,872,86.4578,0.1418\n"
                       "gpt4_1106_preview,50.0,0.0,0,0,805,805,50.0,minimal,2049,50.0,0.0\n")
    board = read_results(package, format="alpaca-eval")
    assert board.index.name == "model" and list(board.index) == ["NullModel", "gpt4_1106_preview"]
    assert board.loc["NullModel", "length_controlled_winrate"] == 86.4578 and board.loc["NullModel", "n_total"] == 805
    # the website's CSV: a name column
    site = tmp_path / "site.csv"
    site.write_text("name,length_controlled_winrate,win_rate,avg_length,link,samples,filter\n"
                    "Shopee SlimMoA v1,77.45,75.61,1994,https://x,https://y,community\n")
    assert read_results(site, format="alpaca-eval").loc["Shopee SlimMoA v1", "win_rate"] == 75.61
    # per-instance annotations: preference 1 (baseline better) to 2 (model better)
    annotations = [{"dataset": "helpful_base", "instruction": f"q{k}", "output_1": "b" * 10, "generator_1": "gpt4",
                    "output_2": "m" * (5 + k), "generator_2": "mine", "annotator": "weighted_alpaca_eval_gpt4_turbo",
                    "preference": p} for k, p in enumerate([1.0, 1.73, 2.0, None])]
    (tmp_path / "annotations.json").write_text(json.dumps(annotations))
    judged = read_results(tmp_path / "annotations.json", format="alpaca-eval")
    assert judged["score"].tolist()[:3] == pytest.approx([0.0, 0.73, 1.0]) and np.isnan(judged["score"].iloc[3])
    assert judged["length"].tolist() == [5, 6, 7, 8] and (judged["baseline_length"] == 10).all()
    assert set(judged["model"]) == {"mine"} and set(judged["baseline"]) == {"gpt4"}
    annotations[0]["preference"] = 3.0
    (tmp_path / "annotations.json").write_text(json.dumps(annotations))
    with pytest.raises(AnalysisInputError, match="preference"):
        read_results(tmp_path / "annotations.json", format="alpaca-eval")


def test_alpaca_eval_annotations_written_by_alpaca_eval_itself(tmp_path):
    folder = EXAMPLE.parent / "alpaca_eval"
    judged = read_results(folder, format="alpaca-eval")  # one annotations.json per model
    assert len(judged) == 4 * 200 and set(judged["baseline"]) == {"sim-baseline"} and judged["score"].notna().all()
    assert judged.groupby("model")["item"].apply(set).map(len).eq(200).all()  # the same 200 instructions each
    for board_file in folder.glob("*/leaderboard.csv"):  # AlpacaEval's own win rate, draws and lengths
        board = read_results(board_file, format="alpaca-eval").iloc[0]
        mine = judged[judged["model"] == board.name]
        assert 100 * mine["score"].mean() == pytest.approx(board["win_rate"], abs=1e-12)
        assert (mine["score"] == 0.5).sum() == board["n_draws"] and int(mine["length"].mean()) == board["avg_length"]
    draw = json.loads((next(folder.glob("*/annotations.json"))).read_text())[:2]
    draw[0]["preference"] = 0  # AlpacaEval's other spelling of a draw
    (tmp_path / "annotations.json").write_text(json.dumps(draw))
    assert read_results(tmp_path / "annotations.json", format="alpaca-eval")["score"].iloc[0] == 0.5


def _helm_run(root, name, model, stats):
    run = root / name
    run.mkdir(parents=True)
    (run / "run_spec.json").write_text(json.dumps({
        "name": name, "scenario_spec": {"class_name": "helm.benchmark.scenarios.mmlu_scenario.MMLUScenario"},
        "adapter_spec": {"method": "multiple_choice_joint", "model": model, "model_deployment": model},
        "metric_specs": [], "groups": ["mmlu"]}))
    (run / "per_instance_stats.json").write_text(json.dumps(stats))


def test_helm_runs_become_one_row_per_instance(tmp_path):
    def stat(name, value, split="test", perturbation=None):
        metric = {"name": name, "split": split} | ({"perturbation": {"name": perturbation}} if perturbation else {})
        return {"name": metric, "count": 1, "sum": value, "sum_squared": value ** 2, "min": value, "max": value,
                "mean": value, "variance": 0.0, "stddev": 0.0}

    for model, right in (("openai/gpt2", [1, 0, 0]), ("meta/llama-7b", [1, 1, 0])):
        stats = [{"instance_id": f"id{k}", "train_trial_index": 0,
                  "stats": [stat("exact_match", float(r)), stat("num_output_tokens", 1.0)]}
                 for k, r in enumerate(right)]
        stats.append({"instance_id": "id0", "train_trial_index": 0, "perturbation": {"name": "typos"},
                      "stats": [stat("exact_match", 0.0, perturbation="typos")]})
        _helm_run(tmp_path, f"mmlu:subject=anatomy,method=multiple_choice_joint,model={model.replace('/', '_')}",
                  model, stats)
    table = read_results(tmp_path, format="helm")
    assert set(table["task"]) == {"mmlu:subject=anatomy,method=multiple_choice_joint"}
    clean = table[table.perturbation == "none"]
    assert clean.groupby("model")["correct"].mean().to_dict() == pytest.approx({"openai/gpt2": 1 / 3,
                                                                              "meta/llama-7b": 2 / 3})
    typos = table[table.perturbation == "typos"]
    assert len(typos) == 2 and (typos["correct"] == 0).all() and typos["num_output_tokens"].isna().all()
    one = read_results(next(tmp_path.iterdir()), format="helm")  # a single run folder
    assert one["model"].nunique() == 1 and len(one) == 4
    (tmp_path / "empty").mkdir()
    with pytest.raises(AnalysisInputError, match="HELM run folder"):
        read_results(tmp_path / "empty", format="helm")


def test_helm_runs_and_tables_written_by_helm_itself():
    from analysis.calibration import ece

    folder = EXAMPLE.parent / "helm"
    table = read_results(folder, format="helm")
    assert len(table) == 3 * 2 * 40 and set(table["perturbation"]) == {"none"} and set(table["split"]) == {"test"}
    for stats_file in folder.glob("*/stats.json"):  # HELM's own run-level accuracy and 10-bin equal-mass ECE
        spec = json.loads((stats_file.parent / "run_spec.json").read_text())
        stats = {s["name"]["name"]: s["mean"] for s in json.loads(stats_file.read_text())
                 if s["name"] in ({"name": "exact_match", "split": "test"}, {"name": "ece_10_bin", "split": "test"})}
        rows = table[(table["model"] == spec["adapter_spec"]["model"]) & (table["task"] == spec["name"].split(":")[0])]
        assert rows["correct"].mean() == pytest.approx(stats["exact_match"], abs=1e-12)
        assert ece(rows["correct"], rows["confidence"], n_bins=10, strategy="quantile", mode="positive",
                   convention="uncertainty-calibration") == pytest.approx(stats["ece_10_bin"], abs=1e-12)
    leaderboard = read_results(folder / "groups" / "json" / "core_scenarios_accuracy.json", format="helm")
    assert list(leaderboard.columns) == ["Mean win rate", "simple_mcqa - Exact match",
                                         "simple_classification - Exact match"]
    mine = table.assign(model=table["model"].str.removeprefix("sim/")).pivot_table(
        index="model", columns="task", values="correct")
    for task in ("simple_mcqa", "simple_classification"):
        assert np.allclose(leaderboard[f"{task} - Exact match"], mine.loc[leaderboard.index, task], atol=1e-12)
    calibration = read_results(folder / "groups" / "json" / "core_scenarios_calibration.json", format="helm")
    assert calibration.attrs["lower_is_better"] == ["simple_mcqa - 10-bin ECE", "simple_classification - 10-bin ECE"]


def test_malformed_helm_tables_are_refused(tmp_path):
    table = json.loads((EXAMPLE.parent / "helm" / "groups" / "json" / "core_scenarios_accuracy.json").read_text())
    (tmp_path / "two.json").write_text(json.dumps([table, table]))
    with pytest.raises(AnalysisInputError, match="2 tables"):
        read_results(tmp_path / "two.json", format="helm")
    table["rows"][1][2]["value"] = "n/a"
    (tmp_path / "text.json").write_text(json.dumps(table))
    with pytest.raises(AnalysisInputError, match="'n/a' in row 2"):
        read_results(tmp_path / "text.json", format="helm")
    (tmp_path / "cut.json").write_text(json.dumps(table)[:200])
    with pytest.raises(AnalysisInputError, match="cut.json: .* at line 1"):
        read_results(tmp_path / "cut.json", format="helm")


def _inspect_sample(k, value, epoch=1):
    return {"id": k, "epoch": epoch, "input": f"question {k}", "target": "A",
            "scores": {"choice": {"value": value, "answer": "A", "explanation": "..."},
                       "judge": {"value": {"helpful": 4, "honest": "yes"}}}}


def test_inspect_eval_and_json_logs(tmp_path):
    import zipfile

    header = {"version": 2, "status": "success", "eval": {"task": "mmlu_0_shot", "model": "openai/gpt-4o"},
              "results": {"total_samples": 4}}
    with zipfile.ZipFile(tmp_path / "2024-06-01T12-00-00_mmlu_abc.eval", "w") as archive:  # as Inspect writes .eval
        archive.writestr("header.json", json.dumps(header))
        for k, value in enumerate(["C", "I", "P", "N"], start=1):
            archive.writestr(f"samples/{k}_epoch_1.json", json.dumps(_inspect_sample(k, value)))
        archive.writestr("reductions.json", "[]")
    log = header | {"eval": {"task": "mmlu_0_shot", "model": "anthropic/claude-3"},
                    "samples": [_inspect_sample(1, 1.0), _inspect_sample(1, False, epoch=2)]}
    (tmp_path / "claude.json").write_text(json.dumps(log))
    table = read_results(tmp_path, format="inspect")
    gpt = table[table.model == "openai/gpt-4o"].set_index("item")
    assert gpt["correct"].tolist() == [1.0, 0.0, 0.5, 0.0]  # Inspect's value_to_float: C, I, P, N
    assert gpt["judge.helpful"].tolist() == [4.0] * 4 and gpt["judge.honest"].eq(1.0).all()
    claude = table[table.model == "anthropic/claude-3"]
    assert claude["epoch"].tolist() == [1, 2] and claude["correct"].tolist() == [1.0, 0.0]
    (tmp_path / "empty").mkdir()
    with pytest.raises(AnalysisInputError, match="Inspect logs"):
        read_results(tmp_path / "empty", format="inspect")


def test_two_runs_of_one_model_on_one_task_are_refused(tmp_path):
    _lm_eval_folder(tmp_path / "first")
    _lm_eval_folder(tmp_path / "second")  # the same model and tasks again
    with pytest.raises(AnalysisInputError, match=r"repeat a sample.*EleutherAI/pythia-70m"):
        read_results(tmp_path, format="lm-eval")
    assert len(read_results(tmp_path / "first", format="lm-eval")) == 4


def test_inspect_logs_written_by_inspect_itself_with_zstandard_members():
    folder = EXAMPLE.parent / "inspect"
    table = read_results(folder, format="inspect")
    assert len(table) == 3 * 30 * 2 + 3 * 80 and set(table["epoch"]) == {1, 2}
    for log in folder.glob("*.eval"):
        with zipfile.ZipFile(log) as archive:
            assert archive.getinfo("header.json").compress_type == 93  # Zstandard
            header = json.loads(_zip_member(log, archive, "header.json"))
        accuracy = header["results"]["scores"][0]["metrics"]["accuracy"]["value"]  # Inspect's own
        rows = (table["model"] == header["eval"]["model"]) & (table["task"] == header["eval"]["task"])
        assert table.loc[rows, "correct"].mean() == pytest.approx(accuracy, abs=1e-12)


def test_inspect_choice_probabilities_agree_with_inspects_own_answers():
    folder = EXAMPLE.parent / "inspect"
    table = read_results(folder, format="inspect").query("task == 'add_choice'").set_index(["model", "item"])
    assert len(table) == 240 and table["n_choices"].eq(4).all()
    for log in folder.glob("*add-choice*.eval"):
        with zipfile.ZipFile(log) as archive:
            model = json.loads(_zip_member(log, archive, "header.json"))["eval"]["model"]
            for name in (n for n in archive.namelist() if n.startswith("samples/")):
                sample = json.loads(_zip_member(log, archive, name))
                row = table.loc[(model, sample["id"])]
                letter = sample["scores"]["choice"]["answer"]  # the letter Inspect's choice scorer parsed
                assert "ABCD"[int(np.argmax(row["logprobs"]))] == letter
                assert row["answer"] == "ABCD".index(sample["target"])
                assert row["correct"] == (letter == sample["target"])
                top = sample["output"]["choices"][0]["logprobs"]["content"][-1]["top_logprobs"]
                by_letter = {t["token"].strip(): t["logprob"] for t in top}
                assert row["logprobs"] == pytest.approx([by_letter[c] for c in "ABCD"], abs=1e-12)
                p = np.exp([by_letter[c] for c in "ABCD"])
                assert row["confidence"] == pytest.approx(p.max() / p.sum(), abs=1e-12)


def _choice_sample(k, tokens, target="B"):
    """A multiple-choice sample whose output's tokens are ``(token, logprob, {alternative: logprob})``."""
    content = [{"token": t, "logprob": lp, "top_logprobs": [{"token": a, "logprob": v} for a, v in alt.items()]}
               for t, lp, alt in tokens]
    return {"id": k, "epoch": 1, "target": target, "choices": ["1", "2", "3"],
            "output": {"choices": [{"logprobs": {"content": content}}]},
            "scores": {"choice": {"value": "C"}}}


def test_inspect_choice_probabilities_read_at_the_last_answer_letter(tmp_path):
    answer = {" b": np.log(0.5), "B": np.log(0.1), " A": np.log(0.2), " The": np.log(0.2)}
    samples = [
        _choice_sample(1, [("A", -1.0, {}), (" guess.", 0.0, {}), (" ANSWER", 0.0, {}), (":", 0.0, {}),
                           (" b", np.log(0.5), answer)]),
        _choice_sample(2, [("ANSWER:", 0.0, {}), ("C", -0.1, {})], target="C"),  # no alternatives listed
        _choice_sample(3, [("I cannot tell.", -0.1, {})]),  # no answer letter
    ]
    log = {"eval": {"task": "mc", "model": "m"}, "samples": samples}
    (tmp_path / "log.json").write_text(json.dumps(log))
    table = read_results(tmp_path / "log.json", format="inspect").set_index("item")
    assert table.loc[1, "logprobs"] == pytest.approx([np.log(0.2), np.log(0.6), -np.inf])  # " b" and "B" add up
    assert table.loc[1, "confidence"] == pytest.approx(0.75) and table.loc[1, "answer"] == 1
    assert table.loc[2, "logprobs"] == pytest.approx([-np.inf, -np.inf, -0.1]) and table.loc[2, "confidence"] == 1
    assert np.isnan(table.loc[3, "confidence"]) and table.loc[3, "correct"] == 1
    samples[0]["output"]["choices"][0]["logprobs"]["content"][-1] = {"token": " Z", "logprob": -0.1}
    (tmp_path / "log.json").write_text(json.dumps(log))
    with pytest.raises(AnalysisInputError, match=r"log.json, sample 1: \[' Z'\]"):
        read_results(tmp_path / "log.json", format="inspect")


def test_one_per_item_averages_epochs_and_keeps_one_filter(tmp_path):
    inspect = read_results(EXAMPLE.parent / "inspect", format="inspect")
    items = one_per_item(inspect)
    assert len(items) == 90 + 240 and "epoch" not in items
    expected = inspect.groupby(["model", "task", "item"])["correct"].mean()
    assert (items.set_index(["model", "task", "item"])["correct"].sort_index() == expected.sort_index()).all()
    folder = _lm_eval_folder(tmp_path)
    sample_file = next(folder.glob("samples_gsm8k_*"))
    lines = [json.loads(line) for line in sample_file.read_text().splitlines()]
    flexible = [dict(line, filter="flexible-extract", exact_match=1.0) for line in lines]
    sample_file.write_text("".join(json.dumps(line) + "\n" for line in lines + flexible))
    table = read_results(tmp_path, format="lm-eval")
    assert len(table) == 6 and len(one_per_item(table)) == 4  # gsm8k keeps strict-match, its first filter
    assert one_per_item(table).query("task == 'gsm8k'")["correct"].tolist() == [1.0, 0.0]
    helm = pd.DataFrame({"model": "m", "task": "t", "item": [1, 1, 2, 2], "trial": 0, "split": "test",
                         "perturbation": ["none", "typos", "none", "typos"], "correct": [1.0, 0.0, 0.0, 0.0]})
    assert one_per_item(helm)["correct"].tolist() == [1.0, 0.0]


def test_one_per_item_refuses_to_drop_a_task_that_has_only_perturbed_rows():
    helm = pd.DataFrame({"model": "m", "task": ["t", "t", "u"], "item": [1, 1, 1], "trial": 0, "split": "test",
                         "perturbation": ["none", "typos", "typos"], "correct": [1.0, 0.0, 0.0]})
    with pytest.raises(AnalysisInputError, match=r"only perturbed ones for \['m', 'u'\]"):
        one_per_item(helm)


def test_a_dask_read_of_an_lm_eval_folder_equals_the_pandas_read(tmp_path):
    from analysis.ranking import task_table

    lazy = read_results(EXAMPLE, format="lm-eval", engine="dask")
    eager = read_results(EXAMPLE, format="lm-eval")
    assert lazy.npartitions == 15  # one per samples file
    keys = ["model", "task", "item", "filter"]
    computed = lazy.compute().sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(computed, eager.sort_values(keys).reset_index(drop=True), check_dtype=False)
    confident = lazy.dropna(subset=["confidence"])
    pd.testing.assert_frame_equal(by_model(confident, n_boot=30, key=["task", "item"], rng=1),
                                  by_model(eager.dropna(subset=["confidence"]), n_boot=30, key=["task", "item"],
                                           rng=1), rtol=1e-12)
    pd.testing.assert_frame_equal(task_table(lazy), task_table(eager), rtol=1e-12, check_index_type=False,
                                  check_column_type=False)
    _lm_eval_folder(tmp_path / "first")
    _lm_eval_folder(tmp_path / "second")
    with pytest.raises(AnalysisInputError, match="one file per"):
        read_results(tmp_path, format="lm-eval", engine="dask")
    with pytest.raises(AnalysisInputError, match="engine"):
        read_results(next((EXAMPLE.parents[1] / "leaderboards" / "alpaca_eval").glob("*.csv")), format="alpaca-eval",
                     engine="dask")
    with pytest.raises(AnalysisInputError, match="engine"):
        read_results(EXAMPLE, format="lm-eval", engine="spark")


@pytest.mark.parametrize(("folder", "fmt", "keys", "partitions"), [
    ("inspect", "inspect", ["model", "task", "item", "epoch"], 6),
    ("helm", "helm", ["model", "task", "item", "split", "perturbation"], 6),
])
def test_dask_reads_of_inspect_logs_and_helm_runs_equal_the_pandas_reads(folder, fmt, keys, partitions):
    lazy = read_results(EXAMPLE.parent / folder, format=fmt, engine="dask")
    eager = read_results(EXAMPLE.parent / folder, format=fmt)
    assert lazy.npartitions == partitions  # one per log or run
    computed = lazy.compute()[eager.columns].sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(computed, eager.sort_values(keys).reset_index(drop=True), check_dtype=False)
    with_confidence = eager["confidence"].notna()
    assert with_confidence.sum() == (240 if folder == "inspect" else len(eager))  # Inspect's multiple-choice task
    pd.testing.assert_frame_equal(
        by_model(lazy[~lazy["confidence"].isna()], model=["model", "task"], n_boot=20, key="item", rng=3),
        by_model(eager[with_confidence], model=["model", "task"], n_boot=20, key="item", rng=3), rtol=1e-12)


def test_dask_reads_refuse_what_the_pandas_reads_refuse(tmp_path):
    import shutil

    for name in ("a", "b"):  # one run of one model on one scenario, twice
        shutil.copytree(next((EXAMPLE.parent / "helm").glob("simple_mcqa*")), tmp_path / "runs" / name)
    with pytest.raises(AnalysisInputError, match="one file per"):
        read_results(tmp_path / "runs", format="helm", engine="dask")
    (tmp_path / "runs" / "b" / "stats.json").unlink()
    shutil.rmtree(tmp_path / "runs" / "a")
    with pytest.raises(AnalysisInputError, match="stats.json"):
        read_results(tmp_path / "runs", format="helm", engine="dask")
    logs = tmp_path / "logs"
    logs.mkdir()
    header = {"eval": {"task": "t", "model": "m"}}
    (logs / "one.json").write_text(json.dumps(header | {"samples": [_inspect_sample(1, "C")]}))
    other = {"id": 2, "epoch": 1, "target": "A", "scores": {"exact": {"value": "C"}}}  # a scorer sample 1 lacks
    samples = [_inspect_sample(1, "C"), other]
    (logs / "two.json").write_text(json.dumps({"eval": {"task": "u", "model": "m"}, "samples": samples}))
    with pytest.raises(AnalysisInputError, match=r"\['exact'\] in .*two.json"):
        read_results(logs, format="inspect", engine="dask").compute()


def test_a_dask_read_of_arena_battles_equals_the_pandas_read(tmp_path):
    import dask.dataframe as dd

    records = pd.DataFrame(_battles() * 50).drop(columns="conv_metadata")
    dd.from_pandas(records, npartitions=4).to_parquet(tmp_path / "battles.parquet")
    records.to_json(tmp_path / "battles.jsonl", orient="records", lines=True)
    eager = read_results(tmp_path / "battles.jsonl", format="arena")
    for name in ("battles.parquet", "battles.jsonl"):
        lazy = read_results(tmp_path / name, format="arena", engine="dask")
        pd.testing.assert_frame_equal(lazy.compute().reset_index(drop=True), eager, check_dtype=False)
    pd.testing.assert_frame_equal(win_table(read_results(tmp_path / "battles.parquet", format="arena", engine="dask")),
                                  win_table(eager))
    records.loc[7, "winner"] = "model_c"
    records.to_json(tmp_path / "bad.jsonl", orient="records", lines=True)
    with pytest.raises(AnalysisInputError, match="model_c"):
        read_results(tmp_path / "bad.jsonl", format="arena", engine="dask").compute()
    (tmp_path / "battles.json").write_text(records.to_json(orient="records"))
    with pytest.raises(AnalysisInputError, match="jsonl"):
        read_results(tmp_path / "battles.json", format="arena", engine="dask")


def test_a_folder_mixing_tools_and_broken_files_are_refused_with_file_and_line(tmp_path):
    import shutil

    shutil.copytree(EXAMPLE, tmp_path / "mixed")
    shutil.copy(next((EXAMPLE.parent / "inspect").glob("*.eval")), tmp_path / "mixed" / "stray.eval")
    with pytest.raises(AnalysisInputError, match=r"inspect output beside it: stray.eval"):
        read_results(tmp_path / "mixed", format="lm-eval")
    battles = tmp_path / "battles.jsonl"
    battles.write_text(json.dumps(_battles()[0]) + "\n" + '{"model_a": "x", "model_b": \n')
    with pytest.raises(AnalysisInputError, match=r"battles.jsonl, line 2"):
        read_results(battles, format="arena")
    (tmp_path / "broken.eval").write_bytes(b"PK not really a zip")
    with pytest.raises(AnalysisInputError, match="broken.eval: not a zip"):
        read_results(tmp_path / "broken.eval", format="inspect")
    with zipfile.ZipFile(tmp_path / "headless.eval", "w") as archive:
        archive.writestr("samples/1_epoch_1.json", json.dumps(_inspect_sample(1, "C")))
    with pytest.raises(AnalysisInputError, match="header.json in every .eval log"):
        read_results(tmp_path / "headless.eval", format="inspect")
    (tmp_path / "bad.csv").write_text('model_a,model_b,winner\n"a,b,model_a\n')
    with pytest.raises(AnalysisInputError, match="bad.csv"):
        read_results(tmp_path / "bad.csv", format="arena")

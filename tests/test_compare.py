"""`instap compare` and `instap report`: common random numbers, the CSV, the HTML report,
reuse of run folders, and error cases."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from instap import cli
from instap.commands.compare import compare_command
from instap.commands.report import report_command
from instap.commands.run import run_command
from instap.stats import CSV_COLUMNS
from instap.survival import (
    DURABILITY_METRICS,
    MEDIAN_KEY,
    durability_statistics,
    kaplan_meier,
    survival_curves,
)

from .helpers import small_scenario

REPS, SEED = 3, 11


def small(tmp: Path, parent: str, name: str) -> Path:
    """A small, short variant of a repository scenario."""
    return small_scenario(tmp, parent, name, n_participants=300)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("scenarios")
    return {"base": small(tmp, "baseline.yaml", "base"),
            "multi": small(tmp, "multi_year_funding.yaml", "multi")}


@pytest.fixture(scope="module")
def compared(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cmp") / "out"
    return compare_command([files["base"], files["multi"]], reps=REPS, seed=SEED, out=out,
                           jobs=1, progress=False)


@pytest.fixture(scope="module")
def table(compared: Path) -> pd.DataFrame:
    return pd.read_csv(compared / "comparison.csv")


def test_csv_has_the_columns_and_a_row_per_metric_and_scenario(table: pd.DataFrame) -> None:
    assert tuple(table.columns) == CSV_COLUMNS
    assert set(table["scenario"]) == {"base", "multi"}
    per_metric = table.groupby("metric")["scenario"].apply(list)
    assert all(sorted(v) == ["base", "multi"] for v in per_metric)
    for key in (*DURABILITY_METRICS, "participants.placements", "participants.retention_6m",
                "finance.sroi_10y", "durability.survival_months"):
        assert key in per_metric.index
    assert (table.loc[table["metric"] == "participants.placements", "n"] == REPS).all()


def test_first_scenario_differences_are_zero(table: pd.DataFrame) -> None:
    ref = table[table["scenario"] == "base"]
    assert (ref["method"] == "reference").all()
    defined = ref[ref["mean"].notna()]
    assert len(defined) > 10
    assert (defined[["diff", "diff_low", "diff_high"]] == 0).all().all()


def test_differences_are_paired_over_common_seeds(table: pd.DataFrame, compared: Path) -> None:
    other = table[table["scenario"] == "multi"].set_index("metric")
    assert other.loc["participants.placements", "method"] == "paired t"
    assert other.loc["durability.median_survival_months", "method"] == "paired bootstrap"
    ref = table[table["scenario"] == "base"].set_index("metric")
    # with every replication defined, the mean paired difference is the difference of means
    for key in ("participants.placements", "finance.municipal_spending"):
        assert other.loc[key, "diff"] == pytest.approx(
            other.loc[key, "mean"] - ref.loc[key, "mean"])
        assert other.loc[key, "diff_low"] <= other.loc[key, "diff"] <= other.loc[key, "diff_high"]
    manifest = (compared / "manifest.json").read_text(encoding="utf-8")
    assert '"paired": true' in manifest


def test_report_is_self_contained(compared: Path) -> None:
    text = (compared / "report.html").read_text(encoding="utf-8")
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", text, re.I)
    assert refs, "expected embedded images"
    assert all(r.startswith("data:") or r.startswith("#") for r in refs), refs
    assert "<link" not in text.lower() and "<script" not in text.lower()
    assert text.count("data:image/png;base64,") >= 5  # survival + 4 envelope figures
    assert "keeps the ecosystem alive" in text or "cannot be told apart" in text
    # the resolved parameters that differ are listed
    assert "multi_year_commitment_years" in text
    assert "Parameters that differ" in text


def test_reusing_run_folders_gives_the_same_numbers(files: dict[str, Path], table: pd.DataFrame,
                                                    tmp_path: Path) -> None:
    folders = [run_command(files[k], reps=REPS, seed=SEED, out=tmp_path / k, jobs=1,
                           progress=False) for k in ("base", "multi")]
    out = compare_command(folders, seed=SEED, out=tmp_path / "cmp", jobs=1, progress=False)
    again = pd.read_csv(out / "comparison.csv")
    pd.testing.assert_frame_equal(again, table)
    # a mix of a folder and a file works too
    mixed = compare_command([folders[0], files["multi"]], reps=REPS, seed=SEED,
                            out=tmp_path / "mixed", jobs=1, progress=False)
    pd.testing.assert_frame_equal(pd.read_csv(mixed / "comparison.csv"), table)


def test_other_seeds_warn_and_fall_back_to_unpaired(files: dict[str, Path], tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    folder = run_command(files["multi"], reps=REPS, seed=SEED + 1, out=tmp_path / "other",
                         jobs=1, progress=False)
    out = compare_command([files["base"], folder], reps=REPS, seed=SEED, out=tmp_path / "c",
                          jobs=1, progress=False)
    assert "common random numbers do not hold" in capsys.readouterr().err
    rows = pd.read_csv(out / "comparison.csv")
    other = rows[rows["scenario"] == "multi"].set_index("metric")
    assert other.loc["participants.placements", "method"] == "Welch t"
    assert "common random numbers do not hold" in (out / "report.html").read_text("utf-8")


def test_terminal_prints_a_ranked_durability_table(files: dict[str, Path], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    compare_command([files["base"], files["multi"]], reps=2, seed=SEED, out=tmp_path / "o",
                    jobs=1, progress=False)
    text = capsys.readouterr().out
    assert "Durability ranking" in text and "median survival" in text
    ranks = [line.split()[1] for line in text.splitlines() if re.match(r"^[12]\s", line)]
    assert sorted(ranks) == ["base", "multi"]


def test_report_for_one_run_folder(files: dict[str, Path], tmp_path: Path) -> None:
    folder = run_command(files["base"], reps=2, seed=SEED, out=tmp_path / "run", jobs=1,
                         progress=False)
    path = report_command(folder)
    assert path == folder / "report.html"
    text = path.read_text(encoding="utf-8")
    assert "data:image/png;base64," in text
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", text, re.I)
    assert all(r.startswith(("data:", "#")) for r in refs)
    assert "n_participants" in text  # parameters that differ from the defaults
    assert not list(folder.glob(".report*"))


def test_bootstrap_statistics_match_the_summary_estimator() -> None:
    rng = np.random.default_rng(3)
    times = rng.integers(1, 40, 25).astype(float)
    events = rng.random(25) < 0.7
    times[~events] = 40.0
    km = kaplan_meier(times, events, 40)
    curves = survival_curves(times[None, :], events[None, :], 40)
    np.testing.assert_array_equal(curves[0], km.survival)
    med = durability_statistics(curves, times[None, :], 40)[MEDIAN_KEY][0]
    expected = km.median()["mean"]
    assert med == (expected if expected is not None else 40.0)


def _cli(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["instap", *args])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    return int(exc.value.code or 0)


@pytest.mark.parametrize("case", ["one_input", "missing_file", "not_a_run_folder",
                                  "bad_second_input"])
def test_errors_exit_2_and_write_nothing(case: str, files: dict[str, Path], tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    bad = tmp_path / "bad.yaml"
    bad.write_text("funding:\n  renewal_rule: sometimes\n", encoding="utf-8")
    inputs = {"one_input": [files["base"]],
              "missing_file": [files["base"], tmp_path / "nope.yaml"],
              "not_a_run_folder": [files["base"], tmp_path],
              "bad_second_input": [files["base"], bad]}[case]
    code = _cli(monkeypatch, "compare", *map(str, inputs), "--reps", "1", "--out", str(out))
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and "Traceback" not in err
    assert not out.exists()
    assert not list(tmp_path.glob(".out*"))


def test_report_on_a_folder_that_is_not_a_run_folder_exits_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(monkeypatch, "report", str(tmp_path)) == 2
    assert "not an `instap run` folder" in capsys.readouterr().err
    assert _cli(monkeypatch, "report", str(tmp_path / "missing")) == 2


def test_survival_after_every_run_collapsed_is_zero_not_unknown() -> None:
    times = np.array([[10.0, 12.0, 20.0]])
    events = np.ones_like(times, dtype=bool)
    collapsed = durability_statistics(survival_curves(times, events, 120), times, 120)
    assert collapsed["durability.p_alive_60"][0] == 0.0
    assert collapsed["durability.p_alive_120"][0] == 0.0
    times, events = np.array([[10.0, 20.0]]), np.array([[True, False]])
    curves = survival_curves(times, events, 120)
    censored = durability_statistics(curves, times, 120)
    assert curves[0, 20] == 0.5 and np.isnan(censored["durability.p_alive_60"][0])

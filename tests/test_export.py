"""`instap export`: run and comparison folders as an Excel workbook or CSV files, read back
as Excel and pandas read them; bad input gets one line, exit 2 and nothing written."""

from __future__ import annotations

import inspect
import json
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import instap
from instap import cli, plots
from instap.export import BAND, METRIC_UNITS, Sheet, metric_unit, monthly_band
from instap.spreadsheet import csv_name, write_xlsx
from sim.outputs import COLUMNS

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"n_participants": 300}
RUN_SHEETS = ["Summary", "All metrics", "End of run per replication",
              "Monthly median and band", "Monthly per replication", "About"]
COMPARE_SHEETS = ["Summary", "Comparison", *RUN_SHEETS[2:]]
# XlsxWriter writes a number with 16 significant digits (Excel shows 15): the last bit of
# a double can differ. CSV files hold every digit.
XLSX_DIGITS = 1e-15
EMPLOYED = COLUMNS["employed"]  # "participants in work: ... (persons)"
SPENDING = COLUMNS["municipal_spending"]  # "municipal programme spending this month (EUR)"


def _cli(*args: str) -> int:
    """The exit status of the command line run in this process."""
    try:
        cli.main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two small runs (3 replications, 24 months) and their comparison."""
    top = tmp_path_factory.mktemp("export")
    base = instap.run(ROOT / "scenarios" / "baseline.yaml", reps=3, months=24, set=SMALL,
                      jobs=1).save(top / "baseline")
    ends = instap.run(ROOT / "scenarios" / "programme_ends.yaml", reps=3, months=24,
                      set=SMALL, jobs=1).save(top / "ends")
    compared = instap.compare([base, ends]).save(top / "compared")
    return {"run": base, "ends": ends, "compare": compared, "top": top}


@pytest.fixture(scope="module")
def run_xlsx(folders: dict[str, Path]) -> Path:
    out = folders["top"] / "run.xlsx"
    assert _cli("export", str(folders["run"]), "--format", "xlsx", "--out", str(out)) == 0
    return out


@pytest.fixture(scope="module")
def compare_xlsx(folders: dict[str, Path]) -> Path:
    assert _cli("export", str(folders["compare"])) == 0  # default: xlsx inside the folder
    return folders["compare"] / "compared.xlsx"


def _sheet(path: Path, name: str) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=name, engine="openpyxl")


def _equal_numbers(sheet: pd.DataFrame, stored: pd.DataFrame, columns: dict[str, str],
                   rtol: float = XLSX_DIGITS) -> None:
    """Each stored column equals its sheet column (NaN where the cell is empty)."""
    for key, header in columns.items():
        np.testing.assert_allclose(sheet[header].to_numpy(float), stored[key].to_numpy(float),
                                   rtol=rtol, atol=0, err_msg=header)


# ----------------------------------------------------------------------------- a run
def test_a_run_workbook_has_its_sheets_with_frozen_headers_and_fitted_columns(
        run_xlsx: Path) -> None:
    book = openpyxl.load_workbook(run_xlsx)
    assert book.sheetnames == RUN_SHEETS
    for ws in book.worksheets:
        assert len(ws.title) <= 31
        assert ws.freeze_panes is not None and ws.freeze_panes[1:] == "2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert all(ws.cell(1, j).font.b for j in range(1, ws.max_column + 1))
        widths = [ws.column_dimensions[c].width for c in ("A", "B")]
        assert all(8 <= w <= 100 for w in widths), (ws.title, widths)
    monthly = book["Monthly per replication"]
    assert monthly.freeze_panes == "C2"  # replication and month stay in view
    assert [monthly.cell(1, j).value for j in (1, 2)] == ["replication", "month"]
    # numbers are numbers, months whole numbers, never text
    for row in monthly.iter_rows(min_row=2, max_row=30):
        assert all(c.data_type == "n" for c in row)
        assert isinstance(row[1].value, int)


def test_headers_carry_units_and_every_metric_of_a_run_has_one(folders: dict[str, Path],
                                                              run_xlsx: Path) -> None:
    per_rep = _sheet(run_xlsx, "End of run per replication")
    assert "participants.placements (persons)" in per_rep.columns
    assert "finance.municipal_spending (EUR)" in per_rep.columns
    assert "durability.survival_months (months)" in per_rep.columns
    monthly = _sheet(run_xlsx, "Monthly per replication")
    assert EMPLOYED in monthly.columns and EMPLOYED.endswith("(persons)")
    assert SPENDING in monthly.columns and SPENDING.endswith("(EUR)")
    metrics = pd.read_parquet(folders["run"] / "metrics.parquet")
    lacking = [k for k in metrics.columns if k not in ("replication", "seed")
               and not metric_unit(k)]
    assert not lacking, f"end-of-run metrics without a unit in METRIC_UNITS: {lacking}"
    assert all(unit for _, unit in METRIC_UNITS)


def test_per_replication_and_monthly_sheets_hold_the_run_folders_numbers(
        folders: dict[str, Path], run_xlsx: Path) -> None:
    metrics = pd.read_parquet(folders["run"] / "metrics.parquet")
    per_rep = _sheet(run_xlsx, "End of run per replication")
    assert len(per_rep) == 3 and per_rep["replication"].tolist() == [0, 1, 2]
    assert per_rep["seed"].tolist() == metrics["seed"].tolist()
    _equal_numbers(per_rep, metrics, {"participants.placements":
                                      "participants.placements (persons)",
                                      "finance.sroi_10y": "finance.sroi_10y (EUR per EUR)",
                                      "finance.investor_multiple":  # NaN: an empty cell
                                      "finance.investor_multiple (EUR per EUR)"})
    ts = pd.read_parquet(folders["run"] / "timeseries.parquet")
    monthly = _sheet(run_xlsx, "Monthly per replication")
    assert len(monthly) == len(ts) == 3 * 25
    assert pd.api.types.is_integer_dtype(monthly["month"])
    assert monthly["month"].tolist() == ts["month"].tolist()
    _equal_numbers(monthly, ts, {"employed": EMPLOYED, "municipal_spending": SPENDING,
                                 "trust_municipality_foundation":
                                 COLUMNS["trust_municipality_foundation"]})


def test_the_monthly_median_and_band_are_numpys_over_the_replications(
        folders: dict[str, Path], run_xlsx: Path) -> None:
    ts = pd.read_parquet(folders["run"] / "timeseries.parquet")
    band = _sheet(run_xlsx, "Monthly median and band")
    assert band["month"].tolist() == list(range(25))
    for key in ("employed", "municipal_spending", "coalition_foundation"):
        wide = ts.pivot(index="month", columns="replication", values=key).to_numpy(float)
        name = COLUMNS[key]
        for header, expected in ((f"{name}, median", np.median(wide, axis=1)),
                                 (f"{name}, 5th percentile", np.percentile(wide, 5, axis=1)),
                                 (f"{name}, 95th percentile", np.percentile(wide, 95, axis=1))):
            np.testing.assert_allclose(band[header], expected, rtol=XLSX_DIGITS, atol=0,
                                       err_msg=header)


def test_the_band_ignores_missing_values_as_the_reports_do() -> None:
    """Trust is missing (NaN) where no organisation of a kind is left: the band is over
    the replications that have a value, and empty where none has."""
    ts = pd.DataFrame({"replication": [0, 0, 1, 1, 2, 2], "month": [0, 1] * 3,
                       "trust_municipality_firm": [0.5, np.nan, 0.7, np.nan, 0.1, 0.4],
                       "employed": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    band = monthly_band(ts)
    trust = COLUMNS["trust_municipality_firm"]
    assert band[f"{trust}, median"].tolist() == [0.5, 0.4]
    assert band[f"{trust}, 5th percentile"].tolist()[0] == pytest.approx(0.14)
    assert band[f"{EMPLOYED}, 95th percentile"].tolist() == pytest.approx([4.8, 5.8])
    ts.loc[ts["month"] == 1, "trust_municipality_firm"] = np.nan
    assert np.isnan(monthly_band(ts)[f"{trust}, median"].iloc[1])


def test_the_band_is_the_band_of_the_reports() -> None:
    assert inspect.signature(plots.envelope).parameters["band"].default == BAND


def test_the_summary_holds_the_headline_results_of_summary_json(
        folders: dict[str, Path], run_xlsx: Path) -> None:
    summary = json.loads((folders["run"] / "summary.json").read_text())
    sheet = _sheet(run_xlsx, "Summary").set_index("result")
    row = sheet.loc["participants.placements (persons)"]
    entry = summary["participants"]["placements"]
    assert row["mean"] == pytest.approx(entry["mean"], rel=XLSX_DIGITS)
    assert row["95% interval: low"] == pytest.approx(entry["low"], rel=XLSX_DIGITS)
    assert row["replications"] == 3
    assert sheet.index[0] == "durability.median_survival_months (months)"
    assert "finance.sroi_10y (EUR per EUR)" in sheet.index
    every = _sheet(run_xlsx, "All metrics")
    assert len(every) > len(sheet) and set(sheet.index) <= set(every["result"])
    about = _sheet(run_xlsx, "About").set_index("item")["value"]
    assert about["scenario"] == "baseline"
    assert about["parameters set with --set"] == "n_participants=300"
    assert int(about["months simulated"]) == 24 and int(about["replications"]) == 3
    assert "5th-95th percentile" in about["monthly band"]


def test_csv_files_hold_the_same_tables_in_utf8_with_a_byte_order_mark(
        folders: dict[str, Path], run_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    assert _cli("export", str(folders["run"]), "--format", "csv", "--out", str(out)) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([*(csv_name(s) for s in RUN_SHEETS), "README.txt"])
    head = (out / "monthly_per_replication.csv").read_bytes()[:30]
    assert head.startswith(b"\xef\xbb\xbfreplication,month,")
    assert "Gegevens" in (out / "README.txt").read_text(encoding="utf-8")
    monthly = pd.read_csv(out / "monthly_per_replication.csv", encoding="utf-8-sig")
    ts = pd.read_parquet(folders["run"] / "timeseries.parquet")
    _equal_numbers(monthly, ts, {"employed": EMPLOYED, "municipal_spending": SPENDING},
                   rtol=0)
    for sheet in RUN_SHEETS[:-1]:  # About has the time of export
        pd.testing.assert_frame_equal(
            pd.read_csv(out / csv_name(sheet), encoding="utf-8-sig"),
            _sheet(run_xlsx, sheet), check_dtype=False, rtol=XLSX_DIGITS, obj=sheet)


# ----------------------------------------------------------------------------- a comparison
def test_a_comparison_folder_keeps_each_scenarios_replications(
        folders: dict[str, Path]) -> None:
    kept = folders["compare"] / "scenarios"
    assert sorted(p.name for p in kept.iterdir()) == ["1-baseline", "2-programme_ends"]
    for name, run in (("1-baseline", "run"), ("2-programme_ends", "ends")):
        for table in ("metrics.parquet", "timeseries.parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(kept / name / table),
                                          pd.read_parquet(folders[run] / table))


def test_a_comparison_workbook_has_the_comparison_and_each_scenario(
        folders: dict[str, Path], compare_xlsx: Path) -> None:
    assert openpyxl.load_workbook(compare_xlsx, read_only=True).sheetnames == COMPARE_SHEETS
    table = pd.read_csv(folders["compare"] / "comparison.csv")
    sheet = _sheet(compare_xlsx, "Comparison")
    assert sheet["scenario"].tolist() == table["scenario"].tolist()
    assert sheet["result"].tolist()[:1] == ["durability.median_survival_months (months)"]
    for col, header in (("mean", "mean"), ("diff", "difference from baseline"),
                        ("diff_low", "difference 95% interval: low")):
        np.testing.assert_allclose(sheet[header].to_numpy(float), table[col].to_numpy(float),
                                   rtol=XLSX_DIGITS, atol=0, err_msg=col)
    summary = _sheet(compare_xlsx, "Summary")
    assert set(summary["scenario"]) == {"baseline", "programme_ends"}
    per_rep = _sheet(compare_xlsx, "End of run per replication")
    assert per_rep["scenario"].tolist() == ["baseline"] * 3 + ["programme_ends"] * 3
    ends = pd.read_parquet(folders["ends"] / "metrics.parquet")
    _equal_numbers(per_rep[per_rep["scenario"] == "programme_ends"], ends,
                   {"participants.placements": "participants.placements (persons)"})
    band = _sheet(compare_xlsx, "Monthly median and band")
    ts = pd.read_parquet(folders["ends"] / "timeseries.parquet")
    wide = ts.pivot(index="month", columns="replication", values="employed").to_numpy(float)
    mine = band[band["scenario"] == "programme_ends"]
    assert mine["month"].tolist() == list(range(25))
    np.testing.assert_allclose(mine[f"{EMPLOYED}, median"], np.median(wide, axis=1),
                               rtol=XLSX_DIGITS, atol=0)
    monthly = _sheet(compare_xlsx, "Monthly per replication")
    assert len(monthly) == 2 * 3 * 25 and list(monthly.columns[:3]) == [
        "scenario", "replication", "month"]


def test_an_older_comparison_folder_exports_its_table_and_says_what_is_missing(
        folders: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "old"
    shutil.copytree(folders["compare"], old, ignore=shutil.ignore_patterns("*.xlsx"))
    shutil.rmtree(old / "scenarios")
    manifest = json.loads((old / "manifest.json").read_text())
    for entry in manifest["scenarios"]:
        del entry["tables"]
    (old / "manifest.json").write_text(json.dumps(manifest))
    capsys.readouterr()
    assert _cli("export", str(old), "--format", "csv") == 0
    err = capsys.readouterr().err
    assert "the replications of baseline, programme_ends are not in this comparison" in err
    assert sorted(p.name for p in (old / "old-csv").iterdir()) == [
        "README.txt", "about.csv", "comparison.csv", "summary.csv"]


# ----------------------------------------------------------------------------- safety
def test_text_is_written_as_text_never_as_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_xlsx([Sheet("S", pd.DataFrame({"scenario": ["=HYPERLINK(\"http://x\")", "+1"],
                                         "value": [1.5, np.inf]}))], path)
    ws = openpyxl.load_workbook(path)["S"]
    assert [ws.cell(r, 1).data_type for r in (2, 3)] == ["s", "s"]
    assert ws.cell(2, 1).value == "=HYPERLINK(\"http://x\")"
    assert ws.cell(2, 2).value == 1.5 and ws.cell(3, 2).value is None  # no infinity


def _listing(top: Path) -> list[str]:
    return sorted(str(p.relative_to(top)) for p in top.rglob("*"))


def _damage(folders: dict[str, Path], tmp: Path, kind: str) -> Path:
    """A copy of the run or comparison folder with one file damaged."""
    if kind == "run":
        copy = shutil.copytree(folders["run"], tmp / "damaged")
        (copy / "metrics.parquet").write_bytes(b"PAR1 truncated")
        return copy
    copy = shutil.copytree(folders["compare"], tmp / "damaged",
                           ignore=shutil.ignore_patterns("*.xlsx"))
    if kind == "compare-csv":
        (copy / "comparison.csv").write_text("metric,scenario\nx,y\n")
    else:
        (copy / "scenarios" / "2-programme_ends" / "timeseries.parquet").unlink()
    return copy


@pytest.mark.parametrize(("case", "message"), [
    ("missing", "{folder}: no such folder"),
    ("file", "{folder}: is a file; expected an `instap run` or `instap compare` result folder"),
    ("empty", "{folder}: not an `instap run` or `instap compare` result folder"),
    ("sweep", "{folder}: an `instap sweep` folder; export takes"),
    ("run", "{folder}: metrics.parquet is not a readable parquet table"),
    ("compare-csv", "{folder}: comparison.csv has the columns metric, scenario instead of"),
    ("compare-tables", "{folder}: scenarios/2-programme_ends/timeseries.parquet is missing; "
                       "the comparison folder is damaged (run `instap compare` again)"),
])
def test_a_folder_that_is_not_a_whole_result_folder_gets_one_line_and_nothing_written(
        folders: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        case: str, message: str) -> None:
    folder = tmp_path / "in"
    if case == "file":
        folder.write_text("x")
    elif case in ("empty", "sweep"):
        folder.mkdir()
        if case == "sweep":
            (folder / "runs").mkdir()
            (folder / "manifest.json").write_text("{}")
    elif case != "missing":
        folder = _damage(folders, tmp_path, case)
    before = _listing(tmp_path)
    capsys.readouterr()
    assert _cli("export", str(folder)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert message.format(folder=folder) in err
    assert _listing(tmp_path) == before


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "xls"], "--format 'xls' is not allowed; allowed: xlsx, csv"),
    (["--out", "{tmp}/exists.xlsx"], "--out {tmp}/exists.xlsx: exists; choose a new file "
                                     "name or remove it first"),
    (["--out", "{tmp}/book.xls"], "--out {tmp}/book.xls: an Excel file's name must end in "
                                  ".xlsx"),
    (["--format", "csv", "--out", "{tmp}/full"], "--out {tmp}/full: exists and is not empty"),
])
def test_a_bad_option_gets_one_line_and_nothing_written(
        folders: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        args: list[str], message: str) -> None:
    (tmp_path / "exists.xlsx").write_text("mine")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "a.csv").write_text("mine")
    before, run_before = _listing(tmp_path), _listing(folders["run"])
    capsys.readouterr()
    assert _cli("export", str(folders["run"]),
                *[a.format(tmp=tmp_path) for a in args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert message.format(tmp=tmp_path) in err
    assert _listing(tmp_path) == before and _listing(folders["run"]) == run_before
    assert (tmp_path / "exists.xlsx").read_text() == "mine"


def test_an_interrupted_export_leaves_nothing(folders: dict[str, Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from instap.commands import export as command

    def interrupted(sheets: object, path: Path) -> None:
        Path(path).write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "write_xlsx", interrupted)
    assert _cli("export", str(folders["run"]), "--out", str(tmp_path / "x.xlsx")) == 130
    assert list(tmp_path.iterdir()) == []

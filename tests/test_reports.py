"""Reports and summaries in English and Dutch (``--lang``), what they show (names not
keys, the causes of collapse, the stakeholder table, the ranking as a table), sentences
that say something, and ``instap compare --reps/--seed/--months/--set`` with its refusals."""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from instap import cli, glossary
from instap.commands.report import report_command
from instap.commands.run import run_command
from instap.findings import comparison_findings, plain_summary
from instap.inputs import ScenarioData
from instap.ranking import durability_ranking

from .helpers import small_scenario

SEED = 5


def small(tmp: Path, parent: str, name: str) -> Path:
    """A small, short variant of a repository scenario."""
    return small_scenario(tmp, parent, name, n_participants=250)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("scenarios")
    return {"base": small(tmp, "baseline.yaml", "base"),
            "multi": small(tmp, "multi_year_funding.yaml", "multi")}


@pytest.fixture(scope="module")
def run_folder(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return run_command(files["base"], reps=2, seed=SEED, months=60, jobs=1, progress=False,
                       out=tmp_path_factory.mktemp("run") / "base")


class _Visible(HTMLParser):
    """The text a reader sees: everything outside <style>, <script> and attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "script", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html_text: str) -> str:
    parser = _Visible()
    parser.feed(html_text)
    return " ".join(" ".join(parser.parts).split())


def raw_keys(text: str) -> list[str]:
    """Metric keys (``participants.placements``) in a text."""
    return glossary.RAW_KEY.findall(text) + [k for k in glossary.TERMS if "." in k and k in text]


# ----------------------------------------------------------------------------- run report
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_run_report_speaks_the_language_and_shows_names_not_keys(run_folder: Path,
                                                                lang: str) -> None:
    text = report_command(run_folder, lang=lang).read_text(encoding="utf-8")
    assert f"<html lang='{lang}'>" in text
    seen = visible_text(text)
    assert raw_keys(seen) == []
    assert "<pre>" not in text  # the ranking is a table, not a text dump
    if lang == "nl":
        for words in ("Samenvatting", "mediane overlevingsduur (maanden)",
                      "Waarom het ecosysteem instortte", "Wie betaalt en wie profiteert",
                      "landelijk uitkeringsbudget", "maatschappelijk rendement over 10 jaar",
                      "€ "):
            assert words in seen, words
        assert "EUR " not in seen and "Summary" not in seen
        assert re.search(r"\d,\d\d\b", seen)  # a decimal comma
    else:
        for words in ("Summary", "median survival time (months)",
                      "Why the ecosystem collapsed", "Who pays and who gains",
                      "national benefits budget", "EUR "):
            assert words in seen, words
    for route in ("money", "partners", "capacity", "jobs", "none"):
        assert glossary.short(f"durability.cause.{route}", lang) in seen


def test_run_summary_in_dutch_on_the_terminal(files: dict[str, Path], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    run_command(files["base"], reps=2, seed=SEED, months=24, jobs=1, progress=False,
                out=tmp_path / "r", lang="nl")
    out = capsys.readouterr().out
    assert "Scenario base: 2 simulaties van 24 maanden." in out
    assert "Gemiddeld gingen" in out and "Resultaten: " in out
    assert raw_keys(out) == []


def test_report_follows_a_language_recorded_for_the_scenario(run_folder: Path,
                                                             tmp_path: Path) -> None:
    """``default_lang`` reads a ``lang`` key of the scenario (none exists yet in scenario
    files; a manifest that records one is followed)."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(run_folder, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["scenario"]["lang"] = "nl"
    (copy / "manifest.json").write_text(json.dumps(manifest))
    assert "<html lang='nl'>" in report_command(copy).read_text(encoding="utf-8")
    assert "<html lang='en'>" in report_command(copy, lang="en").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- sentences
def _scenario(name: str, months: int) -> ScenarioData:
    return ScenarioData(name=name, source="x.yaml", description="", params={"months": months},
                        seeds=[1, 2], metrics=pd.DataFrame(), timeseries=pd.DataFrame())


def _table(rows: list[tuple[str, str, float, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"metric": m, "scenario": s, "n": 2, "mean": mean, "low": mean,
                          "high": mean, "diff": d, "diff_low": lo, "diff_high": hi,
                          "method": "paired t"} for m, s, mean, d, lo, hi in rows])


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_equal_chances_are_not_a_change_from_0_to_0(lang: str) -> None:
    scenarios = [_scenario("a", 120), _scenario("b", 120)]
    table = _table([("durability.p_alive_120", "a", 0.0, 0.0, 0.0, 0.0),
                    ("durability.p_alive_120", "b", 0.0, 0.0, 0.0, 0.0),
                    ("participants.placements", "a", 100.0, 0.0, 0.0, 0.0),
                    ("participants.placements", "b", 100.02, 0.02, -1.0, 1.4)])
    text = " ".join(t for _, t, _ in comparison_findings(scenarios, table, lang))
    assert "0% to 0%" not in text and "0% naar 0%" not in text
    assert "in any run" in text if lang == "en" else "in geen enkele simulatie" in text
    assert ("do not differ in starts of work" in text if lang == "en"
            else "verschillen niet in werkhervattingen" in text)


def test_chances_beyond_a_short_run_are_left_out() -> None:
    scenarios = [_scenario("a", 36), _scenario("b", 36)]
    table = _table([("durability.p_alive_120", "a", 0.0, 0.0, 0.0, 0.0),
                    ("durability.p_alive_120", "b", 0.0, 0.0, 0.0, 0.0)])
    assert comparison_findings(scenarios, table) == []


def test_a_real_change_names_both_chances_in_points() -> None:
    scenarios = [_scenario("a", 120), _scenario("b_plus", 120)]
    table = _table([("durability.p_alive_120", "a", 0.2, 0.0, 0.0, 0.0),
                    ("durability.p_alive_120", "b_plus", 0.45, 0.25, 0.1, 0.4)])
    ((_, en, clear),) = comparison_findings(scenarios, table, "en")
    assert en == ("B plus raises the chance that the ecosystem still functions after 10 years "
                  "from 20% to 45% (+25 percentage points; 95% interval: +10 to +40 percentage "
                  "points).") and clear
    ((_, nl, _),) = comparison_findings(scenarios, table, "nl")
    assert nl.startswith("B plus verhoogt de kans dat het ecosysteem na 10 jaar nog "
                         "functioneert van 20% naar 45% (+25 procentpunt")


def test_summary_of_runs_that_all_collapsed() -> None:
    summary = {"run": {"replications": 3},
               "durability": {"median_survival_months": {"mean": 46.0, "low": 41.0,
                                                         "high": 54.0, "reached": True},
                              "p_alive_60": {"mean": 0.0, "low": 0.0, "high": 0.0,
                                             "estimable": True},
                              "p_alive_120": {"mean": 0.0, "low": 0.0, "high": 0.0,
                                              "estimable": True}},
               "finance": {"sroi_10y": {"mean": 2.126, "low": -0.57, "high": 4.82}}}
    en = plain_summary(summary, "base", 60, "en")
    assert "a median of 46 months (95% interval: 41 to 54)" in en
    assert "after 5 years it no longer functioned in any run" in en
    assert "10 years" not in en.split("\n")[1]  # a 60-month run says nothing about year 10
    nl = plain_summary(summary, "base", 60, "nl")
    assert "Maatschappelijk rendement over 10 jaar: € 2,13 per geïnvesteerde euro " \
        "(95%-interval: -0,57 tot 4,82)" in nl


def test_terminal_ranking_in_dutch() -> None:
    scenarios = [_scenario("a", 60), _scenario("b", 60)]
    table = _table([("durability.median_survival_months", "a", 46.0, 0.0, 0.0, 0.0),
                    ("durability.p_alive_60", "a", 0.25, 0.0, 0.0, 0.0)])
    table.loc[len(table)] = ["durability.median_survival_months", "b", 2, np.nan, np.nan,
                             np.nan, 5.0, 0.0, 9.0, "paired bootstrap"]
    text = durability_ranking(scenarios, table, "nl")
    assert text.startswith("Rangorde naar levensduur")
    assert ">60 (niet bereikt)" in text and "mediane overlevingsduur" in text
    lines = text.splitlines()
    assert lines[3].split()[:2] == ["1", "b"] and lines[4].split()[:2] == ["2", "a"]


# ----------------------------------------------------------------------------- compare
def test_compare_applies_months_and_set_to_every_scenario(
        files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "cmp"
    code = _cli(monkeypatch, "compare", str(files["base"]), str(files["multi"]), "--reps", "2",
                "--seed", "3", "--months", "24", "--set", "n_participants=200", "--jobs", "1",
                "--lang", "nl", "--out", str(out))
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    for sc in manifest["scenarios"]:
        assert sc["params"]["months"] == 24 and sc["params"]["n_participants"] == 200
        assert len(sc["seeds"]) == 2
    assert manifest["overrides"] == {"set": ["n_participants=200"], "months": 24}
    assert manifest["master_seed"] == 3 and manifest["lang"] == "nl"
    table = pd.read_csv(out / "comparison.csv")
    assert (table.loc[table["metric"] == "participants.placements", "n"] == 2).all()
    html_text = (out / "report.html").read_text(encoding="utf-8")
    seen = visible_text(html_text)
    assert "<html lang='nl'>" in html_text and raw_keys(seen) == []
    assert "Voor elk scenario ingesteld: --set n_participants=200 --months 24" in seen
    assert "Rang" in seen or "rang" in seen


def _cli(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """``instap ARGS`` in this process; its exit status."""
    monkeypatch.setattr(sys, "argv", ["instap", *args])
    try:
        cli.main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.mark.parametrize(("case", "expected"), [
    ("set_typo", "--set 'pilot_lenght_months=3': unknown parameter 'pilot_lenght_months' "
                 "(did you mean 'pilot_length_months'?)"),
    ("set_bad_value", "--set 'pilot_length_months=abc': pilot_length_months = 'abc' is not "
                      "allowed"),
    ("months_too_long", "--months 9999: months = 9999 is not allowed"),
    ("months_on_folder", "--months 24: cannot change the run folder"),
    ("set_on_folder", "--set n_participants=300: cannot change the run folder"),
    ("reps_on_folders", "--reps 3: there is no scenario file to run"),
    ("lang", "--lang fr: not allowed; allowed: en, nl"),
    ("reps_zero", "--reps"),
])
def test_compare_refuses_bad_options_with_one_line_and_writes_nothing(
        case: str, expected: str, files: dict[str, Path], run_folder: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    base, multi, folder = str(files["base"]), str(files["multi"]), str(run_folder)
    args = {"set_typo": [base, multi, "--set", "pilot_lenght_months=3"],
            "set_bad_value": [base, multi, "--set", "pilot_length_months=abc"],
            "months_too_long": [base, multi, "--months", "9999"],
            "months_on_folder": [base, folder, "--months", "24"],
            "set_on_folder": [folder, multi, "--set", "n_participants=300"],
            "reps_on_folders": [folder, folder, "--reps", "3"],
            "lang": [base, multi, "--lang", "fr"],
            "reps_zero": [base, multi, "--reps", "0"]}[case]
    out = tmp_path / "out"
    assert _cli(monkeypatch, "compare", *args, "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("error: ") and expected in err, err
    assert "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".out*"))


@pytest.mark.parametrize("command", ["run", "report"])
def test_run_and_report_refuse_an_unknown_language(
        command: str, files: dict[str, Path], run_folder: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p.name for p in run_folder.iterdir())
    args = ([str(files["base"]), "--out", str(tmp_path / "out")] if command == "run"
            else [str(run_folder)])
    assert _cli(monkeypatch, command, *args, "--lang", "de") == 2
    err = capsys.readouterr().err
    assert err.strip() == "error: --lang de: not allowed; allowed: en, nl"
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in run_folder.iterdir()) == before

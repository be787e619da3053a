"""Timelines in scenario files: what is accepted, how ``extends:`` merges them, and one
clear line (file, line, value, what is allowed) for every mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from instap.errors import InstapError
from instap.scenario import load_scenario, scenario_json_schema
from sim.timeline import ACTIONS, INTERVENTIONS, MID_RUN

ROOT = Path(__file__).resolve().parents[1]
BASE = str(ROOT / "scenarios" / "baseline.yaml")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(InstapError) as info:
        load_scenario(path)
    return str(info.value)


def scenario(folder: Path, timeline: str, name: str = "s.yaml") -> Path:
    return write(folder, name, f"extends: {BASE}\ntimeline:\n{timeline}")


def test_every_action_is_accepted_and_kept_as_plain_entries(tmp_path: Path) -> None:
    path = scenario(tmp_path, """\
  - month: 25
    budget: -30%
    label: cut
  - month: 24
    partner_leaves: housing_corporation
  - month: 48
    partner_joins: {kind: regular_employer, count: 2}
  - month: 10
    until: 30
    set: {admin_burden: 0.8}
  - month: 36
    intervention: end_funding
""")
    loaded = load_scenario(path)
    assert loaded.timeline == [
        {"month": 25, "budget": -0.3, "label": "cut"},
        {"month": 24, "partner_leaves": "housing_corporation"},
        {"month": 48, "partner_joins": {"kind": "regular_employer", "count": 2}},
        {"month": 10, "until": 30, "set": {"admin_burden": 0.8}},
        {"month": 36, "intervention": "end_funding"}]
    assert loaded.params["timeline"] == loaded.timeline
    assert loaded.timeline_where[1] == f"{path}, line 6"


def test_extends_appends_the_child_entries_and_an_empty_list_drops_them(tmp_path: Path
                                                                         ) -> None:
    parent = scenario(tmp_path, "  - month: 5\n    intervention: election\n", "parent.yaml")
    child = write(tmp_path, "child.yaml", "extends: parent.yaml\ntimeline:\n"
                  "  - month: 9\n    budget: 0.1\n")
    grandchild = write(tmp_path, "grandchild.yaml", "extends: child.yaml\nfunding:\n"
                       "  pilot_length_months: 36\n")
    cleared = write(tmp_path, "cleared.yaml", "extends: child.yaml\ntimeline: []\n")
    assert [e["month"] for e in load_scenario(parent).timeline] == [5]
    assert [e["month"] for e in load_scenario(child).timeline] == [5, 9]
    assert [e["month"] for e in load_scenario(grandchild).timeline] == [5, 9]
    assert load_scenario(cleared).timeline == []
    assert "timeline" not in load_scenario(cleared).params
    where = load_scenario(child).timeline_where
    assert where == [f"{parent}, line 3", f"{child}, line 3"]


@pytest.mark.parametrize(("entry", "line", "expected"), [
    ("  - month: 0\n    budget: -0.3\n", 3,
     "timeline entry 1: month = 0 is not allowed; allowed: a whole number from 1 to 120"),
    ("  - month: 121\n    intervention: election\n", 3,
     "month = 121 is not allowed; allowed: a whole number from 1 to 120 (the horizon)"),
    ("  - month: 12\n    partner_leaves: housing_corp\n", 4,
     "partner_leaves = 'housing_corp' is not allowed; allowed: one of foundation, "
     "regular_employer, social_enterprise, housing_corporation, bank"),
    ("  - month: 12\n    set: {n_participants: 500}\n", 4,
     "n_participants cannot change during a run"),
    ("  - month: 12\n    set: {role_clarty: 0.5}\n", 4,
     "unknown parameter 'role_clarty' in set (did you mean 'role_clarity'?)"),
    ("  - month: 12\n    set:\n      role_clarity: 0,6\n", 5,
     "set.role_clarity = '0,6' is not allowed; allowed: a number from 0 to 1 (index 0-1) "
     "(write a decimal point: 0.6)"),
    ("  - month: 12\n    set: {role_clarity: 0,6}\n", 4,
     "a decimal comma inside {...} splits the value in two"),
    ("  - month: 12\n    intervention: recession\n    budget: 0.1\n", 4,
     "it has 2 actions (budget, intervention); allowed: exactly one of"),
    ("  - month: 12\n", 3, "it has no action"),
    ("  - month: 12\n    mnth: 3\n    budget: 0.1\n", 4,
     "unknown key 'mnth' (did you mean 'month'?)"),
    ("  - month: 12\n    until: 20\n    intervention: election\n", 4,
     "until = 20 is not allowed; allowed: a whole number after 'month', up to the "
     "horizon (months), for set and budget only"),
    ("  - month: 30\n    until: 20\n    budget: 0.1\n", 3,
     "until = 20 is not allowed; allowed: a whole number from 31 to 120"),
    ("  - month: 12\n    partner_joins: {kind: bank, count: 9}\n", 3,
     "partner_joins.count = 9 is not allowed; allowed: at most 2 bank organisations"),
    ("  - month: 12\n    budget: abc\n", 4, "budget = 'abc' is not allowed; allowed: a share"),
    ("  - month: 12\n    budget: 0\n", 4, "budget = 0 is not allowed"),
    ("  - month: 12.5\n    budget: 0.1\n", 3, "month = 12.5 is not allowed"),
    ("  - month: 12\n    intervention: strike\n", 4,
     "intervention = 'strike' is not allowed; allowed: one of " + ", ".join(INTERVENTIONS)),
])
def test_a_bad_entry_is_refused_with_file_line_value_and_what_is_allowed(
        tmp_path: Path, entry: str, line: int, expected: str) -> None:
    path = scenario(tmp_path, entry)
    message = refused(path)
    assert message.startswith(f"{path}, line {line}: timeline entry 1: "), message
    assert expected in message
    assert "\n" not in message and "pydantic" not in message


def test_a_timeline_that_is_not_a_list_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "s.yaml", f"extends: {BASE}\ntimeline:\n  month: 3\n")
    assert refused(path).startswith(f"{path}, line 2: timeline = ")


@pytest.mark.parametrize("key", ["events", "schedule", "interventions", "tijdlijn"])
def test_a_timeline_under_another_name_points_to_timeline(tmp_path: Path, key: str) -> None:
    path = write(tmp_path, "s.yaml", f"extends: {BASE}\n{key}:\n  - month: 3\n")
    assert refused(path) == (f"{path}, line 2: unknown key '{key}'; dated changes go in "
                             "'timeline:' (docs/scenarios.md)")


def test_the_json_schema_describes_the_timeline() -> None:
    schema = scenario_json_schema()
    timeline = schema["properties"]["timeline"]
    entry = timeline["items"]
    assert timeline["type"] == "array"
    assert set(entry["properties"]) == {"month", "until", "label", *ACTIONS}
    assert set(entry["properties"]["set"]["properties"]) == set(MID_RUN)
    assert entry["properties"]["intervention"]["enum"] == list(INTERVENTIONS)
    assert entry["additionalProperties"] is False


def test_a_shorter_horizon_on_the_command_line_is_checked_against_the_timeline(
        tmp_path: Path) -> None:
    """`--months` below an entry's month: exit 2, one line naming the entry's file and
    line and the option, and no folder written."""
    path = scenario(tmp_path, "  - month: 40\n    budget: -0.3\n")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "instap.cli", "run", str(path), "--months",
                           "30", "--reps", "1", "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        f"error: {path}, line 3: timeline entry 1: month = 40 is not allowed; allowed: a "
        "whole number from 1 to 30 (the horizon) (with --months 30)")
    assert not out.exists()


def test_a_run_folder_records_the_timeline(tmp_path: Path) -> None:
    import json

    path = scenario(tmp_path, "  - month: 6\n    intervention: recession\n")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "instap.cli", "run", str(path), "--months",
                           "12", "--reps", "2", "--set", "n_participants=300", "--out",
                           str(out)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["params"]["timeline"] == [{"month": 6, "intervention": "recession"}]


# ------------------------------------------------------------------ in words and on plots
def test_entries_are_described_in_both_languages() -> None:
    from instap.timeline_text import describe, marks, rows

    entries = [{"month": 25, "budget": -0.3},
               {"month": 10, "until": 30, "set": {"role_clarity": 0.7}},
               {"month": 25, "partner_leaves": {"kind": "housing_corporation", "count": 2}},
               {"month": 40, "partner_joins": "bank", "label": "Rabobank"},
               {"month": 48, "intervention": "restart_funding"}]
    assert describe(entries[0], "en") == "from month 25: programme budget cut by 30%"
    assert describe(entries[0], "nl") == "vanaf maand 25: programmabudget met 30% verlaagd"
    assert describe(entries[1], "nl") == "maand 10 tot en met 29: instelling role_clarity = 0,70"
    assert describe(entries[2], "en") == "from month 25: 2 housing corporations leave the coalition"
    assert describe(entries[3], "nl") == "vanaf maand 40: een bank sluit zich aan (Rabobank)"
    assert describe(entries[4], "nl") == ("vanaf maand 48: de gemeente start het programma "
                                          "opnieuw")
    assert [r[0] for r in rows(entries, "en")] == ["1", "2", "3", "4", "5"]
    assert marks(entries) == [(10, "1"), (25, "2,3"), (40, "4"), (48, "5")]


def test_the_run_report_lists_the_timeline_and_the_plots_mark_it(tmp_path: Path) -> None:
    import instap
    from instap.plots import PANELS, run_panel_figure

    path = scenario(tmp_path, "  - month: 6\n    intervention: recession\n"
                    "  - month: 9\n    budget: -50%\n")
    result = instap.run(path, reps=2, months=12, set={"n_participants": 300}, jobs=1)
    result.save(tmp_path / "out")
    from instap.commands.report import report_command

    html = report_command(tmp_path / "out", lang="nl").read_text(encoding="utf-8")
    assert "<h2>Tijdlijn</h2>" in html
    assert "vanaf maand 6" in html and "een recessie begint" in html
    assert "programmabudget met 50% verlaagd" in html
    fig = run_panel_figure(result.timeseries, PANELS["coalition"], "x", "nl", [(6, "1")])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["1"]

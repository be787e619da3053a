"""Scenario files: every shipped file loads; the schema refuses bad input clearly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from instap.errors import InstapError
from instap.overrides import apply_overrides
from instap.scenario import (
    load_scenario,
    scenario_json_schema,
    validate_files,
)
from sim.parameters import DEFAULTS, PARAMETERS, SECTIONS

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
POLICY = {"multi_year_funding", "programme_ends", "social_impact_bond",
          "partnership_agreement", "debt_help_first", "admin_relief",
          "outreach_many_doors", "combined_package"}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problem(path: Path) -> str:
    with pytest.raises(InstapError) as info:
        load_scenario(path)
    return str(info.value)


# ------------------------------------------------------------------ shipped files
def test_all_required_scenarios_exist() -> None:
    names = {p.stem for p in SCENARIOS}
    assert {"baseline"} | POLICY <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_loads_and_opens_with_a_cited_finding(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.name == path.stem
    assert set(scenario.params) - {"timeline"} == set(PARAMETERS)
    assert ("timeline" in scenario.params) == bool(scenario.timeline)
    assert "seed 00" in scenario.description, "the opening comment cites a seed study"
    assert len(scenario.description_nl) > 80, "a Dutch description for Dutch reports"
    assert "Finding" in scenario.description


@pytest.mark.parametrize("path", [p for p in SCENARIOS if p.stem != "baseline"],
                         ids=lambda p: p.stem)
def test_policy_scenarios_extend_baseline_and_state_only_differences(path: Path) -> None:
    child, base = load_scenario(path), load_scenario(ROOT / "scenarios" / "baseline.yaml")
    assert [c.name for c in child.chain][0] == path.name
    assert [c.name for c in child.chain][-1] == "baseline.yaml"
    assert all(c.parent == path.parent for c in child.chain)
    differing = {k for k in child.params if child.params[k] != base.params.get(k)}
    assert differing, "a policy scenario changes something"
    own = YAML(typ="safe").load(path.read_text())
    for section in SECTIONS:
        for name in own.get(section) or {}:
            parent = load_scenario(child.chain[1])
            assert child.params[name] != parent.params[name], f"{name} repeats its parent"


def test_baseline_is_the_model_defaults() -> None:
    base = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    assert base.params == DEFAULTS


def test_validate_files_prints_ok(capsys: pytest.CaptureFixture[str]) -> None:
    validate_files(SCENARIOS)
    out = capsys.readouterr().out
    assert out.count("OK ") == len(SCENARIOS)


# ------------------------------------------------------------------ extends
def test_extends_states_only_differences(tmp_path: Path) -> None:
    write(tmp_path, "parent.yaml", "funding:\n  pilot_length_months: 36\n"
          "admin:\n  admin_burden: 0.2\n")
    write(tmp_path, "mid.yaml", "extends: parent.yaml\nadmin:\n  admin_burden: 0.1\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    child = write(sub, "child.yaml", "# A child.\nextends: ../mid.yaml\nname: kid\n"
                  "outreach:\n  outreach_doors: 3\n")
    s = load_scenario(child)
    assert s.name == "kid" and s.description == "A child."
    assert s.overrides == {"pilot_length_months": 36, "admin_burden": 0.1, "outreach_doors": 3}
    assert s.params["admin_burden"] == 0.1 and s.params["renewal_rule"] == DEFAULTS[
        "renewal_rule"]
    assert len(s.chain) == 3


def test_extends_cycle_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\n")
    msg = problem(tmp_path / "a.yaml")
    assert "cycle" in msg and "a.yaml" in msg and "b.yaml" in msg


def test_extends_missing_parent(tmp_path: Path) -> None:
    msg = problem(write(tmp_path, "a.yaml", "# x\nextends: nowhere.yaml\n"))
    assert "line 2" in msg and "nowhere.yaml" in msg


# ------------------------------------------------------------------ errors
def test_unknown_key_did_you_mean_with_line(tmp_path: Path) -> None:
    path = write(tmp_path, "x.yaml", "# c\nname: x\nfunding:\n  renewal_rule: never\n"
                 "  pilot_lenght_months: 36\n")
    msg = problem(path)
    assert msg == (f"{path}, line 5: unknown key 'pilot_lenght_months' in section 'funding' "
                   "(did you mean 'pilot_length_months'?)")


def test_unknown_section_and_misplaced_parameter(tmp_path: Path) -> None:
    msg = problem(write(tmp_path, "x.yaml", "fundig:\n  pilot_length_months: 36\n"))
    assert "line 1" in msg and "'fundig'" in msg and "did you mean 'funding'" in msg
    msg = problem(write(tmp_path, "y.yaml", "debt:\n  admin_burden: 0.2\n"))
    assert "line 2" in msg and "belongs in section 'admin'" in msg


@pytest.mark.parametrize(("section", "name", "value", "allowed"), [
    ("funding", "pilot_length_months", "999", "3 to 240"),
    ("funding", "pilot_length_months", "'long'", "whole number from 3 to 240"),
    ("funding", "pilot_length_months", "24.5", "whole number"),
    ("governance", "role_clarity", "1.5", "from 0 to 1"),
    ("funding", "renewal_rule", "sometimes", "never, political, evidence"),
    ("monitoring", "monitoring", "1", "true or false"),
    ("governance", "partnership_agreement", "'yes'", "true or false"),
])
def test_wrong_type_or_range_names_file_line_path_value_allowed(
        tmp_path: Path, section: str, name: str, value: str, allowed: str) -> None:
    path = write(tmp_path, "bad.yaml", f"# bad\n\n{section}:\n  {name}: {value}\n")
    msg = problem(path)
    assert msg.startswith(f"{path}, line 4: {section}.{name} = ")
    assert value.strip("'") in msg
    assert allowed in msg


def test_several_problems_are_all_listed(tmp_path: Path) -> None:
    msg = problem(write(tmp_path, "x.yaml", "admin:\n  admin_burden: 2\n"
                        "outreach:\n  outreach_doors: 0\n"))
    assert "line 2" in msg and "line 4" in msg and len(msg.splitlines()) == 2


def test_section_must_be_a_mapping(tmp_path: Path) -> None:
    msg = problem(write(tmp_path, "x.yaml", "name: x\nfunding: 36\n"))
    assert "line 2" in msg and "'funding' must be a mapping" in msg


@pytest.mark.parametrize("text", [
    "funding: !!python/object:os.system {x: 1}\n",
    "name: !!python/name:os.system\n",
    "funding:\n  pilot_length_months: !!python/object/apply:os.getpid []\n",
    "name: !custom x\n",
])
def test_python_object_tags_are_refused(tmp_path: Path, text: str) -> None:
    msg = problem(write(tmp_path, "evil.yaml", text))
    assert "tag" in msg and "not allowed" in msg


def test_invalid_yaml_and_duplicate_keys(tmp_path: Path) -> None:
    msg = problem(write(tmp_path, "x.yaml", "funding:\n  pilot_length_months: [36\n"))
    assert "not valid YAML" in msg and "line" in msg
    msg = problem(write(tmp_path, "y.yaml", "funding:\n  pilot_length_months: 24\n"
                        "  pilot_length_months: 30\n"))
    assert "duplicate key" in msg and "line 3" in msg


def test_missing_file_and_non_mapping(tmp_path: Path) -> None:
    assert "does not exist" in problem(tmp_path / "nope.yaml")
    assert "must be a mapping" in problem(write(tmp_path, "x.yaml", "- 1\n- 2\n"))


def test_empty_file_is_the_defaults(tmp_path: Path) -> None:
    s = load_scenario(write(tmp_path, "empty.yaml", "# nothing set\n"))
    assert s.params == DEFAULTS and s.overrides == {}


def test_validate_files_lists_every_problem(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "admin:\n  admin_burden: 3\n")
    b = write(tmp_path, "b.yaml", "bogus: 1\n")
    with pytest.raises(InstapError) as info:
        validate_files([a, SCENARIOS[0], b])
    assert "a.yaml" in str(info.value) and "b.yaml" in str(info.value)


# ------------------------------------------------------------------ --set
def test_apply_overrides_parses_yaml_scalars() -> None:
    before = dict(DEFAULTS)
    params = apply_overrides(DEFAULTS, ["pilot_length_months=36", "renewal_rule=never",
                                        "monitoring=true", "role_clarity=0.8",
                                        "role_clarity=1"])
    assert params["pilot_length_months"] == 36 and params["renewal_rule"] == "never"
    assert params["monitoring"] is True and params["role_clarity"] == 1.0
    assert before == DEFAULTS  # the input is not changed


@pytest.mark.parametrize(("item", "expected"), [
    ("pilot_lenght_months=3", "did you mean 'pilot_length_months'"),
    ("pilot_length_months", "expected name=value"),
    ("pilot_length_months=abc", "whole number from 3 to 240"),
    ("monitoring=maybe", "true or false"),
    ("renewal_rule=sometimes", "never, political, evidence"),
])
def test_apply_overrides_errors_name_the_option(item: str, expected: str) -> None:
    with pytest.raises(InstapError) as info:
        apply_overrides(DEFAULTS, [item])
    assert str(info.value).startswith(f"--set {item!r}")
    assert expected in str(info.value)


# ------------------------------------------------------------------ JSON Schema
def test_schema_command_prints_json_schema_with_every_parameter() -> None:
    done = subprocess.run([sys.executable, "-m", "instap.cli", "schema"], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    schema = json.loads(done.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert set(SECTIONS) <= set(schema["properties"])
    found = {name for d in schema["$defs"].values() for name in d.get("properties", {})}
    assert set(PARAMETERS) <= found


def test_schema_carries_ranges_and_choices() -> None:
    defs = scenario_json_schema()["$defs"]
    funding = defs["Section_funding"]["properties"]
    text = json.dumps(funding["pilot_length_months"])
    assert '"minimum": 3' in text and '"maximum": 240' in text
    assert "never" in json.dumps(funding["renewal_rule"])


def test_checking_a_scenario_loads_neither_the_model_nor_mesa() -> None:
    """`instap validate` answers in a fraction of a second: the scenario schema needs the
    parameters only, and `sim` imports the model on first use."""
    code = ("import sys, sim, instap.scenario\n"
            "heavy = sorted(m for m in ('mesa', 'sim.model', 'sim.outputs', 'pandas', 'scipy')"
            " if m in sys.modules)\n"
            "assert not heavy, heavy\n"
            "assert sim.InstapModel.__name__ == 'InstapModel' and 'mesa' in sys.modules\n"
            "assert 'regular_work' in sim.COLUMNS\n"
            "try:\n    sim.no_such_name\nexcept AttributeError:\n    print('ok')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]

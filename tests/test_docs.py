"""The documentation agrees with the code: generated parts are current, every parameter has
a source or rationale, and the ODD names every causal link and every model module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from instap import docs_gen
from sim.parameters import PARAMETERS, SECTIONS

REPO = Path(__file__).resolve().parent.parent
ODD = REPO / "docs" / "ODD.md"
POLICIES = sorted(p.stem for p in (REPO / "sim" / "policies").glob("*.py")
                  if p.stem != "__init__")
SIM_MODULES = sorted(
    str(p.relative_to(REPO)) for p in [*(REPO / "sim").glob("*.py"),
                                       *(REPO / "sim" / "agents").glob("*.py")]
    if p.stem != "__init__")


@pytest.mark.parametrize("path", [docs_gen.PARAMETERS_MD, docs_gen.SCENARIOS_MD, docs_gen.ODD_MD,
                                  docs_gen.GLOSSARY_MD], ids=lambda p: p.name)
def test_generated_docs_are_current(path: Path) -> None:
    """Regenerating in memory gives exactly the committed file."""
    expected = docs_gen.outputs()[path]
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path.relative_to(REPO)} is out of date: run `python -m instap.docs_gen`")


def test_parameter_table_lists_every_parameter_with_its_default() -> None:
    text = docs_gen.PARAMETERS_MD.read_text(encoding="utf-8")
    for p in PARAMETERS.values():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{p.name}`")),
                   None)
        assert row is not None, f"{p.name} missing from parameters.md"
        assert f"`{docs_gen.format_value(p.default)}`" in row
        assert ("(calibrated)" in row) == p.calibrated
    for key in SECTIONS:
        assert f"## `{key}`" in text


def test_every_parameter_has_a_source_or_rationale() -> None:
    missing = [p.name for p in PARAMETERS.values() if len(p.source.strip()) < 10]
    assert not missing, f"parameters without a source or rationale: {missing}"
    no_meaning = [p.name for p in PARAMETERS.values()
                  if not p.description.strip() or not p.unit.strip()]
    assert not no_meaning, f"parameters without a meaning or unit: {no_meaning}"


def test_a_stale_table_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison really depends on the code: a changed default changes the output."""
    import dataclasses

    name = "pilot_length_months"
    before = docs_gen.render_parameters()
    changed = dataclasses.replace(PARAMETERS[name], default=PARAMETERS[name].default + 1)
    monkeypatch.setitem(PARAMETERS, name, changed)
    assert docs_gen.render_parameters() != before


def test_check_mode_reports_nothing_stale(capsys: pytest.CaptureFixture[str]) -> None:
    assert docs_gen.main(["--check"]) == 0


def test_odd_has_every_section_of_the_protocol() -> None:
    text = ODD.read_text(encoding="utf-8")
    for heading in ("## 1. Purpose and patterns", "## 2. Entities, state variables and scales",
                    "## 3. Process overview and scheduling", "## 4. Design concepts",
                    "## 5. Initialisation", "## 6. Input data", "## 7. Submodels",
                    "Theoretical and empirical background", "decision making",
                    "### 7.16 Calibration"):
        assert heading in text, heading
    assert "calibration.md" in text


@pytest.mark.parametrize("link", range(1, 13))
def test_odd_names_every_causal_link_as_a_submodel(link: int) -> None:
    text = ODD.read_text(encoding="utf-8")
    assert re.search(rf"^### 7\.\d+ .*\(causal links? (\d+, )*{link}\b", text, re.M), (
        f"no submodel heading names causal link {link}")


@pytest.mark.parametrize("module", POLICIES)
def test_odd_names_every_policy_module(module: str) -> None:
    assert f"sim/policies/{module}.py" in ODD.read_text(encoding="utf-8")


@pytest.mark.parametrize("module", SIM_MODULES)
def test_odd_names_every_model_module(module: str) -> None:
    assert module in ODD.read_text(encoding="utf-8")


def test_odd_mentions_only_existing_parameters() -> None:
    """Backticked snake_case names that look like parameters must exist (no stale names)."""
    text = ODD.read_text(encoding="utf-8")
    known = set(PARAMETERS) | {c for _, c, _ in docs_gen.CONSTANTS}
    suspicious = set()
    for word in re.findall(r"`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`", text):
        looks_like_param = any(word.startswith(p.split("_")[0] + "_") for p in PARAMETERS)
        if looks_like_param and word not in known and not word.startswith(("participants_",)):
            suspicious.add(word)
    allowed = {"trust_in_funder", "exit_to_work_lt1y", "exit_to_work_gt3y",
               "programme_placements", "coalition_", "debt_help_first", "end_funding_now",
               "trigger_election", "trigger_recession", "sign_partnership_agreement",
               "win_visibility_unmonitored", "recession_left", "period_start", "period_end",
               "gap_until", "election_in_period", "period_placements", "full_slots",
               "base_slots", "cash_flow", "months_out", "ever_debt", "in_debt_help",
               "debt_waiting", "ever_debt_help", "spell_start", "programme_spell",
               "left_month", "in_coalition", "org_index", "agreement_signed",
               "regular_employer", "social_enterprise", "housing_corporation", "in_track",
               "entry_job", "regular_work", "debt_help_service", "sib_active",
               "renewal_rule", "coaching_cost_per_slot", "end_of_run_metrics",
               "end_funding", "restart_funding", "partner_leaves", "partner_joins"}
    unknown = sorted(suspicious - allowed)
    assert not unknown, f"ODD.md names parameters that do not exist: {unknown}"


def test_every_numeric_constant_of_the_model_is_documented() -> None:
    """A module-level number in sim/ that is not a parameter must be in the ODD's
    generated constants table (instap.docs_gen.CONSTANTS), with its meaning."""
    import ast
    from pathlib import Path

    from instap.docs_gen import CONSTANTS

    listed = {(module, name) for module, name, _ in CONSTANTS}
    root = Path(__file__).resolve().parent.parent
    missing = []
    for path in sorted((root / "sim").rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.Assign) or len(node.targets) != 1:
                continue
            target = node.targets[0]
            if not (isinstance(target, ast.Name) and target.id.isupper()):
                continue
            value = node.value
            is_number = isinstance(value, ast.Constant) and isinstance(value.value, int | float)
            if is_number and (module, target.id) not in listed:
                missing.append(f"{module}.{target.id}")
    assert not missing, f"undocumented model constants: {missing}"

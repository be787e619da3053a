"""The layering of docs/architecture.md, checked on the code's imports."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IO_MODULES = {"os", "pathlib", "json", "io", "shutil", "subprocess", "matplotlib", "pandas",
              "pyarrow", "typer", "tqdm", "solara", "instap"}


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) for every import in a file (names empty for ``import x``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def test_the_model_imports_no_io_plotting_cli_or_tools() -> None:
    for path in sorted((ROOT / "sim").rglob("*.py")):
        for module, _ in imports(path):
            assert module.split(".")[0] not in IO_MODULES, f"{path}: imports {module}"


def test_no_command_imports_another_command() -> None:
    for path in sorted((ROOT / "instap" / "commands").glob("*.py")):
        for module, names in imports(path):
            assert not module.startswith("instap.commands"), f"{path}: imports {module}"
            assert not (module == "instap" and "commands" in names), path


def test_no_module_takes_another_modules_private_names() -> None:
    for path in sorted([*(ROOT / "instap").rglob("*.py"), *(ROOT / "sim").rglob("*.py")]):
        for module, names in imports(path):
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            assert not private, f"{path}: takes {private} from {module}"


def test_the_agents_do_not_import_the_model() -> None:
    # the model imports the agents; they see it through protocols of what they need
    for path in sorted((ROOT / "sim" / "agents").glob("*.py")):
        for module, names in imports(path):
            assert module != "sim.model" and not (module == "sim" and "model" in names), (
                f"{path}: imports {module}")


def test_the_model_provides_what_its_agents_need() -> None:
    # Mesa has no type information, so mypy cannot check InstapModel against the
    # protocols (its base class is Any); check here that every member is there.
    from sim import InstapModel
    from sim.agents.organisation import OrganisationModel
    from sim.agents.participant import ParticipantModel

    model = InstapModel(rng=0, n_participants=500, months=12)
    assert isinstance(model, OrganisationModel)
    assert isinstance(model, ParticipantModel)


# Module-level numbers that are not decisions: measurement buckets, array bounds, the
# relative entry-job weights of the kinds (structure of the organisations, not a choice)
# and the reporting horizons of the value table (3, 10 and 20 years: what is reported,
# not what anyone decides).
ALLOWED_CONSTANTS = {"DURATION_BUCKETS", "MAX_MONTHS", "ENTRY_JOB_WEIGHT",
                     "REFERENCE_POPULATION", "HORIZONS",
                     # what a scenario's timeline entry may say (input limits, no decision)
                     "BUDGET_RANGE", "MAX_LABEL"}


def test_no_number_that_shapes_a_decision_hides_in_a_module_constant() -> None:
    """Every number that shapes a decision is a parameter (sim/parameters.py); a module
    constant holding a number is refused unless it is listed as structure above."""
    for path in sorted((ROOT / "sim").rglob("*.py")):
        if path.name == "parameters.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            targets = (node.targets if isinstance(node, ast.Assign)
                       else [node.target] if isinstance(node, ast.AnnAssign) else [])
            value = getattr(node, "value", None)
            if value is None:
                continue
            numbers = [n for n in ast.walk(value) if isinstance(n, ast.Constant)
                       and isinstance(n.value, int | float) and not isinstance(n.value, bool)]
            for target in targets:
                name = getattr(target, "id", "")
                assert not numbers or name in ALLOWED_CONSTANTS, (
                    f"{path.relative_to(ROOT)}: {name} holds a number; make it a parameter")

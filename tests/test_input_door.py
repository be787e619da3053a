"""The input door (issue 12): hostile scenario and experiment files, values and extends.

Every refusal is one line naming the file (or option), the line, the value and what is
allowed; it comes quickly (the file is refused before it is composed, the limits are
checked on the event stream), and a refused run writes nothing.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from instap import cli
from instap.errors import InstapError, shown
from instap.overrides import apply_overrides, check_value
from instap.scenario import (
    MAX_EXTENDS_CHAIN,
    MAX_NAME_LENGTH,
    MAX_PROBLEMS,
    SHIPPED_SCENARIOS,
    load_scenario,
    scenario_json_schema,
)
from instap.yaml_input import (
    MAX_DEPTH,
    MAX_INPUT_BYTES,
    MAX_VALUES,
    parse_scalar,
    read_yaml,
)
from sim.parameters import DEFAULTS, PARAMETERS

QUICK = 2.0  # seconds: every refusal here takes a fraction of that

BOMB = "".join(
    f"{a}: &{a} [{', '.join([f'*{b}'] * 9)}]\n" for b, a in zip("abcdefgh", "bcdefghi",
                                                                    strict=True))
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + BOMB


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    """The message of loading ``path``, checked to be one line and quick."""
    start = time.monotonic()
    with pytest.raises(InstapError) as info:
        load_scenario(path)
    assert time.monotonic() - start < QUICK
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def cli_refusal(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command line in-process: exit 2 and one line on stderr, quickly."""
    start = time.monotonic()
    with pytest.raises(SystemExit) as info:
        cli.main(args)
    assert time.monotonic() - start < QUICK * 2
    err = capsys.readouterr().err
    assert info.value.code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


# ------------------------------------------------------------------ limits at the door
def test_a_50_mb_file_is_refused_by_its_size_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(b"".join(b"k%07d: 1\n" % i for i in range(100_000)) * 50)
    assert path.stat().st_size > 50_000_000
    message = refusal(path)
    assert message.startswith(f"{path}: scenario file is too large (")
    assert f"at most {MAX_INPUT_BYTES // 1024} KiB" in message


def test_a_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    head = "# padding\nfunding:\n  pilot_length_months: 36\n"
    path = write(tmp_path, "padded.yaml", head + "#" * (MAX_INPUT_BYTES - len(head) - 1) + "\n")
    assert path.stat().st_size == MAX_INPUT_BYTES
    assert load_scenario(path).overrides == {"pilot_length_months": 36}


def test_an_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "bomb.yaml", BOMB))
    assert f"more than {MAX_VALUES:,} values" in message and "alias" in message
    assert message.startswith(f"{tmp_path / 'bomb.yaml'}, line ")


def test_an_alias_bomb_in_an_experiment_is_refused_quickly(tmp_path: Path) -> None:
    start = time.monotonic()
    with pytest.raises(InstapError, match="more than 10,000 values"):
        read_yaml(write(tmp_path, "bomb.yaml", BOMB), "experiment")
    assert time.monotonic() - start < QUICK


def test_an_alias_inside_its_own_value_is_refused(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "loop.yaml", "funding: &a [1, *a]\n"))
    assert "line 1" in message and "*a" in message and "inside the value" in message


def test_a_few_anchors_and_aliases_are_fine(tmp_path: Path) -> None:
    tree, _ = read_yaml(write(tmp_path, "x.yaml", "a: &a [1, 2]\nb: *a\nc: {<<: {d: 1}}\n"),
                        "experiment")
    assert list(tree["b"]) == [1, 2]


@pytest.mark.parametrize("text", [
    "funding: " + "[" * 300 + "]" * 300 + "\n",  # RecursionError in ruamel's composer
    "funding: " + "[" * 50_000 + "]" * 50_000 + "\n",  # nested 50,000 deep
    "funding:\n" + "".join(" " * (i + 1) + "k:\n" for i in range(300)),
    # shallow text, deep once the aliases are expanded
    "a: &a " + "[" * 15 + "]" * 15 + "\nb: " + "[" * 10 + "*a" + "]" * 10 + "\n",
], ids=["flow-300", "flow-50000", "block-300", "deep-by-alias"])
def test_deep_nesting_is_refused_before_composing(tmp_path: Path, text: str) -> None:
    message = refusal(write(tmp_path, "deep.yaml", text))
    assert f"more than {MAX_DEPTH} levels deep" in message and ", line " in message


def test_nesting_within_the_limit_is_read(tmp_path: Path) -> None:
    depth = MAX_DEPTH - 1
    tree, _ = read_yaml(write(tmp_path, "x.yaml", "a: " + "[" * depth + "]" * depth + "\n"),
                        "experiment")
    assert "a" in tree


def test_non_utf8_bytes_name_the_byte(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.yaml", b"# ok\nname: caf\xe9\n")
    assert refusal(path) == (f"{path}, line 2: not UTF-8 text at byte 14 (0xe9); save the "
                             "file as UTF-8")


def test_a_byte_order_mark_is_not_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.yaml", "\ufeff# With a BOM.\nname: x\n".encode())
    assert load_scenario(path).description == "With a BOM."


def test_control_characters_are_one_line(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "nul.yaml", "# x\nname: a\x00b\n"))
    assert "line 2" in message and "U+0000" in message


@pytest.mark.parametrize("text", [
    "funding:\n  pilot_length_months: " + "9" * 5000 + "\n",
    "? " + "9" * 5000 + "\n: 1\n",
    "x: [" + "9" * 5000 + "]\n",
])
def test_an_integer_too_long_to_read_is_one_line(tmp_path: Path, text: str) -> None:
    message = refusal(write(tmp_path, "long.yaml", text))
    assert "5,000 digits is too long to read" in message and "4,300" in message


def test_a_huge_number_that_can_be_read_is_refused_shortly(tmp_path: Path) -> None:
    for value in ("9" * 4000, "0x" + "f" * 5000):
        message = refusal(write(tmp_path, "big.yaml", f"funding:\n  pilot_length_months: "
                                                      f"{value}\n"))
        assert "whole number from 3 to 240" in message and len(message) < 300


def test_a_folder_fifo_and_device_are_not_regular_files(tmp_path: Path) -> None:
    assert refusal(tmp_path).endswith("scenario file is a folder, not a file")
    assert refusal(Path("/dev/null")) == "/dev/null: scenario file is not a regular file"
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # opening it would hang: it must not be opened
    assert refusal(fifo) == f"{fifo}: scenario file is not a regular file"
    assert refusal(tmp_path / "nope.yaml").endswith("scenario file does not exist")


def test_unreadable_yaml_is_one_line(tmp_path: Path) -> None:
    for text in ("a: [1\n", "a: 1\n---\nb: 2\n", "a: *nowhere\n", "\t- x\n", "a: 'x\n"):
        assert "not valid YAML" in refusal(write(tmp_path, "bad.yaml", text))


def test_cli_refuses_hostile_files_with_one_line_and_writes_nothing(
        in_tmp_cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files: dict[str, str | bytes] = {
        "bomb.yaml": BOMB,
        "deep.yaml": "funding: " + "[" * 300 + "]" * 300 + "\n",
        "long.yaml": "funding:\n  pilot_length_months: " + "9" * 5000 + "\n",
        "latin1.yaml": b"name: caf\xe9\n",
        "comma.yaml": "governance:\n  role_clarity: 0,6\n",
    }
    for name, text in files.items():
        path = write(in_tmp_cwd, name, text)
        cli_refusal(["validate", str(path)], capsys)
        out = in_tmp_cwd / f"out-{path.stem}"
        cli_refusal(["run", str(path), "--reps", "1", "--months", "12", "--out", str(out)],
                    capsys)
        assert not out.exists()
    assert sorted(p.name for p in in_tmp_cwd.iterdir()) == sorted(files)
    assert "is not a regular file" in cli_refusal(["validate", "/dev/null"], capsys)


# ------------------------------------------------------------------ values
WHOLE = [name for name, p in PARAMETERS.items() if p.kind is int]
NUMBERS = [name for name, p in PARAMETERS.items() if p.kind in (int, float)]


@pytest.mark.parametrize("raw", [".inf", "-.inf", "1e400", str(10 ** 400), ".nan", "true",
                                 "9" * 5000, "[" * 3000, "0x" + "f" * 5000, "1,5"])
def test_every_whole_number_parameter_refuses_non_numbers_from_set(raw: str) -> None:
    for name in WHOLE:
        with pytest.raises(InstapError) as info:
            apply_overrides(DEFAULTS, [f"{name}={raw}"])
        message = str(info.value)
        assert message.startswith("--set ") and "\n" not in message and len(message) < 400
        assert f"is not allowed; allowed: {PARAMETERS[name].allowed()}" in message


@pytest.mark.parametrize(("raw", "shown_as"), [
    (".inf", "inf"), ("1e400", "inf"), (".nan", "nan"), ("true", "true"), ("false", "false"),
    (str(10 ** 400), "<a whole number of about 401 digits>")])
def test_every_number_parameter_refuses_them_in_a_file(tmp_path: Path, raw: str,
                                                       shown_as: str) -> None:
    for name in NUMBERS:
        p = PARAMETERS[name]
        path = write(tmp_path, "x.yaml", f"# x\n{p.section}:\n  {name}: {raw}\n")
        assert refusal(path) == (f"{path}, line 3: {p.section}.{name} = {shown_as} is not "
                                 f"allowed; allowed: {p.allowed()}")


def test_a_decimal_comma_gets_the_allowed_range_and_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, "x.yaml", "governance:\n  role_clarity: 0,6\n")
    assert refusal(path) == (f"{path}, line 2: governance.role_clarity = '0,6' is not "
                             "allowed; allowed: a number from 0 to 1 (index 0-1) (write a "
                             "decimal point: 0.6)")
    with pytest.raises(InstapError, match=r"1\.345 or 1345\)$"):
        apply_overrides(DEFAULTS, ["benefit_month=1,345"])


def test_a_boolean_for_a_number_is_one_line_with_the_range(tmp_path: Path) -> None:
    path = write(tmp_path, "x.yaml", "governance:\n  role_clarity: true\n")
    assert refusal(path) == (f"{path}, line 2: governance.role_clarity = true is not "
                             "allowed; allowed: a number from 0 to 1 (index 0-1)")


def test_parameter_check_refuses_a_huge_int_without_failing_to_print_it() -> None:
    with pytest.raises(ValueError, match="out of range"):
        PARAMETERS["months"].check(10 ** 5000)
    with pytest.raises(InstapError, match="about 5,001 digits"):
        check_value("months", 10 ** 5000, "here")


def test_shown_keeps_messages_short() -> None:
    assert shown(True) == "true" and shown(None) == "null" and shown("0,6") == "'0,6'"
    assert shown("x" * 5000).endswith("… (5,000 characters)") and len(shown("x" * 5000)) < 90
    assert shown(10 ** 5000) == "<a whole number of about 5,001 digits>"


def test_parse_scalar_keeps_anything_but_a_plain_scalar_as_text() -> None:
    assert parse_scalar("36") == 36 and parse_scalar("never") == "never"
    for text in ("[" * 3000, "9" * 5000, "&a x", "!!python/object:os.system x", "{a: 1}",
                 "*a", "a: [1"):
        assert parse_scalar(text) == text


def test_many_problems_are_listed_up_to_a_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "x.yaml", "funding:\n" + "".join(
        f"  pilot_length_months_{i}: 1\n" for i in range(500)))
    start = time.monotonic()
    with pytest.raises(InstapError) as info:
        load_scenario(path)
    assert time.monotonic() - start < QUICK
    lines = str(info.value).splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[-1] == f"{path}: {500 - MAX_PROBLEMS} more problems not listed"


# ------------------------------------------------------------------ extends
def test_extends_refuses_files_that_are_not_yaml(tmp_path: Path) -> None:
    for target in ("/etc/passwd", "../../../../etc/shadow", "baseline", "notes.txt"):
        path = write(tmp_path, "x.yaml", f"extends: {target}\n")
        assert refusal(path) == (f"{path}, line 1: extends = {target!r} is not allowed; "
                                 "allowed: the file name of a scenario (.yaml or .yml)")


def test_extends_outside_the_allowed_folders_is_refused_before_reading(
        tmp_path: Path) -> None:
    secret = write(tmp_path, "elsewhere/private/secret.yaml", "secret_token_xyz: abc\n")
    root = write(tmp_path, "project/scenarios/mine.yaml",
                 "extends: ../../elsewhere/private/secret.yaml\n")
    message = refusal(root)
    assert "outside the allowed folders" in message and "secret_token_xyz" not in message
    absolute = write(tmp_path, "project/scenarios/abs.yaml", f"extends: {secret}\n")
    assert "outside the allowed folders" in refusal(absolute)
    link = tmp_path / "project/scenarios/link.yaml"
    link.symlink_to(secret)
    via_link = write(tmp_path, "project/scenarios/vialink.yaml", "extends: link.yaml\n")
    assert "secret_token_xyz" not in refusal(via_link)
    hidden = write(tmp_path, "project/scenarios/.cache/p.yaml", "name: p\n")
    assert hidden.exists()
    dotted = write(tmp_path, "project/scenarios/dotted.yaml", "extends: .cache/p.yaml\n")
    assert "outside the allowed folders" in refusal(dotted)


def test_extends_reaches_its_tree_the_folder_above_and_the_shipped_scenarios(
        tmp_path: Path) -> None:
    write(tmp_path, "project/base.yaml", "funding:\n  pilot_length_months: 36\n")
    write(tmp_path, "project/scenarios/deeper/mid.yaml", "extends: ../../base.yaml\n")
    child = write(tmp_path, "project/scenarios/child.yaml", "extends: deeper/mid.yaml\n")
    assert load_scenario(child).overrides == {"pilot_length_months": 36}
    shipped = write(tmp_path, "x.yaml", f"extends: {SHIPPED_SCENARIOS / 'programme_ends.yaml'}"
                                        "\n")
    assert load_scenario(shipped).chain[-1].name == "baseline.yaml"


def test_a_parent_that_is_not_a_scenario_is_refused_without_its_content(
        tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services:\n  db:\n    password: hunter2\n")
    write(tmp_path, "list.yaml", "- hunter2\n")
    write(tmp_path, "text.yaml", "hunter2\n")
    for parent in ("compose.yaml", "list.yaml", "text.yaml"):
        message = refusal(write(tmp_path, "x.yaml", f"extends: {parent}\n"))
        assert "hunter2" not in message and "services" not in message
        assert "not a scenario" in message or "must be a mapping" in message


def test_a_section_that_is_not_a_mapping_is_named_without_its_value(tmp_path: Path) -> None:
    path = write(tmp_path, "x.yaml", "run: hunter2\n")
    assert refusal(path) == (f"{path}, line 1: section 'run' must be a mapping of parameter "
                             "names to values, not text")


def test_extends_empty_folder_missing_cycle_and_long_chain(tmp_path: Path) -> None:
    for value in ("''", "' '", "null"):
        path = write(tmp_path, "x.yaml", f"# x\nextends: {value}\n")
        if value == "null":
            assert load_scenario(path).chain == [path]
            continue
        assert refusal(path) == (f"{path}, line 2: extends must name a scenario file, "
                                 "e.g. baseline.yaml")
    (tmp_path / "folder.yaml").mkdir()
    assert "is not a regular file" in refusal(write(tmp_path, "f.yaml",
                                                    "extends: folder.yaml\n"))
    assert "no such file" in refusal(write(tmp_path, "m.yaml", "extends: gone.yaml\n"))
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: c.yaml\n")
    write(tmp_path, "c.yaml", "extends: a.yaml\n")
    assert "makes a cycle" in refusal(tmp_path / "a.yaml")
    for i in range(MAX_EXTENDS_CHAIN + 5):
        write(tmp_path, f"chain{i}.yaml", f"extends: chain{i + 1}.yaml\n")
    write(tmp_path, f"chain{MAX_EXTENDS_CHAIN + 5}.yaml", "name: end\n")
    assert f"longer than {MAX_EXTENDS_CHAIN} files" in refusal(tmp_path / "chain0.yaml")


# ------------------------------------------------------------------ name
@pytest.mark.parametrize("name", ['"two\\nlines"', '"tab\\there"', '"esc\\e[31m"',
                                  "x" * (MAX_NAME_LENGTH + 1)])
def test_a_name_is_one_short_line(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, "x.yaml", f"# x\nname: {name}\n")
    message = refusal(path)
    assert message.startswith(f"{path}, line 2: name = ")
    assert message.endswith(f"allowed: text on one line, at most {MAX_NAME_LENGTH} "
                            "characters, no control characters")


def test_names_people_write_are_fine(tmp_path: Path) -> None:
    for name in ("Wijkondernemingen, fase 2 (café)", "x" * MAX_NAME_LENGTH, "a/b ../c"):
        path = write(tmp_path, "x.yaml", f"name: {json.dumps(name)}\n")
        assert load_scenario(path).name == name


def test_the_schema_says_what_a_name_may_be() -> None:
    name = json.dumps(scenario_json_schema()["properties"]["name"])
    assert f'"maxLength": {MAX_NAME_LENGTH}' in name and '"pattern"' in name


def test_scenario_reference_serves_an_experiments_scenario_field(tmp_path: Path) -> None:
    """The check ``extends:`` uses, applied the way an experiment names its scenario."""
    from instap.scenario import scenario_reference

    experiment = write(tmp_path, "project/experiments/e.yaml", "name: e\n")
    write(tmp_path, "project/scenarios/base.yaml", "name: base\n")
    found = scenario_reference("../scenarios/base.yaml", experiment, experiment, "e.yaml",
                               "field 'scenario'")
    assert found.resolve() == (tmp_path / "project/scenarios/base.yaml").resolve()
    with pytest.raises(InstapError, match="field 'scenario' = '/etc/passwd' is not allowed"):
        scenario_reference("/etc/passwd", experiment, experiment, "e.yaml", "field 'scenario'")
    write(tmp_path, "other/s.yaml", "name: s\n")
    with pytest.raises(InstapError, match="outside the allowed folders"):
        scenario_reference("../../other/s.yaml", experiment, experiment, "e.yaml",
                           "field 'scenario'")

"""The corpus: every bad input issue 12 found, as a case the suite replays on each run.

A case is the files a user wrote, the command she typed, and what may come back. Files
are bytes or text; the text ``@sweep-experiment`` stands for the experiment file that made
the sweep folder. Cases that need a finished run or sweep folder name it in ``folder`` and
damage a copy of it with ``damage``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "baseline.yaml"
REFUSED = frozenset({2})
EITHER = frozenset({0, 2})
#: Options that keep a run that is accepted small (one replication, a year, few people).
SMALL = ["--reps", "1", "--months", "12", "--set", "n_participants=100", "--jobs", "1"]


@dataclass(frozen=True)
class Case:
    """One bad input: files, command, allowed exit statuses, what the message says."""

    id: str
    argv: list[str]
    files: dict[str, str | bytes] = field(default_factory=dict)
    expect: frozenset[int] = REFUSED
    says: tuple[str, ...] = ()  # all must appear in stderr (case-insensitive)
    never_says: tuple[str, ...] = ()  # none may appear in stdout or stderr
    folder: str | None = None  # "run" or "sweep": a copy of a finished folder, as ./DIR
    damage: Callable[[Path], None] | None = None


def scenario(body: str, extends: str | Path = BASELINE, name: str = "fuzz") -> str:
    """A scenario file text that extends the baseline and adds ``body``."""
    return f"name: {name}\nextends: {extends}\n{body}"


def experiment(body: str, name: str = "fuzz-exp") -> str:
    """An experiment file text on the real model with a tiny design and ``body``."""
    return (f"name: {name}\nscenario: {BASELINE}\nfixed:\n  n_participants: 100\nsteps: 6\n"
            f"design:\n  method: sobol\n  n: 4\nreplications: 1\nseed: 7\n{body}")


FACTORS = "factors:\n  role_clarity: {low: 0.2, high: 0.9}\n"
OUTPUTS = "outputs: [durability.survival_months]\n"


def alias_bomb(levels: int = 9) -> str:
    """The "billion laughs": nine aliases of nine aliases of ... a short string."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def nested(depth: int) -> str:
    """``funding:`` nested ``depth`` mappings deep, in flow style."""
    return "funding: " + "{a: " * depth + "1" + "}" * depth + "\n"


def unknown_keys(megabytes: int) -> str:
    """A scenario of ``megabytes`` MB of unknown keys."""
    line = "governance_unknown_key_{:08d}: 1\n"
    n = megabytes * 1024 * 1024 // len(line.format(0))
    return "name: big\n" + "".join(line.format(i) for i in range(n))


# ----------------------------------------------------------------------- folder damage
def write(relative: str, content: str | bytes) -> Callable[[Path], None]:
    """Replace one file of the folder."""
    def apply(folder: Path) -> None:
        target = folder / relative
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return apply


def remove(relative: str) -> Callable[[Path], None]:
    """Delete one file of the folder."""
    return lambda folder: (folder / relative).unlink()


def truncate(relative: str, keep: float = 0.5) -> Callable[[Path], None]:
    """Cut one file to a share of its bytes."""
    def apply(folder: Path) -> None:
        data = (folder / relative).read_bytes()
        (folder / relative).write_bytes(data[: int(len(data) * keep)])
    return apply


def chunk(index: int) -> str:
    """The relative path of a sweep chunk file."""
    return f"runs/chunk-{index:05d}.parquet"


def copy_chunk(source: int, target: int) -> Callable[[Path], None]:
    """Put a copy of chunk ``source`` where chunk ``target`` is (or an extra one)."""
    return lambda folder: shutil.copyfile(folder / chunk(source), folder / chunk(target))


BROKEN_JSON = {"notjson": "{not json", "empty": "{}", "list": "[]", "nulls":
               '{"design": null, "chunks": null, "fingerprint": null}'}


def _cases() -> list[Case]:
    cases = [
        # ---- values that are not numbers a parameter can take, by every route
        Case("set-whole-inf", ["run", str(BASELINE), "--set", "n_participants=.inf", *SMALL[:4]]),
        Case("set-whole-1e400", ["run", str(BASELINE), "--set", "n_participants=1e400",
                                 *SMALL[:4]]),
        Case("set-whole-huge-int", ["run", str(BASELINE), "--set",
                                    "n_participants=1" + "0" * 400, *SMALL[:4]]),
        Case("set-nan-discount", ["run", str(BASELINE), "--set", "discount_rate=.nan",
                                  *SMALL]),
        Case("set-nan-role-clarity", ["run", str(BASELINE), "--set", "role_clarity=.nan",
                                      *SMALL]),
        Case("set-digits-over-4300", ["run", str(BASELINE), "--set",
                                      "n_participants=" + "9" * 5000, *SMALL[:4]]),
        Case("file-whole-inf", ["validate", "s.yaml"],
             {"s.yaml": scenario("run:\n  n_participants: .inf\n")}),
        Case("file-digits-over-4300", ["validate", "s.yaml"],
             {"s.yaml": scenario("governance:\n  role_clarity: " + "1" * 4400 + "\n")}),
        Case("file-decimal-comma", ["validate", "s.yaml"],
             {"s.yaml": scenario("governance:\n  role_clarity: 0,6\n")}, says=("allowed",)),
        Case("file-boolean-number", ["validate", "s.yaml"],
             {"s.yaml": scenario("governance:\n  role_clarity: true\n")}, says=("allowed",)),
        Case("file-nan", ["validate", "s.yaml"],
             {"s.yaml": scenario("value:\n  discount_rate: .nan\n")}, says=("allowed",)),
        # ---- files built to exhaust the reader
        Case("file-nested-300", ["validate", "s.yaml"], {"s.yaml": scenario(nested(300))}),
        Case("file-nested-50000", ["validate", "s.yaml"], {"s.yaml": scenario(nested(50000))}),
        Case("file-alias-bomb-validate", ["validate", "s.yaml"],
             {"s.yaml": scenario(alias_bomb())}),
        Case("file-alias-bomb-run", ["run", "s.yaml", *SMALL], {"s.yaml": scenario(alias_bomb())}),
        Case("file-50mb-unknown-keys", ["validate", "s.yaml"], {"s.yaml": unknown_keys(50)}),
        Case("file-not-utf8", ["validate", "s.yaml"],
             {"s.yaml": b"name: x\nextends: " + str(BASELINE).encode() + b"\n# \xff\xfe\xc3\n"}),
        Case("validate-dev-null", ["validate", "/dev/null"], never_says=("does not exist",)),
        # ---- paths that try to leave their place
        Case("extends-etc-passwd", ["validate", "s.yaml"],
             {"s.yaml": scenario("", extends="/etc/passwd")}, never_says=("root:", "/bin/")),
        Case("extends-relative-shadow", ["validate", "s.yaml"],
             {"s.yaml": scenario("", extends="../../../../../../../../etc/shadow")},
             never_says=("root:",)),
        Case("extends-empty", ["validate", "s.yaml"], {"s.yaml": scenario("", extends="''")},
             never_says=("no such file .",)),
        Case("name-escapes-up", ["run", "s.yaml", *SMALL],
             {"s.yaml": scenario("", name="../../escaped")}, expect=frozenset({0})),
        Case("name-absolute", ["run", "s.yaml", *SMALL],
             {"s.yaml": scenario("", name="/tmp/instap-fuzz-escaped")}, expect=frozenset({0})),
        # ---- experiment files
        Case("exp-not-utf8", ["sweep", "e.yaml", "--plan"],
             {"e.yaml": experiment(FACTORS + OUTPUTS).encode() + b"# \xff\xfe\n"}),
        Case("exp-alias-bomb", ["sweep", "e.yaml", "--plan"],
             {"e.yaml": experiment(FACTORS + OUTPUTS) + alias_bomb()}),
        Case("exp-fixed-inf", ["sweep", "e.yaml", "--plan"],
             {"e.yaml": experiment(FACTORS + OUTPUTS).replace(
                 "n_participants: 100", "n_participants: .inf")}),
        Case("exp-fixed-nan", ["sweep", "e.yaml", "--plan"],
             {"e.yaml": experiment(FACTORS + OUTPUTS).replace(
                 "n_participants: 100", "n_participants: 100\n  discount_rate: .nan")}),
        Case("exp-levels-nan", ["sweep", "e.yaml", "--plan"],
             {"e.yaml": experiment("factors:\n  role_clarity: {levels: [.nan, 0.5]}\n"
                                   + OUTPUTS)}),
        Case("exp-high-1e400", ["sweep", "e.yaml", "--plan"],
             {"e.yaml": experiment("factors:\n  pilot_length_months: {low: 12, high: 1e400}\n"
                                   + OUTPUTS)}),
        Case("exp-high-huge-int", ["sweep", "e.yaml", "--plan"],
             {"e.yaml": experiment("factors:\n  pilot_length_months: {low: 12, high: 1"
                                   + "0" * 400 + "}\n" + OUTPUTS)}),
        Case("exp-plan-sobol-2-40", ["sweep", "e.yaml", "--plan"],
             {"e.yaml": experiment(FACTORS + OUTPUTS).replace("n: 4", f"n: {2 ** 40}")},
             expect=EITHER),
        Case("exp-run-sobol-2-40", ["sweep", "e.yaml", "--jobs", "1"],
             {"e.yaml": experiment(FACTORS + OUTPUTS).replace("n: 4", f"n: {2 ** 40}")}),
        Case("exp-out-is-file", ["sweep", "e.yaml", "--out", "afile", "--jobs", "1"],
             {"e.yaml": experiment(FACTORS + OUTPUTS), "afile": "x"}),
        Case("exp-out-under-file", ["sweep", "e.yaml", "--out", "afile/sub", "--jobs", "1"],
             {"e.yaml": experiment(FACTORS + OUTPUTS), "afile": "x"}),
        Case("exp-name-escapes-up", ["sweep", "e.yaml", "--jobs", "1"],
             {"e.yaml": experiment(FACTORS + OUTPUTS, name="../../x")}, expect=frozenset({0})),
        # ---- damaged results
        Case("analyze-run-folder", ["analyze", "run"], folder="run"),
        Case("analyze-zero-byte-chunk", ["analyze", "sweep"], folder="sweep",
             damage=write(chunk(1), b"")),
        Case("analyze-truncated-chunk", ["analyze", "sweep"], folder="sweep",
             damage=truncate(chunk(1))),
        Case("analyze-chunk-copied-over-next", ["analyze", "sweep"], folder="sweep",
             damage=copy_chunk(2, 3)),
        Case("analyze-extra-chunk", ["analyze", "sweep"], folder="sweep",
             damage=copy_chunk(0, 99)),
        Case("analyze-missing-chunk", ["analyze", "sweep"], folder="sweep",
             damage=remove(chunk(2))),
        Case("report-missing-metrics", ["report", "run"], folder="run",
             damage=remove("metrics.parquet")),
        Case("report-truncated-timeseries", ["report", "run"], folder="run",
             damage=truncate("timeseries.parquet")),
        Case("report-sweep-folder", ["report", "sweep"], folder="sweep"),
        Case("report-empty-folder", ["report", "empty"], files={"empty/.keep": ""}),
        Case("compare-damaged-run", ["compare", "run", "run"], folder="run",
             damage=write("summary.json", "[]")),
    ]
    for kind, text in BROKEN_JSON.items():
        cases += [
            Case(f"analyze-manifest-{kind}", ["analyze", "sweep"], folder="sweep",
                 damage=write("manifest.json", text)),
            Case(f"resume-manifest-{kind}", ["sweep", "e.yaml", "--out", "sweep", "--resume",
                                             "--jobs", "1"],
                 {"e.yaml": "@sweep-experiment"}, folder="sweep",
                 damage=write("manifest.json", text)),
            Case(f"report-manifest-{kind}", ["report", "run"], folder="run",
                 damage=write("manifest.json", text)),
        ]
    return cases


CASES = _cases()

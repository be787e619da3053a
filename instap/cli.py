"""The ``instap`` command line. Each command is a thin wrapper over a library function;
every :class:`~instap.errors.InstapError` becomes one line on stderr and exit status 2."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from instap.errors import InstapError, Interrupted
from instap.execution import DEFAULT_SEED

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Simulate the Instapeconomie of Den Haag and ask: will it last?")

Jobs = Annotated[int | None, typer.Option("--jobs", "-j", help="Worker processes "
                                          "(default: all cores).", min=1)]
Lang = Annotated[str | None, typer.Option("--lang", help="Language of the summary, plots "
                                          "and report: en or nl (default: en).")]
Months = Annotated[int | None, typer.Option("--months", help="Override the horizon.")]
Set = Annotated[list[str] | None, typer.Option("--set", help="Override a parameter: "
                                               "name=value (repeatable).")]
Posterior = Annotated[Path | None, typer.Option(
    "--posterior", help="Posterior file (.json): each replication draws the calibrated "
    "parameters from it, so intervals include parameter uncertainty (default: the one the "
    "scenario names, else none: seed noise only).")]


@app.command()
def validate(files: Annotated[list[Path], typer.Argument(help="Scenario YAML files.")]) -> None:
    """Check scenario files against the schema without running anything."""
    from instap.scenario import validate_files
    validate_files(files)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor autocompletion)."""
    from instap.scenario import json_schema_text
    typer.echo(json_schema_text())


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    reps: Annotated[int, typer.Option("--reps", min=1, help="Replications.")] = 20,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Master seed.")] = DEFAULT_SEED,
    months: Months = None,
    set_: Set = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder.")] = None,
    jobs: Jobs = None,
    lang: Lang = None,
    posterior: Posterior = None,
) -> None:
    """Run a scenario with replications and write results."""
    from instap.commands.run import run_command
    run_command(scenario, reps=reps, seed=seed, months=months, overrides=set_ or [], out=out,
                jobs=jobs, lang=lang, posterior=posterior)


@app.command()
def compare(
    inputs: Annotated[list[Path], typer.Argument(help="Scenario YAML files or `instap run` "
                                                 "result folders; the first is the reference.")],
    reps: Annotated[int | None, typer.Option(
        "--reps", min=1, help="Replications of each scenario file (default 20).")] = None,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Master seed.")] = DEFAULT_SEED,
    months: Annotated[int | None, typer.Option(
        "--months", help="Override the horizon of every scenario file (not of run "
        "folders).")] = None,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="Override a parameter of every scenario file (not of run folders): "
        "name=value (repeatable).")] = None,
    out: Annotated[Path | None, typer.Option("--out")] = None,
    jobs: Jobs = None,
    lang: Lang = None,
    posterior: Posterior = None,
) -> None:
    """Compare scenarios with common random numbers; write comparison.csv and report.html."""
    from instap.commands.compare import compare_command
    compare_command(inputs, reps=reps, seed=seed, months=months, overrides=set_ or [],
                    out=out, jobs=jobs, lang=lang, posterior=posterior)


@app.command()
def report(folder: Annotated[Path, typer.Argument(help="An `instap run` result folder.")],
           lang: Lang = None) -> None:
    """Write report.html for one `instap run` result folder."""
    from instap.commands.report import report_command
    report_command(folder, lang=lang)


@app.command()
def export(
    folder: Annotated[Path, typer.Argument(help="An `instap run` or `instap compare` "
                                           "result folder.")],
    format_: Annotated[str, typer.Option("--format", help="xlsx (one Excel workbook) or "
                                         "csv (a folder of CSV files).")] = "xlsx",
    out: Annotated[Path | None, typer.Option("--out", help="The new .xlsx file or CSV "
                                             "folder (default: inside FOLDER).")] = None,
) -> None:
    """Export results for Excel: summary, every metric, per replication and per month."""
    from instap.commands.export import export_command
    export_command(folder, fmt=format_, out=out)


@app.command()
def sweep(
    experiment: Annotated[Path, typer.Argument(help="Experiment YAML file.")],
    out: Annotated[Path | None, typer.Option("--out")] = None,
    jobs: Jobs = None,
    executor: Annotated[str, typer.Option("--executor", help="local or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler "
                                                  "address.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Run only missing runs.")] = False,
    plan: Annotated[bool, typer.Option("--plan", help="Print the plan; run nothing.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="With --resume: go on although the model code changed since the "
        "sweep started (the manifest records the mix).")] = False,
) -> None:
    """Run a batch experiment with sensitivity analysis."""
    from instap.commands.sweep import sweep_command
    sweep_command(experiment, out=out, jobs=jobs, executor=executor, scheduler=scheduler,
                  resume=resume, plan=plan, force=force)


@app.command()
def analyze(folder: Annotated[Path, typer.Argument(help="An `instap sweep` folder.")]) -> None:
    """Recompute the sensitivity analysis from stored runs."""
    from instap.commands.sweep import analyze_command
    analyze_command(folder)


@app.command()
def discover(
    folder: Annotated[Path, typer.Argument(help="A finished `instap sweep` folder.")],
    where: Annotated[str, typer.Option(
        "--where", help='The condition: OUTPUT OP NUMBER with OP one of >=, >, <=, <, ==, '
        'e.g. "durability.survival_months >= 120".')],
    out: Annotated[Path | None, typer.Option(
        "--out", help="Output folder (default: FOLDER/discovery/CONDITION).")] = None,
    density: Annotated[float, typer.Option(
        "--density", help="Share of a box's cases that must meet the condition for PRIM's "
        "box to be chosen.")] = 0.8,
    cases: Annotated[str, typer.Option(
        "--cases", help="runs: each run is a case; points: each design point, meeting the "
        "condition when half its replications do.")] = "runs",
) -> None:
    """Scenario discovery: which factor values make a condition on an output true (PRIM,
    CART, feature scores)."""
    from instap.commands.discover import discover_command
    discover_command(folder, where, out=out, density=density, cases=cases)


@app.command()
def live(
    scenario: Annotated[Path | None, typer.Argument(help="Scenario to start with.")] = None,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on; other than 127.0.0.1, ::1 or localhost "
        "needs --allow-remote.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8765,
    lang: Annotated[str, typer.Option("--lang", help="en or nl.")] = "en",
    seed: Annotated[int, typer.Option(
        "--seed", min=0, help="The page runs replication 1 of 'instap run FILE --seed SEED'.")
    ] = DEFAULT_SEED,
    allow_remote: Annotated[bool, typer.Option(
        "--allow-remote", help="Let other machines reach the page (with --host): anyone "
        "who can reach it can steer the simulation and pick scenarios.")] = False,
) -> None:
    """Serve the live workshop page in the browser."""
    from instap.live.serve import live_command
    live_command(scenario, host=host, port=port, lang=lang, seed=seed,
                 allow_remote=allow_remote)


#: Signals received by this process (SIGTERM); a failure that follows one is its echo.
_SIGNALLED: list[int] = []


def _sigterm_as_interrupt(signum: int, frame: object) -> None:
    """SIGTERM ends a command like Ctrl-C: cleanly, with nothing half-written."""
    _SIGNALLED.append(signum)
    raise KeyboardInterrupt


def _one_line(err: BaseException) -> str:
    """The text of ``err`` on one line, at most 300 characters."""
    try:
        text = str(err)
    except Exception:  # noqa: BLE001 - a broken __str__ must not hide the error
        text = ""
    return " ".join(text.split())[:300]


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning bad input into one message and exit status 2.

    An unexpected error (a bug) is one line too, with exit status 1; ``--debug`` anywhere
    on the command line shows its traceback instead.
    """
    from typer._click import exceptions as click_exc

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    if debug:  # worker processes and the fork server keep their standard error too
        os.environ["INSTAP_DEBUG"] = "1"
    with contextlib.suppress(ValueError):  # not in the main thread (tests): keep default
        signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    try:
        code = app(args=args, standalone_mode=False)
    except InstapError as err:
        typer.echo(f"error: {err}", err=True)
        sys.exit(2)
    except Interrupted as err:  # the command said what it kept
        typer.echo(f"\n{err}", err=True)
        sys.exit(130)
    except (KeyboardInterrupt, typer.Abort):
        typer.echo("interrupted; nothing was written", err=True)
        sys.exit(130)
    except click_exc.NoArgsIsHelpError as err:  # bare `instap`: show the help
        typer.echo(err.format_message(), err=True)
        sys.exit(2)
    except click_exc.ClickException as err:  # bad option, missing argument, bad value
        ctx = getattr(err, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        message = " ".join(err.format_message().split())
        typer.echo(f"error: {message}{hint}", err=True)
        sys.exit(2)
    except Exception as err:  # a bug: one line, the traceback only with --debug
        if debug:
            raise
        if _SIGNALLED:  # e.g. a worker killed by the same SIGTERM: still an interrupt
            typer.echo("interrupted; nothing was written", err=True)
            sys.exit(130)
        text = _one_line(err)
        typer.echo(f"error: unexpected {type(err).__name__}: {text} (this is a bug in instap;"
                   " rerun with --debug for the traceback)", err=True)
        sys.exit(1)
    # With standalone_mode=False an exit (``--help``, Ctrl-C) comes back as its code.
    if isinstance(code, int) and code:
        if code == 130:
            typer.echo("interrupted; nothing was written", err=True)
        sys.exit(code)


if __name__ == "__main__":
    main()

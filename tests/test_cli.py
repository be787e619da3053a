"""The command line's last line of defence: unexpected errors are one line, not a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import instap.commands.run as rc
from instap import cli
from instap.errors import Interrupted


def _boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("kaboom\nsecond line")


def test_unexpected_error_is_one_line_with_exit_1(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(rc, "run_command", _boom)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "scenarios/baseline.yaml"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "unexpected RuntimeError: kaboom second line" in err and "--debug" in err


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rc, "run_command", _boom)
    with pytest.raises(RuntimeError, match="kaboom"):
        cli.main(["--debug", "run", "scenarios/baseline.yaml"])


def test_abort_is_an_interrupt(monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    import typer

    def abort(*args: object, **kwargs: object) -> None:
        raise typer.Abort()

    monkeypatch.setattr(rc, "run_command", abort)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "scenarios/baseline.yaml"])
    assert exit_info.value.code == 130
    assert capsys.readouterr().err == "interrupted; nothing was written\n"


def test_interrupted_sweep_says_what_it_kept_once(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    import instap.sweep.runner as sweep

    class Runner:
        def map(self, chunks: object) -> Iterator[object]:
            raise KeyboardInterrupt
            yield  # a generator, like the executors

    with pytest.raises(Interrupted):
        sweep._drive(Runner(), iter(()), tmp_path, [], "f", 10, 0, 0)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise Interrupted("interrupted; finished chunks are kept in X/runs; finish with "
                          "--resume")

    import instap.commands.sweep as sweep_command
    monkeypatch.setattr(sweep_command, "sweep_command", interrupted)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["sweep", "experiments/smoke_sobol.yaml"])
    assert exit_info.value.code == 130
    err = capsys.readouterr().err
    assert "finish with --resume" in err and "nothing was written" not in err

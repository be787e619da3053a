"""Replay every bad input of the corpus (tests/fuzz/corpus.py) against the promise."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fuzz.corpus import CASES, Case
from tests.fuzz.harness import check, instap


def _prepare(case: Case, work: Path, finished: dict[str, Path]) -> None:
    for name, content in case.files.items():
        path = work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content == "@sweep-experiment":
            content = finished["sweep-experiment"].read_text(encoding="utf-8")
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if case.folder:
        shutil.copytree(finished[case.folder], work / case.folder)
        if case.damage:
            case.damage(work / case.folder)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_cleanly(case: Case, tmp_path: Path,
                                      finished: dict[str, Path]) -> None:
    # The command runs three levels down, so a path that climbs out of its place is seen.
    work = tmp_path / "a" / "b" / "work"
    work.mkdir(parents=True)
    _prepare(case, work, finished)
    outcome = instap(case.argv, work, watch=tmp_path)
    check(outcome, case.expect)
    text = (outcome.stdout + outcome.stderr).lower()
    for words in case.says:
        assert words.lower() in text, f"the message should say {words!r}\n{outcome.describe()}"
    for words in case.never_says:
        assert words.lower() not in text, f"must not say {words!r}\n{outcome.describe()}"
    if outcome.code == 0:
        outside = [p for p in outcome.written
                   if p != "a/b/work/results" and not p.startswith("a/b/work/results/")]
        assert not outside, f"wrote outside results/: {outside}\n{outcome.describe()}"

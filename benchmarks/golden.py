"""Bit-for-bit guard for optimisations: save and compare model outputs for a few seeds.

``python -m benchmarks.golden save FILE`` stores ``timeseries()`` and ``end_metrics()``
of a fixed set of runs; ``python -m benchmarks.golden check FILE`` reruns them and fails
unless every array and number is identical (NaN equal to NaN). Used before and after each
performance change in ``sim/`` to prove the random draw sequence is unchanged.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np

CASES: tuple[tuple[int, dict[str, Any]], ...] = tuple(
    (seed, params)
    for params in ({}, {"financing": "sib"}, {"renewal_rule": "never"},
                   {"debt_help_first": True, "financing": "hybrid"})
    for seed in (0, 1, 2)
)
N_PARTICIPANTS = 2000


def outputs() -> list[dict[str, Any]]:
    """Timeseries and end metrics of every case."""
    from sim import InstapModel
    out = []
    for seed, params in CASES:
        model = InstapModel(rng=seed, n_participants=N_PARTICIPANTS, **params).run()
        out.append({"timeseries": model.timeseries(), "end": model.end_metrics()})
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True))


def main(argv: list[str]) -> int:
    """``save FILE`` or ``check FILE``."""
    if len(argv) != 2 or argv[0] not in ("save", "check"):
        print("usage: python -m benchmarks.golden save|check FILE", file=sys.stderr)
        return 2
    path = Path(argv[1])
    if argv[0] == "save":
        path.write_bytes(pickle.dumps(outputs()))
        print(f"saved {len(CASES)} runs to {path}")
        return 0
    expected = pickle.loads(path.read_bytes())
    got = outputs()
    bad = [i for i, (e, g) in enumerate(zip(expected, got, strict=True)) if not _same(e, g)]
    if bad:
        print(f"DIFFERENT: cases {[CASES[i] for i in bad]}")
        return 1
    print(f"identical: {len(CASES)} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

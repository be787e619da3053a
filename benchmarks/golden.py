"""Bit-for-bit guard for optimisations: save and compare model outputs for a few seeds.

``python -m benchmarks.golden save FILE`` stores ``timeseries()`` and ``end_metrics()``
of a fixed set of runs; ``python -m benchmarks.golden check FILE`` reruns them and fails
unless every array and number is identical (NaN equal to NaN). Used before and after each
performance change in ``sim/`` to prove the random draw sequence is unchanged.

``python -m benchmarks.golden check --allow-new FILE`` is for changes that only add
outputs: every stored key must still be there with an identical value, and keys present
only in the current outputs (new columns or metrics) are allowed and listed. Plain
``check`` stays strict: the keys must match exactly.
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


def _same(a: Any, b: Any, allow_new: bool = False) -> bool:
    """``b`` equals the stored ``a``; with ``allow_new``, ``b``'s dicts may hold extra keys."""
    if isinstance(a, dict):
        if not isinstance(b, dict):
            return False
        keys_ok = a.keys() <= b.keys() if allow_new else a.keys() == b.keys()
        return keys_ok and all(_same(a[k], b[k], allow_new) for k in a)
    return bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True))


def new_keys(expected: Any, got: Any, prefix: str = "") -> list[str]:
    """Keys (as ``part/key`` paths) in ``got``'s nested dicts that ``expected`` lacks."""
    if not (isinstance(expected, dict) and isinstance(got, dict)):
        return []
    out = [f"{prefix}{k}" for k in got if k not in expected]
    for k in got:
        if k in expected:
            out += new_keys(expected[k], got[k], f"{prefix}{k}/")
    return out


def main(argv: list[str]) -> int:
    """``save FILE``, ``check FILE`` or ``check --allow-new FILE``."""
    allow_new = "--allow-new" in argv[1:] and argv[0] == "check"
    if allow_new:
        argv = [a for a in argv if a != "--allow-new"]
    if len(argv) != 2 or argv[0] not in ("save", "check") or argv[1].startswith("-"):
        print("usage: python -m benchmarks.golden save|check [--allow-new] FILE",
              file=sys.stderr)
        return 2
    path = Path(argv[1])
    if argv[0] == "save":
        path.write_bytes(pickle.dumps(outputs()))
        print(f"saved {len(CASES)} runs to {path}")
        return 0
    expected = pickle.loads(path.read_bytes())
    got = outputs()
    if len(expected) != len(got):
        print(f"DIFFERENT: {len(expected)} runs stored, {len(got)} cases now")
        return 1
    bad = [i for i, (e, g) in enumerate(zip(expected, got, strict=True))
           if not _same(e, g, allow_new)]
    if bad:
        print(f"DIFFERENT: cases {[CASES[i] for i in bad]}")
        return 1
    if allow_new:
        added = sorted({k for e, g in zip(expected, got, strict=True) for k in new_keys(e, g)})
        print(f"identical: {len(CASES)} runs (all stored keys); new keys: "
              f"{', '.join(added) if added else 'none'}")
        return 0
    print(f"identical: {len(CASES)} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

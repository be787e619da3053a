"""Which conclusions about the levers hold across the structural uncertainty?

Reads a finished sweep folder whose factors are policy levers and structural parameters
(``experiments/sobol_levers.yaml``), and asks, for every lever and output: does the
lever move the output in the same direction whatever the structural parameters are?
Every design point of a Saltelli sample is a draw from the joint uniform distribution of
the factors, so within each half of a structural parameter's range (below and above its
midpoint) the Spearman correlation of the lever with the output (replication means) is an
estimate of the lever's direction there; a lever with levels is compared level by level
with its first level (the correlation of "this level rather than the first" with the
output, over the points at either). A conclusion *holds* when the overall correlation is
significant at 5% and has the same sign, significant too, in both halves of every
structural parameter; it *reverses* with a structural parameter when the two halves
show significant opposite signs; "not significant where" names the halves in which the
same direction is too weak to tell from zero.

    python experiments/robustness.py results/sobol-levers --out docs/robustness.md

Prints a markdown table (and writes it with ``--out``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

import instap
from sim import LEVERS


def contrasts(factor: str, spec: dict) -> list[tuple[str, object]]:
    """What to compare for a lever: (label, level) pairs; a level is compared with the
    first level of the lever (booleans: true against false); a number over its range
    (level None)."""
    levels = spec.get("levels")
    if levels is None:
        return [(f"`{factor}`", None)]
    return [(f"`{factor}`: {_show(level)} vs {_show(levels[0])}", level)
            for level in levels[1:]]


def _show(level: object) -> str:
    return str(level).lower() if isinstance(level, bool) else str(level)


def _direction(x: pd.Series, y: pd.Series) -> tuple[float, int]:
    """Spearman correlation and its sign when significant at 5% (else 0)."""
    if x.nunique() < 2 or len(x) < 10:
        return float("nan"), 0
    rho, p = stats.spearmanr(x, y)
    return float(rho), (0 if p >= 0.05 or np.isnan(rho) else int(np.sign(rho)))


def verdict(x: pd.Series, y: pd.Series, rows: pd.DataFrame, structural: Sequence[str],
            factors: dict[str, dict]) -> tuple[float, str]:
    """The lever's overall correlation with the output, and the verdict in words."""
    rho, sign = _direction(x, y)
    if sign == 0:
        return rho, "no clear effect"
    reverses, vanishes = [], []
    for name in structural:
        mid = (float(factors[name]["low"]) + float(factors[name]["high"])) / 2
        halves = (rows[name] < mid, rows[name] >= mid)
        signs = [_direction(x[half], y[half])[1] for half in halves]
        if -sign in signs:
            reverses.append(f"`{name}`")
        elif 0 in signs:
            vanishes.append(f"`{name}` {'low' if signs[0] == 0 else 'high'}")
    if reverses:
        return rho, "reverses with " + ", ".join(reverses)
    if vanishes:
        return rho, "same direction; too weak to tell where " + ", ".join(vanishes)
    return rho, "yes"


def robustness_table(folder: Path) -> str:
    """The markdown table for one sweep folder."""
    sweep = instap.load_sweep(folder)
    factors = sweep.manifest["experiment"]["factors"]
    outputs = sweep.manifest["experiment"]["outputs"]
    levers = [f for f in factors if f in LEVERS]
    structural = [f for f in factors if f not in LEVERS and "low" in factors[f]]
    runs = sweep.runs[sweep.runs["error"].fillna("") == ""]
    means = runs.groupby("point").agg({**{f: "first" for f in factors},
                                       **{o: "mean" for o in outputs}})
    lines = ["| lever | output | Spearman (all points) | holds across the structural "
             "parameters? |", "|---|---|---:|---|"]
    for lever in levers:
        for label, level in contrasts(lever, factors[lever]):
            if level is None:
                rows, x = means, means[lever].astype(float)
            else:
                first = factors[lever]["levels"][0]
                rows = means[means[lever].isin([first, level])]
                x = (rows[lever] == level).astype(int)
            for output in outputs:
                rho, text = verdict(x, rows[output].astype(float), rows, structural, factors)
                lines.append(f"| {label} | `{output}` | {rho:+.2f} | {text} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Print (and with ``--out`` write) the table for a sweep folder."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    text = robustness_table(args.folder)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

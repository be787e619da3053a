"""The robustness figure of a sweep with levers: share of futures lasting, and regret."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from instap.sweep.robustness import Robustness


def robustness_figure(rob: Robustness, output: str, path: Path) -> Path:
    """Left: per policy, the share of futures in which it lasts (95% interval); right:
    the distribution of its regret on ``output`` over the futures (box: quartiles,
    whiskers: 5th to 95th percentile). Policies sorted by the share lasting."""
    t = rob.table.sort_values(["lasting_share", "policy"], ascending=[True, False],
                              kind="stable")
    names = t["policy"].tolist()
    y = np.arange(len(names))
    fig = Figure(figsize=(10, 0.45 * len(names) + 1.8))
    left, right = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [1, 1.2]})
    share = t["lasting_share"].to_numpy(dtype=float)
    err = np.vstack([share - t["lasting_low"].to_numpy(dtype=float),
                     t["lasting_high"].to_numpy(dtype=float) - share])
    left.barh(y, share, color="#4c72b0", xerr=err, capsize=3, ecolor="#333")
    left.set_xlim(0, 1)
    left.set_xlabel("share of futures")
    left.set_title(f"Lasts: {rob.condition.words}", fontsize=10)
    for yi, s, hi in zip(y, share, t["lasting_high"].to_numpy(dtype=float), strict=True):
        if hi < 0.85:
            left.text(hi + 0.02, yi, f"{s:.0%}", va="center", fontsize=8)
        else:
            left.text(max(s - 0.14, 0.02), yi, f"{s:.0%}", va="center", fontsize=8,
                      color="white", fontweight="bold")
    data = [rob.regret.loc[rob.regret["policy"] == p, output].dropna().to_numpy(dtype=float)
            for p in names]
    right.boxplot(data, positions=y, orientation="horizontal", whis=(5, 95), showfliers=False,
                  widths=0.6)
    left.set_yticks(y, names)  # after the box plot, which sets its own tick labels
    right.set_xlabel(f"regret on {output}")
    right.set_title("Shortfall from the best policy of each future", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path

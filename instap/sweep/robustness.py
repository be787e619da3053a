"""Policies across futures (``levers:`` x ``uncertainties:``): how robust is each policy?

Every policy ran in the same futures (a design point of the uncertainties and a
replication, with the same seed: common random numbers), so the policies can be compared
future by future. Per policy:

- the share of futures in which it lasts (the experiment's ``lasts:``, by default
  ``durability.survival_months >= 120``: ten years without collapse), with a 95% Wilson
  interval;
- per output, the median and the worst decile over the futures (the 10th percentile of
  an output where more is better, the 90th where less is better);
- per output, the regret: in each future, how far the policy falls short of the best
  policy in that future (Savage 1951); its median, 90th percentile and maximum.

A failed run counts as not lasting and is left out of the medians and regrets (the
report says how many failed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from instap.stats import wilson_interval
from instap.sweep.discovery import Condition, parse_condition

#: Outputs where less is better (their worst decile is the 90th percentile, and regret
#: is measured downwards); every other output counts more as better.
LOWER_IS_BETTER = ("durability.collapsed", "finance.public_cost_per_lasting_placement",
                   "finance.municipal_spending", "finance.programme_investment")
#: The share of futures whose outcome is called the worst decile.
WORST_SHARE = 0.10


def lower_is_better(output: str) -> bool:
    """Whether less of ``output`` is better (costs, collapse)."""
    return output in LOWER_IS_BETTER or ".cost" in output or output.endswith("_cost")


@dataclass
class Robustness:
    """The robustness of each policy across the futures of a sweep with levers.

    ``table``: one row per policy (in the experiment's order): ``futures``,
    ``lasting_share`` with ``lasting_low``/``lasting_high`` (95% Wilson), ``failed``, and
    per output ``OUTPUT.median``, ``OUTPUT.worst_decile``, ``OUTPUT.regret_median``,
    ``OUTPUT.regret_p90``, ``OUTPUT.regret_max``. ``regret``: one row per run
    (``policy``, ``point``, ``replication`` and each output's regret).
    """

    condition: Condition
    outputs: list[str]
    policies: list[str]
    table: pd.DataFrame
    regret: pd.DataFrame

    def best(self) -> dict[str, Any]:
        """The policy lasting in the most futures, and the one with the smallest regret
        in nine futures out of ten on the first output that is not the lasting one."""
        t = self.table
        most = t.sort_values(["lasting_share", "policy"], ascending=[False, True],
                             kind="stable").iloc[0]
        out = next((o for o in self.outputs if o != self.condition.output),
                   self.condition.output)
        least = t.sort_values([f"{out}.regret_p90", "policy"], kind="stable").iloc[0]
        return {"lasting": most["policy"], "lasting_share": float(most["lasting_share"]),
                "regret_output": out, "least_regret": least["policy"],
                "regret_p90": float(least[f"{out}.regret_p90"])}

    def sentences(self) -> list[str]:
        """The findings in plain words."""
        b = self.best()
        t = self.table.set_index("policy")
        n = int(t["futures"].max())
        lines = [f"Every policy ran in the same {n} futures (the same sampled conditions and "
                 "random numbers), so the comparison is paired future by future.",
                 f"{b['lasting']} lasts ({self.condition.words}) in the most futures: "
                 f"{b['lasting_share']:.0%} (95% interval "
                 f"{t.loc[b['lasting'], 'lasting_low']:.0%} to "
                 f"{t.loc[b['lasting'], 'lasting_high']:.0%})."]
        worst = t["lasting_share"].idxmin()
        if worst != b["lasting"]:
            lines.append(f"{worst} lasts in the fewest: {t.loc[worst, 'lasting_share']:.0%}.")
        lines.append(f"On {b['regret_output']}, {b['least_regret']} has the smallest regret "
                     "in nine futures out of ten: it falls at most "
                     f"{b['regret_p90']:.3g} short of the best policy of each future in 90% "
                     "of the futures.")
        return lines


def analyze_robustness(runs: pd.DataFrame, policies: list[str], outputs: list[str],
                       lasts: str) -> Robustness:
    """The robustness of each policy in ``runs`` (a levers sweep's stored runs)."""
    condition = parse_condition(lasts, outputs, where="lasts")
    runs = runs.copy()
    runs["future"] = runs["run_id"] // max(1, len(policies))
    ok = runs["error"].isna() if "error" in runs else pd.Series(True, index=runs.index)
    runs["lasts"] = condition.holds(runs[condition.output].to_numpy()) & ok.to_numpy()
    regret = runs[["run_id", "policy", "point", "replication", "future"]].copy()
    for out in outputs:
        wide = runs.pivot(index="future", columns="policy", values=out)
        lower = lower_is_better(out)
        best = wide.min(axis=1) if lower else wide.max(axis=1)
        gap = (wide.sub(best, axis=0) if lower else (-wide).add(best, axis=0))
        long = gap.stack(future_stack=True).rename(out).reset_index()
        regret = regret.merge(long, on=["future", "policy"], how="left")
    rows = []
    for policy in policies:
        mine = runs[runs["policy"] == policy]
        good = mine[ok.loc[mine.index]]
        n = len(mine)
        k = int(mine["lasts"].sum())
        low, high = wilson_interval(k, n) if n else (np.nan, np.nan)
        row: dict[str, Any] = {"policy": policy, "futures": n, "failed": int(n - len(good)),
                               "lasting_share": k / n if n else np.nan,
                               "lasting_low": low, "lasting_high": high}
        r = regret[regret["policy"] == policy]
        for out in outputs:
            values = good[out].dropna().to_numpy(dtype=float)
            q = 1 - WORST_SHARE if lower_is_better(out) else WORST_SHARE
            row[f"{out}.median"] = float(np.median(values)) if len(values) else np.nan
            row[f"{out}.worst_decile"] = float(np.quantile(values, q)) if len(values) \
                else np.nan
            g = r[out].dropna().to_numpy(dtype=float)
            row[f"{out}.regret_median"] = float(np.median(g)) if len(g) else np.nan
            row[f"{out}.regret_p90"] = float(np.quantile(g, 0.9)) if len(g) else np.nan
            row[f"{out}.regret_max"] = float(g.max()) if len(g) else np.nan
        rows.append(row)
    return Robustness(condition, list(outputs), list(policies), pd.DataFrame(rows),
                      regret.drop(columns="future"))


def robustness_of(runs: pd.DataFrame, manifest: dict[str, Any]) -> Robustness | None:
    """The robustness analysis of a sweep folder's runs, or None without levers."""
    policies = list(manifest["design"].get("policies") or [])
    if not policies or not manifest.get("lasts"):
        return None
    return analyze_robustness(runs, policies, list(manifest["outputs"]), manifest["lasts"])

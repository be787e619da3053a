"""Plain-language findings: the sentences a policy analyst reads after a run
(:func:`plain_summary`) or a comparison of scenarios (:func:`comparison_findings`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from instap.collapse import cause_sentence
from instap.stats import table_row
from instap.survival import MEDIAN_KEY

if TYPE_CHECKING:
    from instap.inputs import ScenarioData

# Metrics that get a sentence in a comparison: (label, unit, scale, higher is better).
# Absolute outcomes come first and ratios last, so that a lever that spends less and
# raises a ratio is read with what it did to the outcomes (issue 11).
HEADLINE: dict[str, tuple[str, str, float, bool]] = {
    "participants.placements": ("people starting work", "", 1.0, True),
    "participants.programme_placements": ("placements through the programme", "", 1.0, True),
    "participants.work_months_net": ("months in work added by the programme (against the "
                                     "same people without it)", "", 1.0, True),
    "participants.regular_work": ("moves into regular work", "", 1.0, True),
    "participants.retention_12m": ("still in work 12 months after placement", "points", 100.0,
                                   True),
    "finance.outcome_value_10y": ("value of the outcomes over 10 years", "EUR", 1.0, True),
    "finance.municipal_spending": ("municipal programme spending", "EUR", 1.0, False),
    "finance.sroi_10y": ("social return over 10 years", "EUR per EUR", 1.0, True),
    "finance.public_cost_per_lasting_placement": ("public cost per lasting placement", "EUR",
                                                  1.0, False),
}
RATIOS = ("finance.sroi_10y", "finance.public_cost_per_lasting_placement")


def _num(x: float | None, fmt: str = ",.0f") -> str:
    return "n/a" if x is None else format(x, fmt)


def _ci(entry: dict[str, Any], fmt: str = ",.0f", scale: float = 1.0) -> str:
    if entry.get("low") is None or entry.get("high") is None:
        return ""
    return f" (95% CI {_num(entry['low'] * scale, fmt)}-{_num(entry['high'] * scale, fmt)})"


def plain_summary(summary: dict[str, Any], name: str, horizon: int) -> str:
    """A few sentences a policy analyst can read."""
    dur, part, fin = (summary.get(k, {}) for k in ("durability", "participants", "finance"))
    reps = summary.get("run", {}).get("replications", 0)
    lines = [f"Scenario {name}: {reps} replications over {horizon} months."]
    med = dur.get("median_survival_months")
    if med and med.get("reached"):
        hi = med.get("high")
        ci = f" (95% CI {_num(med['low'])}-{_num(hi) if hi is not None else 'not reached'})"
        text = f"The ecosystem lasted a median of {_num(med['mean'])} months{ci}"
    elif med:
        text = (f"The ecosystem outlived the horizon in more than half of the runs (median "
                f"survival not reached within {horizon} months)")
    else:
        text = "No survival estimate"
    for months, key in ((120, "p_alive_120"), (60, "p_alive_60")):
        entry = dur.get(key)
        if entry and entry.get("estimable"):
            text += (f"; {_num(entry['mean'] * 100)}% chance it is still alive after "
                     f"{months // 12} years{_ci(entry, scale=100)}")
            break
    lines.append(text + ".")
    causes = cause_sentence(summary)
    if causes:
        lines.append(causes)
    pl, rw = part.get("placements"), part.get("regular_work")
    if pl and pl.get("mean") is not None:
        lines.append(f"On average {_num(pl['mean'])} people started work{_ci(pl)}, and "
                     f"{_num((rw or {}).get('mean'))} moved into regular work.")
    net, dead = part.get("work_months_net"), part.get("deadweight_share")
    if net and net.get("mean") is not None:
        text = (f"Against the same people without the programme, it added "
                f"{_num(net['mean'])} months in work{_ci(net)}")
        if dead and dead.get("mean") is not None:
            text += (f"; {_num(dead['mean'] * 100)}% of its placements would have happened "
                     "anyway")
        lines.append(text + ".")
    r6, r18 = part.get("retention_6m"), part.get("retention_18m")
    if r6 and r6.get("mean") is not None:
        extra = (f" and {_num(r18['mean'] * 100)}% after 18 months"
                 if r18 and r18.get("mean") is not None else "")
        lines.append(f"Of those placed, {_num(r6['mean'] * 100)}% still worked after 6 months"
                     f"{extra}.")
    sroi, gross = fin.get("sroi_10y"), fin.get("sroi_gross_10y")
    if sroi and sroi.get("mean") is not None:
        text = (f"Social return over 10 years: {_num(sroi['mean'], '.2f')} euro per euro "
                f"invested{_ci(sroi, '.2f')}, counted against the same people without the "
                "programme")
        if gross and gross.get("mean") is not None:
            text += f" ({_num(gross['mean'], '.2f')} if every placement is counted)"
        lines.append(text + ".")
    return "\n".join(lines)



# ----------------------------------------------------------------------------- comparison
def comparison_findings(scenarios: Sequence[ScenarioData], table: pd.DataFrame
                        ) -> list[tuple[str, str, bool]]:
    """Plain-language sentences on each scenario's difference from the first, from the
    rows of :func:`instap.stats.comparison_table`: (scenario, sentence, whether the 95%
    interval excludes no difference)."""
    ref = scenarios[0]
    out: list[tuple[str, str, bool]] = []
    for sc in scenarios[1:]:
        name, base = _label(sc.name).capitalize(), _label(ref.name)
        med = table_row(table, MEDIAN_KEY, sc.name)
        med_ref = table_row(table, MEDIAN_KEY, ref.name)
        if med and med_ref and med.get("diff") is not None:
            out.append((sc.name, _median_sentence(name, base, med, med_ref, sc.horizon,
                                                  ref.horizon), _clear(med)))
        for key, years in (("durability.p_alive_120", 10), ("durability.p_alive_60", 5)):
            p, p_ref = table_row(table, key, sc.name), table_row(table, key, ref.name)
            if p and p_ref and p.get("diff") is not None and p["mean"] is not None:
                verb = "raises" if p["diff"] > 0 else "lowers" if p["diff"] < 0 else "keeps"
                ci = _diff_ci(p["diff_low"], p["diff_high"], 100)
                inner = f"{p['diff'] * 100:+.0f} points" + (f", {ci[2:-1]}" if ci else "")
                text = (f"{name} {verb} the chance that the ecosystem is still alive after "
                        f"{years} years from {p_ref['mean'] * 100:.0f}% to "
                        f"{p['mean'] * 100:.0f}% ({inner}).")
                out.append((sc.name, text, _clear(p)))
                break
        caveat = _ratio_caveat(table, sc.name, name, base)
        for key, (label, unit, scale, _better) in HEADLINE.items():
            row = table_row(table, key, sc.name)
            if key in RATIOS and caveat:
                out.append((sc.name, caveat, True))
                caveat = None
            if row and row.get("diff") is not None:
                out.append((sc.name, _headline_sentence(name, base, row, label, unit, scale),
                            _clear(row)))
    return out


def _ratio_caveat(table: pd.DataFrame, scenario: str, name: str, base: str) -> str | None:
    """A warning before the ratios when a scenario spends less and scores a better ratio
    while its absolute outcomes fall: "cutting pays" is then a misreading."""
    def diff(key: str) -> float | None:
        row = table_row(table, key, scenario)
        return None if row is None else row.get("diff")
    spend, ratio = diff("finance.municipal_spending"), diff("finance.sroi_10y")
    work, value = diff("participants.work_months_net"), diff("finance.outcome_value_10y")
    if spend is None or ratio is None or not (spend < 0 and ratio > 0):
        return None
    lost = [text for d, text in ((work, "fewer months in work"),
                                 (value, "less value in total")) if d is not None and d < 0]
    if not lost:
        return None
    return (f"Read the ratios below with care: {name} spends less than {base} and so scores "
            f"a higher return per euro, but it brings {' and '.join(lost)}. A higher ratio "
            "here does not mean more result.")


def _median_sentence(name: str, base: str, med: dict[str, Any], med_ref: dict[str, Any],
                     horizon: int, ref_horizon: int) -> str:
    reached = med["mean"] is not None and med["mean"] < horizon
    reached_ref = med_ref["mean"] is not None and med_ref["mean"] < ref_horizon
    d = med["diff"]
    if not reached and not reached_ref:
        return (f"{name} and {base} both keep the ecosystem alive beyond the "
                f"{ref_horizon}-month horizon in more than half of the runs; their "
                "median survival cannot be told apart within the horizon.")
    ci = _diff_ci(med["diff_low"], med["diff_high"])
    if d == 0:
        return (f"{name} and {base} have the same median survival "
                f"({_months(med, horizon)}){ci}.")
    bound = (not reached and d > 0) or (not reached_ref and d < 0)
    word = "longer" if d > 0 else "shorter"
    how = (f"at least {abs(d):.0f} months {word} (median)" if bound
           else f"a median {abs(d):.0f} months {word}")
    return (f"{name} keeps the ecosystem alive {how} than {base}{ci}: median survival "
            f"{_months(med, horizon)} against {_months(med_ref, ref_horizon)}.")


def _headline_sentence(name: str, base: str, row: dict[str, Any], label: str, unit: str,
                       scale: float) -> str:
    d = row["diff"] * scale
    digits = 1 if abs(d) < 10 and unit not in ("EUR",) else 0
    more = "more" if d > 0 else "fewer" if unit == "" else "less"
    if unit == "points":
        return (f"{name}: {label} {d:+.{1}f} percentage points compared with {base}"
                f"{_diff_ci(row['diff_low'], row['diff_high'], scale, 1)}.")
    if unit == "EUR":
        return (f"{name}: {label} {'higher' if d > 0 else 'lower'} by EUR "
                f"{abs(d):,.0f} than under {base}"
                f"{_diff_ci(row['diff_low'], row['diff_high'], scale)}.")
    if unit:
        return (f"{name}: {label} {d:+.2f} {unit} compared with {base}"
                f"{_diff_ci(row['diff_low'], row['diff_high'], scale, 2)}.")
    return (f"{name}: {abs(d):,.{digits}f} {more} {label} than {base} over the run"
            f"{_diff_ci(row['diff_low'], row['diff_high'], scale, digits)}.")


def _diff_ci(low: float | None, high: float | None, scale: float = 1.0, digits: int = 0
             ) -> str:
    if low is None or high is None:
        return ""
    lo, hi = round(low * scale, digits) + 0.0, round(high * scale, digits) + 0.0  # no "-0"
    return f" (95% CI {lo:+,.{digits}f} to {hi:+,.{digits}f})"


def _clear(row: dict[str, Any]) -> bool:
    lo, hi = row.get("diff_low"), row.get("diff_high")
    return lo is not None and hi is not None and (lo > 0 or hi < 0)


def _label(name: str) -> str:
    return name.replace("_", " ")


def _months(row: dict[str, Any], horizon: int) -> str:
    if row["mean"] is None or row["mean"] >= horizon:
        return f"beyond {horizon} months"
    return f"{row['mean']:.0f} months"

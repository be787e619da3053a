"""Plain-language findings: the sentences a policy analyst reads after a run."""

from __future__ import annotations

from typing import Any


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
    pl, rw = part.get("placements"), part.get("regular_work")
    if pl and pl.get("mean") is not None:
        lines.append(f"On average {_num(pl['mean'])} people started work{_ci(pl)}, and "
                     f"{_num((rw or {}).get('mean'))} moved into regular work.")
    r6, r18 = part.get("retention_6m"), part.get("retention_18m")
    if r6 and r6.get("mean") is not None:
        extra = (f" and {_num(r18['mean'] * 100)}% after 18 months"
                 if r18 and r18.get("mean") is not None else "")
        lines.append(f"Of those placed, {_num(r6['mean'] * 100)}% still worked after 6 months"
                     f"{extra}.")
    sroi = fin.get("sroi_10y")
    if sroi and sroi.get("mean") is not None:
        lines.append(f"Social return over 10 years: {_num(sroi['mean'], '.2f')} euro per euro "
                     f"invested{_ci(sroi, '.2f')}.")
    return "\n".join(lines)


"""The levers in words: what each is set to, what changed and what differs, for the page.

Pure functions (no Solara) so the page's logic can be tested without a browser:

* :func:`value_text` writes a lever's value with its unit in the reader's convention
  (``24 maanden``, ``0,4 (schaal 0 tot 1)``, ``nooit verlengen``);
* :func:`changed` says which levers are set for the next run but not used by the run on
  screen (the page marks them);
* :func:`differences` lists, in plain words, what a scenario sets differently from the
  reference scenario (``baseline``): levers first, then any other parameter by its name;
* :func:`run_difference` names what made an earlier run differ from the current one (the
  scenario, levers, the interventions pressed), for the plots' legends;
* :func:`mark_texts` puts the marks a scenario's timeline leaves on the plots (the model
  logs them in short English) in the page's words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from instap import formatting
from instap.live.i18n import TEXT, choice_label, tr
from instap.timeline_text import action_text
from sim import LEVERS, PARAMETERS
from sim.timeline import Entry

#: The issue's main levers first, in workshop order; any other lever of ``sim.LEVERS`` after.
MAIN_LEVERS: tuple[str, ...] = (
    "pilot_length_months", "renewal_rule", "multi_year_commitment_years", "role_clarity",
    "trust_sensitivity", "financing", "debt_help_capacity_per_1000", "admin_burden",
    "outreach_doors")
MAX_PARTS = 4  # differences named in a legend before "and N more"


def lever_names() -> list[str]:
    """Every lever of ``sim.LEVERS``: the issue's main levers first."""
    return [*(n for n in MAIN_LEVERS if n in LEVERS), *(n for n in LEVERS
                                                         if n not in MAIN_LEVERS)]


def slider_step(name: str) -> float:
    """A round step giving about 100 positions, that still hits the default exactly."""
    spec = PARAMETERS[name]
    if spec.kind is int:
        return 1
    assert spec.low is not None and spec.high is not None
    span = spec.high - spec.low
    power = 10.0 ** math.floor(math.log10(span / 100.0))
    step = next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= span / 100.0)
    while step > 1e-6:
        ratio = (spec.default - spec.low) / step
        if abs(ratio - round(ratio)) < 1e-6:
            return float(round(step, 10))
        step /= 10.0
    return float(step)


def _digits(name: str) -> int:
    """Decimals of a lever's slider step (0 for whole numbers)."""
    step = slider_step(name)
    return 0 if float(step).is_integer() else max(0, -math.floor(math.log10(step) + 1e-9))


def number_text(value: float, lang: str, digits: int) -> str:
    """``value`` with at most ``digits`` decimals (trailing zeros dropped), as the reader
    writes numbers."""
    text = formatting.number(value, lang, digits)
    sep = "," if lang == "nl" else "."
    if sep in text:
        text = text.rstrip("0").rstrip(sep)
    return text


def value_text(name: str, value: Any, lang: str) -> str:
    """A lever's (or any parameter's) value in words, with its unit where it has one."""
    spec = PARAMETERS.get(name)
    if isinstance(value, bool):
        return tr("yes" if value else "no", lang)
    if isinstance(value, str):
        return choice_label(name, value, lang) if f"choice.{name}.{value}" in TEXT else value
    if isinstance(value, int | float) and spec is not None:
        digits = _digits(name) if name in LEVERS else 3
        shown = number_text(float(value), lang, digits)
        if shown == "1" and f"value1.{name}" in TEXT:
            return tr(f"value1.{name}", lang)
        return tr(f"value.{name}", lang, v=shown) if f"value.{name}" in TEXT else shown
    return str(value)


def name_text(name: str, lang: str) -> str:
    """A lever's name in words; any other parameter keeps its technical name."""
    return tr(f"param.{name}", lang) if f"param.{name}" in TEXT else name


def lever_text(name: str, value: Any, lang: str) -> str:
    """``Looptijd pilot: 24 maanden``."""
    return f"{name_text(name, lang)}: {value_text(name, value, lang)}"


def same(name: str, a: Any, b: Any) -> bool:
    """Whether two values of parameter ``name`` are the same setting (floats compared at a
    tenth of the slider step, so a slider's rounding is not a change)."""
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        tolerance = slider_step(name) / 10 if name in LEVERS else 1e-12
        return abs(float(a) - float(b)) <= tolerance
    return bool(a == b)


def changed(pending: Mapping[str, Any], applied: Mapping[str, Any]) -> list[str]:
    """The levers set for the next run that differ from the run on screen, in page order."""
    return [n for n in lever_names() if n in pending and not same(n, pending[n], applied[n])]


def differences(params: Mapping[str, Any], reference: Mapping[str, Any], base: str,
                lang: str) -> list[str]:
    """What ``params`` set differently from ``reference`` (named ``base``), one line each:
    ``Looptijd pilot: 36 maanden (baseline: 24 maanden)``; the levers first, in page order,
    then any other parameter by its technical name."""
    levers = lever_names()
    others = sorted(n for n in PARAMETERS if n not in levers)
    out = []
    for name in [*levers, *others]:
        if name in params and name in reference and not same(
                name, params[name], reference[name]):
            was = tr("was", lang, base=base, value=value_text(name, reference[name], lang))
            out.append(f"{lever_text(name, params[name], lang)} ({was})")
    return out


# ---------------------------------------------------------------------------- runs
@dataclass(frozen=True, eq=False)
class RunSettings:
    """What a run was made of: its scenario (the picker's label), every parameter it ran
    with, and the interventions pressed (timeline entries, :meth:`LiveModel.clicks`)."""

    scenario: str
    params: Mapping[str, Any]
    clicks: Sequence[Mapping[str, Any]] = field(default_factory=tuple)


def click_month(entry: Mapping[str, Any]) -> int:
    """The month a pressed button is marked at on the plots: the month on screen when it
    was pressed (its timeline entry holds from the next month)."""
    return int(entry["month"]) - 1


def _clicks(clicks: Sequence[Mapping[str, Any]]) -> list[tuple[int, str]]:
    return sorted((click_month(c), str(c.get("intervention", "")))
                  for c in clicks if "intervention" in c)


def run_difference(past: RunSettings, current: RunSettings, lang: str,
                   limit: int = MAX_PARTS) -> str:
    """What made ``past`` differ from ``current``, in a few words: another scenario, the
    levers as ``past`` had them, the interventions only one of them had (``met
    stopzetting van de financiering in maand 36``, ``zonder ...``); ``zelfde
    instellingen`` if none."""
    parts: list[str] = []
    if past.scenario != current.scenario:
        parts.append(tr("past_scenario", lang, name=past.scenario))
    for name in lever_names():
        if name in past.params and name in current.params and not same(
                name, past.params[name], current.params[name]):
            text = lever_text(name, past.params[name], lang)
            parts.append(text[:1].lower() + text[1:])
    mine, theirs = _clicks(past.clicks), _clicks(current.clicks)
    for month, kind in mine:
        if (month, kind) not in theirs:
            parts.append(tr("past_with", lang, event=tr(f"click.{kind}", lang), month=month))
    for month, kind in theirs:
        if (month, kind) not in mine:
            parts.append(tr("past_without", lang, event=tr(f"click.{kind}", lang),
                            month=month))
    if not parts:
        return tr("past_same", lang)
    if len(parts) > limit:
        parts = [*parts[: limit - 1], tr("past_more", lang, n=len(parts) - limit + 1)]
    return "; ".join(parts)


def mark_texts(entries: Sequence[Entry], lang: str) -> dict[str, str]:
    """What the model logs for each timeline entry (``renewal_rule = political``, ``budget
    cut by 30%``, and ``...: ends`` when an entry with ``until`` ends), in ``lang``'s words
    for the plots' marks. An entry with a label keeps the label (the file's own words);
    interventions are logged under fixed texts, translated as events."""
    out: dict[str, str] = {}
    for entry in entries:
        if entry.label or entry.action == "intervention":
            continue
        mapping = entry.as_mapping()
        if entry.action == "set":
            text = "; ".join(lever_text(k, v, lang) for k, v in mapping["set"].items())
        else:
            text = action_text(mapping, lang)
        out[entry.describe()] = text
        out[f"{entry.describe()}: ends"] = tr("mark_ends", lang, what=text)
    return out

"""A scenario's timeline in words, in English and Dutch, for reports and plots.

Entries are the plain mappings of a scenario file (``{"month": 25, "budget": -0.3}``,
:mod:`sim.timeline`); :func:`describe` says what one does, :func:`rows` lists them for a
report (numbered as on the plots), :func:`marks` gives the plots their numbered lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from instap import formatting as f
from instap import glossary
from instap.lang import in_lang

SINGULAR: dict[str, dict[str, str]] = {
    "foundation": {"en": "a foundation", "nl": "een stichting"},
    "regular_employer": {"en": "a regular employer", "nl": "een reguliere werkgever"},
    "social_enterprise": {"en": "a social enterprise", "nl": "een sociale onderneming"},
    "housing_corporation": {"en": "a housing corporation", "nl": "een woningcorporatie"},
    "bank": {"en": "a bank", "nl": "een bank"},
}
INTERVENTION: dict[str, dict[str, str]] = {
    "end_funding": {"en": "the municipality stops the funding",
                    "nl": "de gemeente stopt de financiering"},
    "restart_funding": {"en": "the municipality restarts the programme",
                        "nl": "de gemeente start het programma opnieuw"},
    "election": {"en": "municipal election", "nl": "gemeenteraadsverkiezingen"},
    "recession": {"en": "a recession starts", "nl": "een recessie begint"},
    "agreement": {"en": "partners sign a partnership agreement",
                  "nl": "partners tekenen een samenwerkingsovereenkomst"},
}


def _partners(kind: str, count: int, lang: str) -> str:
    if count == 1:
        return SINGULAR[kind][lang]
    return f"{count} {glossary.actor_name(kind, lang)}"


def _value(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return in_lang(lang, "yes", "ja") if value else in_lang(lang, "no", "nee")
    if isinstance(value, int | float):
        return f.number(value, lang, 0 if float(value).is_integer() else 2)
    return str(value)


def action_text(entry: Mapping[str, Any], lang: str) -> str:
    """What an entry does, in ``lang`` (without its month)."""
    if "set" in entry:
        settings = ", ".join(f"{k} = {_value(v, lang)}" for k, v in entry["set"].items())
        return in_lang(lang, f"setting {settings}", f"instelling {settings}")
    if "budget" in entry:
        share = float(entry["budget"])
        pct = f.percent(abs(share), lang)
        return (in_lang(lang, f"programme budget cut by {pct}",
                        f"programmabudget met {pct} verlaagd") if share < 0 else
                in_lang(lang, f"programme budget raised by {pct}",
                        f"programmabudget met {pct} verhoogd"))
    if "intervention" in entry:
        return INTERVENTION[str(entry["intervention"])][lang]
    for action, (en, nl) in (("partner_leaves", ("leave the coalition", "verlaten de coalitie")),
                             ("partner_joins", ("join the coalition", "sluiten zich aan"))):
        if action in entry:
            value = entry[action]
            kind, count = ((value["kind"], int(value.get("count", 1)))
                           if isinstance(value, Mapping) else (str(value), 1))
            who = _partners(kind, count, lang)
            if count == 1:  # singular verb
                en = en.replace("leave ", "leaves ").replace("join ", "joins ")
                nl = nl.replace("verlaten", "verlaat").replace("sluiten", "sluit")
            return in_lang(lang, f"{who} {en}", f"{who} {nl}")
    return str(dict(entry))


def when_text(entry: Mapping[str, Any], lang: str) -> str:
    """``from month 25`` or ``months 10 to 29``."""
    month, until = int(entry["month"]), entry.get("until")
    if until is None:
        return in_lang(lang, f"from month {month}", f"vanaf maand {month}")
    return in_lang(lang, f"months {month} to {int(until) - 1}",
                   f"maand {month} tot en met {int(until) - 1}")


def describe(entry: Mapping[str, Any], lang: str) -> str:
    """One entry in a sentence: when, what, and its label if it has one."""
    text = f"{when_text(entry, lang)}: {action_text(entry, lang)}"
    label = entry.get("label")
    return f"{text} ({label})" if label else text


def rows(entries: Sequence[Mapping[str, Any]], lang: str) -> list[list[str]]:
    """Report rows: the number on the plots, when, what (with its label)."""
    out = []
    for i, e in enumerate(_ordered(entries), start=1):
        what = action_text(e, lang) + (f" ({e['label']})" if e.get("label") else "")
        out.append([str(i), when_text(e, lang), what])
    return out


def marks(entries: Sequence[Mapping[str, Any]]) -> list[tuple[int, str]]:
    """Where the plots mark the entries: (month, numbers as in :func:`rows`), one mark a
    month (``1,2`` for two entries of the same month)."""
    by_month: dict[int, list[str]] = {}
    for i, e in enumerate(_ordered(entries), start=1):
        by_month.setdefault(int(e["month"]), []).append(str(i))
    return [(month, ",".join(numbers)) for month, numbers in by_month.items()]


def _ordered(entries: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Entries by month (the order of the file within a month)."""
    return sorted(entries, key=lambda e: int(e["month"]))
